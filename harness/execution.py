"""Where and how extractors run: the ``workers``, ``timeout`` and ``executor`` settings.

In a config, for the whole run and (``workers``, ``timeout``, ``gpus``) for one extractor::

    workers: 2            # extract in 2 worker processes (default: in the run's own process)
    timeout: 300          # seconds an extractor call (one batch) may take; 0: no limit
    executor: local       # or {kind: ray, address: auto} to extract on a Ray cluster
    extractors:
      - name: spacy
        workers: 4        # this extractor's own setting wins
      - name: transformers
        gpus: 1           # GPUs each Ray actor of this extractor asks for

``workers: auto`` is one per CPU. The default timeout is
:data:`harness.extraction.DEFAULT_TIMEOUT` (600 s per call). What happens when a call runs
out of time, and how each executor works: :mod:`harness.extraction`,
:mod:`harness.executors`, :mod:`harness.ray_executor`.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ConfigError
from .executors import (
    RAY_MISSING,
    Executor,
    ExtractorSpec,
    InProcess,
    WorkerPool,
    default_workers,
)
from .extraction import DEFAULT_TIMEOUT
from .extractors import Extractor

EXECUTORS = ("local", "ray")
RAY_KEYS = ("kind", "address", "namespace", "runtime_env", "cpus_per_actor", "init")
#: Keys of a config (run level) and of an extractor entry that this module reads.
RUN_KEYS = ("workers", "timeout", "executor")
EXTRACTOR_KEYS = ("workers", "timeout", "gpus")


@dataclass(frozen=True)
class Execution:
    """Execution settings; ``None`` fields are not set (an extractor's unset fields take the
    run's, :meth:`resolved`)."""

    #: Worker processes (0: the run's own process).
    workers: int | None = None
    #: Seconds per extractor call (0: no limit).
    timeout: float | None = None
    #: ``local`` or ``ray``.
    executor: str | None = None
    #: The Ray executor's settings (``address``, ``namespace``, ``runtime_env``...).
    ray: Mapping[str, Any] = field(default_factory=dict)
    #: GPUs each Ray actor asks for.
    gpus: float | None = None

    def resolved(self, run: Execution) -> Execution:
        """These settings, unset ones taken from ``run``'s, then from the defaults."""
        out = replace(
            self,
            workers=_first(self.workers, run.workers, 0),
            timeout=_first(self.timeout, run.timeout, DEFAULT_TIMEOUT),
            executor=_first(self.executor, run.executor, "local"),
            ray=self.ray or run.ray,
            gpus=_first(self.gpus, run.gpus, 0),
        )
        return out

    @property
    def call_timeout(self) -> float | None:
        return self.timeout or None

    def describe(self) -> dict[str, Any]:
        """What results.json records (``extractors.<label>.execution``)."""
        out: dict[str, Any] = {
            "executor": self.executor, "workers": self.workers, "timeout": self.call_timeout,
        }  # fmt: skip
        if self.executor == "ray":
            out["address"] = self.ray.get("address")
            out["gpus"] = self.gpus
        return out


def _first(*values: Any) -> Any:
    return next(v for v in values if v is not None)


def _workers(value: Any, where: str) -> int:
    if value == "auto":
        return default_workers()
    if type(value) is not int or value < 0:
        raise ConfigError(f"{where}: workers should be a number of processes >= 0 or 'auto', "
                          f"got {value!r}")  # fmt: skip
    return value


def _seconds(value: Any, key: str, where: str) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise ConfigError(f"{where}: {key} should be a number of seconds >= 0 (0: no limit), "
                          f"got {value!r}")  # fmt: skip
    return float(value)


def _executor(value: Any, where: str) -> tuple[str, dict[str, Any]]:
    spec = {"kind": value} if isinstance(value, str) else value
    if not isinstance(spec, Mapping) or "kind" not in spec:
        raise ConfigError(f"{where}: executor should be 'local', 'ray' or a mapping "
                          f"{{kind: ray, address: ...}}, got {value!r}")  # fmt: skip
    kind = spec["kind"]
    if kind not in EXECUTORS:
        raise ConfigError(f"{where}: executor.kind: unknown executor {kind!r} (known: local, ray)")
    unknown = sorted(set(spec) - set(RAY_KEYS if kind == "ray" else ("kind",)))
    if unknown:
        raise ConfigError(f"{where}: executor: unknown key(s) {unknown} for kind {kind!r} "
                          f"(known: {', '.join(RAY_KEYS)})")  # fmt: skip
    if kind == "ray" and importlib.util.find_spec("ray") is None:
        raise ConfigError(f"{where}: {RAY_MISSING}")
    return kind, {k: v for k, v in spec.items() if k != "kind"}


def parse_execution(raw: Mapping[str, Any], where: str, run_level: bool) -> Execution | None:
    """The execution settings of a config (``run_level``) or of one extractor entry; ``None``
    when an extractor entry sets none. Raises :class:`ConfigError` naming the key."""
    out = Execution()
    if "workers" in raw:
        out = replace(out, workers=_workers(raw["workers"], where))
    if "timeout" in raw:
        out = replace(out, timeout=_seconds(raw["timeout"], "timeout", where))
    if run_level and "executor" in raw:
        kind, ray = _executor(raw["executor"], where)
        out = replace(out, executor=kind, ray=ray)
    if not run_level and "gpus" in raw:
        out = replace(out, gpus=_seconds(raw["gpus"], "gpus", where))
    if not run_level and out == Execution():
        return None
    return out


def make_executor(
    spec: ExtractorSpec, extractor: Extractor, execution: Execution, fail_fast: bool
) -> Executor:
    """The executor of ``execution`` (resolved) for the extractor of ``spec``; ``extractor`` is
    the instance the run's process uses when extraction runs there."""
    if execution.executor == "ray":
        try:
            from .ray_executor import RayExecutor
        except ImportError as exc:
            raise ConfigError(RAY_MISSING) from exc
        return RayExecutor(spec, execution, fail_fast)
    if execution.workers:
        return WorkerPool(spec, execution.workers, execution.call_timeout, fail_fast)
    return InProcess(extractor, execution.call_timeout, fail_fast)
