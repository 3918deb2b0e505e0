"""The pure half of quote attribution: tags, links, speaker names, quote types, data windows."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from harness_transformers.attribution.assemble import (
    quotes_from_probs,
    quotes_from_spans,
    quotes_from_tags,
)
from harness_transformers.attribution.data import IGNORE_INDEX, EncodedDoc, training_windows
from harness_transformers.attribution.linking import link
from harness_transformers.attribution.speakers import resolve_speaker
from harness_transformers.attribution.tags import (
    ATTRIBUTION_TAGS,
    RoleSpan,
    decode_role_spans,
    merge_contents,
    quote_role_spans,
    word_tags,
)
from harness_transformers.words import split_words

from harness.model import Entity, Quote, Span


def find(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(re.escape(sub), text)]
    return starts[nth], starts[nth] + len(sub)


def role(text: str, kind: str, sub: str, nth: int = 0) -> RoleSpan:
    return RoleSpan(kind, *find(text, sub, nth))  # type: ignore[arg-type]


def described(text: str, links: list) -> list[tuple[str, str | None, str | None]]:
    def words(span: RoleSpan | None) -> str | None:
        return None if span is None else text[span.start : span.end]

    return [(words(k.content), words(k.cue), words(k.source)) for k in links]


# ---- tags ---------------------------------------------------------------------------------------


def test_tag_set_is_iob2_over_four_roles() -> None:
    assert ATTRIBUTION_TAGS[0] == "O"
    assert set(ATTRIBUTION_TAGS[1:]) == {
        f"{p}-{r}" for p in "BI" for r in ("SOURCE", "CUE", "NSCUE", "CONTENT")
    }


def test_quotes_become_one_tag_sequence_and_back() -> None:
    text = "Traders said they expected no change. It was reported that rates would rise."
    q1 = Quote(*find(text, "they expected no change"), "indirect", "traders",
               Span(*find(text, "Traders")), Span(*find(text, "said")))  # fmt: skip
    q2 = Quote(*find(text, "rates would rise"), "indirect", None, None,
               Span(*find(text, "was reported")))  # fmt: skip
    spans = quote_role_spans([q1, q2])
    assert {(s.role, text[s.start : s.end]) for s in spans} == {
        ("CONTENT", "they expected no change"),
        ("CONTENT", "rates would rise"),
        ("SOURCE", "Traders"),
        ("CUE", "said"),
        ("NSCUE", "was reported"),  # the cue of a quote without a source
    }
    words = split_words(text)
    tags, conflicts = word_tags(words, spans)
    assert conflicts == 0
    assert [t for t, (s, e) in zip(tags, words, strict=True) if text[s:e] == "that"] == ["O"]
    decoded = decode_role_spans(text, words, [None if t == "O" else t for t in tags])
    assert sorted(decoded, key=lambda s: s.start) == sorted(spans, key=lambda s: s.start)


def test_adjacent_spans_of_one_role_stay_apart_and_conflicts_are_counted() -> None:
    text = "one two three"
    words = split_words(text)
    spans = [RoleSpan("CONTENT", 0, 3), RoleSpan("CONTENT", 4, 13), RoleSpan("SOURCE", 4, 7)]
    tags, conflicts = word_tags(words, spans)
    assert tags == ["B-CONTENT", "B-CONTENT", "I-CONTENT"]
    assert conflicts == 1  # the source overlaps a content word
    assert len(decode_role_spans(text, words, tags)) == 2


def test_m1_contents_broken_at_a_comma_are_joined_but_not_across_a_sentence_end() -> None:
    text = "We will win, and we will govern. “They lose.” “Again.”"
    spans = [
        role(text, "CONTENT", "We will win"), role(text, "CONTENT", "and we will govern"),
        role(text, "CONTENT", "They lose."), role(text, "CONTENT", "Again."),
    ]  # fmt: skip
    merged = merge_contents(text, spans)
    assert [text[s.start : s.end] for s in merged] == [
        "We will win, and we will govern",
        "They lose.",
        "Again.",
    ]


def test_m2_unsure_contents_are_dropped_and_scores_come_from_the_probabilities() -> None:
    text = "Smith said taxes rose and rents fell."
    words = split_words(text)
    probs = np.zeros((len(words), len(ATTRIBUTION_TAGS)), dtype=np.float32)
    tag_of = ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "O", "B-CONTENT", "I-CONTENT", "O"]
    sure = [0.9, 0.9, 0.9, 0.9, 0.9, 0.55, 0.55, 0.9]
    for w, (tag, p) in enumerate(zip(tag_of, sure, strict=True)):
        probs[w, ATTRIBUTION_TAGS.index(tag)] = p
        probs[w, 0] += 1 - p
    spans = decode_role_spans(text, words, tag_of, probs)
    assert [round(s.score, 2) for s in spans if s.role == "CONTENT"] == [0.9, 0.55]
    for threshold, expected in ((0.0, ["taxes rose", "rents fell"]), (0.7, ["taxes rose"])):
        quotes = quotes_from_probs(text, words, probs, None, threshold)
        assert [q.text for q in quotes] == expected
        assert all(q.speaker == "Smith" for q in quotes)


# ---- linking ------------------------------------------------------------------------------------


def test_l1_l2_cue_before_and_after_the_content() -> None:
    text = "Trump said the wall will be built. Taxes will fall, Clinton said."
    spans = [
        role(text, "SOURCE", "Trump"), role(text, "CUE", "said"),
        role(text, "CONTENT", "the wall will be built"), role(text, "CONTENT", "Taxes will fall"),
        role(text, "SOURCE", "Clinton"), role(text, "CUE", "said", 1),
    ]  # fmt: skip
    assert described(text, link(text, spans)) == [
        ("the wall will be built", "said", "Trump"),
        ("Taxes will fall", "said", "Clinton"),
    ]


def test_l1_each_quote_of_two_speakers_takes_its_own_cue() -> None:
    text = "“We will win,” he said. “They will lose,” she added."
    spans = [
        role(text, "CONTENT", "We will win,"), role(text, "SOURCE", "he"),
        role(text, "CUE", "said"), role(text, "CONTENT", "They will lose,"),
        role(text, "SOURCE", "she"), role(text, "CUE", "added"),
    ]  # fmt: skip
    assert described(text, link(text, spans)) == [
        ("We will win,", "said", "he"),
        ("They will lose,", "added", "she"),
    ]


def test_l2_a_cue_in_between_takes_the_source_and_a_shared_subject_serves_two_cues() -> None:
    text = "Smith said taxes rose, and Jones added that rents fell."
    spans = [
        role(text, "SOURCE", "Smith"), role(text, "CUE", "said"),
        role(text, "CONTENT", "taxes rose"), role(text, "SOURCE", "Jones"),
        role(text, "CUE", "added"), role(text, "CONTENT", "rents fell"),
    ]  # fmt: skip
    assert [x[2] for x in described(text, link(text, spans))] == ["Smith", "Jones"]
    text = "Smith said taxes rose and added that rents fell."
    spans = [
        role(text, "SOURCE", "Smith"), role(text, "CUE", "said"),
        role(text, "CONTENT", "taxes rose"), role(text, "CUE", "added"),
        role(text, "CONTENT", "rents fell"),
    ]  # fmt: skip
    assert [x[2] for x in described(text, link(text, spans))] == ["Smith", "Smith"]


def test_l3_a_cue_without_source_and_a_source_in_another_paragraph() -> None:
    text = "Smith spoke.\n\nIt was reported that rents fell."
    spans = [
        role(text, "SOURCE", "Smith"), role(text, "NSCUE", "was reported"),
        role(text, "CONTENT", "rents fell"),
    ]  # fmt: skip
    assert described(text, link(text, spans)) == [("rents fell", "was reported", None)]
    spans[1] = role(text, "CUE", "was reported")
    assert described(text, link(text, spans)) == [("rents fell", "was reported", None)]


def test_a_content_without_any_cue() -> None:
    text = "Rents fell."
    assert described(text, link(text, [role(text, "CONTENT", "Rents fell")])) == [
        ("Rents fell", None, None)
    ]


# ---- speakers -----------------------------------------------------------------------------------


def persons(text: str, *names: tuple[str, int]) -> list[Entity]:
    return [Entity(*find(text, n, k), "PER", n) for n, k in names]


def test_s1_name_inside_the_source() -> None:
    text = "Republican nominee Donald Trump said so."
    found = persons(text, ("Donald Trump", 0))
    assert resolve_speaker(text, *find(text, "Republican nominee Donald Trump"), found) == (
        "Donald Trump"
    )


def test_s2_pronouns_take_the_nearest_person_before_outside_quotes() -> None:
    text = "Michael Bloomberg, who is rich, said so. Trump said Clinton lied. He added more."
    found = persons(text, ("Michael Bloomberg", 0), ("Trump", 0), ("Clinton", 0))
    assert resolve_speaker(text, *find(text, "who"), found) == "Michael Bloomberg"
    contents = [find(text, "Clinton lied")]
    assert resolve_speaker(text, *find(text, "He"), found, contents) == "Trump"
    assert resolve_speaker(text, *find(text, "He"), found) == "Clinton"  # without the contents


def test_s3_person_descriptions_but_not_other_descriptions() -> None:
    text = "Ted Cruz spoke. The Texas senator said so. The campaign said so. A source said so."
    found = persons(text, ("Ted Cruz", 0))
    assert resolve_speaker(text, *find(text, "The Texas senator"), found) == "Ted Cruz"
    assert resolve_speaker(text, *find(text, "The campaign"), found) == "The campaign"
    assert resolve_speaker(text, *find(text, "A source"), found) == "A source"
    assert resolve_speaker(text, *find(text, "A source"), []) == "A source"


def test_a_pronoun_with_no_person_before_keeps_its_words() -> None:
    text = "He said so. They said so."
    assert resolve_speaker(text, 0, 2, []) == "He"
    assert resolve_speaker(text, *find(text, "They"), persons(text, ("He", 0))) == "They"


# ---- assembled quotes ---------------------------------------------------------------------------


def test_quotes_from_tags_types_links_and_names() -> None:
    text = (
        "Jane Doe spoke. “We will win,” she said. She added that it was “theoretically possible”."
    )
    words = split_words(text)
    spans = [
        role(text, "CONTENT", "We will win,"), role(text, "SOURCE", "she"),
        role(text, "CUE", "said"), role(text, "SOURCE", "She"), role(text, "CUE", "added"),
        role(text, "CONTENT", "it was “theoretically possible”"),
    ]  # fmt: skip
    tags, _ = word_tags(words, spans)
    quotes = quotes_from_tags(text, words, [None if t == "O" else t for t in tags],
                              persons(text, ("Jane Doe", 0)))  # fmt: skip
    assert [(q.text, q.type, q.speaker) for q in quotes] == [
        ("We will win,", "direct", "Jane Doe"),
        ("it was “theoretically possible”", "mixed", "Jane Doe"),
    ]
    assert quotes[0].speaker_span is not None and quotes[0].speaker_span.text == "she"
    assert quotes[1].cue is not None and quotes[1].cue.text == "added"
    plain = quotes_from_spans(text, spans)  # no entity model: the source's own words
    assert [q.speaker for q in plain] == ["she", "She"]


def test_a_quote_without_source_has_no_speaker() -> None:
    text = "It was reported that rents fell."
    spans = [role(text, "NSCUE", "was reported"), role(text, "CONTENT", "rents fell")]
    (quote,) = quotes_from_spans(text, spans, [])
    assert quote.speaker is None and quote.speaker_span is None
    assert quote.type == "indirect"


# ---- training windows ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_training_windows_hold_every_token_once(seed: int | None) -> None:
    ids = list(range(100, 1100))
    labels = [IGNORE_INDEX if i % 3 else i % 9 for i in range(1000)]
    docs = [EncodedDoc("a", ids, labels, 0), EncodedDoc("b", ids[:40], labels[:40], 0)]
    rng = None if seed is None else random.Random(seed)
    windows = training_windows(docs, 128, rng)
    assert all(len(w[0]) <= 128 and len(w[0]) == len(w[1]) for w in windows)
    assert sorted(t for w in windows for t in w[0]) == sorted(ids + ids[:40])
    if seed is None:
        assert windows[0][0] == ids[:128]
