"""The Markdown report (report.md) written next to the HTML one."""

from __future__ import annotations

import json
import re
from pathlib import Path

from harness.report import MARKDOWN_FILE, write_report
from harness.report.markdown import md

from .test_report import tricky_run  # noqa: F401  (fixture)


def _row(text: str, *first: str) -> list[str]:
    """Cells of the first table row whose leading cells are ``first``."""
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[: len(first)] == list(first):
            return cells
    raise AssertionError(f"no row starting with {first}")


def test_markdown_report_has_scores_errors_and_charts(tricky_run: Path) -> None:  # noqa: F811
    write_report(tricky_run)
    text = (tricky_run / MARKDOWN_FILE).read_text(encoding="utf-8")
    results = json.loads((tricky_run / "results.json").read_text())
    bad = results["extractors"]["bad"]
    f1 = bad["scores"]["entities.strict.micro.f1"]
    lo, hi = bad["intervals"]["entities.strict.micro.f1"]
    assert f"{f1:.3f} [{lo:.2f}–{hi:.2f}]" in _row(text, "bad")
    assert _row(text, "good")[1].startswith("1.000")
    # errors by kind: none for the perfect extractor, some for the degraded one
    kinds = ["missed", "spurious", "wrong label", "wrong boundary", "wrong speaker"]
    header = _row(text, "extractor", "task")
    assert header[2:] == kinds
    assert _row(text, "good", "entities")[2:] == ["0"] * 5
    assert _row(text, "good", "quotes")[2:] == ["0"] * 5
    assert int(_row(text, "bad", "entities")[2]) > 0
    assert int(_row(text, "bad", "speakers")[6]) > 0
    # the worst documents of the degraded extractor are listed, the perfect one has none
    assert re.search(r"^\| bad \| `evil` \| \d+ \|", text, re.M)
    assert not re.search(r"^\| good \| `", text, re.M)
    # every chart link points at a file written next to it
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links and all((tricky_run / link).is_file() for link in links)


def test_markdown_report_escapes_untrusted_text(tricky_run: Path) -> None:  # noqa: F811
    write_report(tricky_run)
    text = (tricky_run / MARKDOWN_FILE).read_text(encoding="utf-8")
    assert "<" not in text and ">" not in text.replace("&gt;", "")
    assert md("a|b <script>`x`\nnext") == "a\\|b &lt;script&gt;\\`x\\` next"
