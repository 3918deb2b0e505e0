/* The report's script: vanilla JavaScript, no libraries, works from file://.
 *
 * Data: the page embeds each document once (text, gold annotations, every extractor's scored
 * predictions and the scorer's findings) in JSON chunks: script elements of type
 * application/json and class hr-chunk, or, for a large goldset, files report_files/chunk-NNNN.js
 * loaded one after the other. Everything is rendered on demand: the error table and the document list
 * a page at a time, a document's panes when it is opened.
 *
 * Safety: text from documents and plugins is only ever put into the page with textContent,
 * createTextNode or attribute values (never innerHTML), so it stays text.
 */
(function () {
  "use strict";
  var META = JSON.parse(document.getElementById("hr-meta").textContent);
  var X = META.extractors; // [{label, run, tasks, labels}]
  var TASKS = ["entities", "quotes", "speakers"];
  var KINDS = META.kinds; // ["missed", "spurious", "label", "boundary", "speaker"]
  var KIND_TITLES = META.kindTitles;
  var META_KEYS = META.metaKeys;
  var PAGE = 50;
  var DOCS = [];
  var ROWS = [];
  var byId = {};
  var api = (window.HarnessReport = { docs: DOCS, rows: ROWS, meta: META });

  // ---- small helpers ----------------------------------------------------------------------
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { e.textContent = attrs[k]; }
        else if (k === "cls") { e.className = attrs[k]; }
        else { e.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function bits(k) { return KINDS.filter(function (_, i) { return k & (1 << i); }); }
  function debounce(fn, ms) {
    var t = null;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  // ---- data ---------------------------------------------------------------------------------
  function addChunk(chunk) {
    chunk.forEach(function (d) {
      d.n = DOCS.length;
      DOCS.push(d);
      byId[d.id] = d;
      d.x.forEach(function (x, xi) {
        if (!x) { return; }
        x.f.forEach(function (f) {
          if (f[3]) { ROWS.push({ d: d.n, x: xi, t: f[0], g: f[1], p: f[2], k: f[3], fl: f[4] }); }
        });
      });
    });
  }
  window.HarnessReportChunk = function (i, chunk) { addChunk(chunk); };

  function goldEntity(d, i) { return d.e[i]; }
  function goldQuote(d, i) { return d.q[i]; }
  function predItem(d, xi, t, i) {
    var x = d.x[xi];
    return t === 0 ? x.e[i] : x.q[i];
  }
  function mappedLabel(d, xi, g) {
    var gl = d.x[xi].gl;
    return gl ? gl[g] : d.e[g][2];
  }
  function speakerName(d, q) {
    if (q[3] < 0) { return "(unknown)"; }
    return d.s[q[3]][1];
  }
  function predSpeaker(d, q) {
    if (q[3]) { return q[3]; }
    if (q[4] >= 0) { return d.t.slice(q[4], q[5]); }
    return "(none)";
  }
  function cueText(d, q, pred) {
    var s = pred ? q[6] : q[6], e = pred ? q[7] : q[7];
    return s >= 0 ? d.t.slice(s, e).toLowerCase() : "";
  }

  // Derived fields of an error row, computed once when first needed.
  function field(r, name) {
    if (r[name] !== undefined) { return r[name]; }
    var d = DOCS[r.d], v = "";
    var gi = r.g >= 0 ? (r.t === 0 ? goldEntity(d, r.g) : goldQuote(d, r.g)) : null;
    var pi = r.p >= 0 ? predItem(d, r.x, r.t, r.p) : null;
    if (name === "label") {
      if (r.t === 0) {
        var gl = gi ? mappedLabel(d, r.x, r.g) : null;
        v = gi && pi && gl !== pi[2] ? gl + " \u2192 " + pi[2] : (gl || (pi && pi[2]) || "");
      } else {
        v = gi && pi && gi[2] !== pi[2] ? gi[2] + " \u2192 " + pi[2] : ((gi || pi)[2]);
      }
    } else if (name === "cue") {
      v = r.t === 0 ? "" : (gi ? cueText(d, gi) : cueText(d, pi, true));
    } else if (name === "speaker") {
      if (r.t !== 0) { v = gi ? speakerName(d, gi) : predSpeaker(d, pi); }
    } else if (name === "predSpeaker") {
      v = r.t !== 0 && pi ? predSpeaker(d, pi) : "";
    } else if (name === "gold") {
      v = gi ? d.t.slice(gi[0], gi[1]) : "";
    } else if (name === "pred") {
      v = pi ? d.t.slice(pi[0], pi[1]) : "";
    } else if (name === "kinds") {
      v = bits(r.k).map(function (k) { return KIND_TITLES[k]; }).join(", ");
    } else if (name.indexOf("meta:") === 0) {
      var m = d.m[META_KEYS.indexOf(name.slice(5))];
      v = m === null || m === undefined ? "" : String(m);
    } else if (name.indexOf("attr:") === 0) {
      v = "";
      if (r.t !== 0 && gi && gi[3] >= 0) {
        var a = d.s[gi[3]][3] || {};
        v = a[name.slice(5)] === undefined ? "" : String(a[name.slice(5)]);
      }
    } else if (name === "search") {
      v = [d.id, field(r, "gold"), field(r, "pred"), field(r, "label"), field(r, "cue"),
           field(r, "speaker"), field(r, "predSpeaker")].join("\n").toLowerCase();
    } else if (name === "pos") {
      v = (gi || pi)[0];
    }
    r[name] = v;
    return v;
  }

  // Status of a gold item for an extractor: kinds bitmask, 0 = right, -1 = not scored.
  function goldStatus(d, xi, t, g) {
    var x = d.x[xi];
    if (!x) { return -1; }
    if (!x.status) {
      x.status = {};
      x.f.forEach(function (f) { if (f[1] >= 0) { x.status[f[0] * 1e6 + f[1]] = f[3]; } });
    }
    var s = x.status[t * 1e6 + g];
    return s === undefined ? -1 : s;
  }

  // ---- filters ------------------------------------------------------------------------------
  var state = {
    ex: {}, task: {}, kind: {}, q: "", meta: {}, right: -1, group: "", groupValue: null,
    sort: null, page: 0, doc: null, docPage: 0, docQ: "", docSort: null
  };
  function boxes(name) {
    return Array.prototype.slice.call(document.querySelectorAll('#filters input[name="' + name + '"]'));
  }
  function readBoxes() {
    ["ex", "task", "kind"].forEach(function (name) {
      state[name] = {};
      boxes(name).forEach(function (b) { state[name][b.value] = b.checked; });
    });
  }
  function rowShown(r, q) {
    var d = DOCS[r.d];
    if (state.ex[String(r.x)] === false || state.task[TASKS[r.t]] === false) { return false; }
    if (!bits(r.k).some(function (k) { return state.kind[k] !== false; })) { return false; }
    for (var i = 0; i < META_KEYS.length; i++) {
      var want = state.meta[META_KEYS[i]];
      if (want && String(d.m[i]) !== want) { return false; }
    }
    if (state.right >= 0) {
      if (r.g < 0 || r.x === state.right || goldStatus(d, state.right, r.t, r.g) !== 0) { return false; }
    }
    if (state.group && state.groupValue !== null && groupKey(r) !== state.groupValue) { return false; }
    if (q && field(r, "search").indexOf(q) < 0) { return false; }
    return true;
  }
  function filtered() {
    var q = state.q.toLowerCase();
    return ROWS.filter(function (r) { return rowShown(r, q); });
  }

  // ---- grouping and sorting -------------------------------------------------------------------
  var GROUPS = [["", "no grouping"], ["kind", "error"], ["task", "task"], ["extractor", "extractor"],
    ["label", "label / type"], ["cue", "cue"], ["speaker", "speaker"], ["document", "document"]];
  META_KEYS.forEach(function (k) { GROUPS.push(["meta:" + k, k]); });
  META.speakerAttrs.forEach(function (k) { GROUPS.push(["attr:" + k, "speaker " + k]); });
  function groupKey(r) {
    var g = state.group;
    if (g === "kind") { return field(r, "kinds"); }
    if (g === "task") { return TASKS[r.t]; }
    if (g === "extractor") { return X[r.x].label; }
    if (g === "document") { return DOCS[r.d].id; }
    return field(r, g) || "(none)";
  }
  var COLUMNS = [
    ["document", "document"], ["extractor", "extractor"], ["task", "task"], ["kinds", "error"],
    ["label", "label / type"], ["cue", "cue"], ["speaker", "speaker"], ["gold", "gold"],
    ["pred", "predicted"]
  ];
  function sortValue(r, col) {
    if (col === "document") { return r.d; }
    if (col === "extractor") { return r.x; }
    if (col === "task") { return r.t; }
    return field(r, col);
  }
  // ``items`` sorted by ``value(item, column)`` (stable), as ``sort = [column, +1 | -1]`` says.
  function sortBy(items, sort, value) {
    if (!sort) { return items; }
    var col = sort[0], dir = sort[1];
    return items.map(function (x, i) { return [value(x, col), i, x]; }).sort(function (a, b) {
      if (a[0] < b[0]) { return -dir; }
      if (a[0] > b[0]) { return dir; }
      return a[1] - b[1];
    }).map(function (t) { return t[2]; });
  }
  function sorted(rows) { return sortBy(rows, state.sort, sortValue); }

  // ---- boundary differences -------------------------------------------------------------------
  // The text of one side of a pair, with the characters the other side lacks marked.
  function spanText(d, item, other, cls) {
    var out = el("span", { cls: "spantext" });
    var s = item[0], e = item[1];
    var cuts = [s, e];
    if (other) {
      [other[0], other[1]].forEach(function (c) { if (c > s && c < e) { cuts.push(c); } });
    }
    cuts.sort(function (a, b) { return a - b; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1];
      if (a === b) { continue; }
      var inOther = other && a >= other[0] && b <= other[1];
      out.appendChild(other && !inOther ? el("span", { cls: cls, text: d.t.slice(a, b) })
                                          : document.createTextNode(d.t.slice(a, b)));
    }
    return out;
  }
  function itemCell(r, side) {
    var d = DOCS[r.d];
    var gi = r.g >= 0 ? (r.t === 0 ? goldEntity(d, r.g) : goldQuote(d, r.g)) : null;
    var pi = r.p >= 0 ? predItem(d, r.x, r.t, r.p) : null;
    var item = side === "g" ? gi : pi;
    var td = el("td", { cls: "l item" });
    if (!item) { td.appendChild(el("span", { cls: "na", text: "\u2014" })); return td; }
    var boundary = r.k & (1 << KINDS.indexOf("boundary"));
    var other = boundary ? (side === "g" ? pi : gi) : null;
    td.appendChild(spanText(d, item, other, side === "g" ? "only-gold" : "only-pred"));
    td.appendChild(el("small", { cls: "offsets", text: " " + item[0] + "\u2013" + item[1] }));
    if (r.t === 2 || (r.t === 1 && side === "p" && r.k & (1 << KINDS.indexOf("speaker")))) {
      var who = side === "g" ? speakerName(d, item) : predSpeaker(d, item);
      td.appendChild(el("div", { cls: "who", text: "speaker: " + who }));
    }
    return td;
  }

  // ---- the error table ----------------------------------------------------------------------
  var current = [];
  function kindBadges(k, fl) {
    var span = el("span");
    bits(k).forEach(function (kind) {
      var b = el("span", { cls: "kind kind-" + kind, text: KIND_TITLES[kind] });
      if (kind === "speaker" && fl & 1) {
        b.title = "the gold quote has no known speaker: counted in attribution, not in speaker accuracy";
        b.textContent += "*";
      }
      span.appendChild(b);
    });
    return span;
  }
  function errorRow(r) {
    var d = DOCS[r.d];
    var tr = el("tr", { cls: "err", "data-extractor": X[r.x].label, "data-task": TASKS[r.t],
      "data-kinds": bits(r.k).join(" "), "data-doc": d.id });
    tr.hrRow = r;
    var doc = el("td", { cls: "l" }, [el("a", { href: "#doc=" + encodeURIComponent(d.id), text: d.id })]);
    tr.appendChild(doc);
    tr.appendChild(el("td", { cls: "l", text: X[r.x].label }));
    tr.appendChild(el("td", { cls: "l", text: TASKS[r.t] }));
    tr.appendChild(el("td", { cls: "l" }, [kindBadges(r.k, r.fl)]));
    tr.appendChild(el("td", { cls: "l", text: field(r, "label") }));
    tr.appendChild(el("td", { cls: "l", text: field(r, "cue") }));
    tr.appendChild(el("td", { cls: "l", text: field(r, "speaker") }));
    tr.appendChild(itemCell(r, "g"));
    tr.appendChild(itemCell(r, "p"));
    return tr;
  }
  function header(table, columns, sortState, onSort) {
    var tr = el("tr");
    columns.forEach(function (c) {
      var th = el("th", { cls: "l sortable", "data-col": c[0], text: c[1] });
      if (sortState && sortState[0] === c[0]) { th.textContent += sortState[1] > 0 ? " \u25B2" : " \u25BC"; }
      th.addEventListener("click", function () { onSort(c[0]); });
      tr.appendChild(th);
    });
    table.appendChild(tr);
  }
  function fitPage(page, n) { return Math.min(page, Math.max(1, Math.ceil(n / PAGE)) - 1); }
  // The table ``id`` emptied, with a header whose columns sort it (``state[sortKey]``).
  function sortedTable(id, columns, sortKey, pageKey, redraw) {
    var table = $(id);
    clear(table);
    header(table, columns, state[sortKey], function (col) {
      state[sortKey] = nextSort(state[sortKey], col);
      state[pageKey] = 0;
      redraw();
    });
    return table;
  }
  function nextSort(s, col) {
    if (s && s[0] === col) { return s[1] > 0 ? [col, -1] : null; }
    return [col, 1];
  }
  function pager(box, page, total, go) {
    clear(box);
    var pages = Math.max(1, Math.ceil(total / PAGE));
    function btn(text, to, label) {
      var b = el("button", { type: "button", text: text, "aria-label": label });
      b.disabled = to < 0 || to >= pages || to === page;
      b.addEventListener("click", function () { go(to); });
      return b;
    }
    box.appendChild(btn("\u00AB", 0, "first page"));
    box.appendChild(btn("\u2039", page - 1, "previous page"));
    box.appendChild(el("span", { cls: "pageno", text: " page " + (page + 1) + " of " + pages + " " }));
    box.appendChild(btn("\u203A", page + 1, "next page"));
    box.appendChild(btn("\u00BB", pages - 1, "last page"));
  }
  function renderErrors() {
    readBoxes();
    current = sorted(filtered());
    state.page = fitPage(state.page, current.length);
    var table = sortedTable("error-table", COLUMNS, "sort", "page", renderErrors);
    current.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (r) {
      table.appendChild(errorRow(r));
    });
    if (!current.length) {
      table.appendChild(el("tr", { cls: "none" }, [el("td", { colspan: "9", text: "no errors match" })]));
    }
    pager($("error-pager"), state.page, current.length, function (p) { state.page = p; renderErrors(); });
    $("shown-count").textContent = current.length + " of " + ROWS.length + " errors shown";
    document.body.setAttribute("data-errors-shown", String(current.length));
    renderGroups();
    applyStatic();
    writeHash();
  }
  function renderGroups() {
    var box = $("groups");
    clear(box);
    if (!state.group) { return; }
    var saved = state.groupValue;
    state.groupValue = null;
    var q = state.q.toLowerCase();
    var counts = {}, order = [];
    ROWS.forEach(function (r) {
      if (!rowShown(r, q)) { return; }
      var key = groupKey(r);
      if (!counts[key]) { counts[key] = { total: 0, x: {} }; order.push(key); }
      counts[key].total += 1;
      counts[key].x[r.x] = (counts[key].x[r.x] || 0) + 1;
    });
    state.groupValue = saved;
    order.sort(function (a, b) { return counts[b].total - counts[a].total || (a < b ? -1 : 1); });
    var shownX = X.map(function (_, i) { return i; }).filter(function (i) { return state.ex[String(i)] !== false; });
    var table = el("table", { cls: "groups" });
    var head = el("tr", {}, [el("th", { cls: "l", text: GROUPS.filter(function (g) { return g[0] === state.group; })[0][1] }),
      el("th", { text: "errors" })]);
    shownX.forEach(function (i) { head.appendChild(el("th", { text: X[i].label })); });
    table.appendChild(head);
    order.forEach(function (key) {
      var tr = el("tr", { cls: "group" + (saved === key ? " chosen" : ""), "data-group": key });
      tr.appendChild(el("td", { cls: "l", text: key }));
      tr.appendChild(el("td", { text: String(counts[key].total) }));
      shownX.forEach(function (i) { tr.appendChild(el("td", { text: String(counts[key].x[i] || 0) })); });
      tr.addEventListener("click", function () {
        state.groupValue = state.groupValue === key ? null : key;
        state.page = 0;
        renderErrors();
      });
      table.appendChild(tr);
    });
    box.appendChild(el("p", { cls: "meta", text: order.length + " groups; click one to show only its errors" +
      (saved !== null ? " (showing: " + saved + ")" : "") }));
    box.appendChild(table);
  }

  // ---- export -------------------------------------------------------------------------------
  var EXPORT = ["document", "extractor", "run", "task", "kinds", "label", "cue", "gold_speaker",
    "predicted_speaker", "gold_start", "gold_end", "gold_text", "predicted_start",
    "predicted_end", "predicted_text", "attribution_only"];
  function record(r) {
    var d = DOCS[r.d];
    var gi = r.g >= 0 ? (r.t === 0 ? goldEntity(d, r.g) : goldQuote(d, r.g)) : null;
    var pi = r.p >= 0 ? predItem(d, r.x, r.t, r.p) : null;
    var out = {
      document: d.id, extractor: X[r.x].own, run: X[r.x].run || "run", task: TASKS[r.t],
      kinds: bits(r.k).join(" "), label: field(r, "label"), cue: field(r, "cue"),
      gold_speaker: r.t !== 0 && gi ? speakerName(d, gi) : "",
      predicted_speaker: field(r, "predSpeaker"),
      gold_start: gi ? gi[0] : null, gold_end: gi ? gi[1] : null, gold_text: field(r, "gold"),
      predicted_start: pi ? pi[0] : null, predicted_end: pi ? pi[1] : null,
      predicted_text: field(r, "pred"), attribution_only: Boolean(r.fl & 1)
    };
    META_KEYS.forEach(function (k, i) { out[k] = d.m[i] === undefined ? null : d.m[i]; });
    return out;
  }
  function csvCell(v) {
    var s = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; } // no formula injection in spreadsheets
    return '"' + s.replace(/"/g, '""') + '"';
  }
  api.exportText = function (format) {
    var keys = EXPORT.concat(META_KEYS);
    var recs = current.map(record);
    if (format === "jsonl") {
      return recs.map(function (o) { return JSON.stringify(o); }).join("\n") + (recs.length ? "\n" : "");
    }
    var lines = [keys.map(csvCell).join(",")];
    recs.forEach(function (o) { lines.push(keys.map(function (k) { return csvCell(o[k]); }).join(",")); });
    return lines.join("\r\n") + "\r\n";
  };
  function download(format) {
    var text = api.exportText(format);
    var type = format === "csv" ? "text/csv" : "application/x-ndjson";
    var url = URL.createObjectURL(new Blob([text], { type: type + ";charset=utf-8" }));
    var a = el("a", { href: url, download: "errors." + format });
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    api.lastDownload = { name: a.getAttribute("download"), size: text.length };
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  // ---- static sections follow the extractor filter ---------------------------------------
  function applyStatic() {
    TASKS.forEach(function (t) { document.body.classList.toggle("no-task-" + t, state.task[t] === false); });
    KINDS.forEach(function (k) { document.body.classList.toggle("no-kind-" + k, state.kind[k] === false); });
    document.querySelectorAll("[data-extractor]").forEach(function (e) {
      if (e.closest("#error-table") || e.closest("#docview")) { return; }
      var i = X.map(function (x) { return x.label; }).indexOf(e.getAttribute("data-extractor"));
      if (i >= 0) { e.hidden = state.ex[String(i)] === false; }
    });
  }

  // ---- the document list --------------------------------------------------------------------
  function docErrors(d, xi) {
    var x = d.x[xi];
    if (!x) { return null; }
    if (x.nErr === undefined) { x.nErr = x.f.filter(function (f) { return f[3]; }).length; }
    return x.nErr;
  }
  var DOC_COLUMNS = [["document", "document"]];
  META_KEYS.forEach(function (k) { DOC_COLUMNS.push(["meta:" + k, k]); });
  if (META.tasks.indexOf("entities") >= 0) { DOC_COLUMNS.push(["nent", "gold entities"]); }
  if (META.tasks.indexOf("quotes") >= 0 || META.tasks.indexOf("speakers") >= 0) {
    DOC_COLUMNS.push(["nq", "gold quotes"]);
  }
  X.forEach(function (x, i) { DOC_COLUMNS.push(["x" + i, x.label + " errors"]); });
  function docValue(d, col) {
    if (col === "document") { return d.n; }
    if (col === "nent") { return d.e.length; }
    if (col === "nq") { return d.q.length; }
    if (col.indexOf("meta:") === 0) { var v = d.m[META_KEYS.indexOf(col.slice(5))]; return v === null ? "" : String(v); }
    var n = docErrors(d, Number(col.slice(1)));
    return n === null ? -1 : n;
  }
  function docMatches(d, q) {
    if (!q) { return true; }
    if (d.lt === undefined) { d.lt = (d.id + "\n" + d.m.join("\n") + "\n" + d.t).toLowerCase(); }
    return d.lt.indexOf(q) >= 0;
  }
  function renderDocs() {
    var q = state.docQ.toLowerCase();
    var docs = DOCS.filter(function (d) {
      if (!docMatches(d, q)) { return false; }
      for (var i = 0; i < META_KEYS.length; i++) {
        var want = state.meta[META_KEYS[i]];
        if (want && String(d.m[i]) !== want) { return false; }
      }
      return true;
    });
    docs = sortBy(docs, state.docSort, docValue);
    state.docPage = fitPage(state.docPage, docs.length);
    var table = sortedTable("doc-table", DOC_COLUMNS, "docSort", "docPage", renderDocs);
    docs.slice(state.docPage * PAGE, (state.docPage + 1) * PAGE).forEach(function (d) {
      var tr = el("tr", { "data-doc": d.id });
      DOC_COLUMNS.forEach(function (c) {
        if (c[0] === "document") {
          tr.appendChild(el("td", { cls: "l" }, [el("a", { href: "#doc=" + encodeURIComponent(d.id), text: d.id })]));
        } else if (c[0].indexOf("meta:") === 0) {
          tr.appendChild(el("td", { cls: "l", text: docValue(d, c[0]) }));
        } else {
          var v = docValue(d, c[0]);
          var td = el("td", { text: v < 0 ? "\u2014" : String(v) });
          if (c[0][0] === "x") { td.setAttribute("data-extractor", X[Number(c[0].slice(1))].label); }
          tr.appendChild(td);
        }
      });
      table.appendChild(tr);
    });
    pager($("doc-pager"), state.docPage, docs.length, function (p) { state.docPage = p; renderDocs(); });
    $("doc-count").textContent = docs.length + " of " + DOCS.length + " documents";
  }

  // ---- one document: the gold pane and a pane per extractor ---------------------------------
  function segments(text, anns) {
    var n = text.length, cuts = { 0: 1 };
    cuts[n] = 1;
    anns = anns.filter(function (a) { return Math.min(a.e, n) > Math.max(a.s, 0); });
    anns.forEach(function (a) { cuts[Math.max(0, a.s)] = 1; cuts[Math.min(n, a.e)] = 1; });
    var points = Object.keys(cuts).map(Number).sort(function (a, b) { return a - b; });
    var out = [];
    for (var i = 0; i + 1 < points.length; i++) {
      var s = points[i], e = points[i + 1];
      out.push({ s: s, e: e, cover: anns.filter(function (a) { return a.s < e && a.e > s; }) });
    }
    return out;
  }
  function renderText(text, anns) {
    var box = el("div", { cls: "text" });
    segments(text, anns).forEach(function (seg) {
      var piece = text.slice(seg.s, seg.e);
      if (!seg.cover.length) { box.appendChild(document.createTextNode(piece)); return; }
      var cls = ["a"], ids = [], links = [];
      seg.cover.forEach(function (a) {
        cls.push(a.layer);
        cls = cls.concat(a.cls);
        if (a.s === seg.s && a.layer === "ent") { cls.push("eb"); }
        if (a.e === seg.e && a.layer === "ent") { cls.push("ee"); }
        if (a.s === seg.s && a.layer === "q") { cls.push("qb"); }
        if (a.e === seg.e && a.layer === "q") { cls.push("qe"); }
        ids.push(a.id);
        links = links.concat(a.links);
      });
      var span = el("span", { cls: cls.join(" "), "data-ann": ids.join(" "), "data-link": links.join(" ") });
      span.textContent = piece;
      box.appendChild(span);
      seg.cover.forEach(function (a) {
        if (a.tag && a.e === seg.e) {
          box.appendChild(el("sup", { cls: "tag " + a.layer + " " + a.cls.join(" "), "data-ann": a.id, text: a.tag }));
        }
      });
    });
    return box;
  }
  function statusClass(k, layer) {
    if (k < 0) { return layer + "-gold"; }
    if (!k) { return layer + "-ok"; }
    return layer + "-" + bits(k)[0];
  }
  // Findings of one extractor in one document, by item: {"g0:3": [finding], "p1:2": [...]}.
  function findingsByItem(x) {
    var out = {};
    x.f.forEach(function (f) {
      var group = f[0] === 0 ? 0 : 1;
      if (f[1] >= 0) { (out["g" + group + ":" + f[1]] = out["g" + group + ":" + f[1]] || []).push(f); }
      if (f[2] >= 0) { (out["p" + group + ":" + f[2]] = out["p" + group + ":" + f[2]] || []).push(f); }
    });
    return out;
  }
  function kindsOf(fs, tasks) {
    var k = 0;
    (fs || []).forEach(function (f) { if (tasks.indexOf(f[0]) >= 0) { k |= f[3]; } });
    return k;
  }
  function describeFindings(fs) {
    return (fs || []).map(function (f) {
      return TASKS[f[0]] + ": " + (f[3] ? bits(f[3]).map(function (k) { return KIND_TITLES[k]; }).join(", ") : "correct") +
        (f[4] & 1 ? " (gold speaker unknown: attribution only)" : "");
    }).join("\n");
  }
  function goldAnnotations(d, focus) {
    var x = focus >= 0 ? d.x[focus] : null;
    var by = x ? findingsByItem(x) : {};
    var anns = [];
    if (META.tasks.indexOf("entities") >= 0) {
      d.e.forEach(function (e, i) {
        var fs = by["g0:" + i];
        var k = x && fs ? kindsOf(fs, [0]) : -1;
        var links = [];
        X.forEach(function (_, xi) {
          var xf = d.x[xi] && d.x[xi].byItem && d.x[xi].byItem["g0:" + i];
          (xf || []).forEach(function (f) { if (f[2] >= 0) { links.push("x" + xi + "-e" + f[2]); } });
        });
        anns.push({ s: e[0], e: e[1], layer: "ent", id: "g-e" + i, cls: [statusClass(k, "ent")].concat(bits(Math.max(k, 0)).map(function (b) { return "ek-" + b; })),
          tag: e[2], links: links,
          info: "gold " + e[2] + " \u201C" + d.t.slice(e[0], e[1]) + "\u201D [" + e[0] + "\u2013" + e[1] + "]\n" + describeFindings(fs) });
      });
    }
    if (META.tasks.indexOf("quotes") >= 0 || META.tasks.indexOf("speakers") >= 0) {
      d.q.forEach(function (q, i) { anns = anns.concat(quoteAnnotations(d, q, i, "g", by["g1:" + i], x, -1)); });
    }
    return anns;
  }
  function quoteAnnotations(d, q, i, side, fs, x, xi) {
    var pre = side === "g" ? "g-q" + i : "x" + xi + "-q" + i;
    var k = x && fs ? kindsOf(fs, [1]) : -1;
    if (x && META.tasks.indexOf("quotes") < 0) { k = fs ? kindsOf(fs.filter(function (f) { return f[1] < 0 || f[2] < 0; }), [2]) : -1; }
    var wrongSpeaker = x && fs && kindsOf(fs, [2]) & (1 << KINDS.indexOf("speaker"));
    var who = side === "g" ? speakerName(d, q) : predSpeaker(d, q);
    var links = [pre + "s", pre + "c"];
    X.forEach(function (_, xj) {
      var other = d.x[xj];
      if (!other || !other.byItem) { return; }
      if (side === "g") {
        (other.byItem["g1:" + i] || []).forEach(function (f) {
          if (f[2] >= 0) { links.push("x" + xj + "-q" + f[2], "x" + xj + "-q" + f[2] + "s"); }
        });
      } else if (xj === xi) {
        (fs || []).forEach(function (f) { if (f[1] >= 0) { links.push("g-q" + f[1], "g-q" + f[1] + "s"); } });
      }
    });
    var info = (side === "g" ? "gold " : "predicted ") + q[2] + " quote [" + q[0] + "\u2013" + q[1] + "] \u201C" +
      d.t.slice(q[0], q[1]) + "\u201D\nspeaker: " + who + (q[6] >= 0 ? ", cue \u201C" + d.t.slice(q[6], q[7]) + "\u201D" : "") +
      "\n" + describeFindings(fs);
    var cls = [statusClass(k, "q")].concat(bits(Math.max(k, 0)).map(function (b) { return "qk-" + b; }));
    if (wrongSpeaker) { cls.push("sk-speaker"); }
    var out = [{ s: q[0], e: q[1], layer: "q", id: pre, cls: cls, tag: q[2] + " \u2190 " + who, links: links, info: info }];
    if (q[4] >= 0) {
      out.push({ s: q[4], e: q[5], layer: "spk", id: pre + "s", cls: wrongSpeaker ? ["spk-wrong"] : [], links: [pre], quote: pre,
        info: "speaker mention \u201C" + d.t.slice(q[4], q[5]) + "\u201D (" + who + ")" });
    }
    if (q[6] >= 0) {
      out.push({ s: q[6], e: q[7], layer: "cue", id: pre + "c", cls: [], links: [pre],
        info: "cue \u201C" + d.t.slice(q[6], q[7]) + "\u201D" });
    }
    return out;
  }
  function predAnnotations(d, xi) {
    var x = d.x[xi];
    var by = x.byItem;
    var anns = [];
    x.e.forEach(function (e, i) {
      var fs = by["p0:" + i];
      var k = kindsOf(fs, [0]);
      var links = (fs || []).filter(function (f) { return f[1] >= 0; }).map(function (f) { return "g-e" + f[1]; });
      anns.push({ s: e[0], e: e[1], layer: "ent", id: "x" + xi + "-e" + i,
        cls: [statusClass(k, "ent")].concat(bits(k).map(function (b) { return "ek-" + b; })), tag: e[2], links: links,
        info: "predicted " + e[2] + " \u201C" + d.t.slice(e[0], e[1]) + "\u201D [" + e[0] + "\u2013" + e[1] + "]\n" + describeFindings(fs) });
    });
    x.q.forEach(function (q, i) { anns = anns.concat(quoteAnnotations(d, q, i, "p", by["p1:" + i], x, xi)); });
    return anns;
  }
  function drawLinks(pane, text) {
    var old = pane.querySelector("svg.links");
    if (old) { old.remove(); }
    if (!$("show-links").checked) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "links");
    svg.setAttribute("width", String(text.scrollWidth));
    svg.setAttribute("height", String(text.scrollHeight));
    var box = text.getBoundingClientRect();
    var ox = box.left - text.scrollLeft, oy = box.top - text.scrollTop;
    var drawn = 0, done = {};
    text.querySelectorAll(".a.spk").forEach(function (m) {
      tokens(m.getAttribute("data-ann")).forEach(function (sid) {
        if (!/s$/.test(sid) || done[sid]) { return; }
        var qid = sid.slice(0, -1);
        var first = text.querySelector('.a.q[data-ann~="' + qid + '"]');
        var a = m.getClientRects()[0], b = first ? first.getClientRects()[0] : null;
        if (!a || !b) { return; }
        done[sid] = 1;
        var x1 = a.left + a.width / 2 - ox, y1 = a.top - oy, x2 = b.left + 4 - ox, y2 = b.top - oy;
        var lift = Math.min(40, 10 + Math.abs(x2 - x1) / 8 + Math.abs(y2 - y1) / 6);
        var top = Math.max(2, Math.min(y1, y2) - lift);
        var path = document.createElementNS(ns, "path");
        path.setAttribute("d", "M" + x1 + "," + y1 + " C" + x1 + "," + top + " " + x2 + "," + top + " " + x2 + "," + y2);
        path.setAttribute("class", "link" + (m.classList.contains("spk-wrong") ? " wrong" : ""));
        path.setAttribute("data-from", sid);
        path.setAttribute("data-to", qid);
        path.setAttribute("marker-end", "url(#hr-arrow)");
        svg.appendChild(path);
        drawn += 1;
      });
    });
    text.appendChild(svg);
    pane.setAttribute("data-links", String(drawn));
  }
  function docPane(title, cls, text, anns, failed, xi) {
    var pane = el("div", { cls: "pane " + cls });
    if (xi !== undefined) { pane.setAttribute("data-extractor", X[xi].label); }
    pane.appendChild(el("h5", { text: title }));
    if (failed) {
      pane.appendChild(el("div", { cls: "failed", text: "the extractor failed on this document and was scored as if it predicted nothing: " + failed }));
    }
    var body = renderText(text, anns);
    body.hrInfo = {};
    anns.forEach(function (a) { body.hrInfo[a.id] = a.info; });
    pane.appendChild(body);
    return pane;
  }
  function openDoc(id, focusRow) {
    var d = byId[id];
    var view = $("docview");
    if (!d) { view.hidden = true; return; }
    state.doc = id;
    view.hidden = false;
    d.x.forEach(function (x) { if (x && !x.byItem) { x.byItem = findingsByItem(x); } });
    $("doc-title").textContent = d.id;
    var meta = META_KEYS.map(function (k, i) { return k + ": " + (d.m[i] === null ? "\u2014" : d.m[i]); });
    meta.push(d.t.length + " characters");
    if (META.tasks.indexOf("entities") >= 0) { meta.push(d.e.length + " gold entities"); }
    if (META.tasks.indexOf("quotes") >= 0 || META.tasks.indexOf("speakers") >= 0) { meta.push(d.q.length + " gold quotes"); }
    $("doc-meta").textContent = meta.join(" \u00B7 ");
    renderPanes();
    var table = $("doc-errors");
    clear(table);
    header(table, COLUMNS, null, function () {});
    var rows = ROWS.filter(function (r) { return r.d === d.n && state.ex[String(r.x)] !== false; });
    rows.forEach(function (r) { var tr = errorRow(r); if (focusRow === r) { tr.classList.add("focus"); } table.appendChild(tr); });
    if (!rows.length) { table.appendChild(el("tr", { cls: "none" }, [el("td", { colspan: "9", text: "no errors" })])); }
    writeHash();
  }
  function renderPanes() {
    var d = byId[state.doc];
    if (!d) { return; }
    var panes = $("panes");
    clear(panes);
    var chosen = X.map(function (_, i) { return i; }).filter(function (i) {
      var b = document.querySelector('#pane-choice input[value="' + i + '"]');
      return d.x[i] && (!b || b.checked);
    });
    var focus = Number($("colour-by").value);
    if (!d.x[focus]) { focus = chosen.length ? chosen[0] : -1; }
    var goldTitle = "gold" + (focus >= 0 ? " (coloured as " + X[focus].label + " finds it)" : "");
    panes.appendChild(docPane(goldTitle, "gold", d.t, goldAnnotations(d, focus), null));
    chosen.forEach(function (i) {
      panes.appendChild(docPane("predicted by " + X[i].label, "pred", d.t, predAnnotations(d, i), d.x[i].fail, i));
    });
    panes.style.gridTemplateColumns = "repeat(" + (chosen.length + 1) + ", minmax(0, 1fr))";
    requestAnimationFrame(function () {
      panes.querySelectorAll(".pane").forEach(function (p) { drawLinks(p, p.querySelector(".text")); });
      document.body.setAttribute("data-doc-ready", state.doc);
    });
  }
  function paneChoice() {
    var box = $("pane-choice");
    X.forEach(function (x, i) {
      box.appendChild(el("label", {}, [el("input", { type: "checkbox", value: String(i), checked: "" }), " " + x.label]));
    });
    var sel = $("colour-by");
    X.forEach(function (x, i) { sel.appendChild(el("option", { value: String(i), text: x.label })); });
    box.addEventListener("change", renderPanes);
    sel.addEventListener("change", renderPanes);
    $("show-links").addEventListener("change", renderPanes);
    window.addEventListener("resize", debounce(renderPanes, 200));
  }

  // ---- hover, click, infobox ---------------------------------------------------------------
  function tokens(v) { return (v || "").split(" ").filter(function (t) { return t; }); }
  function describe(seg) {
    var body = seg.closest(".text");
    var seen = {};
    return tokens(seg.getAttribute("data-ann")).map(function (i) { return body && body.hrInfo ? body.hrInfo[i] : ""; })
      .filter(function (t) { if (!t || seen[t]) { return false; } seen[t] = 1; return true; }).join("\n\n");
  }
  function mark(ids, on) {
    var view = $("docview");
    view.querySelectorAll(".a, .tag, path.link").forEach(function (x) {
      var own = tokens(x.getAttribute("data-ann") || x.getAttribute("data-to"));
      x.classList.toggle("hl", on && own.some(function (i) { return ids.indexOf(i) >= 0; }));
    });
  }
  document.addEventListener("mouseover", function (e) {
    var seg = e.target.closest ? e.target.closest("#docview .a") : null;
    if (!seg) { return; }
    if (!seg.title) { seg.title = describe(seg); }
    mark(tokens(seg.getAttribute("data-ann")).concat(tokens(seg.getAttribute("data-link"))), true);
  });
  document.addEventListener("mouseout", function (e) {
    var seg = e.target.closest ? e.target.closest("#docview .a") : null;
    if (seg) { mark([], false); }
  });
  var info = $("infobox");
  document.addEventListener("click", function (e) {
    var seg = e.target.closest ? e.target.closest("#docview .a") : null;
    if (seg) { info.textContent = describe(seg); info.hidden = false; return; }
    var link = e.target.closest ? e.target.closest('a[href^="#doc="]') : null;
    var row = e.target.closest ? e.target.closest("tr.err") : null;
    if (link || row) {
      e.preventDefault();
      var r = row ? row.hrRow : null;
      var id = r ? DOCS[r.d].id : decodeURIComponent(link.getAttribute("href").slice(5));
      openDoc(id, r);
      $("docview").scrollIntoView({ block: "start" });
      if (r) { focusItem(r); }
      return;
    }
    if (!e.target.closest || !e.target.closest("#infobox")) { info.hidden = true; }
  });
  function focusItem(r) {
    var ids = [];
    if (r.g >= 0) { ids.push("g-" + (r.t === 0 ? "e" : "q") + r.g); }
    if (r.p >= 0) { ids.push("x" + r.x + "-" + (r.t === 0 ? "e" : "q") + r.p); }
    requestAnimationFrame(function () {
      mark(ids, true);
      var hit = $("docview").querySelector(".hl");
      if (hit) {
        var text = hit.closest(".text");
        text.scrollTop = hit.offsetTop - text.offsetTop - 40;
        hit.classList.add("flash");
      }
      info.textContent = [describe(hit || $("docview"))].join("");
      info.hidden = !info.textContent;
    });
  }

  // ---- URL state ----------------------------------------------------------------------------
  function writeHash() {
    var parts = [];
    ["ex", "task", "kind"].forEach(function (name) {
      var all = boxes(name);
      var on = all.filter(function (b) { return b.checked; });
      if (on.length !== all.length) {
        var values = on.map(function (b) { return name === "ex" ? X[Number(b.value)].label : b.value; });
        parts.push((name === "ex" ? "extractor" : name) + "=" + values.map(encodeURIComponent).join(","));
      }
    });
    if (state.q) { parts.push("q=" + encodeURIComponent(state.q)); }
    if (state.group) { parts.push("group=" + encodeURIComponent(state.group)); }
    if (state.right >= 0) { parts.push("right=" + encodeURIComponent(X[state.right].label)); }
    Object.keys(state.meta).forEach(function (k) { if (state.meta[k]) { parts.push("meta." + encodeURIComponent(k) + "=" + encodeURIComponent(state.meta[k])); } });
    if (state.doc) { parts.push("doc=" + encodeURIComponent(state.doc)); }
    var hash = parts.length ? "#" + parts.join("&") : " ";
    if (window.location.hash !== hash) { history.replaceState(null, "", hash === " " ? window.location.pathname : hash); }
  }
  function readHash() {
    var h = window.location.hash.replace(/^#/, "");
    h.split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv.length !== 2) { return; }
      var name = decodeURIComponent(kv[0]), value = decodeURIComponent(kv[1]);
      if (name === "extractor" || name === "task" || name === "kind") {
        var wanted = value.split(",");
        boxes(name === "extractor" ? "ex" : name).forEach(function (b) {
          var v = name === "extractor" ? X[Number(b.value)].label : b.value;
          b.checked = wanted.indexOf(v) >= 0;
        });
      } else if (name === "q") { state.q = value; $("search").value = value; }
      else if (name === "group") { state.group = value; $("group-by").value = value; }
      else if (name === "right") {
        state.right = X.map(function (x) { return x.label; }).indexOf(value);
        $("right-in").value = String(state.right);
      } else if (name.indexOf("meta.") === 0) {
        state.meta[name.slice(5)] = value;
        var sel = document.querySelector('select[data-meta="' + name.slice(5) + '"]');
        if (sel) { sel.value = value; }
      } else if (name === "doc") { state.doc = value; }
    });
  }

  // ---- controls -----------------------------------------------------------------------------
  function controls() {
    var group = $("group-by");
    GROUPS.forEach(function (g) { group.appendChild(el("option", { value: g[0], text: g[1] })); });
    group.addEventListener("change", function () { state.group = group.value; state.groupValue = null; state.page = 0; renderErrors(); });
    var right = $("right-in");
    right.appendChild(el("option", { value: "-1", text: "\u2014" }));
    X.forEach(function (x, i) { right.appendChild(el("option", { value: String(i), text: x.label })); });
    right.addEventListener("change", function () { state.right = Number(right.value); state.page = 0; renderErrors(); });
    var metaBox = $("meta-filters");
    META_KEYS.forEach(function (k, i) {
      var values = {};
      DOCS.forEach(function (d) { if (d.m[i] !== null && d.m[i] !== undefined) { values[String(d.m[i])] = 1; } });
      var names = Object.keys(values).sort();
      if (names.length > 200) { return; } // too many distinct values to choose from a list
      var sel = el("select", { "data-meta": k, "aria-label": k });
      sel.appendChild(el("option", { value: "", text: k + ": any" }));
      names.forEach(function (v) { sel.appendChild(el("option", { value: v, text: k + ": " + v })); });
      sel.addEventListener("change", function () { state.meta[k] = sel.value; state.page = 0; state.docPage = 0; renderErrors(); renderDocs(); });
      metaBox.appendChild(sel);
    });
    var search = $("search");
    search.addEventListener("input", debounce(function () { state.q = search.value; state.page = 0; renderErrors(); }, 150));
    var docSearch = $("doc-search");
    docSearch.addEventListener("input", debounce(function () { state.docQ = docSearch.value; state.docPage = 0; renderDocs(); }, 150));
    document.querySelectorAll("#filters input").forEach(function (b) {
      b.addEventListener("change", function () { state.page = 0; renderErrors(); renderDocs(); if (state.doc) { openDoc(state.doc); } });
    });
    $("export-csv").addEventListener("click", function () { download("csv"); });
    $("export-jsonl").addEventListener("click", function () { download("jsonl"); });
    document.querySelectorAll("button[data-preset]").forEach(function (b) {
      b.addEventListener("click", function () {
        var p = JSON.parse(b.getAttribute("data-preset"));
        boxes("ex").forEach(function (c) { c.checked = p.ex.indexOf(Number(c.value)) >= 0; });
        state.right = p.right;
        right.value = String(p.right);
        state.page = 0;
        renderErrors();
        $("errors").scrollIntoView({ block: "start" });
      });
    });
    paneChoice();
  }
  api.open = openDoc;
  api.render = function () { renderErrors(); renderDocs(); };
  api.state = state;

  function start() {
    var t0 = performance.now();
    controls();
    readHash();
    renderErrors();
    renderDocs();
    if (state.doc) { openDoc(state.doc); }
    window.addEventListener("hashchange", function () {
      readHash();
      renderErrors();
      if (state.doc) { openDoc(state.doc); }
    });
    $("loading").hidden = true;
    api.readyMs = performance.now();
    api.renderMs = performance.now() - t0;
    document.body.setAttribute("data-report-ready", "1");
  }
  function load() {
    if (!META.folder) {
      document.querySelectorAll("script.hr-chunk").forEach(function (s) {
        addChunk(JSON.parse(s.textContent));
        s.textContent = "";
      });
      start();
      return;
    }
    var i = 0;
    function next() {
      if (i >= META.chunks) { start(); return; }
      $("loading").textContent = "loading documents: part " + (i + 1) + " of " + META.chunks + "\u2026";
      var s = document.createElement("script");
      s.src = META.folder + "chunk-" + String(i).padStart(4, "0") + ".js";
      s.onload = function () { i += 1; s.remove(); next(); };
      s.onerror = function () {
        $("loading").textContent = "could not load " + s.src + ": keep the folder " + META.folder + " next to this page";
        document.body.setAttribute("data-report-error", s.src);
      };
      document.head.appendChild(s);
    }
    next();
  }
  load();
})();
