"""Counting in a worker process gives the same counts as counting in line, whatever happens to it.

The worker (:mod:`harness.background`) is transport only: the runner's ``_Counting`` sends it the
same calls it makes in line, so these tests compare the two, and check that a worker that dies
or a score that raises there costs time, not results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harness import background, runner
from harness.background import Worker, worker_mode, worth_a_worker
from harness.goldset import Goldset, load_goldset
from harness.model import Document, Entity, Prediction, Quote
from harness.runner import _Counting
from harness.schemes import resolve_label_maps
from harness.scoring import Metric, Score, Scored, ScoringPlan
from harness.spool import pack_record

ROOT = Path(__file__).resolve().parents[1]
BATCH = 2
TASKS = ("entities", "quotes", "speakers")


@pytest.fixture(scope="module")
def goldset() -> Goldset:
    return load_goldset(ROOT / "goldsets" / "seeds")


def _degrade(doc_id: str, entities: Sequence[Entity], quotes: Sequence[Quote]) -> Prediction:
    """A prediction with misses, boundary errors, wrong labels and lost speakers."""
    ents = []
    for i, e in enumerate(entities):
        if i % 5 == 0:
            continue
        if i % 5 == 1:
            e = replace(e, end=e.end + 1)
        elif i % 5 == 2:
            e = replace(e, label="ORG" if e.label != "ORG" else "PERSON")
        ents.append(e)
    quotes_out = [
        replace(q, speaker=None, speaker_span=None) if i % 3 else q for i, q in enumerate(quotes)
    ]
    return Prediction(doc_id, tuple(ents), tuple(quotes_out[1:]))


def _plan(goldset: Goldset, gold_map: str | None = None, scores: tuple[Score, ...] = ()) -> Any:
    maps = resolve_label_maps(goldset.label_scheme, goldset.labels, "ontonotes", {}, gold_map)
    return ScoringPlan(TASKS, maps, scores, samples=200, seed=3)


def _batches(goldset: Goldset, plan: ScoringPlan) -> list[tuple[int, list[Prediction]]]:
    docs = list(goldset)
    return [
        (
            i,
            [
                plan.prepare(_degrade(d.id, d.entities, d.quotes)).prediction
                for d in docs[i : i + BATCH]
            ],
        )
        for i in range(0, len(docs), BATCH)
    ]


def _same(a: Scored, b: Scored) -> bool:
    """Equal scores, intervals, dropped gold labels and per-document counts."""
    return (a.scores, a.intervals, a.unmapped_gold_labels, list(a.per_doc)) == (
        b.scores, b.intervals, b.unmapped_gold_labels, list(b.per_doc),
    )  # fmt: skip


_N = iter(range(10**6))
_FOLDER: list[Path] = []


@pytest.fixture(autouse=True, scope="module")
def _counts_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    _FOLDER[:] = [tmp_path_factory.mktemp("counts")]


def _counts_path() -> Path:
    """A new counts file for a :class:`_Counting`."""
    return _FOLDER[0] / f"{next(_N)}.counts.arrow"


def _count(
    plan: ScoringPlan, goldset: Goldset, background: bool, *, may_replay: bool = True
) -> Scored:
    counting = _Counting(
        plan, goldset.documents, _counts_path(), "always" if background else "never"
    )
    assert counting.in_worker == background
    batches = _batches(goldset, plan)

    def replay() -> Iterator[tuple[int, list[Prediction]]]:
        if not may_replay:
            pytest.fail("the worker failed and the batches were counted again in line")
        return iter(batches)

    try:
        for start, preds in batches:
            counting.add(start, preds)
        return counting.finish(replay)
    finally:
        counting.close()


@pytest.mark.parametrize("gold_map", [None, "conll"])
def test_the_worker_counts_exactly_what_counting_in_line_counts(
    goldset: Goldset, gold_map: str | None
) -> None:
    plan = _plan(goldset, gold_map)
    in_line = _count(plan, goldset, background=False)
    in_worker = _count(plan, goldset, background=True, may_replay=False)
    assert len(in_line.per_doc) == len(goldset)
    assert _same(in_worker, in_line)
    assert any(c["entities.strict"][0] < c["entities.strict"][2] for c in in_line.per_doc)
    assert 0 < in_line.scores["entities.strict.micro.f1"] < 1
    assert set(in_line.intervals) == set(plan.interval_keys)
    if gold_map:
        assert in_line.unmapped_gold_labels  # e.g. DATE has no CoNLL counterpart


def _dies_in_a_worker(gold: Document, pred: Prediction) -> dict[str, tuple[float, float, float]]:
    if multiprocessing.parent_process() is not None:
        os._exit(3)  # the worker process dies without a word
    return {"sudden": (1.0, 1.0, 1.0)}


def _raises(gold: Document, pred: Prediction) -> dict[str, tuple[float, float, float]]:
    raise ValueError(f"cannot score {gold.id}")


SUDDEN = Score(
    "sudden", "entities", _dies_in_a_worker, (Metric("sudden.f1", "entities", "sudden", "."),)
)
FAILING = Score("failing", "entities", _raises, (Metric("failing.f1", "entities", "f", "."),))


def test_a_worker_that_dies_costs_time_not_results(goldset: Goldset) -> None:
    plan = _plan(goldset, scores=(SUDDEN,))
    expected = _count(plan, goldset, background=False)
    assert expected.scores["sudden.f1"] == 1.0
    assert _same(_count(plan, goldset, background=True), expected)


def test_a_plan_that_cannot_be_pickled_is_counted_in_line(goldset: Goldset) -> None:
    local = Score(  # a lambda, as a notebook might define it: no worker can receive it
        "local", "entities", lambda g, p: {"local": (1.0, 1.0, 1.0)},
        (Metric("local.f1", "entities", "local", "."),),
    )  # fmt: skip
    plan = _plan(goldset, scores=(local,))
    counting = _Counting(plan, goldset.documents, _counts_path(), "always")
    assert not counting.in_worker
    counting.close()
    assert _count(plan, goldset, background=False).scores["local.f1"] == 1.0


def test_a_scoring_error_in_the_worker_is_raised_here_as_in_line(goldset: Goldset) -> None:
    plan = _plan(goldset, scores=(FAILING,))
    with pytest.raises(ValueError, match="cannot score"):
        _count(plan, goldset, background=True)


class Echo:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def say(self, word: str) -> str:
        return f"{self.prefix}{word} from {os.getpid()}"


def test_the_worker_keeps_its_object_in_another_process_and_close_stops_it() -> None:
    worker = Worker(Echo, "> ")
    answers = [worker.call("say", w) for w in ("a", "b")]
    said = [f.result(timeout=60) for f in answers]
    assert [s.split(" from ")[0] for s in said] == ["> a", "> b"]
    assert int(said[0].rsplit(" ", 1)[1]) != os.getpid()
    processes = list(worker._pool._processes.values())  # type: ignore[attr-defined]
    worker.close()
    worker.close()  # twice is fine
    assert processes and not any(p.is_alive() for p in processes)


def test_worker_mode_never_with_one_batch_one_cpu_no_idle_cpu_or_when_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(background, "_cpus", lambda: 2)
    monkeypatch.setattr(background, "_load", lambda: 0.5)
    assert worker_mode(1000, 32) == "auto"
    assert worker_mode(32, 32) == "never"  # one batch: nothing to overlap
    monkeypatch.setattr(background, "_load", lambda: 3.0)
    assert worker_mode(1000, 32) == "never"  # no idle CPU: it would compete with the extractor
    monkeypatch.setenv(background.ENV_WORKER, "always")
    assert worker_mode(100, 32) == "always"
    monkeypatch.setenv(background.ENV_WORKER, "0")
    assert worker_mode(1000, 32) == "never"
    monkeypatch.delenv(background.ENV_WORKER)
    monkeypatch.setattr(background, "_load", lambda: 0.0)
    monkeypatch.setattr(background, "_cpus", lambda: 1)
    assert worker_mode(1000, 32) == "never"


def test_a_worker_is_worth_it_only_when_predictions_come_slower_than_counts_long_enough() -> None:
    # regex: 32 documents made in 0.1 s, counted in 0.02 s
    assert worth_a_worker(0.1, 0.02, 32, 968)  # 968 docs x 2.5 ms saved > start-up
    assert not worth_a_worker(0.1, 0.02, 32, 300)  # a short run: the start-up costs more
    assert not worth_a_worker(0.002, 0.02, 32, 100_000)  # cached/replayed: counting is slower
    assert not worth_a_worker(0.1, 0.02, 0, 968)


def test_auto_counts_the_first_batch_in_line_then_hands_everything_to_a_worker(
    goldset: Goldset,
) -> None:
    plan = _plan(goldset)
    expected = _count(plan, goldset, background=False)
    counting = _Counting(plan, goldset.documents, _counts_path(), "auto")
    batches = _batches(goldset, plan)
    try:
        for n, (start, preds) in enumerate(batches):
            # the first batch took 10 s to make: a worker is worth it
            counting.add(start, preds, pack_record(preds), made=10.0 if n == 0 else 0.0,
                         remaining=len(goldset) - start - len(preds))  # fmt: skip
            assert counting.in_worker
        assert _same(counting.finish(lambda: pytest.fail("no replay expected")), expected)
    finally:
        counting.close()
    quick = _Counting(plan, goldset.documents, _counts_path(), "auto")
    start, preds = batches[0]
    quick.add(start, preds, pack_record(preds), made=0.001, remaining=3)
    assert not quick.in_worker


def test_the_worker_never_runs_the_callers_script_again(tmp_path: Path) -> None:
    """``spawn`` imports ``__main__`` in the child; a script without a main guard must not run
    twice (here it would append a second line to its log)."""
    log = tmp_path / "runs.log"
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from pathlib import Path\n"
        f"log = Path({str(log)!r})\n"
        "log.open('a').write('ran\\n')\n"
        "from harness.background import Worker\n"
        "w = Worker(dict, {'a': 1})\n"
        "assert w.call('get', 'a').result(timeout=120) == 1\n"
        "w.close()\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, str(script)], check=True, cwd=tmp_path, timeout=300)
    assert log.read_text(encoding="utf-8") == "ran\n"


def test_a_stopped_worker_does_not_hang_the_run(
    goldset: Goldset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker stopped with SIGSTOP (or stuck) answers nothing: after ``CALL_TIMEOUT`` it is
    killed and the batches are counted in line, with the same result."""
    monkeypatch.setattr(runner, "CALL_TIMEOUT", 1.0)
    plan = _plan(goldset)
    expected = _count(plan, goldset, background=False)
    counting = _Counting(plan, goldset.documents, _counts_path(), "always")
    assert counting.in_worker
    batches = _batches(goldset, plan)
    processes = list(counting._worker._pool._processes.values())  # type: ignore[union-attr]
    for p in processes:
        os.kill(p.pid, signal.SIGSTOP)
    t0 = time.monotonic()
    try:
        for start, preds in batches:
            counting.add(start, preds)
        assert _same(counting.finish(lambda: iter(batches)), expected)
    finally:
        counting.close()
    assert time.monotonic() - t0 < 30
    assert not any(p.is_alive() for p in processes)


ORPHAN = """
import os, sys
from harness.background import Worker
worker = Worker(dict)
worker.call("get", "x").result(timeout=60)
print(next(iter(worker._pool._processes)), flush=True)
os.kill(os.getpid(), int(sys.argv[1]))
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_worker_exits_when_the_run_is_killed(tmp_path: Path, sig: signal.Signals) -> None:
    """A run killed by SIGTERM or kill -9 used to leave its scoring worker waiting forever on a
    queue (holding the run's stdout, so `timeout harness eval | tee` never ended either)."""
    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN, encoding="utf-8")
    out = tmp_path / "out.txt"
    with out.open("w") as f:  # a file, not a pipe: an orphan holding a pipe would block the test
        subprocess.run([sys.executable, str(script), str(int(sig))], stdout=f, timeout=120)
    pid = int(out.read_text().split()[0])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    pytest.fail(f"the worker process {pid} outlived the run by 20 s")
