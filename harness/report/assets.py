"""The report's inline stylesheet and script (vanilla JavaScript, no libraries, works from file://).

The script never inserts markup: it only toggles classes and ``hidden`` and sets ``textContent``.
"""

from __future__ import annotations

from harness.report.classify import KINDS

ENTITY_COLOURS = {
    "ok": "#c3ebcb",
    "label": "#ffd3a1",
    "boundary": "#fff08a",
    "missed": "#ffc2c2",
    "spurious": "#e2c6ff",
}
QUOTE_COLOURS = {
    "ok": "#2b8a3e",
    "label": "#e8590c",
    "boundary": "#d9a400",
    "missed": "#e03131",
    "spurious": "#9c36b5",
}

BASE_CSS = """
:root { --fg:#1d1d1f; --muted:#666; --line:#ddd; --bg:#fafafa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
       margin: 0; background: #fff; }
header { padding: 14px 24px 6px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .meta { color: var(--muted); font-size: 12px; }
main { padding: 0 24px 80px; }
h2 { margin: 28px 0 8px; font-size: 17px; border-bottom: 1px solid var(--line);
     padding-bottom: 4px; }
h3 { margin: 22px 0 6px; font-size: 15px; }
h4 { margin: 12px 0 6px; font-size: 14px; }
#filters { position: sticky; top: 0; z-index: 5; background: #f4f6f8;
           border-bottom: 1px solid var(--line); padding: 6px 24px; display: flex;
           flex-wrap: wrap; gap: 6px 20px; align-items: center; }
#filters fieldset { border: 0; margin: 0; padding: 0; display: flex; gap: 10px;
                    align-items: center; }
#filters legend { float: left; font-weight: 600; margin-right: 6px; padding: 0; }
#filters label { white-space: nowrap; cursor: pointer; }
#shown-count { color: var(--muted); margin-left: auto; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
td.l, th.l { text-align: left; }
.ci { color: var(--muted); font-size: 11px; }
.na { color: #aaa; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.charts figure { margin: 0; }
.charts svg { border: 1px solid var(--line); max-width: 100%; height: auto; }
.confusion-wrap { display: inline-block; vertical-align: top; margin-right: 28px; }
table.confusion td.diag { background: #d3f0d9; }
table.confusion td.off { background: #ffe1e1; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; margin: 6px 0; }
.legend span.a { padding: 0 4px; }
.doc { border-top: 2px solid #bbb; margin-top: 26px; }
.docx { margin: 8px 0 18px; }
.panes { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.pane { border: 1px solid var(--line); border-radius: 4px; background: var(--bg); min-width: 0; }
.pane h5 { margin: 0; padding: 4px 8px; font-size: 12px; background: #eef0f2;
           border-bottom: 1px solid var(--line); }
.text { white-space: pre-wrap; overflow-wrap: anywhere; padding: 8px 10px; font-size: 13.5px;
        line-height: 1.9; max-height: 640px; overflow-y: auto; }
.failed { background: #fff0f0; border: 1px solid #f3b0b0; padding: 4px 8px; margin: 4px 0; }
.a { border-radius: 0; }
.a.ent.eb { border-top-left-radius: 3px; border-bottom-left-radius: 3px; }
.a.ent.ee { border-top-right-radius: 3px; border-bottom-right-radius: 3px; }
.a.q { border-bottom: 2px solid; padding-bottom: 1px; }
.a.q.sk-speaker { border-bottom-style: dashed; }
.a.qb::before { content: "\\27E6"; color: #777; font-size: 11px; }
.a.qe::after { content: "\\27E7"; color: #777; font-size: 11px; }
.a.spk { outline: 1.5px dotted #1c7ed6; outline-offset: 1px; }
.a.spk.spk-wrong { outline-color: #e03131; }
.a.cue { font-style: italic; text-decoration: underline dotted #1c7ed6; }
.tag { font-size: 9px; font-weight: 600; color: #444; margin: 0 2px 0 1px; letter-spacing: .02em; }
.a.hl { outline: 2px solid #f59f00 !important; background-color: #ffe066 !important; }
.tag.hl { background: #ffe066; }
.a.flash { animation: flash 1.2s ease-out 2; }
@keyframes flash { 50% { background: #ff922b; } }
table.errors { width: 100%; }
table.errors td, table.errors th { text-align: left; }
table.errors tr { cursor: pointer; }
table.errors tr:hover td { background: #f6f9ff; }
.kind { display: inline-block; padding: 0 5px; border-radius: 3px; font-size: 11px;
        font-weight: 600; color: #fff; margin-right: 3px; white-space: nowrap; }
.kind-missed { background: #e03131; } .kind-spurious { background: #9c36b5; }
.kind-label { background: #e8590c; } .kind-boundary { background: #b08900; }
.kind-speaker { background: #1c7ed6; }
#infobox { position: fixed; right: 16px; bottom: 16px; max-width: 420px; white-space: pre-wrap;
           background: #fffef2; border: 1px solid #d9c77a; padding: 8px 10px; font-size: 12px;
           box-shadow: 0 2px 8px rgba(0,0,0,.15); z-index: 10; }
#infobox[hidden] { display: none; }
[hidden] { display: none !important; }
@media (max-width: 900px) { .panes { grid-template-columns: 1fr; } }
"""


def _status_css() -> str:
    rules = []
    for status, colour in ENTITY_COLOURS.items():
        rules.append(f".a.ent.ent-{status} {{ background: {colour}; }}")
    for status, colour in QUOTE_COLOURS.items():
        rules.append(f".a.q.q-{status} {{ border-bottom-color: {colour}; }}")
    # filters: hide a task's or an error kind's highlights
    rules.append(".no-task-entities .a.ent { background: none; }")
    rules.append(".no-task-entities .tag.ent { display: none; }")
    rules.append(".no-task-quotes .tag.q { display: none; }")
    rules.append(".no-task-quotes .a.q { border-bottom-color: transparent; }")
    rules.append(".no-task-quotes .a.qb::before, .no-task-quotes .a.qe::after { content: none; }")
    rules.append(".no-task-speakers .a.spk { outline: none; }")
    rules.append(".no-task-speakers .a.cue { font-style: normal; text-decoration: none; }")
    for kind in KINDS:
        rules.append(
            f".no-kind-{kind} .a.ent.ek-{kind} {{ background: none; }} "
            f".no-kind-{kind} .tag.ek-{kind} {{ display: none; }} "
            f".no-kind-{kind} .a.q.qk-{kind} {{ border-bottom-color: transparent; }}"
        )
    rules.append(".no-kind-speaker .a.q.sk-speaker { border-bottom-style: solid; }")
    rules.append(".no-kind-speaker .a.spk.spk-wrong { outline-color: #1c7ed6; }")
    return "\n".join(rules)


CSS = BASE_CSS + _status_css()

JS = r"""
(function () {
  "use strict";
  var body = document.body;
  function boxes(name) {
    return Array.prototype.slice.call(
      document.querySelectorAll('#filters input[name="' + name + '"]'));
  }
  function state(name) {
    var s = {};
    boxes(name).forEach(function (b) { s[b.value] = b.checked; });
    return s;
  }
  function tokens(v) { return (v || "").split(" ").filter(function (t) { return t; }); }
  function presetFromHash() {
    var h = window.location.hash.replace(/^#/, "");
    if (!h) { return; }
    h.split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv.length !== 2) { return; }
      var name = decodeURIComponent(kv[0]);
      var wanted = decodeURIComponent(kv[1]).split(",");
      boxes(name).forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    });
  }
  function apply() {
    var ex = state("extractor"), task = state("task"), kind = state("kind");
    Object.keys(task).forEach(function (t) { body.classList.toggle("no-task-" + t, !task[t]); });
    Object.keys(kind).forEach(function (k) { body.classList.toggle("no-kind-" + k, !kind[k]); });
    document.querySelectorAll("[data-extractor]").forEach(function (el) {
      el.hidden = ex[el.getAttribute("data-extractor")] === false;
    });
    var shown = 0, total = 0;
    document.querySelectorAll("tr.err").forEach(function (tr) {
      total += 1;
      var ok = ex[tr.getAttribute("data-extractor")] !== false &&
        task[tr.getAttribute("data-task")] !== false &&
        tokens(tr.getAttribute("data-kinds")).some(function (k) { return kind[k] !== false; });
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.querySelectorAll("table.errors").forEach(function (t) {
      var visible = t.querySelectorAll("tr.err:not([hidden])").length;
      var none = t.querySelector("tr.none");
      if (none) { none.hidden = visible > 0; }
    });
    var counter = document.getElementById("shown-count");
    counter.textContent = shown + " of " + total + " errors shown";
    body.setAttribute("data-errors-shown", String(shown));
  }
  var infos = {};
  document.querySelectorAll(".infos [data-id]").forEach(function (x) {
    infos[x.getAttribute("data-id")] = x.getAttribute("data-info");
  });
  function describe(seg) {
    var seen = {};
    return tokens(seg.getAttribute("data-ann")).map(function (i) { return infos[i]; })
      .filter(function (t) { if (!t || seen[t]) { return false; } seen[t] = 1; return true; })
      .join("\n\n");
  }
  function related(seg) {
    return tokens(seg.getAttribute("data-ann")).concat(tokens(seg.getAttribute("data-link")));
  }
  function mark(block, ids, cls) {
    block.querySelectorAll(".a, .tag").forEach(function (x) {
      var own = tokens(x.getAttribute("data-ann"));
      x.classList.toggle(cls, own.some(function (i) { return ids.indexOf(i) >= 0; }));
    });
  }
  function clear(block) {
    block.querySelectorAll(".hl").forEach(function (x) { x.classList.remove("hl"); });
  }
  document.addEventListener("mouseover", function (e) {
    var seg = e.target.closest ? e.target.closest(".a") : null;
    if (!seg) { return; }
    if (!seg.title) { seg.title = describe(seg); }
    var block = seg.closest(".docx");
    if (block) { mark(block, related(seg), "hl"); }
  });
  document.addEventListener("mouseout", function (e) {
    var seg = e.target.closest ? e.target.closest(".a") : null;
    if (!seg) { return; }
    var block = seg.closest(".docx");
    if (block) { clear(block); }
  });
  var info = document.getElementById("infobox");
  document.addEventListener("click", function (e) {
    var seg = e.target.closest ? e.target.closest(".a") : null;
    if (seg) {
      info.textContent = describe(seg);
      info.hidden = false;
      return;
    }
    var row = e.target.closest ? e.target.closest("tr.err") : null;
    if (row) {
      var block = row.closest(".docx");
      var ids = tokens(row.getAttribute("data-target"));
      var hit = null;
      block.querySelectorAll(".a").forEach(function (x) {
        var own = tokens(x.getAttribute("data-ann"));
        if (!hit && own.some(function (i) { return ids.indexOf(i) >= 0; })) { hit = x; }
      });
      if (hit) {
        hit.scrollIntoView({ block: "center" });
        mark(block, ids, "hl");
        info.textContent = row.getAttribute("data-info") || "";
        info.hidden = false;
      }
      return;
    }
    if (!e.target.closest || !e.target.closest("#infobox")) { info.hidden = true; }
  });
  // the two panes of a block show the same article: scroll them together
  document.querySelectorAll(".panes").forEach(function (panes) {
    var texts = panes.querySelectorAll(".text");
    var busy = false;
    texts.forEach(function (t) {
      t.addEventListener("scroll", function () {
        if (busy) { return; }
        busy = true;
        var ratio = t.scrollTop / Math.max(1, t.scrollHeight - t.clientHeight);
        texts.forEach(function (o) {
          if (o !== t) { o.scrollTop = ratio * (o.scrollHeight - o.clientHeight); }
        });
        window.requestAnimationFrame(function () { busy = false; });
      });
    });
  });
  document.querySelectorAll("#filters input").forEach(function (b) {
    b.addEventListener("change", apply);
  });
  window.addEventListener("hashchange", function () { presetFromHash(); apply(); });
  presetFromHash();
  apply();
  body.setAttribute("data-report-ready", "1");
})();
"""
