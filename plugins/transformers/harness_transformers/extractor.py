"""The ``transformers`` extractor: CoNLL-type named entities from a token-classification model.

By default it runs the model bundled with this package (``harness_transformers/model``, a
MiniLM encoder fine-tuned on CoNLL++; see its ``MODEL_CARD.md``). Any local folder, a folder
inside an installed package (``package:sub/folder``) or a Hugging Face hub id may be given instead
with the ``model`` option. Local models are loaded with ``local_files_only`` and set
``HF_HUB_OFFLINE=1`` unless it is already set; hub ids honour ``HF_HUB_OFFLINE``.

How a document is processed:

1. the text is cut into CoNLL-like words with exact character offsets (:mod:`.words`);
2. the whole text is tokenized once by the *fast* tokenizer with ``offset_mapping`` over the
   original string, and each token is attached to its word;
3. the token sequence is cut into overlapping windows (:mod:`.windows`); every token keeps the
   prediction of the window where it is most central; windows of all documents in a batch are run
   together, ``batch_size`` windows at a time;
4. word labels are aggregated from sub-word probabilities and decoded into spans
   (:mod:`.decode`); spans are trimmed of whitespace.

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

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal

from harness.errors import ConfigError
from harness.extractors import Extractor
from harness.model import Entity, Prediction, TextDoc
from harness_transformers.labels import CONLL_TO_ONTONOTES, ENTITY_TYPES

#: The model bundled with the package.
BUNDLED_MODEL = Path(__file__).resolve().parent / "model"


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
    #: Torch CPU threads (0 leaves torch's default).
    threads: int = 0
    #: Map predictions to OntoNotes (PER->PERSON, ORG->ORG, LOC->GPE, MISC dropped).
    ontonotes_labels: bool = False

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")
        if self.window < 8:
            raise ValueError(f"window must be at least 8 tokens, got {self.window}")
        if not 0 <= self.stride < self.window // 2:
            raise ValueError(f"stride must be in [0, window/2), got {self.stride}")
        if self.threads < 0:
            raise ValueError(f"threads must not be negative, got {self.threads}")


def resolve_model(spec: str) -> tuple[str, bool]:
    """``(name_or_path, is_local)`` for a ``model`` option value."""
    if not spec:
        return str(BUNDLED_MODEL), True
    path = Path(spec).expanduser()
    if path.is_dir():
        return str(path), True
    if ":" in spec and not spec.startswith(("/", ".")):
        package, _, sub = spec.partition(":")
        try:
            target = resources.files(package).joinpath(sub)
        except ModuleNotFoundError as exc:
            raise ConfigError(f"transformers: model {spec!r}: no package {package!r}") from exc
        if not target.is_dir():
            raise ConfigError(f"transformers: model {spec!r}: {sub!r} is not a folder")
        return str(target), True
    if spec.startswith(("/", ".", "~")) or spec.count("/") > 1:
        raise ConfigError(f"transformers: model folder {spec!r} does not exist")
    return spec, False  # a hub id such as "owner/name"


def special_affixes(tokenizer: Any) -> tuple[list[int], list[int]]:
    """Special token ids the tokenizer puts before and after a single sequence."""
    bare = tokenizer("hello", add_special_tokens=False)["input_ids"]
    full = tokenizer("hello", add_special_tokens=True)["input_ids"]
    for k in range(len(full) - len(bare) + 1):
        if full[k : k + len(bare)] == bare:
            return list(full[:k]), list(full[k + len(bare) :])
    raise ConfigError("transformers: cannot locate the special tokens of the tokenizer")


class TransformersExtractor(Extractor):
    """Named entities from a Hugging Face token-classification model, in CoNLL types."""

    name = "transformers"
    version = "1.0"
    tasks = frozenset({"entities"})
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

    def setup(self) -> None:
        """Load the tokenizer and the model (torch and transformers are imported here)."""
        name, local = resolve_model(self.options.model)
        if local:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        offline = local or os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        if self.options.threads:
            torch.set_num_threads(self.options.threads)
        self._torch = torch
        tokenizer = AutoTokenizer.from_pretrained(name, local_files_only=offline)
        if not getattr(tokenizer, "is_fast", False):
            raise ConfigError(f"transformers: model {name!r} has no fast tokenizer (offsets)")
        model = AutoModelForTokenClassification.from_pretrained(name, local_files_only=offline)
        model.to(self.options.device)
        if self.options.device == "cpu":
            model.float()
        model.eval()
        self._tokenizer = tokenizer
        self._model = model
        self._prefix, self._suffix = special_affixes(tokenizer)
        limit = int(getattr(model.config, "max_position_embeddings", 512))
        self._window = min(self.options.window, limit) - len(self._prefix) - len(self._suffix)
        self._stride = min(self.options.stride, self._window // 2 - 1 if self._window > 2 else 0)
        self._tags = self._native_tags(model.config.id2label)

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
        """Predict the entities of each document (windows of all documents batched together)."""
        from harness_transformers.windows import best_window, plan_segments
        from harness_transformers.words import assign_tokens, segment_tokens, split_words

        prepared = []
        windows: list[tuple[int, int, int]] = []  # (doc index, token start, token end)
        for d, doc in enumerate(docs):
            words = split_words(doc.text)
            enc = self._tokenizer(
                doc.text,
                add_special_tokens=False,
                return_offsets_mapping=True,
                truncation=False,
                verbose=False,
            )
            ids: list[int] = enc["input_ids"]
            offsets = [(int(a), int(b)) for a, b in enc["offset_mapping"]]
            token_words = assign_tokens(words, offsets)
            segments = segment_tokens(doc.text, words, offsets, token_words, self.options.split)
            plan = plan_segments(segments, self._window, self._stride)
            prepared.append((words, ids, token_words, plan, len(windows)))
            windows.extend((d, s, e) for s, e in plan)
        probs = self._run_windows(windows, [p[1] for p in prepared])
        for doc, (words, ids, token_words, plan, first) in zip(docs, prepared, strict=True):
            if not ids:
                yield Prediction(doc.id)
                continue
            choice = best_window(plan, len(ids))
            token_probs = [probs[first + w][i - plan[w][0]] for i, w in enumerate(choice)]
            yield Prediction(doc.id, self._entities(doc.text, words, token_words, token_probs))

    def _run_windows(
        self, windows: Sequence[tuple[int, int, int]], doc_ids: Sequence[Sequence[int]]
    ) -> list[Any]:
        """Softmax probabilities per window (content tokens only), as numpy arrays."""
        torch = self._torch
        out: list[Any] = [None] * len(windows)
        order = sorted(range(len(windows)), key=lambda w: windows[w][2] - windows[w][1])
        pad = self._tokenizer.pad_token_id or 0
        for b in range(0, len(order), self.options.batch_size):
            idx = order[b : b + self.options.batch_size]
            rows = [
                [
                    *self._prefix,
                    *doc_ids[windows[w][0]][windows[w][1] : windows[w][2]],
                    *self._suffix,
                ]
                for w in idx
            ]
            first = len(self._prefix)
            width = max(len(r) for r in rows)
            input_ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
            attention = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
            with torch.inference_mode():
                logits = self._model(
                    input_ids=input_ids.to(self._model.device),
                    attention_mask=attention.to(self._model.device),
                ).logits
            probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
            for row, w in enumerate(idx):
                _, s, e = windows[w]
                out[w] = probs[row, first : first + (e - s)]
        return out

    def _entities(
        self,
        text: str,
        words: Sequence[tuple[int, int]],
        token_words: Sequence[int | None],
        token_probs: Sequence[Any],
    ) -> tuple[Entity, ...]:
        """Aggregate to words, decode spans, map to character offsets."""
        import numpy as np

        from harness_transformers.decode import aggregate_words, decode_spans, trim_span

        ids = aggregate_words(
            np.stack(token_probs), token_words, len(words), self.options.aggregation
        )
        tags = [None if i is None else self._tags[i] for i in ids]
        entities: list[Entity] = []
        for first, last, kind in decode_spans(tags):
            start, end = trim_span(text, words[first][0], words[last - 1][1])
            if end > start:
                entities.append(Entity(start, end, kind, text[start:end]))
        return tuple(entities)
