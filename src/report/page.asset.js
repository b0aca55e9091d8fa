// The page script: no framework, delegated events. acquireVsCodeApi is provided by the webview
// (and by a stub in the browser tests).
(function () {
  'use strict';
  var api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : { postMessage: function () {}, getState: function () {}, setState: function () {} };
  // The span tables arrive as data (html.ts spanRows): one row of markup per gap or RAM range,
  // built here. Runs first: everything below finds the rows.
  var ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  function swatch(t) { return '<span class="sw mtsw mt-' + esc(t) + '"></span>' + esc(t); }
  function typeCell(t) {
    if (typeof t === 'string') return swatch(t);
    return '<span title="' + esc(t[0]) + '">mixed ' + t.slice(1).map(swatch).join(' ') + '</span>';
  }
  function count(n) { return '<td' + (n === '0' ? ' class="zero"' : '') + '>' + esc(n) + '</td>'; }
  function spanRow(kind, i, r) {
    var line = r[0];
    var attrs = line === null ? '' : ' data-line="' + line + '" tabindex="0" aria-label="' + esc((kind === 'ram' ? 'RAM ' : 'Gap ') + (i + 1) + ', reveal ' + r[1]) + '"';
    return '<tr data-key="' + kind + '-' + i + '"' + attrs + '><td>' + (i + 1) + '</td><td>' + esc(r[1]) + (r[9] ? ' <span class="who">tail</span>' : '') + '</td>' +
      '<td>' + esc(r[2]) + '</td><td>' + esc(r[3]) + '</td><td>' + esc(r[4]) + '</td>' + count(r[5]) + count(r[6]) + count(r[7]) + '<td>' + typeCell(r[8]) + '</td></tr>';
  }
  // Rows are added CHUNK at a time, the next ones when the reader scrolls near the last: laying
  // out 16k rows took Chromium 6 s before the page could be used.
  var CHUNK = 500;
  var more = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { more.unobserve(e.target); e.target.fill(); } });
    }, { rootMargin: '800px' })
    : null;
  function fill(tbody, kind, rows, from) {
    var end = more ? Math.min(rows.length, from + CHUNK) : rows.length;
    var html = [];
    for (var i = from; i < end; i++) html.push(spanRow(kind, i, rows[i]));
    var old = tbody.querySelector('tr.more');
    if (old) old.remove();
    if (end < rows.length) {
      html.push('<tr class="more"><td colspan="9">' + end.toLocaleString('en-US') + ' of ' + rows.length.toLocaleString('en-US') + ' shown; more come as you scroll</td></tr>');
    }
    tbody.insertAdjacentHTML('beforeend', html.join('\n'));
    var sentinel = tbody.querySelector('tr.more');
    if (sentinel) {
      sentinel.fill = function () { fill(tbody, kind, rows, end); };
      more.observe(sentinel);
    }
  }
  (function spanRows() {
    var blocks = document.querySelectorAll('tbody > script[data-rows]');
    for (var b = 0; b < blocks.length; b++) {
      var tbody = blocks[b].parentNode;
      var rows = JSON.parse(blocks[b].textContent);
      var kind = blocks[b].getAttribute('data-rows');
      tbody.textContent = '';
      fill(tbody, kind, rows, 0);
    }
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
