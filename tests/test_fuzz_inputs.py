"""Fuzzing what users hand the harness (issue #19): generated configs (as mappings and as YAML
text), native goldsets (manifests, document files, texts, links) and CoNLL files. Every input
either loads or raises a :class:`HarnessError` subclass, never another exception.

Readers are called directly (``describe``, then ``read`` through the core's document checks),
not through ``load_goldset``: its Arrow step turns any exception of a reader into a
``GoldsetError`` ("reading failed: TypeError..."), which would hide exactly the bugs looked for
here. :func:`test_load_goldset_never_fails_unexpectedly` then runs whole loads and refuses that
catch-all message.

Each property runs a fixed, modest number of examples by default; its ``slow`` twin (run with
``pytest -m slow``: the CI slow job) runs thousands: 5,500 cases in all. Both are derandomized
(the same examples on every run); ``HARNESS_FUZZ_RANDOM=1`` explores random ones
(:mod:`tests.fuzzing`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from harness.config import load_config, parse_config
from harness.errors import GoldsetError, HarnessError
from harness.formats import get_format
from harness.goldset import load_goldset
from harness.options import parse_options
from harness.rows import checked_rows

from .fuzzing import many, quick

pytestmark = pytest.mark.usefixtures("builtin_only")

GOLD = Path(__file__).parent / "fixtures" / "mini" / "gold"


# ---- values ---------------------------------------------------------------------------------


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", "0", "1e11", "yes", "conll", "iob2", "replay", "entities", "..", "/"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(-3, 3), inner, max_size=4)
    ),
    max_leaves=10,
)
#: Strings a path may be: variables (closed, unclosed, nested, with defaults), dots, NULs...
path_text = st.lists(
    st.sampled_from([*"ab/._-:${}\0 ~", "${HOME}", "${X:-d}", "${X-}", "${", "é", ".."]),
    max_size=10,
).map("".join)


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any] = values) -> Any:
    """``good`` nine times in ten, else ``bad``: most examples get deep into the checks."""
    # not n == 0: hypothesis draws the ends of a range more often than the middle
    return st.integers(0, 9).flatmap(lambda n: bad if n == 5 else good)


def keyed(known: list[str], value: st.SearchStrategy[Any] = values) -> st.SearchStrategy[Any]:
    """Mappings with known keys (and a few unknown ones), or anything else."""
    keys = st.sampled_from(known) | st.text(max_size=6)
    return st.dictionaries(keys, value, max_size=len(known) + 1) | values


# ---- configs --------------------------------------------------------------------------------

goldsets = mostly(
    st.just(str(GOLD))
    | st.fixed_dictionaries(
        {"path": mostly(st.just(str(GOLD)), path_text | values)},
        optional={
            "format": mostly(st.just("harness"), st.sampled_from(["conll", "nope"]) | values),
            "options": mostly(st.just({}), values),
            "max_file_bytes": mostly(st.integers(1, 2**40), values),
            "text_root": mostly(st.just("."), path_text | values),
        },
    ),
    path_text | values,
)
extractor = mostly(
    st.fixed_dictionaries(
        {
            "name": mostly(st.just("replay"), st.sampled_from(["regex", "nope"]) | values),
            "options": mostly(
                st.fixed_dictionaries({"path": mostly(path_text.filter(bool), values)}), values
            ),
        },
        optional={
            "label": mostly(st.text(min_size=1, max_size=6)),
            "gold_label_map": mostly(
                st.sampled_from(["conll", "ontonotes"])
                | st.dictionaries(st.text(max_size=5), st.none() | st.text(max_size=5))
            ),
            "batch_size": mostly(st.integers(1, 100)),
        },
    ),
    st.just("replay") | values,
)
numbers = st.integers(0, 10) | st.floats(0, 1)
gate = mostly(
    st.fixed_dictionaries(
        {},
        optional={
            "max_drop": mostly(numbers),
            "significant_only": mostly(st.booleans()),
            "metrics": mostly(
                st.dictionaries(
                    mostly(st.text(min_size=1, max_size=8), values.filter(_hashable)),
                    mostly(
                        st.fixed_dictionaries(
                            {}, optional={"max_drop": mostly(numbers), "min": mostly(numbers)}
                        ).filter(bool)
                    ),
                    max_size=3,
                )
            ),
        },
    )
)
configs = st.fixed_dictionaries(
    {
        "goldset": goldsets,
        "extractors": mostly(st.lists(extractor, min_size=1, max_size=1), st.lists(extractor)),
    },
    optional={
        "tasks": mostly(
            st.lists(st.sampled_from(["entities", "quotes", "speakers"]), unique=True, min_size=1)
        ),
        "output": mostly(path_text.filter(bool)),
        "cache": mostly(st.none() | st.just(False) | path_text.filter(bool)),
        "bootstrap": mostly(
            st.fixed_dictionaries(
                {},
                optional={
                    "samples": mostly(st.integers(0, 5000)),
                    "seed": mostly(st.integers(0, 99)),
                },
            )
        ),
        "batch_size": mostly(st.integers(1, 64)),
        "gate": gate,
    },
).flatmap(lambda c: mostly(st.just(c), st.just({**c, "extra": "unknown key"})))


def check_config(raw: dict[str, Any], base: Path) -> None:
    try:
        cfg = parse_config(raw, base)
    except HarnessError:
        return
    assert len(cfg.sha256) == 64  # the raw config hashes: no cycle, nothing json cannot show
    assert type(cfg.bootstrap_samples) is int and type(cfg.batch_size) is int


@quick(150)
@given(configs)
def test_config_mappings(tmp_path: Path, raw: dict[str, Any]) -> None:
    check_config(raw, tmp_path)


@many(1500)
@given(configs)
def test_config_mappings_slow(tmp_path: Path, raw: dict[str, Any]) -> None:
    check_config(raw, tmp_path)


#: Pieces of YAML text: anchors, aliases, merge keys, duplicate keys, tags, flow and block
#: styles, odd scalars. Joined at random they make documents well- and ill-formed.
YAML_PIECES = [
    "goldset: GOLD\n",
    "extractors: [replay]\n",
    "extractors: [{name: replay, options: {path: p.jsonl}}]\n",
    "tasks: [entities]\n",
    "gate: {max_drop: .nan}\n",
    "gate: &g {max_drop: 0.1}\n",
    "gate2: *g\n",
    "x: &a [1, 2, 3]\ny: &b [*a, *a, *a]\nz: [*b, *b, *b]\n",
    "r: &r {self: *r}\n",
    "bootstrap:\n  <<: {samples: 5}\n  seed: 1\n",
    "bootstrap: {samples: true}\n",
    "batch_size: 1e11\n",
    "batch_size: 0x10\n",
    "output: ${HOME\n",
    "output: '${X:-}'\n",
    "tasks: [entities]\n",
    "? [a, b]\n: c\n",
    "!!python/object:os.system x\n",
    "k: !!binary aGk=\n",
    "k: 2024-01-01\n",
    "- a\n- b\n",
    "{a: 1, a: 2}\n",
    "a: 'unclosed\n",
    "\t bad indent\n",
    "%YAML 1.1\n---\n",
    "---\n...\n",
    "a: b: c\n",
    "\ufeffgoldset: GOLD\n",
]


def check_config_text(text: str, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(text.replace("GOLD", str(GOLD)).encode("utf-8", "surrogatepass"))
    try:
        cfg = load_config(path)
    except HarnessError:
        return
    assert len(cfg.sha256) == 64


yaml_texts = st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=10), max_size=8).map("".join)


@quick(60)
@given(yaml_texts)
def test_config_texts(tmp_path: Path, text: str) -> None:
    check_config_text(text, tmp_path)


@many(500)
@given(yaml_texts)
def test_config_texts_slow(tmp_path: Path, text: str) -> None:
    check_config_text(text, tmp_path)


@quick(40)
@given(configs)
def test_config_mappings_through_yaml(tmp_path: Path, raw: dict[str, Any]) -> None:
    try:
        text = yaml.safe_dump(raw, allow_unicode=True)
    except yaml.YAMLError:
        return  # a mapping key YAML cannot write
    check_config_text(text, tmp_path)


# ---- native goldsets -------------------------------------------------------------------------

LABELS = ["PERSON", "ORG", "GPE"]
texts = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]) | st.sampled_from(list("ab \n\"'é")),
    max_size=40,
)
odd = st.one_of(values, st.just([]), st.just({}), st.just(None))


def rarely(draw: st.DrawFn, one_in: int = 20) -> bool:
    return draw(st.integers(0, one_in - 1)) == one_in // 2


@st.composite
def spans(draw: st.DrawFn, text: str, fields: dict[str, Any]) -> Any:
    """A span record: mostly right (offsets inside the text, its covered text), sometimes not."""
    if rarely(draw):
        return draw(odd)
    n = len(text)
    start = draw(mostly(st.integers(0, max(n, 1)), odd))
    end = draw(mostly(st.integers(0, max(n, 1)), odd))
    rec = {"start": start, "end": end, **fields}
    if type(start) is int and type(end) is int:
        rec["text"] = text[start:end]
    else:
        rec["text"] = draw(st.text(max_size=5))
    if rarely(draw):
        rec[draw(st.sampled_from(list(rec)))] = draw(odd)
    if rarely(draw):
        rec.pop(draw(st.sampled_from(list(rec))))
    return rec


speaker_entries = st.fixed_dictionaries(
    {
        "name": mostly(st.text(max_size=5), odd),
        "type": mostly(st.sampled_from(["PERSON", "ORG"]), odd),
        "aliases": mostly(st.lists(st.text(max_size=4), max_size=2), odd),
    }
)


@st.composite
def documents(draw: st.DrawFn, doc_id: str, text_path: str, text: str) -> Any:
    label = mostly(st.sampled_from(LABELS), odd)
    entities = st.lists(label.flatmap(lambda x: spans(text, {"label": x})), max_size=4)
    quote_fields = st.fixed_dictionaries(
        {
            "type": mostly(st.sampled_from(["direct", "indirect", "mixed"]), odd),
            "speaker": mostly(st.sampled_from([None, "s1", "s2", "s3"]), odd),
            "speaker_span": st.none() | spans(text, {}),
            "cue": st.none() | spans(text, {}),
        }
    )
    quotes = st.lists(quote_fields.flatmap(lambda f: spans(text, f)), max_size=3)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    rec = {
        "id": draw(mostly(st.just(doc_id), odd)),
        "text_path": draw(
            mostly(
                st.just(text_path),
                st.sampled_from(["/etc/passwd", "../../../../etc/passwd", "texts/../x.txt", ""])
                | odd,
            )
        ),
        "text_sha256": draw(mostly(st.just(digest), st.sampled_from(["0" * 64, "X" * 64]) | odd)),
        "entities": draw(mostly(entities, odd)),
        "speakers": draw(
            mostly(st.dictionaries(st.sampled_from(["s1", "s2"]), speaker_entries, max_size=2), odd)
        ),
        "quotes": draw(mostly(quotes, odd)),
    }
    if rarely(draw):
        rec.pop(draw(st.sampled_from(list(rec))))
    return rec


MANIFEST_OK = {
    "name": "fuzz",
    "version": "1",
    "description": "generated",
    "label_scheme": "ontonotes",
    "labels": LABELS,
}


@st.composite
def native_goldsets(draw: st.DrawFn) -> dict[str, Any]:
    """A goldset folder's files as ``{relative path: bytes, ('link', target) or None}``."""
    files: dict[str, Any] = {}
    manifest: Any = dict(MANIFEST_OK)
    if rarely(draw, 10):
        manifest[draw(st.sampled_from([*MANIFEST_OK, "text_root", "guidelines"]))] = draw(odd)
    if rarely(draw):
        manifest = draw(odd)
    files["gold/goldset.yaml"] = yaml.safe_dump(manifest).encode("utf-8")
    for i in range(draw(st.integers(1, 3))):
        text = draw(texts)
        files[f"{draw(st.sampled_from(['gold/texts', 'texts']))}/d{i}.txt"] = (
            draw(st.binary(max_size=20)) if rarely(draw) else text.encode("utf-8")
        )
        rec = draw(documents(f"d{i}", f"texts/d{i}.txt", text))
        body = json.dumps(rec, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
        if rarely(draw):
            body = body[: draw(st.integers(0, len(body)))]
        files[f"gold/d{i}.json"] = body
    if rarely(draw, 10):
        name = draw(st.sampled_from(["gold/texts/d0.txt", "texts/d1.txt", "gold/d9.json"]))
        files[name] = ("link", draw(st.sampled_from(["/etc/hostname", "nowhere", "self", "."])))
    files[".git"] = draw(mostly(st.just(b""), st.none()))  # inside a repository, or not
    return files


def materialize(root: Path, files: dict[str, Any]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            continue
        if path.is_symlink() or path.exists():
            path.unlink()
        if isinstance(content, tuple):
            target = content[1]
            path.symlink_to(path if target == "self" else target)
        else:
            path.write_bytes(content)
    (root / "gold").mkdir(exist_ok=True)
    return root / "gold"


def read_directly(path: Path, fmt_name: str, options: Any) -> int:
    """``describe`` then ``read`` through the core's checks, without the Arrow step; the number
    of documents, or a HarnessError."""
    fmt = get_format(fmt_name)
    opts = parse_options(fmt.Options, options, "fuzz options")
    info = fmt.describe(path, opts)
    labels = None if info.labels is None else set(info.labels)
    return sum(1 for _ in checked_rows(fmt.read(path, opts), labels, "fuzz", path))


def check_native(files: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        gold = materialize(Path(tmp), files)
        try:
            read_directly(gold, "harness", {})
        except HarnessError:
            pass


@quick(200)
@given(native_goldsets())
def test_native_goldsets(files: dict[str, Any]) -> None:
    check_native(files)


def test_native_text_path_of_any_type_or_length() -> None:
    """Found by the slow twin: a text_path that is a JSON object was hashed as its str() (an
    OSError "File name too long" from lstat); a name too long for the file system is a missing
    text, not an OSError."""
    text = b"Hi."
    digest = hashlib.sha256(text).hexdigest()
    for text_path in ({"": [None, 1], "a": {"b": None}}, [1], "x" * 300, "a/" + "y" * 5000):
        rec = {"id": "d0", "text_path": text_path, "text_sha256": digest, "entities": [],
               "speakers": {}, "quotes": []}  # fmt: skip
        files = {
            "gold/goldset.yaml": yaml.safe_dump(MANIFEST_OK).encode("utf-8"),
            "gold/texts/d0.txt": text,
            "gold/d0.json": json.dumps(rec).encode("utf-8"),
            ".git": b"",
        }
        with tempfile.TemporaryDirectory() as tmp, pytest.raises(GoldsetError, match="text_path"):
            read_directly(materialize(Path(tmp), files), "harness", {})


@many(2000)
@given(native_goldsets())
def test_native_goldsets_slow(files: dict[str, Any]) -> None:
    check_native(files)


# ---- CoNLL files ----------------------------------------------------------------------------

TAGS = ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "B-FOO", "B-", "I", "B_PER"]
VALID_TAGS = ["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
TOKENS = ["Ana", "Berg", ".", ",", '"', "'s", "(", ")", "$", "New", "York", "é", "-X-", "--"]
token_lines = st.tuples(
    mostly(st.sampled_from(TOKENS), st.text(min_size=1, max_size=4)),
    st.lists(st.sampled_from(["NNP", "B-NP", "_"]), min_size=2, max_size=2),
    mostly(st.sampled_from(VALID_TAGS), st.sampled_from(TAGS) | st.text(max_size=5)),
).map(lambda t: " ".join([t[0], *t[1], t[2]]))
conll_lines = mostly(
    st.sampled_from(["", "-DOCSTART- -X- -X- O"]) | token_lines | token_lines | token_lines,
    st.text(max_size=8),
)
conll_options = st.fixed_dictionaries(
    {},
    optional={
        "scheme": st.sampled_from(["auto", "iob1", "iob2", "bioes"]),
        "documents": st.sampled_from(["docstart", "sentence", "file"]),
        "detokenize": st.sampled_from(["natural", "spaces"]),
        "token_column": mostly(st.just(0), st.integers(-5, 5)),
        "tag_column": mostly(st.just(-1), st.integers(-5, 5)),
        "labels": st.lists(st.sampled_from(["PER", "LOC"]), max_size=2),
        "label_scheme": st.sampled_from(["conll", "custom"]),
    },
)


@st.composite
def conll_files(draw: st.DrawFn) -> tuple[bytes, dict[str, Any]]:
    text = "\n".join(draw(st.lists(conll_lines, max_size=25)))
    raw = text.encode("utf-8", "surrogatepass")
    if rarely(draw, 10):
        at = draw(st.integers(0, len(raw)))
        raw = (
            raw[:at] + draw(st.sampled_from([b"\xff", b"\xef\xbb\xbf", b"\r\n", b"\0"])) + raw[at:]
        )
    options = draw(mostly(conll_options, st.dictionaries(st.text(max_size=6), values, max_size=2)))
    return raw, options


def check_conll(case: tuple[bytes, dict[str, Any]]) -> None:
    raw, options = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.conll"
        path.write_bytes(raw)
        try:
            read_directly(path, "conll", options)
        except HarnessError:
            pass


@quick(150)
@given(conll_files())
def test_conll_files(case: tuple[bytes, dict[str, Any]]) -> None:
    check_conll(case)


@many(1500)
@given(conll_files())
def test_conll_files_slow(case: tuple[bytes, dict[str, Any]]) -> None:
    check_conll(case)


# ---- whole loads (with the Arrow step) ---------------------------------------------------------


def check_load(files: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        gold = materialize(Path(tmp), files)
        try:
            load_goldset(gold)
        except GoldsetError as exc:
            assert "reading failed" not in str(exc), str(exc)
        except HarnessError:
            pass


@quick(15)
@given(native_goldsets())
def test_load_goldset_never_fails_unexpectedly(files: dict[str, Any]) -> None:
    check_load(files)


def test_properties_are_derandomized_unless_asked() -> None:
    """CI must draw the same examples on every run (the root conftest's hypothesis profile);
    ``HARNESS_FUZZ_RANDOM=1`` explores."""
    from hypothesis import settings

    explore = os.environ.get("HARNESS_FUZZ_RANDOM", "") not in ("", "0")
    twins = [f for name, f in globals().items() if name.startswith("test_") and _is_slow(f)]
    assert twins
    assert all(_settings(f).derandomize is not explore for f in twins)
    assert settings.default.derandomize is not explore


def _is_slow(f: Any) -> bool:
    return any(m.name == "slow" for m in getattr(f, "pytestmark", []))


def _settings(f: Any) -> Any:
    return f._hypothesis_internal_use_settings
