"""Report benchmark: the budgets of issue #17, measured on generated goldsets.

Goldsets of invented news-like articles (``tests/generated.py``: about 2.3 KB of text, 60 entities
and 16 quotes each, document metadata, speakers with a gender) are run with three invented
extractors (``regex``, ``spacy`` and ``llm`` error profiles, replayed), then the report is
written in a fresh process and opened in headless Chromium. Budgets:

- 1,000 documents x 3 extractors: ``report.html`` under 15 MB; first paint under 2 s (and the
  page ready - data parsed, error table and document list drawn - under 2 s too);
- 10,000 documents x 3 extractors: written in under 10 s with a peak memory (RSS of the
  writing process) under 500 MB. Above 2,000 documents the report is a page and a folder of
  data files (``report_files/``), opened the same way; its load time is reported, not budgeted.

The report is made from the findings the run recorded (``harness.report.columns``); a run kept
in ``--work`` by an older harness has none and is classified again (the line says which), so
remove such runs to measure the current code.

Times are wall clock in the writing process after its imports (the imports - datasets,
pyarrow, the plugins - are reported apart), with the process's CPU time and the load average
beside them: these machines are shared, and a wall time measured at load 7 on 2 cores is not a
property of the code. A reference measured in the same process makes the write time
comparable across machines: reading every document of the goldset once
(``write / reference``).

    python benchmarks/bench_report.py [--sizes 1000 10000] [--work DIR] [--extractors 3]

``--work DIR`` keeps the generated goldsets and runs between invocations. Exit status 1 when a
budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MB = 2**20
BUDGETS = {
    1000: {"size_mb": 15.0, "paint_s": 2.0, "ready_s": 2.0},
    10000: {"write_s": 10.0, "rss_mb": 500.0},
}
PROFILES = ("regex", "spacy", "llm")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} CPUs"


def make_run(work: Path, n: int, k: int) -> Path:
    """A run of ``k`` invented extractors on ``n`` generated documents (kept in ``work``), made
    in a process of its own: the run's memory is not this process's, which the writing process
    is started from."""
    run = work / f"gen-{n}-{k}" / "run"
    if (run / "results.json").is_file():
        return run
    t0 = time.perf_counter()
    cmd = [sys.executable, __file__, "--make", str(run.parent), str(n), str(k)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if proc.returncode:
        sys.exit(f"generating the run failed:\n{proc.stderr[-3000:]}")
    print(
        f"  (generated and ran {n} documents x {k} extractors in {time.perf_counter() - t0:.0f} s)"
    )
    return run


def generate(folder: Path, n: int, k: int) -> None:
    from tests.generated import generated_run

    generated_run(folder, n, PROFILES[:k], samples=100, slices=["outlet", "speaker.gender"])


def peak_rss_mb() -> float:
    """This process's peak resident memory: ``VmHWM`` (Linux), else ``ru_maxrss``, which on
    Linux also counts the memory of the process it was forked from before ``exec``."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(run: Path) -> dict[str, Any]:
    """Write the report of ``run`` in this fresh process; measure."""
    t0 = time.perf_counter()
    import harness.goldset  # noqa: F401  (datasets, pyarrow)
    from harness.plugins import get_plugins
    from harness.report import write_report
    from harness.report.load import load_run

    get_plugins()
    t_imports = time.perf_counter() - t0
    from harness.report.columns import close_source, column_source

    run_data = load_run(run)
    t1 = time.perf_counter()
    n = sum(1 for _ in run_data.documents())
    t_reference = time.perf_counter() - t1
    source = column_source(run_data)
    if source is not None:
        close_source(source)
    run_data.close()
    c0, t2 = time.process_time(), time.perf_counter()
    path = write_report(run)
    t_write, c_write = time.perf_counter() - t2, time.process_time() - c0
    folder = path.parent / "report_files"
    size = path.stat().st_size + (
        sum(f.stat().st_size for f in folder.iterdir()) if folder.is_dir() else 0
    )
    return {
        "documents": n,
        "imports_s": t_imports,
        "reference_s": t_reference,
        "write_s": t_write,
        "write_cpu_s": c_write,
        "rss_mb": peak_rss_mb(),
        # the largest of the worker processes (harness.report.parallel), 0 without any
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "size_mb": size / MB,
        "folder": folder.is_dir(),
        "findings": source is not None,
        "path": str(path),
    }


def write(run: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", str(run)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if proc.returncode:
        sys.exit(f"writing the report failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def browse(path: Path) -> dict[str, float] | None:
    """First paint and ready time of the page in headless Chromium (``None``: no Chromium)."""
    from tests.browser import Browser, find_chromium

    if find_chromium() is None:
        print("  no chromium: page timings skipped (apt-get install chromium)")
        return None
    with Browser(timeout=300) as b:
        b.open(path.as_uri())
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if b.evaluate("document.body.getAttribute('data-report-ready')") == "1":
                break
            time.sleep(0.05)
        timings = b.evaluate(
            "({paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,"
            " ready: HarnessReport.readyMs, rows: HarnessReport.rows.length})"
        )
        errors = b.console_errors()
    if errors:
        sys.exit(f"the page has console errors: {errors}")
    return {"paint_s": timings["paint"] / 1000, "ready_s": timings["ready"] / 1000,
            "rows": timings["rows"]}  # fmt: skip


def check(n: int, measured: dict[str, Any]) -> list[str]:
    """The budgets of size ``n`` that ``measured`` misses."""
    missed = []
    for key, limit in BUDGETS.get(n, {}).items():
        value = measured.get(key)
        if value is not None and value > limit:
            missed.append(f"{n} documents: {key} = {value:.2f} > {limit}")
    return missed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--extractors", type=int, default=3, choices=(1, 2, 3))
    ap.add_argument("--work", type=Path, help="keep generated goldsets and runs here")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--make", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.make:
        generate(Path(args.make[0]), int(args.make[1]), int(args.make[2]))
        return 0
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            print(f"== {n} documents x {args.extractors} extractors ({load()})", flush=True)
            run = make_run(work, n, args.extractors)
            m = write(run)
            ratio = m["write_s"] / max(m["reference_s"], 1e-9)
            print(
                f"  written in {m['write_s']:.2f} s (CPU {m['write_cpu_s']:.2f} s; imports "
                f"{m['imports_s']:.1f} s apart; {ratio:.1f}x reading the goldset once, "
                f"{m['reference_s']:.2f} s), peak RSS {m['rss_mb']:.0f} MB (a worker: "
                f"{m['worker_rss_mb']:.0f} MB), "
                f"{m['size_mb']:.1f} MB{' in a page and a folder' if m['folder'] else ''}, "
                f"{'from the findings the run recorded' if m['findings'] else 'classified again'}"
                f" ({load()})",
                flush=True,
            )
            page = browse(Path(m["path"]))
            if page:
                m.update(page)
                print(
                    f"  Chromium: first paint {page['paint_s']:.2f} s, ready {page['ready_s']:.2f}"
                    f" s ({page['rows']} errors in the table) ({load()})",
                    flush=True,
                )
            missed += check(n, m)
    for line in missed:
        print(f"MISSED: {line}")
    if not missed:
        print("all budgets met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
