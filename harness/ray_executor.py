"""Extraction on a Ray cluster, as Ray Data batches over actors that hold the model.

``executor: {kind: ray, address: ray://head:10001}`` (or ``auto``: the cluster this machine
belongs to; no address: a Ray instance started for the run on this machine, stopped after it)
sends the batches the prediction cache cannot answer to a Ray Data pipeline: one row per batch
of the run, ``map_batches`` over an actor pool of ``workers`` actors (default: 1 per CPU of the
cluster, at most 8), each building the extractor and loading its model once, asking for
``gpus`` GPUs and ``cpus_per_actor`` CPUs. Every actor calls the extractor through
:func:`harness.extraction.call_extractor` (failures isolated per document, timeouts), and the
results come back in the run's order, so scores, cache and files are those of a local run.

The batches are sent a window at a time (:data:`WINDOW` batches: memory on this machine stays
bounded; each window starts its actors, so a model is loaded once per window per actor).

Everything else stays on this machine: the goldset, the cache, the checks of the predictions,
the scoring. The extractor's plugin must be installed on the cluster's machines (as here), or
shipped with ``runtime_env`` (``{pip: [...]}``, ``{working_dir: ...}``).

Ray is an optional extra: ``pip install 'harness[ray]'``.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from .errors import ConfigError, ExtractorError
from .executors import RAY_MISSING, ExtractorSpec
from .extraction import CallResult, call_extractor, pack_result, setup_extractor, unpack_result
from .model import TextDoc

#: Batches sent to the cluster at a time.
WINDOW = 256
#: Actors when neither ``workers`` nor the cluster says otherwise.
MAX_DEFAULT_ACTORS = 8


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConfigError(RAY_MISSING) from exc
    return ray


class _Actor:
    """A Ray actor: builds the extractor and loads its model once, then extracts the batches
    of the rows it is given (one row per batch of the run)."""

    def __init__(self, spec: ExtractorSpec, fail_fast: bool, timeout: float | None) -> None:
        self.extractor = spec.build()
        self.fail_fast, self.timeout = fail_fast, timeout
        self.seconds_setup = setup_extractor(self.extractor)

    def __call__(self, rows: dict[str, Any]) -> dict[str, Any]:
        out = []
        for ids, texts in zip(rows["ids"], rows["texts"], strict=True):
            docs = [TextDoc(str(i), str(t)) for i, t in zip(ids, texts, strict=True)]
            try:
                result = call_extractor(self.extractor, docs, self.fail_fast, self.timeout)
                out.append(pickle.dumps(("result", pack_result(result))))
            except ExtractorError as exc:
                out.append(pickle.dumps(("failed", (exc.doc_id, exc.message))))
        return {
            "seq": rows["seq"],
            "result": out,
            "setup": [self.seconds_setup] * len(out),
        }


class RayExecutor:
    """Extraction on Ray (see the module)."""

    def __init__(self, spec: ExtractorSpec, execution: Any, fail_fast: bool) -> None:
        """``execution``: the resolved :class:`harness.execution.Execution`."""
        self.spec, self.execution, self.fail_fast = spec, execution, fail_fast
        self.seconds_setup = 0.0
        self._ray = _ray()
        self._started = False

    def _connect(self) -> None:
        ray = self._ray
        if ray.is_initialized():
            return
        options = dict(self.execution.ray)
        address = options.get("address")
        init = dict(options.get("init") or {})
        ray.init(
            address=address,
            namespace=options.get("namespace"),
            runtime_env=options.get("runtime_env"),
            ignore_reinit_error=True,
            log_to_driver=False,
            **({"include_dashboard": False} if address is None else {}),
            **init,
        )
        self._started = address is None  # a local instance of our own: stopped in close()

    def _actors(self) -> int:
        if self.execution.workers:
            return int(self.execution.workers)
        cpus = int(self._ray.cluster_resources().get("CPU", 1))
        per_actor = float(self.execution.ray.get("cpus_per_actor") or 1)
        return max(1, min(MAX_DEFAULT_ACTORS, int(cpus // per_actor)))

    def map(self, batches: Iterable[Sequence[TextDoc]]) -> Iterator[CallResult]:
        source = iter(batches)
        while True:
            window = list(islice(source, WINDOW))
            if not window:
                return
            yield from self._window(window)

    def _window(self, window: list[Sequence[TextDoc]]) -> Iterator[CallResult]:
        todo = [i for i, batch in enumerate(window) if batch]
        results: dict[int, CallResult] = {i: CallResult([]) for i, b in enumerate(window) if not b}
        if todo:
            self._connect()
            for seq, result in self._extract([(i, window[i]) for i in todo]):
                results[seq] = result
        for i in range(len(window)):
            yield results[i]

    def _extract(
        self, rows: list[tuple[int, Sequence[TextDoc]]]
    ) -> Iterator[tuple[int, CallResult]]:
        ray = self._ray
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        ds = ray.data.from_items(
            [
                {"seq": seq, "ids": [d.id for d in b], "texts": [d.text for d in b]}
                for seq, b in rows
            ]
        )
        n = min(self._actors(), len(rows))
        out = ds.map_batches(
            _Actor,
            fn_constructor_args=(self.spec, self.fail_fast, self.execution.call_timeout),
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=n),
            num_cpus=float(self.execution.ray.get("cpus_per_actor") or 1),
            num_gpus=float(self.execution.gpus or 0),
            batch_format="numpy",
        )
        for row in out.iter_rows():
            kind, payload = pickle.loads(row["result"])
            if kind == "failed":
                raise ExtractorError(self.spec.cls.name, *payload)
            self.seconds_setup = self.seconds_setup or float(row["setup"])
            yield int(row["seq"]), unpack_result(payload)

    def close(self) -> None:
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
            self._started = False
