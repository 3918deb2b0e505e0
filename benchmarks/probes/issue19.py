"""Replay the probes of issue #19: bad configs, goldsets, format files, plugins, caches, signals,
full disks, concurrent runs — as a hostile or unlucky user would try them.

Usage::

    python benchmarks/probes/issue19.py               # every probe, a table and a summary
    python benchmarks/probes/issue19.py -k cache -v    # probes whose name contains "cache"
    python benchmarks/probes/issue19.py --jobs 2 --json probes.json

Each probe runs the ``harness`` command of this environment in a subprocess, in a fresh
temporary workspace (a small native goldset, configs, the misbehaving plugin of
``probe_plugin.py`` installed as an entry-point plugin), and says what happened:

- ``held``: a clear error with the documented exit code (or the right result), no traceback;
- ``traceback``: a Python traceback reached the user;
- ``wrong``: a wrong result or a wrong exit code (a score changed, a NaN gate passed...);
- ``lost``: finished work was lost (results not written, cache entries gone, files left behind);
- ``hang``: it did not finish in the probe's time limit;
- ``skipped``: the probe cannot run here (no ``mount``, for example), with the reason.

The probes follow the issue's list (its text names ~70 of the 102; the rest are the
categories it says held: malformed configs and goldsets, kill -9, report escaping, concurrent
identical runs). Each names the part of #19 that owns it (input, run, scale, report). Some
need root for a small tmpfs (a full disk, a read-only folder); without it they use
``ulimit -f`` or are skipped. The whole set takes a few minutes (busy machine: more).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
HARNESS = str(BIN / "harness") if (BIN / "harness").exists() else "harness"
TRACEBACK = "Traceback (most recent call last)"


# ---- the workspace -----------------------------------------------------------------------------


@dataclass
class Run:
    args: list[str]
    rc: int | None
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.text

    def brief(self) -> str:
        last = [ln for ln in self.err.strip().splitlines() if ln.strip()][-1:] or [""]
        return f"rc={self.rc} {last[0][:160]}"


class Workspace:
    """A temporary folder with a goldset, the probe plugin and helpers to run ``harness``."""

    def __init__(self, root: Path, documents: int = 2) -> None:
        self.root = root
        self.site = root / "site"
        self.gold = root / "gold"
        self.documents = documents
        self.runs: list[Run] = []
        _install_plugin(self.site)
        write_goldset(self.gold, documents)
        self.env = {
            **os.environ,
            # PROBE_PYTHONPATH: probe another source tree of harness (a copy of main, say)
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(self.site), os.environ.get("PROBE_PYTHONPATH", "")])
            ),
            "HARNESS_GOLDSET_CACHE": str(root / "goldset-cache"),
            "HARNESS_DISABLE_PLUGINS": "llm,transformers,spacy",
            "HF_HUB_OFFLINE": "1",
            "COLUMNS": "200",
        }
        self.env.pop("HARNESS_DEBUG", None)

    def config(self, name: str = "config.yaml", text: str | None = None, **keys: Any) -> Path:
        """Write a config (``text`` as is, or ``keys`` over a default one) and return its path."""
        if text is None:
            raw: dict[str, Any] = {
                "goldset": str(self.gold),
                "output": str(self.root / "run"),
                "cache": str(self.root / "cache"),
                "bootstrap": {"samples": 20, "seed": 0},
                "extractors": [{"name": "probe"}],
            }
            raw.update(keys)
            text = json.dumps(raw)  # JSON is YAML
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        return path

    def probe_config(self, mode: str, on: str = "doc2", **keys: Any) -> Path:
        ext = [{"name": "probe", "options": {"mode": mode, "on": on}}]
        return self.config(extractors=ext, **keys)

    def harness(
        self, *args: str, timeout: float = 180, env: dict[str, str] | None = None,
        prefix: str = "",
    ) -> Run:  # fmt: skip
        """Run ``harness ARGS`` (``prefix``: a shell prefix such as ``ulimit -f 8;``)."""
        cmd = [HARNESS, *args]
        t0 = time.perf_counter()
        argv = ["bash", "-c", prefix + ' exec "$@"', "probe", *cmd] if prefix else cmd
        try:
            p = subprocess.run(
                argv, capture_output=True, text=True, timeout=timeout, cwd=self.root,
                env={**self.env, **(env or {})},
            )  # fmt: skip
            run = Run(list(args), p.returncode, p.stdout, p.stderr, time.perf_counter() - t0)
        except subprocess.TimeoutExpired as exc:
            out = (exc.stdout or b"").decode(errors="replace") if exc.stdout else ""
            err = (exc.stderr or b"").decode(errors="replace") if exc.stderr else ""
            run = Run(list(args), None, out, err, time.perf_counter() - t0)
        self.runs.append(run)
        return run

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start ``harness ARGS`` in the background (for the signal probes)."""
        return subprocess.Popen(
            [HARNESS, *args], cwd=self.root, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip

    def results(self, folder: str = "run") -> dict[str, Any]:
        return json.loads((self.root / folder / "results.json").read_text(encoding="utf-8"))


def _install_plugin(site: Path) -> None:
    """The probe plugin as an installed distribution: module + dist-info with its entry point."""
    site.mkdir(parents=True)
    shutil.copy(HERE / "probe_plugin.py", site / "probe_plugin.py")
    dist = site / "harness_probe-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: harness-probe\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[harness]\nprobe = probe_plugin\n")


TEXTS = [
    "Jane Smith said on Monday that Acme Corp would hire 200 people in Oslo.\n\n"
    "“We are growing fast,” Smith told reporters.",
    "The Ministry of Fish warned that stocks were falling.",
]


def write_goldset(folder: Path, documents: int = 2, texts: list[str] | None = None) -> None:
    """A native goldset of ``documents`` documents (doc1, doc2, ...), one PERSON each."""
    (folder / "texts").mkdir(parents=True, exist_ok=True)
    (folder / "goldset.yaml").write_text(
        "name: probe\nversion: '1'\ndescription: probes of issue 19\nlabel_scheme: ontonotes\n"
        "labels: [PERSON, ORG, GPE, DATE, CARDINAL]\n",
        encoding="utf-8",
    )
    texts = texts or TEXTS
    for i in range(1, documents + 1):
        text = texts[(i - 1) % len(texts)]
        write_document(folder, f"doc{i}", text, [{"start": 0, "end": 4, "label": "PERSON"}])


def write_document(folder: Path, doc_id: str, text: str, entities: list[dict[str, Any]]) -> None:
    data = text.encode("utf-8")
    (folder / "texts" / f"{doc_id}.txt").write_bytes(data)
    doc = {
        "id": doc_id,
        "text_path": f"texts/{doc_id}.txt",
        "text_sha256": hashlib.sha256(data).hexdigest(),
        "entities": [{**e, "text": text[e["start"] : e["end"]]} for e in entities],
        "speakers": {},
        "quotes": [],
    }
    (folder / f"{doc_id}.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")


@contextmanager
def tmpfs(path: Path, size: str = "64k", readonly: bool = False) -> Iterator[bool]:
    """A small tmpfs at ``path`` (yields False when it cannot be mounted: not root)."""
    path.mkdir(parents=True, exist_ok=True)
    opts = f"size={size}" + (",ro" if readonly else "")
    ok = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True
    ).returncode == 0  # fmt: skip
    try:
        yield ok
    finally:
        if ok:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(path: Path) -> None:
    """Fill the file system of ``path`` (a tmpfs) to the last byte."""
    for size in (4096, 1):
        try:
            with open(path / f"filler{size}", "wb", buffering=0) as f:
                while True:
                    f.write(b"\0" * size)
        except OSError:
            pass


def temp_files(*folders: Path) -> list[str]:
    """Files that look temporary (``.tmp``, ``.importing``, pickles...) under ``folders``."""
    found = []
    for folder in folders:
        try:
            for p in folder.rglob("*"):
                name = p.name
                if name.endswith((".tmp", ".pkl", ".pickle")) or ".importing" in name:
                    found.append(str(p))
        except OSError:  # another process's temporary folder vanished while it was listed
            continue
    return found


# ---- outcomes ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str
    detail: str = ""


def held(detail: str = "") -> Outcome:
    return Outcome("held", detail)


def wrong(detail: str) -> Outcome:
    return Outcome("wrong", detail)


def lost(detail: str) -> Outcome:
    return Outcome("lost", detail)


def skipped(detail: str) -> Outcome:
    return Outcome("skipped", detail)


def refused(r: Run, codes: tuple[int, ...], *mentions: str) -> Outcome:
    """Held when ``r`` exited with one of ``codes`` and its message mentions each of
    ``mentions`` (a file name, a key); a hang or another code is wrong."""
    if r.rc is None:
        return Outcome("hang", f"no answer after {r.seconds:.0f} s")
    if r.rc not in codes:
        return wrong(f"expected exit {codes}, got {r.brief()}")
    missing = [m for m in mentions if m.lower() not in r.text.lower()]
    if missing:
        return wrong(f"message does not name {missing}: {r.brief()}")
    return held(r.brief())


def scores(ws: Workspace, folder: str = "run", label: str = "probe") -> dict[str, float]:
    return ws.results(folder)["extractors"][label]["scores"]


# ---- the probes --------------------------------------------------------------------------------


@dataclass
class Probe:
    name: str
    part: str  # input, run, scale, report
    issue: str  # where the issue mentions it
    func: Callable[[Workspace], Outcome]
    documents: int = 2
    slow: bool = False


PROBES: list[Probe] = []


def probe(
    name: str, part: str, issue: str, documents: int = 2, slow: bool = False
) -> Callable[[Callable[[Workspace], Outcome]], Callable[[Workspace], Outcome]]:
    def add(func: Callable[[Workspace], Outcome]) -> Callable[[Workspace], Outcome]:
        PROBES.append(Probe(name, part, issue, func, documents, slow))
        return func

    return add


# -- configs (the issue: "malformed configs" held; values never validated; YAML) -------------------


def _config_refused(text: str, *mentions: str) -> Callable[[Workspace], Outcome]:
    def run(ws: Workspace) -> Outcome:
        cfg = ws.config(text=text.replace("GOLD", str(ws.gold)).replace("ROOT", str(ws.root)))
        r = ws.harness("eval", "-c", str(cfg), "-q")
        return refused(r, (2,), "config.yaml", *mentions)

    return run


BASE = "goldset: GOLD\noutput: ROOT/run\ncache: ROOT/cache\nextractors: [{name: probe}]\n"
for _name, _text, _mentions in [
    ("config: malformed YAML", "goldset: [unclosed\n", ()),
    ("config: unknown key", BASE + "extractor: []\n", ("extractor",)),
    ("config: unknown extractor", BASE.replace("probe", "prob"), ("prob",)),
    ("config: unknown task", BASE + "tasks: [entitys]\n", ("entitys",)),
    ("config: batch_size 0", BASE + "batch_size: 0\n", ("batch_size",)),
    ("config: extractor option of the wrong type", BASE.replace(
        "{name: probe}", "{name: probe, options: {sleep: fast}}"), ("sleep",)),
    ("config: samples: true", BASE + "bootstrap: {samples: true}\n", ("samples",)),
    ("config: samples: 1e11", BASE + "bootstrap: {samples: 1e11}\n", ("samples",)),
    ("config: samples: 100000000000", BASE + "bootstrap: {samples: 100000000000}\n", ("samples",)),
    ("config: seed -1", BASE + "bootstrap: {seed: -1}\n", ("seed",)),
    ("config: a list in gold_label_map", BASE.replace(
        "{name: probe}", "{name: probe, gold_label_map: [conll]}"), ("gold_label_map",)),
    ("config: gate max_drop .nan", BASE + "gate: {max_drop: .nan}\n", ("max_drop",)),
    ("config: gate max_drop -1", BASE + "gate: {max_drop: -1}\n", ("max_drop",)),
    ("config: gate max_drop a string", BASE + "gate: {max_drop: lots}\n", ("max_drop",)),
    ("config: gate metric min a string",
     BASE + "gate: {metrics: {entities.strict.micro.f1: {min: high}}}\n", ("min",)),
    ("config: gate unknown key", BASE + "gate: {max_dorp: 0.1}\n", ("max_dorp",)),
    ("config: duplicate YAML keys", BASE + "output: ROOT/other\n", ("output",)),
    ("config: unclosed ${HOME", BASE.replace("ROOT/run", "ROOT/${HOME"), ("HOME",)),
]:  # fmt: skip
    probe(_name, "input", "5. config values never validated / 6. YAML")(
        _config_refused(_text, *_mentions)
    )


@probe("config: missing file", "input", "held: malformed configs")
def _(ws: Workspace) -> Outcome:
    return refused(ws.harness("eval", "-c", "nope.yaml"), (2,), "nope.yaml")


@probe("config: a folder given as the config", "run", "5. tracebacks")
def _(ws: Workspace) -> Outcome:
    return refused(ws.harness("eval", "-c", str(ws.gold)), (2,), "gold")


@probe("config: YAML alias bomb under gate", "input", "4. YAML alias expansion")
def _(ws: Workspace) -> Outcome:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i, (prev, cur) in enumerate(zip("abcdefgh", "bcdefghi", strict=True)):
        bomb += f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
        del i
    text = BASE + "gate:\n" + textwrap.indent(bomb, "  ")
    cfg = ws.config(text=text.replace("GOLD", str(ws.gold)).replace("ROOT", str(ws.root)))
    r = ws.harness("eval", "-c", str(cfg), "-q", timeout=120)
    return refused(r, (2,), "config.yaml")


@probe("config: empty ${VAR} takes its :- default", "input", "6. empty ${VAR}")
def _(ws: Workspace) -> Outcome:
    cfg = ws.config(text=BASE.replace("GOLD", "${PROBE_GOLD:-" + str(ws.gold) + "}").replace(
        "ROOT", str(ws.root)))  # fmt: skip
    r = ws.harness("eval", "-c", str(cfg), "-q", env={"PROBE_GOLD": ""})
    return held(r.brief()) if r.rc == 0 else wrong(f"empty variable not defaulted: {r.brief()}")


#: A line of /etc/passwd: its content in a message or a report means the file was read.
PASSWD_LINE = "root:x:0:0"
#: The text_sha256 that makes /etc/passwd a valid text (the issue's probes used it).
PASSWD_SHA = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()


# -- goldsets (the issue: "malformed goldsets" held; reading outside the goldset) ------------------


def _validate(ws: Workspace, *mentions: str, path: Path | None = None) -> Outcome:
    r = ws.harness("validate", str(path or ws.gold))
    return refused(r, (3,), *mentions)


def _edit_doc(ws: Workspace, doc: str, **changes: Any) -> None:
    p = ws.gold / f"{doc}.json"
    data = json.loads(p.read_text())
    data.update(changes)
    p.write_text(json.dumps(data))


@probe("goldset: missing manifest", "input", "held: malformed goldsets")
def _(ws: Workspace) -> Outcome:
    (ws.gold / "goldset.yaml").unlink()
    return _validate(ws, "goldset.yaml")


@probe("goldset: invalid document JSON", "input", "held: malformed goldsets")
def _(ws: Workspace) -> Outcome:
    (ws.gold / "doc1.json").write_text("{not json")
    return _validate(ws, "doc1.json")


@probe("goldset: offsets outside the text", "input", "held: malformed goldsets")
def _(ws: Workspace) -> Outcome:
    _edit_doc(ws, "doc1", entities=[{"start": 0, "end": 9999, "label": "PERSON", "text": "x"}])
    return _validate(ws, "doc1")


@probe("goldset: entity label given as a list", "input", "6. label as a list names no file")
def _(ws: Workspace) -> Outcome:
    _edit_doc(ws, "doc1", entities=[{"start": 0, "end": 4, "label": ["PERSON"], "text": "Jane"}])
    return _validate(ws, "doc1.json")


@probe("goldset: text not UTF-8", "input", "held: malformed goldsets")
def _(ws: Workspace) -> Outcome:
    data = b"\xff\xfe Jane Smith"
    (ws.gold / "texts" / "doc1.txt").write_bytes(data)
    _edit_doc(ws, "doc1", text_sha256=hashlib.sha256(data).hexdigest(), entities=[])
    return _validate(ws, "doc1")


@probe("goldset: text_path ../../etc/passwd", "input", "3. reading outside the goldset")
def _(ws: Workspace) -> Outcome:
    _edit_doc(
        ws, "doc1", text_path="../../../../../../etc/passwd", text_sha256=PASSWD_SHA, entities=[]
    )
    r = ws.harness("validate", str(ws.gold))
    if r.rc == 0 or PASSWD_LINE in r.text:
        return wrong(f"/etc/passwd read: {r.brief()}")
    return refused(r, (3,), "doc1")


@probe("goldset: text_path /etc/passwd", "input", "3. reading outside the goldset")
def _(ws: Workspace) -> Outcome:
    _edit_doc(ws, "doc1", text_path="/etc/passwd", text_sha256=PASSWD_SHA, entities=[])
    r = ws.harness("validate", str(ws.gold))
    if r.rc == 0 or PASSWD_LINE in r.text:
        return wrong(f"/etc/passwd read: {r.brief()}")
    return refused(r, (3,), "doc1")


@probe("goldset: hash mismatch shows no hash of another file", "input", "3. sha256 prefix")
def _(ws: Workspace) -> Outcome:
    _edit_doc(ws, "doc1", text_path="/etc/hostname", entities=[])
    other = hashlib.sha256(Path("/etc/hostname").read_bytes()).hexdigest()
    r = ws.harness("validate", str(ws.gold))
    if other[:8] in r.text:
        return wrong("the message shows the sha256 of /etc/hostname")
    return refused(r, (3,), "doc1")


@probe("goldset: text_root /etc in the manifest", "input", "3. text_root smuggled in")
def _(ws: Workspace) -> Outcome:
    with open(ws.gold / "goldset.yaml", "a") as f:
        f.write("text_root: /etc\n")
    _edit_doc(ws, "doc1", text_path="passwd", text_sha256=PASSWD_SHA, entities=[])
    r = ws.harness("validate", str(ws.gold))
    if r.rc == 0 or PASSWD_LINE in r.text:
        return wrong(f"/etc/passwd read through text_root: {r.brief()}")
    return refused(r, (3,), "goldset")


@probe("goldset: a symlink that leaves the folder", "input", "3. symlinks")
def _(ws: Workspace) -> Outcome:
    link = ws.gold / "texts" / "doc1.txt"
    link.unlink()
    link.symlink_to("/etc/passwd")
    _edit_doc(ws, "doc1", text_sha256=hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest(),
              entities=[])  # fmt: skip
    r = ws.harness("validate", str(ws.gold))
    if r.rc == 0:
        return wrong(f"a text through a symlink to /etc/passwd accepted: {r.brief()}")
    return refused(r, (3,), "doc1")


@probe("goldset: a 9 GB text file (sparse)", "input", "3. no size limit")
def _(ws: Workspace) -> Outcome:
    big = ws.gold / "texts" / "doc1.txt"
    with open(big, "wb") as f:
        f.truncate(9 * 2**30)
    r = ws.harness("validate", str(ws.gold), timeout=120)
    return refused(r, (3,), "doc1")


@probe("goldset: CoNLL invalid IOB2 under scheme auto", "input", "1. IOB2 read as IOB1")
def _(ws: Workspace) -> Outcome:
    f = ws.root / "bad.conll"
    f.write_text("Jane B-PER\nSmith I-PER\nsaid O\nAcme I-ORG\n\n")
    r = ws.harness("validate", str(f), "--format", "conll")
    return refused(r, (3,), "bad.conll")


@probe("goldset: Label Studio task with cancelled/empty annotations", "input",
       "1. Label Studio empty annotations")  # fmt: skip
def _(ws: Workspace) -> Outcome:
    tasks = [
        {"id": 1, "data": {"text": "Jane Smith spoke."}, "annotations": []},
        {"id": 2, "data": {"text": "Acme Corp hired."}, "annotations": None},
        {"id": 3, "data": {"text": "Oslo grew."},
         "annotations": [{"was_cancelled": True, "result": []}]},
    ]  # fmt: skip
    f = ws.root / "ls.json"
    f.write_text(json.dumps(tasks))
    r = ws.harness("validate", str(f), "--format", "labelstudio")
    if r.rc == 0:
        return wrong(f"tasks without a usable annotation became empty gold documents: {r.brief()}")
    return refused(r, (3,), "ls.json")


@probe("goldset: a flipped byte in the Arrow cache", "input", "1. Arrow cache")
def _(ws: Workspace) -> Outcome:
    cfg = ws.config(extractors=[{"name": "regex"}], cache=None)
    first = ws.harness("eval", "-c", str(cfg), "-q")
    if first.rc != 0:
        return wrong(f"first run failed: {first.brief()}")
    before = scores(ws, label="regex")
    arrows = sorted((ws.root / "goldset-cache").rglob("*.arrow"))
    if not arrows:
        return skipped("no Arrow cache file found")
    flipped = 0
    for a in arrows:
        data = a.read_bytes()
        flipped += data.count(b"Jane Smith said")
        a.write_bytes(data.replace(b"Jane Smith said", b"jane smith said"))  # same length
    if not flipped:
        return skipped("the text is not stored as is in the Arrow cache")
    r = ws.harness("eval", "-c", str(cfg), "-q")
    if r.rc != 0:
        return refused(r, (3,), "cache")
    after = scores(ws, label="regex")
    return held() if after == before else wrong("scores changed after a flipped cache byte")


@probe("goldset: a text changed while the cache is warm", "input", "1. changed text passes")
def _(ws: Workspace) -> Outcome:
    cfg = ws.probe_config("ok")
    ws.harness("eval", "-c", str(cfg), "-q")
    (ws.gold / "texts" / "doc1.txt").write_text("Anna Berg said nothing.", encoding="utf-8")
    r = ws.harness("eval", "-c", str(cfg), "-q")
    return refused(r, (3,), "doc1")


def _cli_path_refused(make: Callable[[Workspace], Path], *mentions: str) -> Callable[..., Outcome]:
    def run(ws: Workspace) -> Outcome:
        path = make(ws)
        r = ws.harness("validate", str(path))
        return refused(r, (2, 3), *mentions)

    return run


def _dangling(ws: Workspace) -> Path:
    link = ws.root / "dangling"
    link.symlink_to(ws.root / "nowhere")
    return link


def _looping(ws: Workspace) -> Path:
    a, b = ws.root / "loop-a", ws.root / "loop-b"
    a.symlink_to(b)
    b.symlink_to(a)
    return a


probe("cli: a dangling symlink as the goldset", "run", "5. dangling symlinks")(
    _cli_path_refused(_dangling, "dangling")
)
probe("cli: a looping symlink as the goldset", "run", "5. looping symlinks")(
    _cli_path_refused(_looping, "loop-a")
)


@probe("cli: a looping symlink as the config", "run", "5. looping symlinks")
def _(ws: Workspace) -> Outcome:
    return refused(ws.harness("eval", "-c", str(_looping(ws))), (2,), "loop-a")


@probe("cli: a looping symlink in the goldset folder", "input", "5. looping symlinks")
def _(ws: Workspace) -> Outcome:
    a, b = ws.gold / "texts" / "x.txt", ws.gold / "texts" / "y.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    _edit_doc(ws, "doc1", text_path="texts/x.txt")
    return _validate(ws, "doc1")


# -- plugins ---------------------------------------------------------------------------------------


def _plugin_error(mode: str, *, code: int = 5) -> Callable[[Workspace], Outcome]:
    """The probe extractor misbehaves on doc2: an extractor error for doc2, exit 5, the run
    complete for doc1, and results.json saying complete: false."""

    def run(ws: Workspace) -> Outcome:
        r = ws.harness("eval", "-c", str(ws.probe_config(mode)), "-q")
        if r.rc != code:
            return wrong(f"expected exit {code}: {r.brief()}")
        try:
            res = ws.results()
        except OSError:
            return lost("no results.json")
        ext = res["extractors"]["probe"]
        if res["complete"] or not any(e["doc_id"] == "doc2" for e in ext["errors"]):
            return wrong(f"doc2 not recorded as failed: complete={res['complete']}")
        return held(r.brief())

    return run


for _mode, _issue in [
    ("none", "1. None scored as empty"),
    ("dict", "5. plugin returning a dict"),
    ("list_label", "5. a list as a label"),
    ("tuple_span", "5. a tuple as a span"),
    ("tuple_speaker_span", "5. a tuple as a span"),
    ("str_entities", "5. wrong types"),
    ("float_offsets", "5. wrong types"),
    ("int_doc_id", "5. wrong types"),
    ("int_speaker", "5. wrong types"),
    ("bad_quote_type", "held"),
    ("nan_diagnostic", "held"),
    ("raise", "held: a crash on one document"),
    ("exit3", "6. sys.exit(3) becomes the exit code"),
]:
    probe(f"plugin: extract gives {_mode} for one document", "run", _issue)(_plugin_error(_mode))


def _plugin_refused(mode: str, codes: tuple[int, ...]) -> Callable[[Workspace], Outcome]:
    """The probe extractor fails as a whole in ``mode``: one of ``codes``, naming it."""

    def run(ws: Workspace) -> Outcome:
        r = ws.harness("eval", "-c", str(ws.probe_config(mode)), "-q")
        return refused(r, codes, "probe")

    return run


for _name, _mode, _issue, _codes in [
    ("extract returns None (not an iterable)", "returns_none", "5. wrong types", (5,)),
    ("extract returns more predictions than documents", "wrong_count", "held", (5,)),
    ("sys.exit(0) in setup", "setup_exit0", "6. sys.exit", (5,)),
    ("setup raises", "setup_raise", "held", (5,)),
    ("the constructor raises", "init_raise", "5. tracebacks", (4, 5)),
    ("sys.exit(4) in the constructor", "init_exit", "6. sys.exit", (5,)),
]:
    probe(f"plugin: {_name}", "run", _issue)(_plugin_refused(_mode, _codes))


@probe("plugin: print in extract stays off stdout", "run", "6. a plugin's print")
def _(ws: Workspace) -> Outcome:
    r = ws.harness("eval", "-c", str(ws.probe_config("print")), "-q")
    if r.rc != 0:
        return wrong(r.brief())
    return wrong("plugin output on stdout") if "NOISE" in r.out else held()


@probe("plugin: print at import keeps compare --format json valid", "run",
       "6. a plugin's print breaks compare --format json")  # fmt: skip
def _(ws: Workspace) -> Outcome:
    cfg = ws.probe_config("ok")
    ws.harness("eval", "-c", str(cfg), "-q")
    run = str(ws.root / "run")
    r = ws.harness("compare", run, run, "--format", "json", env={"PROBE_PRINT_AT_IMPORT": "1"})
    try:
        json.loads(r.out)
    except json.JSONDecodeError:
        return wrong(f"stdout is not JSON: {r.out[:80]!r}")
    return held(r.brief())


@probe("plugin: an import error", "run", "held")
def _(ws: Workspace) -> Outcome:
    (ws.site / "probe_plugin.py").write_text("import no_such_module_here\n")
    r = ws.harness("eval", "-c", str(ws.probe_config("ok")), "-q")
    return refused(r, (2, 4), "probe")


@probe("plugin: an extractor that hangs", "scale", "4. no timeout")
def _(ws: Workspace) -> Outcome:
    # the per-call timeout is configurable (``timeout:``, default 600 s): a short one here, in
    # the run's own process (SIGALRM) and in a worker process (killed after timeout + 10 s);
    # one document per call, so only the hanging document may get the error
    details = []
    for workers in (0, 1):
        cfg = ws.probe_config("hang", timeout=3, batch_size=1, workers=workers)
        r = ws.harness("eval", "-c", str(cfg), "-q", timeout=120)
        if r.rc is None:
            return Outcome("hang", f"workers: {workers}: no answer within 120 s (timeout: 3)")
        outcome = refused(r, (5,), "doc2", "timeout")
        if outcome.status != "held":
            return outcome
        errors = ws.results()["extractors"]["probe"]["errors"]
        if [(e["doc_id"], e["error"]) for e in errors] != [("doc2", "Timeout")]:
            return wrong(f"workers: {workers}: errors {errors}")
        details.append(f"workers {workers}: {r.seconds:.0f} s")
    return held(f"doc2: Timeout, exit 5 ({', '.join(details)}; busy machine)")


# -- output and the disk ---------------------------------------------------------------------------


@probe("output: --output names an existing file", "run", "5. --output naming a file")
def _(ws: Workspace) -> Outcome:
    f = ws.root / "afile"
    f.write_text("keep me")
    r = ws.harness("eval", "-c", str(ws.probe_config("ok")), "-q", "--output", str(f))
    if f.read_text() != "keep me":
        return lost("the file was overwritten")
    return refused(r, (2, 8), "afile")


@probe("output: a read-only output folder", "run", "5. read-only output")
def _(ws: Workspace) -> Outcome:
    out = ws.root / "ro"
    with tmpfs(out, readonly=True) as ok:
        if not ok:
            return skipped("mount not permitted")
        r = ws.harness("eval", "-c", str(ws.probe_config("ok")), "-q", "--output", str(out))
    return refused(r, (2, 8), "ro")


@probe("output: a full output disk", "run", "5. full output")
def _(ws: Workspace) -> Outcome:
    out = ws.root / "full"
    with tmpfs(out, size="16k") as ok:
        if not ok:
            return skipped("mount not permitted")
        fill(out)
        r = ws.harness("eval", "-c", str(ws.probe_config("ok")), "-q", "--output", str(out))
        left = [p.name for p in out.iterdir() if not p.name.startswith("filler")]
    if left:
        return lost(f"files left on the full disk: {left}")
    return refused(r, (8,), "full")


@probe("output: ulimit -f exceeded", "run", "5. ulimit -f")
def _(ws: Workspace) -> Outcome:
    big = ws.root / "big"
    write_goldset(big, 40, ["Jane Smith said on Monday that Acme Corp would hire. " * 40])
    cfg = ws.config(goldset=str(big), cache=None, extractors=[{"name": "probe"}])
    ws.harness("validate", str(big))  # the goldset's cache first: this probe is about the output
    r = ws.harness("eval", "-c", str(cfg), "-q", prefix="ulimit -f 16;")  # 16 KB
    left = temp_files(ws.root / "run")
    if left:
        return lost(f"temporary files left: {left}")
    return refused(r, (8,), "run")


@probe("goldset: ulimit -f while the goldset cache is written", "input", "5. ulimit -f")
def _(ws: Workspace) -> Outcome:
    big = ws.root / "big"
    write_goldset(big, 40, ["Jane Smith said on Monday that Acme Corp would hire. " * 40])
    cfg = ws.config(goldset=str(big), cache=None, extractors=[{"name": "probe"}])
    r = ws.harness("eval", "-c", str(cfg), "-q", prefix="ulimit -f 16;")
    # held: a run without the cache, or exit 8 naming what could not be written (not
    # "goldset ...: reading failed: OSError: File too large", exit 3, as if the goldset were bad)
    if r.rc in (0, 8) and "reading failed" not in r.err:
        return held(r.brief())
    return wrong(f"expected a run without the cache or exit 8 naming the cache: {r.brief()}")


@probe("output: results kept when the report cannot be written", "run", "2. results first")
def _(ws: Workspace) -> Outcome:
    cfg = ws.probe_config("ok")
    (ws.root / "run").mkdir()
    (ws.root / "run" / "plots").write_text("a file where the plots folder goes")
    r = ws.harness("eval", "-c", str(cfg), "-q", "--report")
    if not (ws.root / "run" / "results.json").exists():
        return lost(f"results not written: {r.brief()}")
    return refused(r, (8,), "plots")


@probe("output: results kept when the cache is read-only", "scale", "2. read-only cache")
def _(ws: Workspace) -> Outcome:
    cache = ws.root / "cache"
    with tmpfs(cache, readonly=True) as ok:
        if not ok:
            return skipped("mount not permitted")
        r = ws.harness("eval", "-c", str(ws.probe_config("ok")), "-q")
    if not (ws.root / "run" / "results.json").exists():
        return lost(f"results not written: {r.brief()}")
    return held(r.brief()) if r.rc in (0, 8) else wrong(r.brief())


@probe("output: results kept when the cache disk is full", "scale", "2. full cache")
def _(ws: Workspace) -> Outcome:
    cache = ws.root / "cache"
    with tmpfs(cache, size="16k") as ok:
        if not ok:
            return skipped("mount not permitted")
        fill(cache)
        r = ws.harness("eval", "-c", str(ws.probe_config("ok")), "-q")
    if not (ws.root / "run" / "results.json").exists():
        return lost(f"results not written: {r.brief()}")
    return held(r.brief()) if r.rc in (0, 8) else wrong(r.brief())


# -- signals ---------------------------------------------------------------------------------------


def _interrupt(sig: int) -> Callable[[Workspace], Outcome]:
    def run(ws: Workspace) -> Outcome:
        started = ws.root / "started"
        ext = [{"name": "probe", "options": {"mode": "ok", "sleep": 0.25, "started": str(started)}}]
        cfg = ws.config(extractors=ext, batch_size=2)
        p = ws.start("eval", "-c", str(cfg), "-q")
        deadline = time.monotonic() + 120
        while not started.exists() and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # a few batches
        p.send_signal(sig)
        try:
            out, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            return Outcome("hang", "did not stop after the signal")
        r = Run(["eval"], p.returncode, out, err, 0)
        ws.runs.append(r)
        if r.traceback:
            return Outcome("traceback", r.brief())
        left = temp_files(ws.root / "cache", ws.root / "run", Path(tempfile.gettempdir()))
        left = [f for f in left if str(p.pid) in f or str(ws.root) in f]
        if left:
            return lost(f"temporary files left: {left[:3]}")
        again = ws.harness("eval", "-c", str(cfg), "-q")
        cached = ws.results()["extractors"]["probe"]["counts"]["cached_documents"] if (
            again.rc == 0) else 0  # fmt: skip
        if cached == 0:
            return lost(f"no prediction kept in the cache ({r.brief()})")
        expected = 128 + sig
        if r.rc not in (130, expected):
            return wrong(f"exit {r.rc}, expected 130 or {expected}")
        if "interrupt" not in r.err.lower() and "terminat" not in r.err.lower():
            return wrong(f"no message: {r.brief()}")
        return held(f"{r.brief()}; {cached} documents kept in the cache")

    return run


probe("signal: SIGINT mid-run", "run", "2. SIGINT keeps the cache", documents=60)(
    _interrupt(signal.SIGINT)
)
probe("signal: SIGTERM mid-run", "run", "2. SIGTERM loses the cache", documents=60)(
    _interrupt(signal.SIGTERM)
)


@probe("signal: kill -9 mid-run, then a run", "scale", "held: kill -9", documents=60)
def _(ws: Workspace) -> Outcome:
    ext = [{"name": "probe", "options": {"mode": "ok", "sleep": 0.2}}]
    cfg = ws.config(extractors=ext, batch_size=2)
    p = ws.start("eval", "-c", str(cfg), "-q")
    time.sleep(10)
    p.kill()
    p.communicate()
    r = ws.harness("eval", "-c", str(cfg), "-q")
    return held(r.brief()) if r.rc == 0 and not r.traceback else wrong(r.brief())


# -- the prediction cache --------------------------------------------------------------------------


def _cache_files(ws: Workspace) -> list[Path]:
    return [p for p in (ws.root / "cache").rglob("*") if p.is_file()]


def _edit_cache(ws: Workspace, edit: Callable[[list[Any]], None]) -> int:
    """Apply ``edit`` to each cached entity of the prediction cache and drop the run cache;
    the number of entries edited.

    The prediction cache is one SQLite database (``harness/cache.py``: table ``predictions``,
    one row per extractor configuration and document, ``value`` the prediction as compact JSON
    ``[doc_id, [[start, end, label, text], ...], quotes, diagnostics]``). The run cache
    (``runs/``) keeps whole extractor runs and would answer the re-run without reading a single
    prediction, so it is removed: the re-run must read the edited entries.
    """
    db = ws.root / "cache" / "predictions.sqlite"
    if not db.is_file():
        return 0
    edited = 0
    con = sqlite3.connect(db)
    try:
        rows = con.execute("select extractor, doc, value from predictions").fetchall()
        for extractor, doc, value in rows:
            entry = json.loads(value)
            if not entry[1]:
                continue
            for entity in entry[1]:
                edit(entity)
            con.execute(
                "update predictions set value = ? where extractor = ? and doc = ?",
                (json.dumps(entry).encode(), extractor, doc),
            )
            edited += 1
        con.commit()
    finally:
        con.close()
    shutil.rmtree(ws.root / "cache" / "runs", ignore_errors=True)
    return edited


def _corrupt_cache(ws: Workspace, edit: Callable[[list[Any]], None]) -> Outcome:
    """Run, corrupt every cached entry with ``edit``, run twice more: each corrupt entry must be
    reported (a warning naming the cache) and counted as rejected, then recomputed (the scores
    are the first run's) and stored again (the third run rejects nothing)."""
    cfg = ws.probe_config("ok")
    first = ws.harness("eval", "-c", str(cfg), "-q")
    if first.rc != 0:
        return wrong(f"the first run failed: {first.brief()}")
    before = scores(ws)
    n = _edit_cache(ws, edit)
    if not n:
        return skipped("no cached prediction with an entity found")
    r = ws.harness("eval", "-c", str(cfg), "-q")
    if r.rc != 0:
        return wrong(r.brief())
    counts = ws.results()["extractors"]["probe"]["counts"]
    if scores(ws) != before:
        return wrong("scores changed by a bad cache entry")
    if counts.get("cache_rejected") != n:
        return wrong(f"{n} entries corrupted, cache_rejected={counts.get('cache_rejected')}")
    if "predictions.sqlite" not in r.text or "unusable" not in r.text:
        return wrong(f"a rejected entry is not reported: {r.brief()}")
    shutil.rmtree(ws.root / "cache" / "runs", ignore_errors=True)
    again = ws.harness("eval", "-c", str(cfg), "-q")
    counts = ws.results()["extractors"]["probe"]["counts"] if again.rc == 0 else {}
    if again.rc != 0 or scores(ws) != before:
        return wrong(f"the run after: {again.brief()}")
    if counts.get("cache_rejected") or counts.get("cached_documents") != ws.documents:
        return wrong(f"the recomputed entries were not stored again: {counts}")
    return held(f"{n} rejected, recomputed, stored again; {r.brief()}")


@probe("cache: an entry with offsets outside the text", "scale", "1. cache never validated")
def _(ws: Workspace) -> Outcome:
    def edit(entity: list[Any]) -> None:
        entity[1] = 10**6

    return _corrupt_cache(ws, edit)


@probe("cache: a wrong type in an entry", "scale", "2. wrong type in a cache file")
def _(ws: Workspace) -> Outcome:
    def edit(entity: list[Any]) -> None:
        entity[0] = "zero"

    return _corrupt_cache(ws, edit)


@probe("cache: one bad byte in a cache file", "scale", "2. one bad byte crashes every run")
def _(ws: Workspace) -> Outcome:
    cfg = ws.probe_config("ok")
    ws.harness("eval", "-c", str(cfg), "-q")
    before = scores(ws)
    files = _cache_files(ws)
    if not files:
        return skipped("no cache file")
    for f in files:
        data = bytearray(f.read_bytes())
        if data:
            data[len(data) // 2] ^= 0xFF
            f.write_bytes(bytes(data))
    r = ws.harness("eval", "-c", str(cfg), "-q")
    again = ws.harness("eval", "-c", str(cfg), "-q")
    if r.rc != 0 or again.rc != 0:
        return wrong(f"{r.brief()} / then {again.brief()}")
    return held(r.brief()) if scores(ws) == before else wrong("scores changed")


@probe("cache: two runs on different goldsets share one cache", "scale", "2. 946 lost entries",
       documents=80)  # fmt: skip
def _(ws: Workspace) -> Outcome:
    other = ws.root / "gold2"
    write_goldset(other, 80, ["Anna Berg met Olaf Lund in Bergen on Friday. " * 3])
    ext = [{"name": "probe", "options": {"mode": "ok", "sleep": 0.02}}]
    c1 = ws.config("c1.yaml", extractors=ext, batch_size=4)
    c2 = ws.config("c2.yaml", goldset=str(other), output=str(ws.root / "run2"),
                   extractors=ext, batch_size=4)  # fmt: skip
    p1, p2 = ws.start("eval", "-c", str(c1), "-q"), ws.start("eval", "-c", str(c2), "-q")
    p1.communicate(timeout=300)
    p2.communicate(timeout=300)
    r1 = ws.harness("eval", "-c", str(c1), "-q")
    n1 = ws.results()["extractors"]["probe"]["counts"]["cached_documents"] if r1.rc == 0 else 0
    r2 = ws.harness("eval", "-c", str(c2), "-q")
    n2 = ws.results("run2")["extractors"]["probe"]["counts"]["cached_documents"] if (
        r2.rc == 0) else 0  # fmt: skip
    if n1 + n2 < 160:
        return lost(f"cached afterwards: {n1} + {n2} of 160")
    return held("every entry kept")


@probe("cache: concurrent identical runs", "scale", "held: concurrent identical runs",
       documents=40)  # fmt: skip
def _(ws: Workspace) -> Outcome:
    ext = [{"name": "probe", "options": {"mode": "ok", "sleep": 0.02}}]
    cfg = ws.config(extractors=ext, batch_size=4)
    ps = [ws.start("eval", "-c", str(cfg), "-q") for _ in range(2)]
    codes = [p.wait(timeout=300) for p in ps]
    errs = "".join(p.stderr.read() for p in ps if p.stderr)
    if TRACEBACK in errs:
        return Outcome("traceback", errs.strip().splitlines()[-1])
    return held() if codes == [0, 0] else wrong(f"exit codes {codes}")


# -- goldset import --------------------------------------------------------------------------------


@probe("import: a refused import leaves nothing that blocks the retry", "run", "2. half-written")
def _(ws: Workspace) -> Outcome:
    bad = ws.root / "bad.conll"
    bad.write_text("Jane B-PER\nSmith I-PER\n\nAcme B-ORG\n")
    out = ws.root / "imported"
    r = ws.harness("goldset", "import", str(bad), str(out), "--format", "conll",
                   "-o", "labels=[ORG]")  # fmt: skip
    if r.rc == 0:
        return wrong("an import with a label outside the labels was accepted")
    if out.exists() and any(out.iterdir()):
        return lost(f"half-written folder left: {sorted(p.name for p in out.iterdir())}")
    good = ws.root / "good.conll"
    good.write_text("Jane B-PER\nSmith I-PER\n\nAcme B-ORG\n")
    again = ws.harness("goldset", "import", str(good), str(out), "--format", "conll")
    return held() if again.rc == 0 else wrong(f"retry refused: {again.brief()}")


@probe("import: per-annotator import refused half-way", "run", "2. half-written")
def _(ws: Workspace) -> Outcome:
    src = ws.root / "brat"
    src.mkdir()
    (src / "a.txt").write_text("Jane Smith spoke.")
    (src / "a_ann1.ann").write_text("T1\tPERSON 0 10\tJane Smith\n")
    (src / "a_ann2.ann").write_text("T1\tPERSON 0 99\tJane Smith\n")
    out = ws.root / "imported"
    r = ws.harness("goldset", "import", str(src), str(out), "--format", "brat",
                   "-o", "annotator=each")  # fmt: skip
    if r.rc == 0:
        return skipped("the broken annotation was accepted (brat repairs it)")
    if out.exists() and any(out.iterdir()):
        return lost(f"half-written folder left: {sorted(p.name for p in out.rglob('*'))[:4]}")
    return refused(r, (3,), "a_ann2")


@probe("import: into an existing non-empty folder", "run", "held")
def _(ws: Workspace) -> Outcome:
    good = ws.root / "good.conll"
    good.write_text("Jane B-PER\nSmith I-PER\n")
    out = ws.root / "imported"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    r = ws.harness("goldset", "import", str(good), str(out), "--format", "conll")
    if (out / "mine.txt").read_text() != "keep":
        return lost("the folder was overwritten")
    return refused(r, (2,), "imported")


# -- compare, gate, baseline -----------------------------------------------------------------------


def _two_runs(ws: Workspace) -> tuple[Path, Path]:
    """One run copied whole into the folders ``base`` and ``new``; their results.json files.

    A run is a folder since results schema 2 (per-document Arrow files in ``per_document/``
    beside results.json): a results.json copied alone cannot be compared (the harness says
    which counts file is missing), so the probes copy the folder, as a user keeping a run would.
    """
    cfg = ws.probe_config("ok")
    ws.harness("eval", "-c", str(cfg), "-q")
    shutil.copytree(ws.root / "run", ws.root / "base")
    shutil.copytree(ws.root / "run", ws.root / "new")
    return ws.root / "base" / "results.json", ws.root / "new" / "results.json"


def _edit_json(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


@probe("compare: a NaN score passes the gate", "report", "1. NaN score passes the gate")
def _(ws: Workspace) -> Outcome:
    base, new = _two_runs(ws)

    def nan(d: dict[str, Any]) -> None:
        d["extractors"]["probe"]["scores"]["entities.strict.micro.f1"] = float("nan")

    _edit_json(new, nan)
    r = ws.harness("compare", str(base), str(new), "--max-drop", "0.01")
    return wrong(f"gate passed: {r.brief()}") if r.rc == 0 else refused(r, (6, 7), "nan")


@probe("compare: max_drop .nan in the config passes a drop", "report", "1. max_drop .nan")
def _(ws: Workspace) -> Outcome:
    base, new = _two_runs(ws)

    def drop(d: dict[str, Any]) -> None:
        d["extractors"]["probe"]["scores"]["entities.strict.micro.f1"] = 0.10

    _edit_json(new, drop)
    cfg = ws.config("gate.yaml", gate={"max_drop": float("nan")})
    cfg.write_text(cfg.read_text().replace("NaN", ".nan"))
    r = ws.harness("compare", str(base), str(new), "--config", str(cfg))
    return wrong(f"gate passed: {r.brief()}") if r.rc == 0 else refused(r, (2, 7))


@probe("compare: results with missing keys", "report", "5. compare on missing keys")
def _(ws: Workspace) -> Outcome:
    base, new = _two_runs(ws)
    # schema 2: an extractor's per-document counts are named by its "files" (schema 1 held
    # them inline as "per_document"); without it there is nothing to pair documents on
    _edit_json(new, lambda d: d["extractors"]["probe"].pop("files"))
    _edit_json(base, lambda d: d.pop("goldset"))
    r = ws.harness("compare", str(base), str(new))
    first = refused(r, (6,), "base/results.json", "goldset")
    if first.status != "held":
        return first
    # without counts the scores can still be compared, with no p-values: a warning says so
    # (schema 1 files hold "per_document" inline; a file with neither has none recorded)
    r2 = ws.harness("compare", str(new), str(new))
    if r2.rc == 0 and "no per-document counts" in r2.text:
        return held(f"{first.detail} / then {r2.brief()}")
    return refused(r2, (6,), "new/results.json")


@probe("compare: results not JSON", "report", "held")
def _(ws: Workspace) -> Outcome:
    base, new = _two_runs(ws)
    new.write_text("{oops")
    return refused(ws.harness("compare", str(base), str(new)), (6,), "new/results.json")


@probe("compare: an incomplete run gets a warning", "report", "6. no warning on incomplete")
def _(ws: Workspace) -> Outcome:
    base, new = _two_runs(ws)
    _edit_json(new, lambda d: d.update(complete=False))
    r = ws.harness("compare", str(base), str(new))
    return held(r.brief()) if "incomplete" in r.text.lower() else wrong(f"no warning: {r.brief()}")


@probe("baseline: update --from an incomplete run", "report", "6. baseline accepts incomplete")
def _(ws: Workspace) -> Outcome:
    cfg = ws.probe_config("raise")
    ws.harness("eval", "-c", str(cfg), "-q")
    scores_dir = ws.root / "scores"
    r = ws.harness("baseline", "update", "--config", str(cfg), "--from", str(ws.root / "run"),
                   "--scores", str(scores_dir))  # fmt: skip
    if r.rc == 0 or any(scores_dir.glob("*")):
        return wrong(f"an incomplete run became the baseline: {r.brief()}")
    return refused(r, (2, 5, 6), "incomplete")


@probe("compare: --samples -5", "run", "5. --samples -5")
def _(ws: Workspace) -> Outcome:
    base, new = _two_runs(ws)
    return refused(ws.harness("compare", str(base), str(new), "--samples", "-5"), (2,), "samples")


@probe("compare: different goldsets are refused", "report", "held")
def _(ws: Workspace) -> Outcome:
    base, new = _two_runs(ws)
    _edit_json(new, lambda d: d["goldset"].update(sha256="0" * 64))
    return refused(ws.harness("compare", str(base), str(new)), (6,), "goldset")


@probe("compare: --format json is JSON only", "report", "6. --format json purity")
def _(ws: Workspace) -> Outcome:
    base, new = _two_runs(ws)
    r = ws.harness("compare", str(base), str(new), "--format", "json")
    try:
        json.loads(r.out)
    except json.JSONDecodeError:
        return wrong(f"stdout is not JSON: {r.out[:80]!r}")
    return held()


@probe("cli: validate --max-problems -1", "run", "5. CLI option values")
def _(ws: Workspace) -> Outcome:
    return refused(ws.harness("validate", str(ws.gold), "--max-problems", "-1"), (2,), "max")


@probe("report: a document with <script> is escaped", "report", "held: report escaping")
def _(ws: Workspace) -> Outcome:
    write_document(ws.gold, "doc1", "<script>alert(1)</script> Jane said.", [])
    cfg = ws.probe_config("ok")
    r = ws.harness("eval", "-c", str(cfg), "-q", "--report")
    html = (ws.root / "run" / "report.html").read_text() if r.rc == 0 else ""
    if "<script>alert(1)" in html:
        return wrong("the script is in the page")
    return held() if r.rc == 0 else wrong(r.brief())


@probe("report: a run folder without results", "report", "held")
def _(ws: Workspace) -> Outcome:
    (ws.root / "empty").mkdir()
    return refused(ws.harness("report", str(ws.root / "empty")), (6,), "results")


# -- speed -----------------------------------------------------------------------------------------


def _timed_regex(ws: Workspace, sizes_mb: list[float]) -> list[float]:
    sentence = ("Jane Smith, a spokeswoman for Acme Corp, said on Monday that “the company will "
                "hire 200 people in Oslo,” adding that it was growing fast. ")  # fmt: skip
    times = []
    for mb in sizes_mb:
        gold = ws.root / f"big{mb}"
        write_goldset(gold, 1, [sentence * int(mb * 2**20 / len(sentence))])
        cfg = ws.config(f"big{mb}.yaml", goldset=str(gold), cache=None,
                        extractors=[{"name": "regex"}])  # fmt: skip
        r = ws.harness("eval", "-c", str(cfg), "-q", timeout=900)
        if r.rc is None:
            times.append(float("inf"))
            break
        times.append(r.seconds)
    return times


@probe("speed: regex on 0.25 MB and 1 MB documents", "run", "4. regex quadratic", slow=True)
def _(ws: Workspace) -> Outcome:
    t = _timed_regex(ws, [0.25, 1.0])
    ratio = t[-1] / t[0]
    detail = f"{t[0]:.1f} s / {t[-1]:.1f} s (x{ratio:.1f} for x4 the text; busy machine)"
    return held(detail) if ratio < 6 else wrong(detail)


# ---- running them ------------------------------------------------------------------------------


def run_probe(p: Probe) -> tuple[Probe, Outcome, float]:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="probe19-") as tmp:
        ws = Workspace(Path(tmp), p.documents)
        try:
            outcome = p.func(ws)
        except Exception as exc:  # the probe itself broke: say so, never hide it
            outcome = Outcome("probe-error", f"{type(exc).__name__}: {exc}")
        if outcome.status != "hang" and any(r.traceback for r in ws.runs):
            tb = next(r for r in ws.runs if r.traceback)
            outcome = Outcome("traceback", tb.err.strip().splitlines()[-1][:160])
    return p, outcome, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", default="", help="only probes whose name contains this")
    ap.add_argument("--part", default="", help="only probes of this part (input/run/scale/report)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--slow", action="store_true", help="also the speed probes")
    ap.add_argument("-v", action="store_true", help="print each outcome's detail")
    ap.add_argument("--json", type=Path, help="write the outcomes to this file")
    args = ap.parse_args()
    chosen = [
        p for p in PROBES
        if args.k in p.name and args.part in p.part and (args.slow or not p.slow)
    ]  # fmt: skip
    results: list[tuple[Probe, Outcome, float]] = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for p, o, secs in pool.map(run_probe, chosen):
            results.append((p, o, secs))
            line = f"{o.status:11} {p.part:6} {p.name}"
            print(line + (f"\n            {o.detail}" if args.v and o.detail else ""), flush=True)
    summary: dict[str, dict[str, int]] = {}
    for p, o, _ in results:
        summary.setdefault(p.part, {}).setdefault(o.status, 0)
        summary[p.part][o.status] += 1
    total = {
        s: sum(1 for _, o, _ in results if o.status == s) for s in {o.status for _, o, _ in results}
    }
    print(f"\n{len(results)} probes: " + ", ".join(f"{v} {k}" for k, v in sorted(total.items())))
    for part, counts in sorted(summary.items()):
        print(f"  {part:6}: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    if args.json:
        records = [
            {"probe": p.name, "part": p.part, "issue": p.issue, "status": o.status,
             "detail": o.detail, "seconds": round(s, 1)}
            for p, o, s in results
        ]  # fmt: skip
        args.json.write_text(json.dumps(records, indent=1))
    return 0 if all(o.status in ("held", "skipped") for _, o, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
