"""The HTML report in a real browser: headless Chromium loads it from file:// and the tests check
that the script ran without console errors, that highlights, charts and filters are there and
work, that untrusted text stays text, and take a screenshot.

Chromium is driven over the DevTools protocol on a pipe (standard library only, see
``tests/browser.py``); one test also uses plain ``--dump-dom``. Skipped only when no
Chromium binary is installed (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import struct
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.plugins import reset_plugins
from harness.report import write_report

from . import plugin_fixtures
from .browser import FLAGS, Browser, find_chromium, screenshot_report
from .test_report import degraded, evil_doc, make_run, perfect, plain_doc, write_goldset

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium binary found (apt-get install chromium, or set $CHROMIUM)",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A report of two extractors (perfect, degraded) on an invented goldset with hostile text."""
    tmp = tmp_path_factory.mktemp("report")
    reset_plugins([("test-plugins", plugin_fixtures)])
    try:
        docs = [evil_doc(), plain_doc()]
        gold = write_goldset(tmp / "gs", docs)
        run = make_run(
            tmp, gold, {"good": [perfect(d) for d in docs], "bad": [degraded(d) for d in docs]}
        )
        yield write_report(run)
    finally:
        reset_plugins()


@pytest.fixture(scope="module")
def page(report: Path) -> Iterator[Browser]:
    with Browser(CHROMIUM) as b:
        b.open(report.as_uri())
        yield b


def count(b: Browser, selector: str) -> int:
    return int(b.evaluate(f"document.querySelectorAll({selector!r}).length"))


def test_loads_without_console_errors(page: Browser) -> None:
    assert page.evaluate("document.body.getAttribute('data-report-ready')") == "1"
    assert page.console_errors() == []


def test_highlights_charts_and_filters_are_there(page: Browser) -> None:
    assert count(page, ".pane.gold .a.ent") > 0 and count(page, ".pane.pred .a.ent") > 0
    assert count(page, ".a.q.qb") >= 4  # quote starts, both panes
    assert count(page, ".a.spk") > 0 and count(page, ".a.cue") > 0
    for kind in ("missed", "spurious", "label", "boundary"):
        assert count(page, f".pane .a.ent.ek-{kind}") > 0, kind
    assert count(page, ".a.q.sk-speaker") > 0
    assert count(page, "svg.chart rect.bar") >= 10
    assert count(page, "svg.chart path.ci") > 0  # confidence-interval whiskers
    assert count(page, "#filters input[type=checkbox]") == 2 + 3 + 5
    assert count(page, "table.confusion") == 2
    rows = count(page, "tr.err")
    assert rows > 0
    assert page.evaluate("document.getElementById('shown-count').textContent") == (
        f"{rows} of {rows} errors shown"
    )


def test_untrusted_text_stays_text(page: Browser) -> None:
    text = page.evaluate("document.querySelector('#d0 .pane.gold .text').textContent")
    assert "<script>alert(1)</script>" in text and "<b>bold</b>" in text
    assert "onerror=\"document.body.setAttribute('data-pwned','1')\"" in text
    assert count(page, "main script, main img, .text b, .text i, .text *:not(span):not(sup)") == 0
    assert page.evaluate("document.body.hasAttribute('data-pwned')") is False
    tooltip = page.evaluate(
        """(() => {
          const q = document.querySelector('#d0x0 .pane.gold .a.q');
          q.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
          q.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
          return q.title;
        })()"""
    )
    assert 'Ann "<i>" Lee' in tooltip


def click(b: Browser, selector: str) -> None:
    b.evaluate(f"document.querySelector({selector!r}).click(); 0")


def test_filters_hide_and_show(page: Browser) -> None:
    visible = "Array.from(document.querySelectorAll('tr.err')).filter(r => !r.hidden)"
    total = count(page, "tr.err")
    kinds_of_visible = f"{visible}.map(r => r.dataset.kinds)"
    click(page, '#filters input[name="kind"][value="missed"]')
    try:
        assert "missed" not in " ".join(page.evaluate(kinds_of_visible))
        assert page.evaluate("document.body.classList.contains('no-kind-missed')")
        assert page.evaluate(f"{visible}.length") < total
    finally:
        click(page, '#filters input[name="kind"][value="missed"]')
    assert page.evaluate(f"{visible}.length") == total

    click(page, '#filters input[name="extractor"][value="bad"]')
    try:
        assert page.evaluate(f"{visible}.length") == 0
        hidden_blocks = page.evaluate(
            "Array.from(document.querySelectorAll('.docx')).filter(d => d.hidden)"
            ".map(d => d.dataset.extractor)"
        )
        assert set(hidden_blocks) == {"bad"}
    finally:
        click(page, '#filters input[name="extractor"][value="bad"]')

    click(page, '#filters input[name="task"][value="entities"]')
    try:
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.tag.ent')).display") == "none"
        )
        assert "entities" not in page.evaluate(f"{visible}.map(r => r.dataset.task)")
    finally:
        click(page, '#filters input[name="task"][value="entities"]')
    assert page.console_errors() == []


def test_hovering_a_quote_lights_up_its_speaker(page: Browser) -> None:
    lit = page.evaluate(
        """(() => {
          const q = document.querySelector('#d1x0 .pane.gold .a.q');
          q.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
          const on = Array.from(document.querySelectorAll('#d1x0 .a.hl'));
          const res = on.map(x => [x.closest('.pane').classList.contains('gold') ? 'gold' : 'pred',
                                   x.className.split(' ')]);
          q.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
          return res;
        })()"""
    )
    lit_in = {(pane, layer) for pane, classes in lit for layer in ("q", "spk") if layer in classes}
    # the quote, its speaker mention, and its matched counterpart with its speaker mention
    assert lit_in == {("gold", "q"), ("gold", "spk"), ("pred", "q"), ("pred", "spk")}
    assert page.evaluate("document.querySelectorAll('#d1x0 .hl').length") == 0


def test_dump_dom_with_filters_preset_in_the_url(report: Path, tmp_path: Path) -> None:
    url = report.as_uri() + "#kind=spurious&extractor=bad"
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [CHROMIUM, *(f for f in FLAGS if f != "--remote-debugging-pipe"),
             f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    dom = out.stdout
    assert 'data-report-ready="1"' in dom
    assert 'class="no-kind-missed' in dom or "no-kind-missed" in dom
    rows = [r for r in dom.split("<tr ") if r.startswith('class="err"')]
    shown = [r for r in rows if " hidden" not in r.split(">", 1)[0]]
    assert shown and all(
        'data-kinds="spurious"' in r and 'data-extractor="bad"' in r for r in shown
    )
    assert "Uncaught" not in out.stderr


def test_screenshot(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    assert screenshot_report(report, png, scroll_to="#d0") == []
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert (width, height) == (1280, 2000)
    assert png.stat().st_size > 20_000  # not a blank page
