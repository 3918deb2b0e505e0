"""The ``transformers`` extractor: entities, quotes and speakers from two token-tagging models.

- **Entities** (CoNLL types) come from the entity model bundled with this package
  (``harness_transformers/model``, a MiniLM encoder fine-tuned on CoNLL++; see its
  ``MODEL_CARD.md``), or the ``model`` option.
- **Quotes and speakers** come from the quote-attribution model (``harness_transformers/
  quotes_model``, the same encoder fine-tuned on PolNeAR; see its ``MODEL_CARD.md``), or the
  ``quotes_model`` option. It tags source, cue and content spans over cross-sentence windows;
  :mod:`.attribution` links each content to its cue and source, names the speaker with the
  entity model's person mentions and types the quote from its quotation marks.

Only the models the requested tasks need are loaded (entities only: no quote model; quotes
only: no entity model). A model option is a local folder, a folder inside an installed package
(``package:sub/folder``) or a Hugging Face hub id. Local models are loaded with
``local_files_only`` and set ``HF_HUB_OFFLINE=1`` unless it is already set; hub ids honour
``HF_HUB_OFFLINE``.

How a document is processed: see :mod:`.tagger` (exact offsets from the fast tokenizer,
sentence-bounded overlapping windows, every token predicted in the window where it is most
central); word labels are aggregated from sub-word probabilities and decoded into spans
(:mod:`.decode`), trimmed of whitespace.

Speed: ``dtype: auto`` runs the model in bfloat16 on CPUs with native bfloat16 (AVX512-BF16 /
AMX), float32 elsewhere; ``threads: auto`` chooses between one thread and all cores batch by batch
from measured throughput, so a busy machine does not make the threads wait on each other
(:mod:`.runtime`).

Labels: the extractor emits the CoNLL types PER, ORG, LOC, MISC (``label_scheme = "conll"``)
and, by default, its ``label_map`` is empty: on an OntoNotes goldset the runner's scheme bridge
scores it on the coarse scheme, mapping the *gold* labels down to CoNLL with
:data:`harness_transformers.labels.ONTONOTES_TO_CONLL` (PERSON->PER, ORG->ORG, GPE/LOC/FAC->LOC,
NORP/EVENT/WORK_OF_ART/PRODUCT/LAW/LANGUAGE->MISC, numeric types dropped); on a CoNLL goldset
nothing is mapped. A class ``label_map`` of PER->PERSON would defeat both (the mapped predictions
would fall outside the CoNLL labels and be ignored), so the fine OntoNotes mapping
(:data:`~harness_transformers.labels.CONLL_TO_ONTONOTES`: PER->PERSON, ORG->ORG, LOC->GPE,
MISC->dropped) is opt-in: the ``ontonotes_labels`` option sets it on the instance; use it with
``gold_label_map: {}`` so that the gold keeps its OntoNotes labels.

The ``label_map`` *option* is different: it renames the loaded model's own entity types (e.g.
``PERSON`` of another model) to the extractor's native CoNLL types before they are emitted
(``null`` drops a type).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from harness.errors import ConfigError
from harness.extractors import Extractor
from harness.model import Entity, Prediction, Quote, TextDoc
from harness_transformers.labels import CONLL_TO_ONTONOTES, ENTITY_TYPES
from harness_transformers.runtime import parse_threads
from harness_transformers.tagger import RunSettings, TokenTagger
from harness_transformers.tagger import resolve_model as resolve_in

#: The model bundled with the package.
BUNDLED_MODEL = Path(__file__).resolve().parent / "model"
#: The quote-attribution model bundled with the package.
BUNDLED_QUOTES_MODEL = Path(__file__).resolve().parent / "quotes_model"


@dataclass(frozen=True)
class TransformersOptions:
    """Options of the ``transformers`` extractor."""

    #: Model: "" for the bundled model, a local folder, ``package:sub/folder``, or a hub id.
    model: str = ""
    #: Torch device ("cpu", "cuda", "cuda:0", "mps").
    device: str = "cpu"
    #: Number of windows per forward pass.
    batch_size: int = 16
    #: How a word's label is taken from its sub-words.
    aggregation: Literal["first", "max", "average"] = "first"
    #: Window length in tokens, special tokens included (at most the model's maximum).
    window: int = 128
    #: Overlap between consecutive windows, in tokens.
    stride: int = 32
    #: Renames the model's entity types to the extractor's native ones (``None`` drops a type).
    label_map: dict[str, str | None] = field(default_factory=dict)
    #: Boundaries windows never cross: "sentences" (the model was trained on sentences),
    #: "lines" (line breaks only) or "none" (plain overlapping windows over the whole text).
    split: Literal["sentences", "lines", "none"] = "sentences"
    #: Torch CPU threads: "auto" (chosen batch by batch from measured speed) or a fixed number.
    threads: int | Literal["auto"] = "auto"
    #: Number type: "auto" (bfloat16 on CPUs with native bfloat16, else float32), "float32" or
    #: "bfloat16".
    dtype: Literal["auto", "float32", "bfloat16"] = "auto"
    #: Map predictions to OntoNotes (PER->PERSON, ORG->ORG, LOC->GPE, MISC dropped).
    ontonotes_labels: bool = False
    #: Quote model: "" for the bundled one (trained on PolNeAR), a local folder,
    #: ``package:sub/folder``, or a hub id.
    quotes_model: str = ""
    #: Window of the quote model in tokens, special tokens included (0: the model's own, from
    #: its config, else 256). Its windows cross sentences: a quote runs over several.
    quotes_window: int = 0
    #: Overlap between consecutive windows of the quote model, in tokens.
    quotes_stride: int = 64
    #: Quotes whose source was not found (a cue that takes no source, or none near): dropped,
    #: as the project's gold has no quote without an identifiable source, or kept with speaker
    #: ``None``.
    sourceless: Literal["drop", "keep"] = "drop"
    #: Rule M2: content spans whose mean content probability is below this are dropped (None:
    #: the threshold chosen with the model on dev, from its config, else 0.5).
    min_confidence: float | None = None
    #: Speaker names: "resolve" (pronouns and person descriptions to the nearest person the
    #: entity model found before them; needs the entity model) or "mention" (the source's words).
    speaker_names: Literal["resolve", "mention"] = "resolve"

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")
        if self.window < 8:
            raise ValueError(f"window must be at least 8 tokens, got {self.window}")
        if not 0 <= self.stride < self.window // 2:
            raise ValueError(f"stride must be in [0, window/2), got {self.stride}")
        parse_threads(self.threads)
        if self.quotes_window and self.quotes_window < 8:
            raise ValueError(f"quotes_window must be 0 or at least 8, got {self.quotes_window}")
        if self.quotes_stride < 0:
            raise ValueError(f"quotes_stride must not be negative, got {self.quotes_stride}")
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be in [0, 1], got {self.min_confidence}")


def quote_tag_order(id2label: Mapping[Any, str], name: str) -> list[int]:
    """Model class id of each tag of ``ATTRIBUTION_TAGS`` (to reorder the model's outputs);
    refuses a model with other labels."""
    from harness_transformers.attribution.tags import ATTRIBUTION_TAGS

    tags = [str(id2label.get(i, id2label.get(str(i), "O"))) for i in range(len(id2label))]  # type: ignore[call-overload]
    if sorted(tags) != sorted(ATTRIBUTION_TAGS):
        raise ConfigError(
            f"transformers: quotes_model {name!r} is not a quote-attribution model: its labels "
            f"{tags} are not {list(ATTRIBUTION_TAGS)}"
        )
    return [tags.index(t) for t in ATTRIBUTION_TAGS]


def resolve_model(spec: str) -> tuple[str, bool]:
    """``(name_or_path, is_local)`` for a ``model`` option value (``""``: the bundled model)."""
    return resolve_in(spec, BUNDLED_MODEL)


class TransformersExtractor(Extractor):
    """Entities (CoNLL types) and quotes with their speakers, from two token-tagging models."""

    name = "transformers"
    version = "2.0"
    tasks = frozenset({"entities", "quotes", "speakers"})
    label_scheme = "conll"
    labels = ENTITY_TYPES
    #: Empty: predictions stay in CoNLL types and the runner maps the gold down (coarse scheme).
    label_map: ClassVar[Mapping[str, str | None]] = {}
    #: The fine mapping onto OntoNotes, set on the instance by the ``ontonotes_labels`` option.
    ontonotes_label_map: ClassVar[Mapping[str, str | None]] = CONLL_TO_ONTONOTES
    Options = TransformersOptions

    options: TransformersOptions

    def __init__(self, options: Any = None, tasks: Any = None) -> None:
        super().__init__(options, tasks)
        if self.options.ontonotes_labels:
            self.label_map = self.ontonotes_label_map  # type: ignore[misc]

    @property
    def _needs_entities(self) -> bool:
        wanted = self.tasks_requested
        resolve = "speakers" in wanted and self.options.speaker_names == "resolve"
        return "entities" in wanted or resolve

    @property
    def _needs_quotes(self) -> bool:
        return bool(self.tasks_requested & {"quotes", "speakers"})

    def setup(self) -> None:
        """Load the models the requested tasks need (torch and transformers are imported here)."""
        self._ner: TokenTagger | None = None
        self._quotes: TokenTagger | None = None
        if self._needs_entities:
            name, local = resolve_model(self.options.model)
            self._ner = TokenTagger.load(name, local, self._settings())
            self._tags = self._native_tags(self._ner.id2label)
        if self._needs_quotes:
            name, local = resolve_in(
                self.options.quotes_model, BUNDLED_QUOTES_MODEL, "quotes_model"
            )
            self._quotes = TokenTagger.load(name, local, self._settings())
            self._quote_order = quote_tag_order(self._quotes.id2label, name)
            config = self._quotes.config
            self._quotes_window = self.options.quotes_window or int(
                getattr(config, "harness_window", 0) or 256
            )
            self._min_confidence = self.options.min_confidence
            if self._min_confidence is None:
                self._min_confidence = float(getattr(config, "harness_min_confidence", 0.5))

    def _settings(self) -> RunSettings:
        opts = self.options
        return RunSettings(opts.device, opts.dtype, parse_threads(opts.threads), opts.batch_size)

    def _native_tags(self, id2label: Mapping[Any, str]) -> list[str | None]:
        """Model class id -> native tag (``B-PER``...) after ``label_map``; ``None`` is O."""
        from harness_transformers.decode import split_tag

        tags: list[str | None] = []
        for i in range(len(id2label)):
            prefix, kind = split_tag(str(id2label.get(i, id2label.get(str(i), "O"))))  # type: ignore[call-overload]
            if kind is not None and kind in self.options.label_map:
                kind = self.options.label_map[kind]
            tags.append(None if kind is None else f"{prefix}-{kind}")
        return tags

    def extract(self, docs: Sequence[TextDoc]) -> Iterable[Prediction]:
        """Entities and quotes of each document (windows of all documents batched together)."""
        texts = [d.text for d in docs]
        entities: list[tuple[Entity, ...]] = [() for _ in docs]
        if self._ner is not None:
            opts = self.options
            tagged = self._ner.tag(texts, opts.split, opts.window, opts.stride)
            entities = [
                () if t.probs is None else self._entities(text, t.words, t.token_words, t.probs)
                for text, t in zip(texts, tagged, strict=True)
            ]
        quotes: list[tuple[Quote, ...]] = [() for _ in docs]
        if self._quotes is not None:
            quotes = self._quote_predictions(texts, entities)
        keep = "entities" in self.tasks_requested
        for doc, ents, qs in zip(docs, entities, quotes, strict=True):
            yield Prediction(doc.id, ents if keep else (), qs)

    def _quote_predictions(
        self, texts: Sequence[str], entities: Sequence[tuple[Entity, ...]]
    ) -> list[tuple[Quote, ...]]:
        """Tag roles over cross-sentence windows, then link, name and type each quote."""
        from harness_transformers.attribution.assemble import quotes_from_probs
        from harness_transformers.decode import word_probabilities

        assert self._quotes is not None
        opts = self.options
        resolve = self._ner is not None and opts.speaker_names == "resolve"
        tagged = self._quotes.tag(texts, "none", self._quotes_window, opts.quotes_stride)
        out: list[tuple[Quote, ...]] = []
        for text, t, ents in zip(texts, tagged, entities, strict=True):
            if t.probs is None:
                out.append(())
                continue
            probs, _ = word_probabilities(t.probs, t.token_words, len(t.words), opts.aggregation)
            persons = [e for e in ents if e.label == "PER"] if resolve else None
            quotes = quotes_from_probs(
                text, t.words, probs[:, self._quote_order], persons, self._min_confidence
            )
            if opts.sourceless == "drop":
                quotes = tuple(q for q in quotes if q.speaker is not None)
            out.append(quotes)
        return out

    def _entities(
        self,
        text: str,
        words: Sequence[tuple[int, int]],
        token_words: Sequence[int | None],
        token_probs: Any,
    ) -> tuple[Entity, ...]:
        """Aggregate to words, decode spans, map to character offsets."""
        from harness_transformers.decode import aggregate_words, decode_spans, trim_span

        ids = aggregate_words(token_probs, token_words, len(words), self.options.aggregation)
        tags = [None if i is None else self._tags[i] for i in ids]
        entities: list[Entity] = []
        for first, last, kind in decode_spans(tags):
            start, end = trim_span(text, words[first][0], words[last - 1][1])
            if end > start:
                entities.append(Entity(start, end, kind, text[start:end]))
        return tuple(entities)
