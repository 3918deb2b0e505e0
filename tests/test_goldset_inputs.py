"""What a goldset may make the harness read, and what it gets for wrong input (issue #19): files
only inside the goldset folder (its repository) or a text_root the user declares, no links
leading out, a size limit per file, field types checked with the file and record named."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import builtin, hookimpl
from harness.config import load_config
from harness.errors import GoldsetError
from harness.formats.base import DEFAULT_MAX_FILE_BYTES
from harness.goldset import load_goldset
from harness.model import Document, Entity, Quote, Speaker
from harness.plugins import reset_plugins

PASSWD = Path("/etc/passwd")
Doc = dict[str, Any]


def edit(gold: Path, change: Callable[[Doc], None], doc: str = "doc1") -> None:
    path = gold / f"{doc}.json"
    rec = json.loads(path.read_text(encoding="utf-8"))
    change(rec)
    path.write_text(json.dumps(rec), encoding="utf-8")


def point_at(text_path: str, data: bytes) -> Callable[[Doc], None]:
    """A record whose text is ``text_path`` with the right hash for ``data``: only the place
    is wrong."""

    def change(rec: Doc) -> None:
        rec.update(
            text_path=text_path,
            text_sha256=hashlib.sha256(data).hexdigest(),
            entities=[],
            quotes=[],
            speakers={},
        )

    return change


def refused(gold: Path, **kw: Any) -> str:
    with pytest.raises(GoldsetError) as info:
        load_goldset(gold, **kw)
    return str(info.value)


needs_passwd = pytest.mark.skipif(not PASSWD.is_file(), reason="no /etc/passwd here")


@pytest.fixture
def beside(mini: Path) -> Path:
    """The mini goldset laid out as goldsets/seeds is in this repository: its texts beside the
    goldset folder (``mini/texts``), ``mini`` the root of a repository (``.git``)."""
    (mini / "texts").rename(mini.parent / "texts")
    (mini.parent / ".git").mkdir()
    return mini


# ---- where texts may be read from -----------------------------------------------------------


@needs_passwd
@pytest.mark.parametrize("text_path", ["../../../../../../../../../etc/passwd", "/etc/passwd"])
@pytest.mark.parametrize("layout", ["repository", "folder"])
def test_text_path_cannot_leave_the_area(
    request: pytest.FixtureRequest, text_path: str, layout: str
) -> None:
    gold = request.getfixturevalue("beside" if layout == "repository" else "mini")
    edit(gold, point_at(text_path, PASSWD.read_bytes()))
    msg = refused(gold)
    assert f"doc1.json: text_path {text_path!r}" in msg
    assert "root:x:0" not in msg
    where = "the repository" if layout == "repository" else "the goldset folder"
    assert "absolute" in msg or f"leads outside {where}" in msg, msg


@needs_passwd
def test_a_relative_path_is_not_looked_up_above_the_repository(beside: Path) -> None:
    """The old lookup walked up to / : 'etc/passwd' found /etc/passwd."""
    edit(beside, point_at("etc/passwd", PASSWD.read_bytes()))
    assert "doc1.json: text_path 'etc/passwd' not found" in refused(beside)


@needs_passwd
def test_a_manifest_cannot_choose_its_text_root(mini: Path) -> None:
    manifest = mini / "goldset.yaml"
    for root, why in (("/etc", "is absolute"), ("../../../../../../../../etc", "leads outside")):
        manifest.write_text(manifest.read_text().split("text_root")[0] + f"text_root: {root}\n")
        for doc in ("doc1", "doc2"):
            edit(mini, point_at("passwd", PASSWD.read_bytes()), doc)
        msg = refused(mini)
        assert f"goldset.yaml: text_root {root!r} {why}" in msg, msg


def test_a_manifest_text_root_inside_the_repository_is_used(beside: Path) -> None:
    manifest = beside / "goldset.yaml"
    manifest.write_text(manifest.read_text() + "text_root: ../texts\n")
    for doc in ("doc1", "doc2"):
        edit(beside, lambda r: r.update(text_path=Path(r["text_path"]).name), doc)
    assert [d.id for d in load_goldset(beside)] == ["doc1", "doc2"]


def test_texts_beside_the_goldset_are_read_in_a_repository_only(beside: Path) -> None:
    assert len(load_goldset(beside)) == 2
    (beside.parent / ".git").rmdir()
    msg = refused(beside)
    assert "doc1.json: text_path 'texts/doc1.txt' not found" in msg
    assert "declare the folder of the texts yourself" in msg


def test_a_text_root_the_user_declares_is_read(beside: Path, tmp_path: Path) -> None:
    (beside.parent / ".git").rmdir()
    mini, texts = beside, beside.parent
    assert len(load_goldset(mini, options={"text_root": str(texts)})) == 2
    config = tmp_path / "run.yaml"  # in a config: relative to the config's folder
    config.write_text(
        f"goldset: {{path: {mini}, text_root: mini}}\n"
        "extractors: [{name: replay, options: {path: p.jsonl}}]\n",
        encoding="utf-8",
    )
    cfg = load_config(config)
    assert cfg.goldset.parsed.text_root == texts
    assert cfg.goldset.options == {"text_root": str(texts)}  # recorded resolved, for reports
    assert len(load_goldset(cfg.goldset)) == 2


@needs_passwd
def test_a_link_leading_out_is_refused(mini: Path) -> None:
    text = mini / "texts" / "doc1.txt"
    text.unlink()
    text.symlink_to(PASSWD)
    edit(mini, point_at("texts/doc1.txt", PASSWD.read_bytes()))
    msg = refused(mini)
    assert "doc1.json: text_path 'texts/doc1.txt' leads outside the goldset folder" in msg
    assert "through a symbolic link" in msg and "root:x:0" not in msg


def test_a_link_inside_the_repository_is_followed(beside: Path) -> None:
    mini = beside
    text = mini.parent / "texts" / "doc1.txt"
    moved = mini.parent / "elsewhere.txt"
    text.rename(moved)
    text.symlink_to(moved)
    assert len(load_goldset(mini)) == 2


def test_dangling_and_looping_links_name_the_file(mini: Path) -> None:
    text = mini / "texts" / "doc1.txt"
    text.unlink()
    text.symlink_to(mini / "texts" / "gone.txt")
    assert "which does not exist" in refused(mini)
    text.unlink()
    text.symlink_to(text)
    assert "doc1.json: text_path 'texts/doc1.txt'" in refused(mini)
    assert "symbolic link that loops" in refused(mini)


@pytest.mark.parametrize("kind", ["dangling", "loop", "outside", "folder"])
def test_document_files_that_are_not_files_are_named(mini: Path, tmp_path: Path, kind: str) -> None:
    f = mini / "doc3.json"
    if kind == "dangling":
        f.symlink_to(mini / "gone.json")
        expected = "which does not exist"
    elif kind == "loop":
        f.symlink_to(f)
        expected = "loops"
    elif kind == "outside":
        (tmp_path / "elsewhere.json").write_text("{}")
        f.symlink_to(tmp_path / "elsewhere.json")
        expected = "is a symbolic link leading outside the goldset folder"
    else:
        f.mkdir()
        expected = "is a folder, not a document file"
    msg = refused(mini)
    assert f"doc3.json: {expected}" in msg or "doc3.json: is a symbolic link" in msg, msg
    assert expected in msg, msg


def test_a_named_pipe_is_refused_not_waited_on(mini: Path) -> None:
    text = mini / "texts" / "doc1.txt"
    text.unlink()
    os.mkfifo(text)
    assert "texts/doc1.txt: is not a regular file" in refused(mini)


def test_a_hash_mismatch_shows_the_expected_hash_only(mini: Path) -> None:
    text = mini / "texts" / "doc1.txt"
    text.write_bytes(text.read_bytes() + b"!")
    actual = hashlib.sha256(text.read_bytes()).hexdigest()
    expected = json.loads((mini / "doc1.json").read_text())["text_sha256"]
    msg = refused(mini)
    assert f"text texts/doc1.txt does not match text_sha256 (expected {expected})" in msg
    assert actual[:8] not in msg


# ---- the size limit -----------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_and_the_limit_can_be_raised(
    mini: Path, tmp_path: Path
) -> None:
    size = (mini / "goldset.yaml").stat().st_size
    msg = refused(mini, max_file_bytes=size - 1)
    assert f"goldset.yaml: {size:,} bytes, more than the limit of {size - 1:,} bytes" in msg
    assert "max_file_bytes" in msg
    assert len(load_goldset(mini, max_file_bytes=10_000)) == 2
    config = tmp_path / "run.yaml"
    config.write_text(
        f"goldset: {{path: {mini}, max_file_bytes: 20}}\n"
        "extractors: [{name: replay, options: {path: p.jsonl}}]\n",
        encoding="utf-8",
    )
    source = load_config(config).goldset
    assert source.max_file_bytes == 20
    assert "more than the limit of 20 bytes" in refused(source)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["gold/doc1.json", "gold/texts/doc1.txt"])
def test_the_default_limit_applies_to_every_file(mini: Path, name: str) -> None:
    """A sparse file: 'larger' than the limit without using the disk; refused before reading."""
    with (mini.parent / name).open("r+b") as f:
        f.truncate(DEFAULT_MAX_FILE_BYTES + 1)
    msg = refused(mini)
    assert f"{Path(name).name}: {DEFAULT_MAX_FILE_BYTES + 1:,} bytes, more than the limit" in msg


def test_the_limit_applies_to_conll_files(tmp_path: Path) -> None:
    p = tmp_path / "a.conll"
    p.write_text("Ana B-PER\nruns O\n", encoding="utf-8")
    with pytest.raises(GoldsetError, match=r"a\.conll: 17 bytes, more than the limit of 10"):
        load_goldset(p, "conll", max_file_bytes=10)


def test_a_conll_folder_refuses_links_leading_out(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.conll").write_text("Ana B-PER\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("x O\n", encoding="utf-8")
    (folder / "b.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "c.txt").symlink_to(folder / "gone.txt")
    with pytest.raises(GoldsetError) as info:
        load_goldset(folder, "conll")
    msg = str(info.value)
    assert "b.txt: is a symbolic link leading outside the goldset folder" in msg
    assert "c.txt: is a symbolic link to" in msg and "which does not exist" in msg


# ---- field types in native records ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda r: r["entities"][0].update(label=["PERSON"]),
            "entities[0]: label should be a string",
        ),
        (
            lambda r: r["quotes"][0].update(speaker=["x"]),
            "quotes[0]: speaker should be a speaker id",
        ),
        (lambda r: r.update(id=["doc1"]), "id should be a string, got ['doc1']"),
        (lambda r: r.update(text_path=5), "text_path should be a relative path (a string), got 5"),
        (lambda r: r.update(text_sha256=5), "text_sha256 should be 64 hex digits, got 5"),
        (lambda r: r["entities"][0].update(label="\ud800"), "entities[0].label: holds an unpaired"),
        (
            lambda r: [s.update(name=["x"]) for s in r["speakers"].values()],
            "speakers['jane-smith']: name should be a string",
        ),
    ],
)
def test_wrong_types_name_the_file_and_record(
    mini: Path, change: Callable[[Doc], None], message: str
) -> None:
    edit(mini, change)
    msg = refused(mini)
    assert f"doc1.json: {message}" in msg, msg


def test_a_key_given_twice_in_a_record_is_refused(mini: Path) -> None:
    path = mini / "doc1.json"
    raw = path.read_text(encoding="utf-8")
    path.write_text(raw.replace('"entities": [', '"entities": [], "entities": [', 1))
    assert "doc1.json: key 'entities' is given twice in one object" in refused(mini)


def test_json_nested_too_deeply_is_a_goldset_error(mini: Path) -> None:
    (mini / "doc1.json").write_text("[" * 100_000 + "]" * 100_000)
    msg = refused(mini)
    assert "doc1.json: JSON nested too deeply" in msg or "doc1.json: expected a JSON object" in msg


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("version: 1.10", 'version should be a string (quote it: "1.10"), got 1.1'),
        ("name: [mini]", "name should be a non-empty string, got ['mini']"),
        ("name: other", "line 6: key 'name' is given twice in one mapping (first at line 1)"),
    ],
)
def test_manifest_fields(mini: Path, line: str, message: str) -> None:
    manifest = mini / "goldset.yaml"
    text = manifest.read_text()
    key = line.split(":")[0]
    if key == "name" and "[" not in line:
        text += line + "\n"
    else:
        text = "\n".join(line if ln.startswith(key + ":") else ln for ln in text.splitlines())
    manifest.write_text(text + "\n")
    assert f"goldset.yaml{'' if 'line' in message else ':'}" in refused(mini)
    assert message in refused(mini)


# ---- any format: what the core checks in every document --------------------------------------


def _bad_documents(kind: str) -> Iterator[Any]:
    text = "Ana Berg spoke."
    if kind == "label":
        yield Document("d1", text, (Entity(0, 8, ["PER"]),))  # type: ignore[arg-type]
    elif kind == "speaker":
        yield Document("d1", text, quotes=(Quote(0, 3, speaker=["x"]),))  # type: ignore[arg-type]
    elif kind == "id":
        yield Document(["d1"], text)  # type: ignore[arg-type]
    elif kind == "alias":
        yield Document("d1", text, speakers=(Speaker("s", "Ana", "PER", (1,)),))  # type: ignore[arg-type]
    else:
        yield {"id": "d1", "text": text}


@pytest.mark.usefixtures("builtin_only")
@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("label", "document 'd1': entities[0].label should be a string, got list ['PER']"),
        ("speaker", "document 'd1': quotes[0].speaker should be a string, got list"),
        ("id", "document 1: id should be a string, got list"),
        ("alias", "document 'd1': speakers[0].aliases should be a string, got int"),
        ("dict", "document 1: the format gave a dict, not a Document"),
    ],
)
def test_a_plugin_format_giving_wrong_types_gets_a_goldset_error(
    tmp_path: Path, kind: str, message: str
) -> None:
    class Plugin:
        @staticmethod
        @hookimpl
        def register_goldset_formats(register: Callable[[str, Any], None]) -> None:
            register("bad", lambda path, options: _bad_documents(kind))

    reset_plugins([("core", builtin), ("bad-plugin", Plugin)])
    p = tmp_path / "x.bad"
    p.write_text("anything")
    with pytest.raises(GoldsetError) as info:
        load_goldset(p, "bad")
    assert message in str(info.value), str(info.value)
    assert str(p) in str(info.value)
