"""The HTML report in a real browser: headless Chromium loads it from file:// and the tests drive
it - search, filters, sorting, grouping, export, the document view with its speaker arrows, the
folder layout - and check that untrusted text stays text.

Two reports: a small one with hostile text (``tricky``), and one of 300 generated documents and
three extractors (``big``, :mod:`tests.generated`). Chromium is driven over the DevTools
protocol on a pipe (standard library only, see ``tests/browser.py``); one test also uses plain
``--dump-dom``. Skipped only when no Chromium binary is installed (Debian: ``apt-get install
chromium``; ``.ci/run`` installs it).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.plugins import reset_plugins
from harness.report import write_report

from . import plugin_fixtures
from .browser import FLAGS, Browser, find_chromium, screenshot_report
from .generated import generated_run
from .test_report import EVIL_TEXT, degraded, evil_doc, make_run, perfect, plain_doc, write_goldset

CHROMIUM = find_chromium()
#: CI sets it (.ci/run): there the tests fail rather than skip without a browser.
REQUIRED = os.environ.get("HARNESS_REQUIRE_CHROMIUM") == "1"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED,
    reason="no chromium binary found (apt-get install chromium, or set $CHROMIUM)",
)
N_DOCS = 300


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
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
def big_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_run(tmp_path_factory.mktemp("big"), N_DOCS, samples=50)


@pytest.fixture(scope="module")
def big(big_run: Path) -> Path:
    return write_report(big_run)


def wait(b: Browser, expression: str, timeout: float = 20.0) -> Any:
    """Poll ``expression`` until it is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = b.evaluate(expression)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {expression}")


def opened(report: Path, hash_: str = "") -> Browser:
    b = Browser(CHROMIUM, timeout=60)
    b.open(report.as_uri() + hash_, 1280, 1600)
    wait(b, "document.body.getAttribute('data-report-ready') === '1'")
    return b


@pytest.fixture(scope="module")
def page(big: Path) -> Iterator[Browser]:
    b = opened(big)
    yield b
    b.close()


@pytest.fixture(scope="module")
def tricky_page(tricky: Path) -> Iterator[Browser]:
    b = opened(tricky)
    yield b
    b.close()


def count(b: Browser, selector: str) -> int:
    return int(b.evaluate(f"document.querySelectorAll({selector!r}).length"))


def shown(b: Browser) -> int:
    return int(b.evaluate("Number(document.body.getAttribute('data-errors-shown'))"))


def settle(b: Browser) -> None:
    """Past the search box's debounce and two frames."""
    time.sleep(0.3)
    b.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def click(b: Browser, selector: str) -> None:
    b.evaluate(f"document.querySelector({selector!r}).click(); 0")


def set_value(b: Browser, selector: str, value: str, event: str = "change") -> None:
    b.evaluate(
        f"(() => {{ const e = document.querySelector({selector!r}); e.value = {json.dumps(value)};"
        f" e.dispatchEvent(new Event({event!r}, {{bubbles: true}})); return 0; }})()"
    )
    settle(b)


def column(b: Browser, table: str, index: int) -> list[str]:
    return b.evaluate(
        f"Array.from(document.querySelectorAll('#{table} tr.err'))"
        f".map(r => r.children[{index}].textContent)"
    )


def reset(b: Browser) -> None:
    b.evaluate(
        "document.querySelectorAll('#filters input').forEach(i => { i.checked = true; });"
        "['search', 'right-in', 'group-by'].forEach(id => { const e = document.getElementById(id);"
        " e.value = id === 'right-in' ? '-1' : ''; e.dispatchEvent(new Event(id === 'search' ?"
        " 'input' : 'change')); }); HarnessReport.state.sort = null; HarnessReport.render(); 0"
    )
    settle(b)


# -- loading --------------------------------------------------------------------------------


def test_loads_without_console_errors(page: Browser, tricky_page: Browser) -> None:
    for b in (page, tricky_page):
        assert b.console_errors() == []
    assert page.evaluate("HarnessReport.docs.length") == N_DOCS
    total = page.evaluate("HarnessReport.rows.length")
    assert total > N_DOCS
    assert page.evaluate("document.getElementById('shown-count').textContent") == (
        f"{total} of {total} errors shown"
    )
    assert count(page, "#error-table tr.err") == 50  # one page of the table
    assert count(page, "#doc-table tr[data-doc]") == 50
    assert count(page, "svg.chart rect.bar") >= 10 and count(page, "table.confusion") == 3


def test_filters_by_kind_extractor_and_task(page: Browser) -> None:
    reset(page)
    total = shown(page)
    click(page, '#filters input[name="kind"][value="missed"]')
    settle(page)
    kinds = page.evaluate(
        "Array.from(document.querySelectorAll('#error-table tr.err')).map(r => r.dataset.kinds)"
    )
    assert shown(page) < total and kinds and all("missed" not in k.split() for k in kinds)
    assert page.evaluate("document.body.classList.contains('no-kind-missed')")
    click(page, '#filters input[name="kind"][value="missed"]')
    click(page, '#filters input[name="ex"][value="0"]')  # regex off
    settle(page)
    assert "regex" not in set(column(page, "error-table", 1))
    assert page.evaluate(  # the static tables follow the extractor filter
        "document.querySelector('table.headline tr[data-extractor=\"regex\"]').hidden"
    )
    reset(page)
    assert shown(page) == total


def test_search_finds_errors_by_their_text(page: Browser) -> None:
    reset(page)
    set_value(page, "#search", "Harbor Council", "input")
    texts = page.evaluate(
        "Array.from(document.querySelectorAll('#error-table tr.err')).map(r => r.textContent)"
    )
    assert texts and all("harbor council" in t.lower() for t in texts)
    assert 0 < shown(page) < page.evaluate("HarnessReport.rows.length")
    reset(page)


def test_sort_by_a_column_both_ways(page: Browser) -> None:
    reset(page)
    click(page, '#error-table th[data-col="label"]')
    settle(page)
    up = column(page, "error-table", 4)
    assert up == sorted(up)
    click(page, '#error-table th[data-col="label"]')
    settle(page)
    down = column(page, "error-table", 4)
    assert down == sorted(down, reverse=True) and down != up
    reset(page)


@pytest.mark.parametrize("group", ["kind", "cue", "speaker", "label", "document"])
def test_group_by_and_pick_a_group(page: Browser, group: str) -> None:
    reset(page)
    set_value(page, "#group-by", group)
    groups = page.evaluate(
        "Array.from(document.querySelectorAll('#groups tr.group'))"
        ".map(r => [r.dataset.group, Number(r.children[1].textContent)])"
    )
    assert len(groups) > 1 and sum(n for _, n in groups) == shown(page)
    assert [n for _, n in groups] == sorted((n for _, n in groups), reverse=True)
    name, n = groups[0]
    click(page, f"#groups tr.group[data-group={json.dumps(name)}]")
    settle(page)
    assert shown(page) == n
    reset(page)


def test_only_errors_another_extractor_gets_right(page: Browser) -> None:
    """The question of the issue: quotes spaCy gets wrong and the regex gets right."""
    reset(page)
    for value in ("0", "2"):  # regex and llm off: spacy's errors only
        click(page, f'#filters input[name="ex"][value="{value}"]')
    for task in ("entities", "speakers"):
        click(page, f'#filters input[name="task"][value="{task}"]')
    set_value(page, "#right-in", "0")
    n = shown(page)
    assert n > 0
    check = page.evaluate(
        """(() => {
          const R = HarnessReport, shown = [];
          R.rows.forEach(r => { if (r.x === 1 && r.t === 1 && r.g >= 0) {
            const regex = R.docs[r.d].x[0].f.find(f => f[0] === 1 && f[1] === r.g);
            if (regex && regex[3] === 0) { shown.push(r); } } });
          return shown.length;
        })()"""
    )
    assert check == n
    assert set(column(page, "error-table", 1)) == {"spacy"}
    assert set(column(page, "error-table", 2)) == {"quotes"}
    reset(page)


def test_export_of_the_filtered_errors(page: Browser) -> None:
    reset(page)
    set_value(page, "#search", "budget", "input")
    n = shown(page)
    text = page.evaluate("HarnessReport.exportText('csv')")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == n
    assert {"document", "extractor", "kinds", "gold_text", "predicted_text", "outlet"} <= set(
        rows[0]
    )
    assert all(
        "budget" in (r["gold_text"] + r["predicted_text"] + r["document"]).lower() for r in rows
    )
    lines = page.evaluate("HarnessReport.exportText('jsonl')").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == n and records[0]["document"] == rows[0]["document"]
    assert records[0]["gold_start"] is None or isinstance(records[0]["gold_start"], int)
    click(page, "#export-csv")
    assert page.evaluate("HarnessReport.lastDownload.name") == "errors.csv"
    click(page, "#export-jsonl")
    assert page.evaluate("HarnessReport.lastDownload.name") == "errors.jsonl"
    reset(page)


def test_document_view_with_every_extractor_and_speaker_arrows(page: Browser) -> None:
    reset(page)
    click(page, "#doc-table tr[data-doc] a")
    wait(page, "document.body.getAttribute('data-doc-ready')")
    doc = page.evaluate("HarnessReport.docs[0]")
    assert page.evaluate("document.getElementById('doc-title').textContent") == doc["id"]
    panes = page.evaluate(
        "Array.from(document.querySelectorAll('#panes .pane h5')).map(h => h.textContent)"
    )
    assert len(panes) == 4 and panes[0].startswith("gold") and panes[1] == "predicted by regex"
    # every pane shows the whole text, and only highlights inside it
    texts = page.evaluate(
        "Array.from(document.querySelectorAll('#panes .text')).map(t =>"
        " Array.from(t.childNodes).filter(n => n.nodeName !== 'SUP' && n.nodeName !== 'svg')"
        ".map(n => n.textContent).join(''))"
    )
    assert texts == [doc["t"]] * 4
    # one arrow per gold quote with a speaker mention, from the mention to the quote
    mentions = sum(1 for q in doc["q"] if q[4] >= 0)
    assert page.evaluate("document.querySelector('#panes .pane.gold').dataset.links") == str(
        mentions
    )
    assert count(page, "#panes .pane.gold svg.links path.link") == mentions
    # hovering a gold quote lights up its speaker mention and what each extractor made of it
    lit = page.evaluate(
        """(() => {
          const q = document.querySelector('#panes .pane.gold .a.q');
          q.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
          const on = Array.from(document.querySelectorAll('#docview .hl'))
            .map(x => [x.closest('.pane').querySelector('h5').textContent,
                       x.classList.contains('spk') ? 'spk' : x.classList.contains('q') ? 'q'
                       : x.nodeName]);
          q.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
          return on;
        })()"""
    )
    layers = {layer for _, layer in lit}
    assert {"q", "spk", "path"} <= layers
    assert len({pane for pane, _ in lit}) >= 2
    # the errors of this document, every extractor's
    assert set(column(page, "doc-errors", 0)) == {doc["id"]}
    # columns can be switched off
    click(page, '#pane-choice input[value="1"]')
    wait(page, "document.querySelectorAll('#panes .pane').length === 3")
    click(page, '#pane-choice input[value="1"]')


def test_clicking_an_error_opens_its_document_at_the_item(page: Browser) -> None:
    reset(page)
    row = page.evaluate("document.querySelector('#error-table tr.err:nth-child(5)').dataset.doc")
    click(page, "#error-table tr.err:nth-child(5) td:nth-child(3)")
    wait(page, f"document.body.getAttribute('data-doc-ready') === {json.dumps(row)}")
    assert count(page, "#docview .a.hl") > 0
    assert count(page, "#doc-errors tr.focus") == 1


def test_full_text_search_of_documents(page: Browser) -> None:
    doc = page.evaluate("HarnessReport.docs[137]")
    phrase = doc["t"][200:240]
    set_value(page, "#doc-search", phrase, "input")
    ids = page.evaluate(
        "Array.from(document.querySelectorAll('#doc-table tr[data-doc]')).map(r => r.dataset.doc)"
    )
    assert doc["id"] in ids
    assert all(
        phrase.lower() in d["t"].lower()
        for d in page.evaluate("HarnessReport.docs")
        if d["id"] in ids
    )
    set_value(page, "#doc-search", "", "input")


def test_sorting_documents_by_errors(page: Browser) -> None:
    click(page, '#doc-table th[data-col="x1"]')
    settle(page)
    click(page, '#doc-table th[data-col="x1"]')
    settle(page)
    counts = page.evaluate(
        "Array.from(document.querySelectorAll('#doc-table tr[data-doc]'))"
        ".map(r => Number(r.querySelector('td[data-extractor=\"spacy\"]').textContent))"
    )
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_untrusted_text_stays_text(tricky_page: Browser) -> None:
    b = tricky_page
    b.evaluate("HarnessReport.open('evil'); 0")
    wait(b, "document.body.getAttribute('data-doc-ready') === 'evil'")
    text = b.evaluate(
        "Array.from(document.querySelector('#panes .pane.gold .text').childNodes)"
        ".filter(n => n.nodeName !== 'SUP' && n.nodeName !== 'svg').map(n => n.textContent).join('')"
    )
    assert text == EVIL_TEXT
    assert count(b, "main script, main img, .text b, .text i, #error-table b, #error-table i") == 0
    assert count(b, ".text *:not(span):not(sup):not(svg):not(path)") == 0
    assert b.evaluate("document.body.hasAttribute('data-pwned')") is False
    tooltip = b.evaluate(
        """(() => {
          const q = document.querySelector('#panes .pane.gold .a.q');
          q.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
          q.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
          return q.title;
        })()"""
    )
    assert "<script>alert(1)</script>" in tooltip or "We <img" in tooltip
    cells = b.evaluate(
        "Array.from(document.querySelectorAll('#error-table td.item')).map(c => c.textContent)"
    )
    assert any("<script>alert(1)</script>" in c for c in cells)
    assert b.console_errors() == []


def test_filters_preset_in_the_url(tricky: Path) -> None:
    url = tricky.as_uri() + "#kind=spurious&extractor=bad"
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [CHROMIUM, *(f for f in FLAGS if f != "--remote-debugging-pipe"),
             f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    dom = out.stdout
    assert 'data-report-ready="1"' in dom
    rows = [r for r in dom.split("<tr ") if r.startswith('class="err"')]
    assert rows and all('data-kinds="spurious"' in r and 'data-extractor="bad"' in r for r in rows)
    assert "Uncaught" not in out.stderr


def test_the_folder_layout_loads_the_same_way(big_run: Path, tmp_path: Path) -> None:
    path = write_report(big_run, tmp_path / "folder" / "report.html", folder=True)
    assert len(list((tmp_path / "folder" / "report_files").glob("chunk-*.js"))) == 2
    b = opened(path)
    try:
        assert b.evaluate("HarnessReport.docs.length") == N_DOCS
        assert b.console_errors() == []
    finally:
        b.close()
    shutil.rmtree(tmp_path / "folder" / "report_files")
    b = Browser(CHROMIUM, timeout=60)
    try:
        b.open(path.as_uri())
        assert "report_files" in wait(b, "document.body.getAttribute('data-report-error')")
        assert "keep the folder" in b.evaluate("document.getElementById('loading').textContent")
    finally:
        b.close()


def test_screenshot(big: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    assert screenshot_report(big, png, scroll_to="#errors") == []
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert (width, height) == (1280, 2000)
    assert png.stat().st_size > 20_000  # not a blank page
