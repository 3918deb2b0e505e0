"""The prompts: versioned defaults for each task, replaceable inline or by file.

A prompt is a system message and a user message template. Templates use these placeholders,
replaced literally (other braces, as in JSON examples, are left alone):

- ``{text}``: the document, or the chunk of it (required in every user template);
- ``{labels}``: the entity labels, one per line with their description (entities);
- ``{schema}``: the JSON Schema the answer must follow (all tasks);
- ``{quotes}``: the numbered quotes found in the text (speakers; required there).

The defaults are versioned (``entities/v2``): a change of wording is a new version, never an
edit in place, so results stay comparable. (``entities/v2`` and ``quotes/v2`` replace v1, whose
examples named people from the seed articles: the prompts must not be tuned to the goldset they
are scored on.) The resolved text of every prompt is part of the
extractor's options, hence of the prediction cache key, of the response cache key (it is sent)
and of ``results.json``.

Replacing a prompt in a config::

    prompts:
      entities: "Find ... {labels} ... {schema} ... {text}"     # inline user template
      quotes: {system: "...", user: "... {schema} ... {text}"}  # inline, both messages
      speakers: {file: prompts/speakers.yaml}                   # YAML {system, user} or a
                                                                # plain-text user template
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.model import ONTONOTES_LABELS

#: Tasks with a prompt. ``speakers`` is the optional second pass (option ``speaker_pass``).
PROMPT_TASKS = ("entities", "quotes", "speakers")

SYSTEM = (
    "You are an information extraction system for news articles. You copy strings exactly as "
    "they are written in the article. You answer with one JSON object and nothing else."
)

#: Descriptions of the OntoNotes 5.0 entity types, as given to the model.
ONTONOTES_DESCRIPTIONS: dict[str, str] = {
    "PERSON": "people, including fictional ones (the name only, without titles)",
    "NORP": "nationalities, religious or political groups (American, Muslim, Republican)",
    "FAC": "buildings, airports, highways, bridges, military bases",
    "ORG": "companies, agencies, institutions, governments acting as organisations, militant "
    "groups, news outlets",
    "GPE": "countries, cities, states, also when they act ('Turkey said')",
    "LOC": "non-GPE locations: mountain ranges, bodies of water, regions",
    "PRODUCT": "objects, vehicles, aircraft and weapon models, foods (not services)",
    "EVENT": "named hurricanes, battles, wars, sports events",
    "WORK_OF_ART": "titles of books, songs, films, reports",
    "LAW": "named documents made into laws",
    "LANGUAGE": "any named language",
    "DATE": "dates and periods of a day or longer ('Friday', 'late September')",
    "TIME": "times and durations shorter than a day ('Wednesday evening', 'five minutes')",
    "PERCENT": "percentages, with the sign or word ('3%', 'ten percent')",
    "MONEY": "monetary values with their unit ('$5 million')",
    "QUANTITY": "measurements of weight, distance, etc. ('20 km')",
    "ORDINAL": "'first', 'second', ...",
    "CARDINAL": "numerals that are not of another type",
}
assert tuple(ONTONOTES_DESCRIPTIONS) == ONTONOTES_LABELS

ENTITIES_V2 = """\
Find every named-entity mention in the article below. Use only these labels:
{labels}

Rules:
- List every mention each time it occurs, in the order in which it appears in the article.
- Copy each mention exactly as it is written in the article: same spelling, case and
  punctuation. Never paraphrase, translate, correct or complete it.
- Minimal spans: no leading "the" unless it is part of the name, no possessive 's, titles and
  honorifics outside a PERSON ("President [Ana Ribeiro]", "Ms [Ribeiro]").
- Annotate the outermost name only, never a name inside another name.

Answer with a JSON object that follows this JSON Schema:
{schema}

Article:
<<<
{text}
>>>"""

QUOTES_V2 = """\
Find every quote in the article below: speech or writing that the article attributes to a
source (a person, an organisation, a country).

For each quote give:
- "text": the content of the quote, copied exactly from the article. For a direct quote, the
  words inside the quotation marks, without the marks. For reported speech, the reported
  clause, without a leading "that".
- "type": "direct" (entirely inside quotation marks), "indirect" (reported speech without
  quotation marks) or "mixed" (reported speech that contains a quoted fragment).
- "cue": the speech verb or phrase that introduces the quote ("said", "told reporters",
  "according to"), copied exactly from the article, or null.
- "speaker_mention": the words next to the cue that name the source ("Ribeiro", "he",
  "the ministry"), copied exactly from the article, or null.
- "speaker": the full name of the source as the article gives it (resolve "he" or
  "the minister" to the name given elsewhere), or null when the article does not say.

Rules:
- A direct quote interrupted by its attribution ("A," she said, "B.") is two quotes.
- A quote that runs over several paragraphs is one quote per paragraph.
- A headline of the form "Name: words" is a direct quote with the cue ":".
- Scare quotes and titles that nobody is said to have spoken are not quotes.
- List the quotes in the order in which they appear in the article.

Answer with a JSON object that follows this JSON Schema:
{schema}

Article:
<<<
{text}
>>>"""

SPEAKERS_V1 = """\
Below are an article and the quotes found in it, numbered. For each quote, say who said it:
- "quote": the number of the quote.
- "speaker": the full name of the source as the article gives it (resolve pronouns and
  descriptions such as "he" or "the minister" to the name given elsewhere in the article), or
  null when the article does not say who it is.
- "speaker_mention": the words next to the quote's cue that name the source, copied exactly
  from the article, or null.

Answer with a JSON object that follows this JSON Schema:
{schema}

Quotes:
{quotes}

Article:
<<<
{text}
>>>"""


@dataclass(frozen=True)
class Prompt:
    """One task's prompt: where it comes from (``id``), its two messages and their hash."""

    id: str
    system: str
    user: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.system}\0{self.user}".encode()).hexdigest()

    def provenance(self) -> dict[str, str]:
        return {"id": self.id, "sha256": self.sha256, "system": self.system, "user": self.user}

    def render(self, **values: str) -> list[dict[str, str]]:
        """The chat messages with the placeholders replaced."""
        user = self.user
        for name, value in values.items():
            user = user.replace("{" + name + "}", value)
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


DEFAULTS: dict[str, Prompt] = {
    "entities": Prompt("entities/v2", SYSTEM, ENTITIES_V2),
    "quotes": Prompt("quotes/v2", SYSTEM, QUOTES_V2),
    "speakers": Prompt("speakers/v1", SYSTEM, SPEAKERS_V1),
}

_REQUIRED = {"entities": ("{text}",), "quotes": ("{text}",), "speakers": ("{text}", "{quotes}")}


def _from_file(task: str, path: str) -> Prompt:
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"prompts.{task}: cannot read prompt file {path!r} ({exc})") from exc
    if p.suffix in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ValueError(f"prompts.{task}: {path}: not valid YAML ({exc})") from exc
        if not isinstance(data, Mapping) or not isinstance(data.get("user"), str):
            raise ValueError(f"prompts.{task}: {path}: expected a mapping with a 'user' text")
        return Prompt(f"file:{path}", str(data.get("system") or SYSTEM), data["user"])
    return Prompt(f"file:{path}", SYSTEM, raw)


def _one(task: str, spec: Any) -> Prompt:
    if isinstance(spec, str):
        return Prompt("inline", SYSTEM, spec)
    if isinstance(spec, Mapping):
        unknown = sorted(set(spec) - {"file", "system", "user"})
        if unknown:
            raise ValueError(f"prompts.{task}: unknown keys {unknown} (use file, or system/user)")
        if "file" in spec:
            if set(spec) != {"file"}:
                raise ValueError(f"prompts.{task}: give either 'file' or 'system'/'user'")
            return _from_file(task, str(spec["file"]))
        if isinstance(spec.get("user"), str):
            return Prompt("inline", str(spec.get("system") or SYSTEM), spec["user"])
    raise ValueError(
        f"prompts.{task}: expected a text, {{file: PATH}} or {{system: ..., user: ...}}, "
        f"got {spec!r}"
    )


def resolve_prompts(specs: Mapping[str, Any]) -> dict[str, Prompt]:
    """The prompt of every task: the configured one where given, else the default."""
    unknown = sorted(set(specs) - set(PROMPT_TASKS))
    if unknown:
        raise ValueError(f"prompts: unknown tasks {unknown} (known: {', '.join(PROMPT_TASKS)})")
    out = dict(DEFAULTS)
    for task, spec in specs.items():
        prompt = _one(task, spec)
        missing = [p for p in _REQUIRED[task] if p not in prompt.user]
        if missing:
            raise ValueError(f"prompts.{task}: the user template lacks {', '.join(missing)}")
        out[task] = prompt
    return out


def label_lines(labels: tuple[str, ...], descriptions: Mapping[str, str]) -> str:
    """``- LABEL: description`` for each label (the ``{labels}`` placeholder)."""
    known = {**ONTONOTES_DESCRIPTIONS, **descriptions}
    return "\n".join(f"- {x}: {known[x]}" if known.get(x) else f"- {x}" for x in labels)
