// The page script: no framework, delegated events. acquireVsCodeApi is provided by the webview
// (and by a stub in the browser tests).
(function () {
  'use strict';
  var api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : { postMessage: function () {}, getState: function () {}, setState: function () {} };
  // The span tables arrive as numbers (html.ts spanRows): one row of markup per gap or RAM range,
  // built here and formatted by units.ts' own functions (html.ts PAGE_SCRIPT puts them first).
  // Runs first: everything below finds the rows.
  var fmt = eptFormat;
  var ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  function swatch(t) { return '<span class="sw mtsw mt-' + esc(t) + '"></span>' + esc(t); }
  function typeCell(t) {
    if (typeof t === 'string') return swatch(t);
    return '<span title="' + esc(t[0]) + '">mixed ' + t.slice(1).map(swatch).join(' ') + '</span>';
  }
  function count(n) { return '<td' + (n === 0 ? ' class="zero"' : '') + '>' + fmt.formatCount(n) + '</td>'; }
  // r: [line or null, start minus the previous row's end, size, 4K, 2M, 1G, type, tail, label],
  // addresses in table.unit bytes; the row's start is summed over the rows before it (table.starts).
  function spanRow(table, i) {
    var r = table.rows[i];
    var line = r[0];
    var label = r.length > 8 ? r[8] : line === null ? '' : table.prefix + (line + 1);
    var start = table.starts[i] * table.unit;
    var size = r[2] * table.unit;
    var attrs = line === null ? '' : ' data-line="' + line + '" tabindex="0" aria-label="' + esc((table.kind === 'ram' ? 'RAM ' : 'Gap ') + (i + 1) + ', reveal ' + label) + '"';
    return '<tr data-key="' + table.kind + '-' + i + '"' + attrs + '><td>' + (i + 1) + '</td><td>' + esc(label) + (r[7] ? ' <span class="who">tail</span>' : '') + '</td>' +
      '<td>' + fmt.hex(start) + '</td><td>' + fmt.hex(start + size) + '</td><td>' + esc(fmt.formatSize(size)) + '</td>' + count(r[3]) + count(r[4]) + count(r[5]) + '<td>' + typeCell(r[6]) + '</td></tr>';
  }
  // Rows are added CHUNK at a time, the next ones when the reader scrolls near the last: laying
  // out 16k rows took Chromium 6 s before the page could be used. 200 rows are 5,000 px, several
  // screens; the first 500 were a third of the 16k page's layout time.
  var CHUNK = 200;
  var more = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { more.unobserve(e.target); e.target.fill(); } });
    }, { rootMargin: '800px' })
    : null;
  function fill(table, from) {
    var rows = table.rows;
    var tbody = table.tbody;
    var end = more ? Math.min(rows.length, from + CHUNK) : rows.length;
    var html = [];
    for (var i = from; i < end; i++) html.push(spanRow(table, i));
    var old = tbody.querySelector('tr.more');
    if (old) old.remove();
    if (end < rows.length) {
      html.push('<tr class="more"><td colspan="9">' + fmt.formatCount(end) + ' of ' + fmt.formatCount(rows.length) + ' shown; more come as you scroll</td></tr>');
    }
    tbody.insertAdjacentHTML('beforeend', html.join('\n'));
    var sentinel = tbody.querySelector('tr.more');
    if (sentinel) {
      sentinel.fill = function () { fill(table, end); };
      more.observe(sentinel);
    }
  }
  function load(block) {
    var tbody = block.parentNode;
    var rows = JSON.parse(block.textContent);
    // Each start from the previous row's end (exact: addresses stay below 2^53).
    var starts = new Array(rows.length);
    for (var i = 0, at = 0; i < rows.length; i++) { starts[i] = at + rows[i][1]; at = starts[i] + rows[i][2]; }
    var table = { tbody: tbody, kind: block.getAttribute('data-rows'), rows: rows, starts: starts, unit: Number(tbody.getAttribute('data-unit')) || 1, prefix: tbody.getAttribute('data-label') || '' };
    tbody.textContent = '';
    fill(table, 0);
  }
  // A table inside a closed fold (the RAM ranges) is built when the fold first opens: its rows
  // were half the page's elements at 16k ranges, none of them shown.
  (function spanRows() {
    var blocks = document.querySelectorAll('tbody > script[data-rows]');
    Array.prototype.forEach.call(blocks, function (block) {
      var fold = block.closest('details');
      if (!fold || fold.open) { load(block); return; }
      fold.addEventListener('toggle', function once() {
        if (!fold.open) return;
        fold.removeEventListener('toggle', once);
        load(block);
      });
    });
  })();
  // The panel replaces the whole page on every edit; the webview keeps getState/setState across
  // that, so each <details data-fold=ID> comes back open or closed as the user left it.
  function foldState() { var s = api.getState && api.getState(); return (s && s.folds) || {}; }
  (function restoreFolds() {
    var folds = foldState();
    var all = document.querySelectorAll('details[data-fold]');
    for (var i = 0; i < all.length; i++) {
      var id = all[i].getAttribute('data-fold');
      if (Object.prototype.hasOwnProperty.call(folds, id)) all[i].open = !!folds[id];
    }
  })();
  // 'toggle' does not bubble: listen in the capture phase.
  document.addEventListener('toggle', function (e) {
    var d = e.target;
    if (!d || !d.getAttribute || !d.hasAttribute('data-fold')) return;
    var s = api.getState && api.getState() || {};
    var folds = Object.assign({}, s.folds || {});
    folds[d.getAttribute('data-fold')] = d.open;
    if (api.setState) api.setState(Object.assign({}, s, { folds: folds }));
  }, true);
  function lineTarget(el) { return el && el.closest ? el.closest('[data-line]') : null; }
  function reveal(el) {
    var line = Number(el.getAttribute('data-line'));
    if (Number.isInteger(line) && line >= 0) api.postMessage({ type: 'reveal', line: line });
  }
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('button[data-export]');
    if (b) { api.postMessage({ type: 'export', format: b.getAttribute('data-export'), action: b.getAttribute('data-action') }); return; }
    var t = lineTarget(e.target);
    if (t) reveal(t);
  });
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (!t || !t.getAttribute) return;
    if ((e.key === 'Enter' || e.key === ' ') && t.hasAttribute('data-line')) { e.preventDefault(); reveal(t); return; }
    var list = null;
    if (t.classList && t.classList.contains('seg')) list = Array.prototype.slice.call(document.querySelectorAll('.seg'));
    else if (t.tagName === 'TR') list = Array.prototype.slice.call(t.parentNode.querySelectorAll('tr[tabindex]'));
    if (!list) return;
    var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -1e9, End: 1e9 }[e.key];
    if (step === undefined) return;
    var i = Math.max(0, Math.min(list.length - 1, list.indexOf(t) + step));
    if (list[i]) { e.preventDefault(); list[i].focus(); }
  });
  // Linked highlight between a map segment and its table row.
  function link(e, on) {
    var el = e.target.closest && e.target.closest('[data-key]');
    if (!el) return;
    var nodes = document.querySelectorAll('[data-key="' + el.getAttribute('data-key') + '"]');
    for (var i = 0; i < nodes.length; i++) nodes[i].classList.toggle('hl', on);
  }
  document.addEventListener('mouseover', function (e) { link(e, true); });
  document.addEventListener('mouseout', function (e) { link(e, false); });
  document.addEventListener('focusin', function (e) { link(e, true); });
  document.addEventListener('focusout', function (e) { link(e, false); });
  // Axis labels: keep them in priority order while they do not overlap. Every rectangle is read
  // in one layout, between the writes: reading one per label after a class change laid out the
  // whole page per label (7 s at 16k ranges). The kept ones never overlap, so they lie sorted by
  // left edge and a label needs testing only against its two neighbours there.
  function layoutAxis() {
    var labels = Array.prototype.slice.call(document.querySelectorAll('text.axis'));
    labels.sort(function (a, b) { return a.getAttribute('data-prio') - b.getAttribute('data-prio'); });
    labels.forEach(function (t) { t.classList.remove('hidden'); });
    var rects = labels.map(function (t) { return t.getBoundingClientRect(); });
    var kept = [];
    var hide = [];
    rects.forEach(function (r, i) {
      var lo = 0, hi = kept.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (kept[mid].left <= r.left) lo = mid + 1; else hi = mid; }
      var before = kept[lo - 1], after = kept[lo];
      if ((before && r.left < before.right + 8) || (after && r.right + 8 > after.left)) hide.push(labels[i]);
      else kept.splice(lo, 0, r);
    });
    hide.forEach(function (t) { t.classList.add('hidden'); });
  }
  layoutAxis();
  var pending = 0;
  window.addEventListener('resize', function () { cancelAnimationFrame(pending); pending = requestAnimationFrame(layoutAxis); });
})();
