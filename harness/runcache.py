"""The run cache: an extractor's whole results reused when nothing they depend on changed.

A cached re-run used to read every prediction back from the prediction cache, check it, and
count and bootstrap every document again: for the regex extractor on 1,000 articles that was a
third of the first run. But an unchanged config on an unchanged goldset, scored by an unchanged
harness, gives the same results by construction, so the runner keeps, beside the prediction
cache (``<cache>/runs/``), each complete extractor run's per-document files and summary under a
key of everything they depend on (:func:`run_key`):

- the goldset: its content hash (``sha256``), format, format options and size;
- the extractor: name, version, options and the hash of its package's code (the prediction
  cache's key);
- the scoring: tasks, resolved label maps and scored labels, the plugins' scores (their names
  and the hash of their code), bootstrap samples and seed;
- the harness: its version and the hash of its own code.

Any change to one of them misses (and the prediction cache still answers for the predictions).
A stored entry is checked before it is used: its files' sha256 must be the ones recorded when it
was stored, else it is reported, removed and the run made again. Only runs without extractor
errors are stored (a failed document is tried again next time). The last :data:`KEEP` entries
of each extractor configuration are kept. ``--no-cache`` (or ``cache: null``) bypasses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .cache import code_fingerprint
from .rows import _file_sha256 as _sha256

#: The folder of the run cache, in the cache folder.
RUNS_DIR = "runs"
#: Entries kept per extractor configuration (the most recent ones).
KEEP = 3
SUMMARY = "summary.json"
#: The stored files: the two Arrow files, and the extractor's lines of predictions.jsonl.
FILES = {"predictions": "predictions.arrow", "counts": "counts.arrow", "jsonl": "lines.jsonl"}
LAYOUT = 1

Warn = Callable[[str], None]


def _canonical(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _canonical(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda i: str(i[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def _score_code(score: Any) -> list[str]:
    modules = {getattr(f, "__module__", "") for f in (score.count, score.summarise)}
    return sorted(code_fingerprint(m) for m in modules if m)


def run_key(goldset: Any, extractor_key: str, plan: Any) -> str:
    """The key of one extractor's results (see the module)."""
    parts = {
        "layout": LAYOUT,
        "harness": [__version__, code_fingerprint("harness")],
        "goldset": [goldset.sha256, goldset.format, _canonical(goldset.options), len(goldset)],
        "extractor": extractor_key,
        "plan": {
            "tasks": list(plan.tasks),
            "label_maps": _canonical(plan.label_maps),
            "scores": [[s.name, s.task, _score_code(s)] for s in plan.scores],
            "samples": plan.samples,
            "seed": plan.seed,
        },
    }
    canon = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(canon.encode()).hexdigest()[:32]


def _link_or_copy(src: Path, dest: Path) -> None:
    dest.unlink(missing_ok=True)
    try:
        os.link(src, dest)  # the same file twice for free, on one file system
    except OSError:
        shutil.copyfile(src, dest)


class RunCache:
    """The stored results of one extractor configuration on one goldset (see the module).
    ``folder`` ``None``: no run cache. Problems go to ``warn`` and are never raised."""

    def __init__(self, folder: Path | None, extractor_key: str, key: str, warn: Warn) -> None:
        self.root = None if folder is None else Path(folder) / RUNS_DIR
        self.prefix = extractor_key
        self.name = f"{extractor_key}-{key}"
        self._warn = warn

    @property
    def entry(self) -> Path | None:
        return None if self.root is None else self.root / self.name

    def load(self, dest: Mapping[str, Path]) -> dict[str, Any] | None:
        """The stored summary, with the stored files linked or copied to ``dest``
        (``{"predictions": path, "counts": path}``); ``None`` when there is no usable entry."""
        entry = self.entry
        if entry is None or not (entry / SUMMARY).is_file():
            return None
        try:
            summary = json.loads((entry / SUMMARY).read_text(encoding="utf-8"))
            for kind, name in FILES.items():
                if _sha256(entry / name) != summary["sha256"][kind]:
                    raise ValueError(f"its {kind} file changed since it was stored")
            for kind, name in FILES.items():
                _link_or_copy(entry / name, dest[kind])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self._warn(f"run cache {entry}: unusable ({exc}); running again")
            shutil.rmtree(entry, ignore_errors=True)
            return None
        try:
            os.utime(entry)  # recently used: kept by the pruning
        except OSError:
            pass
        return summary

    def store(self, files: Mapping[str, Path], summary: dict[str, Any]) -> None:
        """Keep ``files`` and ``summary`` under this entry (best effort: a failure is reported
        and costs the next run time)."""
        entry = self.entry
        if entry is None or entry.exists():
            return
        assert self.root is not None
        tmp = self.root / f".{self.name}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            tmp.mkdir(parents=True)
            summary = {**summary, "sha256": {}}
            for kind, name in FILES.items():
                _link_or_copy(files[kind], tmp / name)
                summary["sha256"][kind] = _sha256(tmp / name)
            (tmp / SUMMARY).write_text(json.dumps(summary), encoding="utf-8")
            os.rename(tmp, entry)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if not entry.exists():  # another run storing the same entry is fine
                self._warn(f"run cache {self.root}: cannot store this run ({exc})")
            return
        self._prune()

    def _prune(self) -> None:
        assert self.root is not None
        try:
            entries = [p for p in self.root.glob(f"{self.prefix}-*") if p.is_dir()]
            entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for old in entries[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)
