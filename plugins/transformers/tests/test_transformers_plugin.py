"""Registration: the plugin registers the extractor without importing torch or transformers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness_transformers import plugin
from harness_transformers.extractor import TransformersExtractor

from harness.extractors import Extractor, check_extractor_class

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def test_plugin_registers_the_extractor() -> None:
    registered: list[type[Extractor]] = []
    plugin.register_extractors(register=registered.append)
    assert registered == [TransformersExtractor]
    assert check_extractor_class(TransformersExtractor) == []
    info = TransformersExtractor.describe()
    assert info["name"] == "transformers"
    assert info["tasks"] == ["entities", "quotes", "speakers"]
    assert info["label_scheme"] == "conll"
    assert info["labels"] == ["PER", "ORG", "LOC", "MISC"]


def test_registration_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from harness_transformers import plugin\n"
        "plugin.register_extractors(register=lambda cls: None)\n"
        "heavy = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE_ROOT
    )
    assert out.stdout.strip() == ""


def test_pyproject_declares_entry_point_and_pinned_torch() -> None:
    text = (PACKAGE_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'transformers = "harness_transformers.plugin"' in text
    assert '"torch==2.13.0"' in text
    assert 'harness_transformers = ["model/*", "quotes_model/*"]' in text
