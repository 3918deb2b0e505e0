"""The ``regex`` extractor: entities, quotes and speakers from regular expressions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.extractors import Extractor
from harness.model import ONTONOTES_LABELS, Prediction, Task, TextDoc

from . import __version__
from .entities import find_entities
from .quotes import QuoteSettings, find_quotes

#: Entity labels this extractor can produce.
REGEX_LABELS: tuple[str, ...] = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "DATE", "TIME", "PERCENT", "MONEY",
    "QUANTITY", "ORDINAL", "CARDINAL",
)  # fmt: skip


@dataclass(frozen=True)
class RegexOptions:
    """Options of the ``regex`` extractor, validated from the config."""

    #: Entity labels to emit (a subset of the OntoNotes labels the extractor knows).
    labels: tuple[str, ...] = REGEX_LABELS
    #: Minimum number of words of a quote without attribution, and of a reported clause.
    min_quote_words: int = 3
    #: Look for indirect (reported) and mixed quotes, not only quoted speech.
    indirect_quotes: bool = True
    #: Read a line "Name: words" as a direct quote with the cue ":".
    headline_quotes: bool = True
    #: Resolve pronouns and descriptions ("he", "the minister") to a person named earlier.
    resolve_references: bool = True
    #: Take two or three capitalised words with no other clue for a person's name.
    guess_persons: bool = True
    #: Native (OntoNotes) label -> goldset label, e.g. ``{PERSON: PER, GPE: LOC, DATE: null}``
    #: to score on a CoNLL goldset; ``null`` drops a label. Applied by the runner (the
    #: extractor's ``label_map``), which counts what it drops.
    label_map: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.labels) - set(ONTONOTES_LABELS))
        if unknown:
            raise ValueError(f"labels {unknown} are not OntoNotes labels")
        unknown = sorted(set(self.label_map) - set(ONTONOTES_LABELS))
        if unknown:
            raise ValueError(f"label_map keys {unknown} are not OntoNotes labels")
        if self.min_quote_words < 1:
            raise ValueError(f"min_quote_words must be at least 1, got {self.min_quote_words}")


class RegexExtractor(Extractor):
    """Regular expressions and small generic word lists; no model, thousands of docs a second."""

    name = "regex"
    version = __version__
    tasks = frozenset({"entities", "quotes", "speakers"})
    label_scheme = "ontonotes"
    labels = REGEX_LABELS
    Options = RegexOptions

    def __init__(self, options: Any = None, tasks: frozenset[Task] | None = None) -> None:
        super().__init__(options, tasks)
        #: The ``label_map`` option, handed to the runner's label maps.
        self.label_map: Mapping[str, str | None] = dict(self.options.label_map)

    def extract(self, docs: Sequence[TextDoc]) -> Iterable[Prediction]:
        opts: RegexOptions = self.options
        settings = QuoteSettings(
            min_quote_words=opts.min_quote_words,
            indirect=opts.indirect_quotes,
            headlines=opts.headline_quotes,
            resolve_references=opts.resolve_references,
        )
        want_entities = "entities" in self.tasks_requested
        want_quotes = bool(self.tasks_requested & {"quotes", "speakers"})
        wanted = set(opts.labels)
        for doc in docs:
            # quotes need the entities too: speakers are resolved with the person mentions
            entities = find_entities(doc.text, guess_persons=opts.guess_persons)
            quotes = find_quotes(doc.text, entities, settings) if want_quotes else []
            kept = tuple(e for e in entities if e.label in wanted) if want_entities else ()
            yield Prediction(doc.id, entities=kept, quotes=tuple(quotes))
