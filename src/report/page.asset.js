// The page script: no framework, delegated events. acquireVsCodeApi is provided by the webview
// (and by a stub in the browser tests).
(function () {
  'use strict';
  var api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : { postMessage: function () {}, getState: function () {}, setState: function () {} };
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
  // Axis labels: keep them in priority order while they do not overlap.
  function layoutAxis() {
    var labels = Array.prototype.slice.call(document.querySelectorAll('text.axis'));
    labels.sort(function (a, b) { return a.getAttribute('data-prio') - b.getAttribute('data-prio'); });
    var kept = [];
    labels.forEach(function (t) {
      t.classList.remove('hidden');
      var r = t.getBoundingClientRect();
      var clash = kept.some(function (k) { return r.left < k.right + 8 && r.right + 8 > k.left; });
      if (clash) t.classList.add('hidden'); else kept.push(r);
    });
  }
  layoutAxis();
  var pending = 0;
  window.addEventListener('resize', function () { cancelAnimationFrame(pending); pending = requestAnimationFrame(layoutAxis); });
})();
