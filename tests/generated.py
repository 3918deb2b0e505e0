"""Generated goldsets and runs for the report's browser tests and benchmarks.

:func:`write_goldset` writes a native goldset of ``n`` invented news articles (about 3 KB each:
entities of five labels, direct and indirect quotes with their speakers, speaker mentions and
cues, a speaker registry with a ``gender`` attribute, document metadata ``outlet``, ``section``
and ``date``). :func:`write_predictions` writes, for an extractor *profile*, a JSONL file of
predictions made by perturbing the gold the way real extractors err (missed and spurious items,
shifted boundaries, other labels and quote types, wrong speakers), for the ``replay`` extractor.
:func:`generated_run` runs several of them and returns the run folder.

Every name and sentence is invented from the word lists below; nothing comes from real articles.
Streaming: documents are written one at a time, so 10,000 of them need no more memory than one.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIRST = {
    "female": ["Ana", "Maria", "Lena", "Joy", "Ines", "Karin", "Olga", "Rosa", "Tess", "Uma"],
    "male": ["Bo", "Carl", "Dev", "Emil", "Finn", "Goran", "Hugo", "Ivo", "Jonas", "Luka"],
}
LAST = ["Berg", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Holm", "Ito", "Jensen", "Kovac",
        "Lind", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Silva", "Tanaka"]  # fmt: skip
ORGS = ["Northwind Bank", "the Harbor Council", "Valemont Energy", "the Civic Union",
        "Redfield Motors", "the Farmers League", "Lumen Health", "the Port Authority"]  # fmt: skip
PLACES = ["Arlen", "Brisa", "Caldera", "Dunmore", "Eastvale", "Fenwick", "Glenora", "Halden"]
OUTLETS = ["daily-courier", "morning-post", "the-ledger", "city-wire", "evening-star",
           "harbor-news", "valley-times"]  # fmt: skip
SECTIONS = ["politics", "business", "world"]
CUES = ["said", "told reporters", "added", "warned", "argued", "insisted", "noted", "claimed"]
CLAIMS = [
    "the budget would be balanced by next spring",
    "the new rail line was a waste of public money",
    "talks with the union had broken down again",
    "the plant would hire two hundred workers",
    "nobody had been told about the change in time",
    "prices at the market had doubled since the summer",
    "the council had ignored the advice of its own engineers",
    "the company expected record sales this year",
]
FILLER = [
    "The meeting lasted well into the evening.",
    "Officials did not respond to requests for comment.",
    "The figures were published on the agency's website.",
    "Several residents attended the hearing in person.",
    "Shares fell sharply in early trading.",
    "The decision is expected to be challenged in court.",
]


@dataclass
class _Doc:
    """A document being written: text pieces and annotations with offsets."""

    parts: list[str]
    pos: int
    entities: list[dict[str, Any]]
    quotes: list[dict[str, Any]]

    def add(self, text: str, label: str | None = None) -> tuple[int, int]:
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        if label:
            self.entities.append({"start": start, "end": self.pos, "label": label, "text": text})
        return start, self.pos

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _people(rnd: random.Random, n: int) -> list[dict[str, Any]]:
    out, seen = [], set()
    while len(out) < n:
        gender = rnd.choice(["female", "male"])
        first, last = rnd.choice(FIRST[gender]), rnd.choice(LAST)
        if (first, last) in seen:
            continue
        seen.add((first, last))
        out.append({"id": f"{first}-{last}".lower(), "name": f"{first} {last}",
                    "type": "PERSON", "gender": gender, "aliases": [f"{first} {last}", last]})  # fmt: skip
    return out


def _span(start: int, end: int, text: str) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text}


def _direct_quote(d: _Doc, rnd: random.Random, person: dict[str, Any]) -> None:
    d.add("\u201c")
    claim = rnd.choice(CLAIMS)
    qs, qe = d.add(claim[0].upper() + claim[1:] + ",")
    d.add("\u201d ")
    ms, me = d.add(person["aliases"][1], "PERSON")
    d.add(" ")
    cue = rnd.choice(CUES)
    cs, ce = d.add(cue)
    d.add(". ")
    quoted = d.text[qs:qe]
    d.quotes.append({"start": qs, "end": qe, "text": quoted, "type": "direct",
                     "speaker": person["id"], "speaker_span": _span(ms, me, d.text[ms:me]),
                     "cue": _span(cs, ce, cue)})  # fmt: skip


def _indirect_quote(d: _Doc, rnd: random.Random, person: dict[str, Any]) -> None:
    ms, me = d.add(person["name"], "PERSON")
    d.add(", who spoke in ")
    d.add(rnd.choice(PLACES), "GPE")
    d.add(", ")
    cue = rnd.choice(["said", "warned", "argued", "claimed"])
    cs, ce = d.add(cue)
    d.add(" that ")
    claim = rnd.choice(CLAIMS)
    qs, qe = d.add(claim)
    d.add(". ")
    d.quotes.append({"start": qs, "end": qe, "text": claim, "type": "indirect",
                     "speaker": person["id"], "speaker_span": _span(ms, me, d.text[ms:me]),
                     "cue": _span(cs, ce, cue)})  # fmt: skip


def _fact(d: _Doc, rnd: random.Random) -> None:
    d.add(rnd.choice(["Officials from ", "A spokesperson for ", "Analysts at "]))
    d.add(rnd.choice(ORGS).replace("the ", ""), "ORG")
    d.add(" met in ")
    d.add(rnd.choice(PLACES), "GPE")
    d.add(" on ")
    d.add(rnd.choice(["Monday", "Tuesday", "Friday", "March 3", "last week"]), "DATE")
    d.add(" to discuss ")
    d.add(str(rnd.randint(2, 900)), "CARDINAL")
    d.add(" proposals. ")


def _document(rnd: random.Random, i: int) -> tuple[dict[str, Any], str]:
    people = _people(rnd, rnd.randint(2, 4))
    d = _Doc([], 0, [], [])
    n_paragraphs = rnd.randint(8, 10)
    for paragraph in range(n_paragraphs):
        for _ in range(rnd.randint(3, 4)):
            kind = rnd.random()
            person = rnd.choice(people)
            if kind < 0.3:
                _direct_quote(d, rnd, person)
            elif kind < 0.5:
                _indirect_quote(d, rnd, person)
            elif kind < 0.8:
                _fact(d, rnd)
            else:
                d.add(rnd.choice(FILLER) + " ")
        if paragraph < n_paragraphs - 1:
            d.add("\n\n")
    text = d.text
    speakers = {p["id"]: {k: v for k, v in p.items() if k != "id"} for p in people}
    meta = {
        "outlet": OUTLETS[i % len(OUTLETS)] if rnd.random() > 0.2 else rnd.choice(OUTLETS),
        "section": rnd.choice(SECTIONS),
        "date": f"2016-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
    }
    rec = {"id": f"doc{i:05d}", "metadata": meta, "entities": d.entities,
           "speakers": speakers, "quotes": d.quotes}  # fmt: skip
    return rec, text


MANIFEST = """name: {name}
version: "1"
description: invented news-like articles generated for the report's tests and benchmarks
label_scheme: ontonotes
labels: [PERSON, ORG, GPE, DATE, CARDINAL]
metadata:
  outlet: {{description: publisher of the article, required: true}}
  section: {{description: desk of the newspaper}}
  date: {{description: publication date (ISO 8601)}}
speaker_attributes:
  gender: {{description: gender of the speaker as reported, values: [female, male]}}
"""


def write_goldset(root: Path, n: int, seed: int = 0, name: str = "generated") -> Path:
    """A native goldset of ``n`` generated articles in ``root`` (texts in ``root/texts``)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "texts").mkdir(exist_ok=True)
    (root / "goldset.yaml").write_text(MANIFEST.format(name=name), encoding="utf-8")
    rnd = random.Random(seed)
    for i in range(n):
        rec, text = _document(rnd, i)
        raw = text.encode("utf-8")
        (root / "texts" / f"{rec['id']}.txt").write_bytes(raw)
        rec = {"id": rec["id"], "text_path": f"texts/{rec['id']}.txt",
               "text_sha256": hashlib.sha256(raw).hexdigest(), **{k: v for k, v in rec.items() if k != "id"}}  # fmt: skip
        (root / f"{rec['id']}.json").write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    return root


# -- predictions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How an invented extractor errs: probabilities per gold item."""

    miss_entity: float = 0.1
    shift_entity: float = 0.05
    relabel_entity: float = 0.05
    spurious_entity: float = 0.05
    miss_direct: float = 0.05
    miss_indirect: float = 0.3
    shift_quote: float = 0.1
    retype_quote: float = 0.05
    wrong_speaker: float = 0.1
    spurious_quote: float = 0.05


PROFILES = {
    "regex": Profile(miss_indirect=0.6, relabel_entity=0.12, wrong_speaker=0.05),
    "spacy": Profile(shift_entity=0.12, miss_direct=0.15, miss_indirect=0.15, shift_quote=0.2),
    "llm": Profile(miss_entity=0.05, wrong_speaker=0.25, spurious_quote=0.15),
}
LABELS = ["PERSON", "ORG", "GPE", "DATE", "CARDINAL"]


def _entities(rec: dict[str, Any], text: str, p: Profile, rnd: random.Random) -> list[Any]:
    out = []
    for e in rec["entities"]:
        if rnd.random() < p.miss_entity:
            continue
        s, t, label = e["start"], e["end"], e["label"]
        if rnd.random() < p.shift_entity and t - s > 2:
            t -= 1
        if rnd.random() < p.relabel_entity:
            label = rnd.choice([x for x in LABELS if x != label])
        out.append({"start": s, "end": t, "label": label, "text": text[s:t]})
    words = [(i, i + 5) for i in range(0, max(1, len(text) - 6), 97)]
    for s, t in words:
        if rnd.random() < p.spurious_entity and not any(
            e["start"] < t and s < e["end"] for e in out
        ):
            out.append({"start": s, "end": t, "label": rnd.choice(LABELS), "text": text[s:t]})
    return out


def _quote(
    q: dict[str, Any], rec: dict[str, Any], text: str, p: Profile, rnd: random.Random
) -> Any:
    s, t = q["start"], q["end"]
    if rnd.random() < p.shift_quote:
        s = min(t - 1, s + rnd.randint(1, 6))
    qtype = q["type"]
    if rnd.random() < p.retype_quote:
        qtype = "mixed"
    speaker = rec["speakers"][q["speaker"]]["name"]
    mention = q["speaker_span"]
    if rnd.random() < p.wrong_speaker:
        others = [v["name"] for k, v in rec["speakers"].items() if k != q["speaker"]]
        speaker, mention = (rnd.choice(others) if others else "someone"), None
    return {"start": s, "end": t, "text": text[s:t], "type": qtype, "speaker": speaker,
            "speaker_span": mention, "cue": q["cue"]}  # fmt: skip


def _quotes(rec: dict[str, Any], text: str, p: Profile, rnd: random.Random) -> list[Any]:
    out = []
    for q in rec["quotes"]:
        miss = p.miss_direct if q["type"] == "direct" else p.miss_indirect
        if rnd.random() >= miss:
            out.append(_quote(q, rec, text, p, rnd))
    for para in range(text.count("\n\n")):
        if rnd.random() < p.spurious_quote:
            s = text.index("\n\n") + 2 if para else 0
            t = min(len(text), s + 40)
            out.append({"start": s, "end": t, "text": text[s:t], "type": "indirect",
                        "speaker": None, "speaker_span": None, "cue": None})  # fmt: skip
    return out


def _records(gold: Path) -> Iterator[tuple[dict[str, Any], str]]:
    for f in sorted(gold.glob("*.json")):
        rec = json.loads(f.read_text(encoding="utf-8"))
        yield rec, (gold / rec["text_path"]).read_text(encoding="utf-8")


def write_predictions(gold: Path, dest: Path, profile: str | Profile, seed: int = 1) -> Path:
    """Predictions of an invented extractor (``profile``: a name of :data:`PROFILES` or a
    :class:`Profile`) for every document of the generated goldset ``gold``, as JSONL."""
    p = PROFILES[profile] if isinstance(profile, str) else profile
    rnd = random.Random(seed)
    with dest.open("w", encoding="utf-8") as f:
        for rec, text in _records(gold):
            pred = {"doc_id": rec["id"], "entities": _entities(rec, text, p, rnd),
                    "quotes": _quotes(rec, text, p, rnd)}  # fmt: skip
            f.write(json.dumps(pred, ensure_ascii=False) + "\n")
    return dest


def write_config(
    tmp: Path, gold: Path, extractors: dict[str, Path], *, name: str = "run",
    samples: int = 200, slices: Sequence[str] = (), tasks: Sequence[str] = (),
) -> Path:  # fmt: skip
    """A config running one ``replay`` extractor per ``label: predictions file``."""
    lines = "".join(
        f"  - {{name: replay, label: {label}, options: {{path: '{path}'}}}}\n"
        for label, path in extractors.items()
    )
    extra = f"slices: {json.dumps(list(slices))}\n" if slices else ""
    extra += f"tasks: {json.dumps(list(tasks))}\n" if tasks else ""
    cfg = tmp / f"{name}.yaml"
    cfg.write_text(
        f"goldset: {gold}\noutput: {tmp / name}\ncache: null\nbootstrap: {{samples: {samples}}}\n"
        f"{extra}extractors:\n{lines}",
        encoding="utf-8",
    )
    return cfg


def generated_run(
    tmp: Path, n: int, profiles: Sequence[str] = ("regex", "spacy", "llm"), *, seed: int = 0,
    samples: int = 200, slices: Sequence[str] = (), tasks: Sequence[str] = (),
) -> Path:  # fmt: skip
    """Generate a goldset of ``n`` documents, predictions of each profile, run them; return the
    run folder (``tmp/run``)."""
    from harness import runner
    from harness.config import load_config
    from harness.results import write_run

    gold = write_goldset(tmp / "gold", n, seed)
    preds = {
        name: write_predictions(gold, tmp / f"{name}.jsonl", name, seed + i + 1)
        for i, name in enumerate(profiles)
    }
    cfg = write_config(tmp, gold, preds, samples=samples, slices=slices, tasks=tasks)
    result = runner.run(load_config(cfg))
    write_run(result, tmp / "run")
    return tmp / "run"
