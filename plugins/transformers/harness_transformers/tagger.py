"""A token-classification model run over whole documents: exact offsets, windows, batches.

Shared by the entity model and the quote model. For each document:

1. the text is cut into CoNLL-like words with exact character offsets (:mod:`.words`);
2. the whole text is tokenized once by the *fast* tokenizer with ``offset_mapping`` over the
   original string, and each token is attached to its word;
3. the token sequence is cut into segments that windows never cross (sentences, lines or none),
   and each segment into overlapping windows (:mod:`.windows`); every token keeps the prediction
   of the window where it is most central; windows of all documents in a call are run together,
   ``batch_size`` windows at a time, shortest first;
4. the caller aggregates the per-token class probabilities to words and decodes spans.

The model runs in the dtype and with the threads chosen by :mod:`.runtime`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness_transformers.runtime import (
    ThreadTuner,
    resolve_dtype,
    thread_candidates,
    usable_cores,
)


def resolve_model(spec: str, bundled: Path, what: str = "model") -> tuple[str, bool]:
    """``(name_or_path, is_local)`` for a model option value (``""`` is the ``bundled`` one)."""
    if not spec:
        if not (bundled / "config.json").is_file():
            raise ConfigError(
                f"transformers: the bundled {what} is missing from {bundled} "
                "(reinstall harness-transformers, or give a model folder)"
            )
        return str(bundled), True
    path = Path(spec).expanduser()
    if path.is_dir():
        return str(path), True
    if ":" in spec and not spec.startswith(("/", ".")):
        package, _, sub = spec.partition(":")
        try:
            target = resources.files(package).joinpath(sub)
        except ModuleNotFoundError as exc:
            raise ConfigError(f"transformers: {what} {spec!r}: no package {package!r}") from exc
        if not target.is_dir():
            raise ConfigError(f"transformers: {what} {spec!r}: {sub!r} is not a folder")
        return str(target), True
    if spec.startswith(("/", ".", "~")) or spec.count("/") > 1:
        raise ConfigError(f"transformers: {what} folder {spec!r} does not exist")
    return spec, False  # a hub id such as "owner/name"


def special_affixes(tokenizer: Any) -> tuple[list[int], list[int]]:
    """Special token ids the tokenizer puts before and after a single sequence."""
    bare = tokenizer("hello", add_special_tokens=False)["input_ids"]
    full = tokenizer("hello", add_special_tokens=True)["input_ids"]
    for k in range(len(full) - len(bare) + 1):
        if full[k : k + len(bare)] == bare:
            return list(full[:k]), list(full[k + len(bare) :])
    raise ConfigError("transformers: cannot locate the special tokens of the tokenizer")


@dataclass
class TaggedDoc:
    """One document after the model: its words, tokens and per-token class probabilities."""

    words: list[tuple[int, int]]
    token_words: list[int | None]
    #: ``(n_tokens, n_classes)`` float32 array (``None`` when the text has no token).
    probs: Any


@dataclass
class RunSettings:
    """How a :class:`TokenTagger` runs: device, dtype, threads and batch size."""

    device: str = "cpu"
    dtype: str = "auto"
    #: ``None``: chosen batch by batch by a :class:`~harness_transformers.runtime.ThreadTuner`.
    threads: int | None = None
    batch_size: int = 16


class TokenTagger:
    """A loaded token-classification model with its fast tokenizer."""

    def __init__(self, model: Any, tokenizer: Any, settings: RunSettings) -> None:
        """Wrap a loaded model (already in its dtype and on its device) and its fast tokenizer."""
        import torch

        if not getattr(tokenizer, "is_fast", False):
            raise ConfigError("transformers: the model has no fast tokenizer (offsets)")
        self.torch = torch
        self.settings = settings
        self.tokenizer = tokenizer
        self.model = model
        self.config = model.config
        self.prefix, self.suffix = special_affixes(tokenizer)
        self.max_length = int(getattr(model.config, "max_position_embeddings", 512))
        self.tuner: ThreadTuner | None = None
        if settings.threads is not None:
            torch.set_num_threads(settings.threads)
        elif settings.device == "cpu":
            self.tuner = ThreadTuner(thread_candidates(usable_cores()))

    @classmethod
    def load(cls, name: str, local: bool, settings: RunSettings) -> TokenTagger:
        """Load a model folder or hub id (offline for local folders), in the settings' dtype."""
        if local:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        offline = local or os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        tokenizer = AutoTokenizer.from_pretrained(name, local_files_only=offline)
        if not getattr(tokenizer, "is_fast", False):
            raise ConfigError(f"transformers: model {name!r} has no fast tokenizer (offsets)")
        model = AutoModelForTokenClassification.from_pretrained(name, local_files_only=offline)
        dtype = resolve_dtype(settings.dtype, settings.device)
        model.to(device=settings.device, dtype=getattr(torch, dtype))
        model.eval()
        return cls(model, tokenizer, settings)

    @property
    def dtype(self) -> str:
        """Name of the dtype the model runs in (``"float32"``, ``"bfloat16"``...)."""
        return str(next(self.model.parameters()).dtype).removeprefix("torch.")

    @property
    def id2label(self) -> Mapping[Any, str]:
        return self.config.id2label  # type: ignore[no-any-return]

    def content_window(self, window: int, stride: int) -> tuple[int, int]:
        """Window and stride in content tokens (special tokens and the model's limit applied)."""
        size = min(window, self.max_length) - len(self.prefix) - len(self.suffix)
        return size, min(stride, size // 2 - 1 if size > 2 else 0)

    def tag(self, texts: Sequence[str], split: str, window: int, stride: int) -> list[TaggedDoc]:
        """Token probabilities of each text (windows of all texts batched together)."""
        from harness_transformers.windows import best_window, plan_segments
        from harness_transformers.words import assign_tokens, segment_tokens, split_words

        size, overlap = self.content_window(window, stride)
        prepared = []
        windows: list[tuple[int, int, int]] = []  # (doc index, token start, token end)
        for d, text in enumerate(texts):
            words = split_words(text)
            enc = self.tokenizer(
                text,
                add_special_tokens=False,
                return_offsets_mapping=True,
                truncation=False,
                verbose=False,
            )
            ids: list[int] = enc["input_ids"]
            offsets = [(int(a), int(b)) for a, b in enc["offset_mapping"]]
            token_words = assign_tokens(words, offsets)
            segments = segment_tokens(text, words, offsets, token_words, split)
            plan = plan_segments(segments, size, overlap)
            prepared.append((words, ids, token_words, plan, len(windows)))
            windows.extend((d, s, e) for s, e in plan)
        probs = self.run_windows(windows, [p[1] for p in prepared])
        out: list[TaggedDoc] = []
        for words, ids, token_words, plan, first in prepared:
            if not ids:
                out.append(TaggedDoc(words, token_words, None))
                continue
            import numpy as np

            choice = best_window(plan, len(ids))
            rows = [probs[first + w][i - plan[w][0]] for i, w in enumerate(choice)]
            out.append(TaggedDoc(words, token_words, np.stack(rows)))
        return out

    def run_windows(
        self, windows: Sequence[tuple[int, int, int]], doc_ids: Sequence[Sequence[int]]
    ) -> list[Any]:
        """Softmax probabilities per window (content tokens only), as float32 numpy arrays."""
        torch = self.torch
        out: list[Any] = [None] * len(windows)
        order = sorted(range(len(windows)), key=lambda w: windows[w][2] - windows[w][1])
        pad = self.tokenizer.pad_token_id or 0
        first = len(self.prefix)
        step = self.settings.batch_size
        for b in range(0, len(order), step):
            idx = order[b : b + step]
            rows = [
                [*self.prefix, *doc_ids[windows[w][0]][windows[w][1] : windows[w][2]], *self.suffix]
                for w in idx
            ]
            width = max(len(r) for r in rows)
            input_ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
            attention = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
            probs = self._forward(input_ids, attention)
            for row, w in enumerate(idx):
                _, s, e = windows[w]
                out[w] = probs[row, first : first + (e - s)]
        return out

    def _forward(self, input_ids: Any, attention: Any) -> Any:
        """One batch through the model, threads chosen and the batch timed for the tuner."""
        torch = self.torch
        # torch's thread count is global to the process: a fixed count is set again before every
        # batch, so that another tagger of the process (another extractor, or a benchmark's
        # reference) cannot leave this one running at its own count.
        threads = self.settings.threads if self.tuner is None else self.tuner.choose()
        if threads is not None and threads != torch.get_num_threads():
            torch.set_num_threads(threads)
        start = time.perf_counter()
        with torch.inference_mode():
            logits = self.model(
                input_ids=input_ids.to(self.model.device),
                attention_mask=attention.to(self.model.device),
            ).logits
        probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        if self.tuner is not None and threads is not None:
            self.tuner.record(threads, float(input_ids.numel()), time.perf_counter() - start)
        return probs
