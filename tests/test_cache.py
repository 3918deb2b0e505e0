"""The prediction cache key: extractor name, version, options and the extractor's code."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from harness.cache import code_fingerprint, extractor_key


def test_editing_the_extractor_package_changes_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "fp_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "extractor.py").write_text("RULE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("fp_pkg.extractor")
    try:
        before = code_fingerprint("fp_pkg.extractor")
        assert before and code_fingerprint("fp_pkg") == before  # the whole package
        (pkg / "extractor.py").write_text("RULE = 2\n")  # edited, version not bumped
        code_fingerprint.cache_clear()
        after = code_fingerprint("fp_pkg.extractor")
        assert after != before
        assert extractor_key("x", "1", {}, before) != extractor_key("x", "1", {}, after)
    finally:
        for name in ("fp_pkg.extractor", "fp_pkg"):
            sys.modules.pop(name, None)
        code_fingerprint.cache_clear()


def test_key_depends_on_name_version_and_options() -> None:
    base = extractor_key("x", "1", {"a": 1})
    assert base == extractor_key("x", "1", {"a": 1})
    assert base != extractor_key("y", "1", {"a": 1})
    assert base != extractor_key("x", "2", {"a": 1})
    assert base != extractor_key("x", "1", {"a": 2})
    assert code_fingerprint("no_such_module_anywhere") == ""
