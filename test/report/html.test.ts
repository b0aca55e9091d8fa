// The plan report's HTML as a pure function of the plan: numbers in the tiles, one SVG segment per
// RAM range and gap with data-line, the gap table, the CSP and its nonce, escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount, formatSize, hex, planMemoryMap, type Plan } from '../../src/planner';
import { addrLabel, esc, layoutSegments, renderMessage, renderReport } from '../../src/report/html';
import { groupSegments } from '../../src/report/address-map';
import { parseReportMessage } from '../../src/protocol/webview';
import { MAP_FIXTURES as FIXTURES, planOf } from '../support/fixtures';


const NONCE = 'bm9uY2Uxe2Q3NGE5OGY0YmM';
const CSP_SOURCE = 'https://*.vscode-cdn.net';
const render = (plan: Plan, title = 'test.log') => renderReport(plan, { nonce: NONCE, cspSource: CSP_SOURCE, title });
const all = (html: string, re: RegExp): RegExpMatchArray[] => [...html.matchAll(re)];
/**
 * A span table's rows as the page shows them: html.ts spanRows sends [line, start - previous end,
 * size, 4K, 2M, 1G, type, tail, label] in the tbody's data-unit, page.asset.js formats them.
 */
type Row = [line: number | null, label: string, start: string, end: string, size: string, n4k: string, n2m: string, n1g: string, type: string | string[], tail?: 1];
const unesc = (s: string): string => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
const rowsOf = (html: string, kind: 'gap' | 'ram'): Row[] => {
  const m = new RegExp(`<tbody data-unit="(\\d+)" data-label="([^"]*)">\\s*<script type="application/json" data-rows="${kind}">([^<]*)</script>`).exec(html);
  if (!m) return [];
  const unit = Number(m[1]);
  const prefix = unesc(m[2]);
  let end = 0;
  return (JSON.parse(m[3]) as [number | null, number, number, number, number, number, string | string[], (0 | 1)?, string?][]).map((r) => {
    const start = end + r[1] * unit;
    end = start + r[2] * unit;
    const label = r.length > 8 ? r[8]! : r[0] === null ? '' : prefix + (r[0] + 1);
    const row: Row = [r[0], label, hex(start), hex(end), formatSize(end - start), formatCount(r[3]), formatCount(r[4]), formatCount(r[5]), r[6]];
    if (r[7]) row.push(1);
    return row;
  });
};
const tile = (html: string, id: string): string | undefined => new RegExp(`data-tile="${id}">([^<]*)<`).exec(html)?.[1];

test('laptop log: tiles show the plan (373×4K 541×2M 503×1G, 1/1/9/4,067 tables, 15.9 MiB, largest gap 502 GiB)', () => {
  const plan = planOf('hyperplatform-laptop-8gb.log');
  const html = render(plan);
  assert.equal(tile(html, 'gap-4k'), '373');
  assert.equal(tile(html, 'gap-2m'), '541');
  assert.equal(tile(html, 'gap-1g'), '503');
  assert.equal(tile(html, 'ram-4k'), '2,081,931');
  assert.equal(tile(html, 'ram-2m'), '0');
  assert.equal(tile(html, 'tables-pml4'), '1');
  assert.equal(tile(html, 'tables-pdpt'), '1');
  assert.equal(tile(html, 'tables-pd'), '9');
  assert.equal(tile(html, 'tables-pt'), '4,067');
  assert.equal(tile(html, 'tables-total'), '4,078');
  assert.equal(tile(html, 'bytes'), '15.9 MiB');
  assert.equal(tile(html, 'largest-gap'), '502 GiB');
  assert.equal(tile(html, 'ram-total'), '7.94 GiB');
  assert.equal(tile(html, 'mmio-tables'), '0');
  assert.match(html, /data-fit="yes"/);
  // Comparison: this plan, 4K only, 2M everywhere, max page 2M.
  assert.match(html, /data-cmp="leaves-0">2,083,348/);
  assert.match(html, /data-cmp="leaves-1">134,217,728/);
  assert.match(html, /data-cmp="leaves-2">262,144/);
  assert.match(html, /data-cmp="leaves-3">2,340,381/);
  assert.match(html, /data-cmp="bytes-1">1\.0 GiB · 262,658 pages/);
});

for (const name of FIXTURES) {
  test(`${name}: one SVG segment per RAM range and gap, each with the right data-line; gap table rows`, () => {
    const plan = planOf(name);
    const html = render(plan);
    const segs = all(html, /<g class="seg (?:ram|gap)"[^>]*>/g);
    assert.equal(segs.length, plan.ram.length + plan.gaps.length);
    for (const m of segs) {
      const [, kind, idx] = / data-key="(ram|gap)-(\d+)"/.exec(m[0])!;
      const line = / data-line="(\d+)"/.exec(m[0])?.[1];
      const i = Number(idx);
      const expected = kind === 'ram'
        ? plan.ram[i].inputs[0].line
        : plan.gaps[i].before !== undefined
          ? plan.ram[plan.gaps[i].before!].inputs[0].line
          : Math.max(...plan.ram[plan.ram.length - 1].inputs.map((x) => x.line!));
      assert.equal(Number(line), expected, `${kind} ${i}`);
      assert.match(m[0], /tabindex="0"/);
    }
    // Address order on the map.
    const starts = all(html, /<g class="seg[^>]*data-start="(0x[0-9a-f]+)"/g).map((m) => parseInt(m[1], 16));
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
    // The gap table: one row per gap with its line, range and pages (a line makes it focusable).
    const rows = rowsOf(html, 'gap');
    assert.equal(rows.length, plan.gaps.length);
    plan.gaps.forEach((g, i) => {
      const [line, label, start, end, , n4k, n2m, n1g, , tail] = rows[i];
      assert.equal(line, Number(/ data-line="(\d+)"/.exec(segs.find((m) => m[0].includes(`data-key="gap-${i}"`))![0])![1]));
      assert.equal(label, `line ${line! + 1}`);
      assert.deepEqual([start, end], [`0x${g.start.toString(16)}`, `0x${g.end.toString(16)}`]);
      assert.deepEqual([n4k, n2m, n1g], [formatCount(g.pages['4K']), formatCount(g.pages['2M']), formatCount(g.pages['1G'])]);
      assert.equal(tail, g.before === undefined ? 1 : undefined);
    });
    assert.equal(tile(html, 'gap-4k'), formatCount(plan.totals.mmio['4K']));
    assert.equal(tile(html, 'bytes'), formatSize(plan.bytes));
  });
}

test('the segments tile the map: widths are positive and add up to 100%, small gaps get room', () => {
  const plan = planOf('hyperplatform-laptop-8gb.log');
  const segs = layoutSegments(plan, () => undefined);
  const sum = segs.reduce((n, s) => n + s.w, 0);
  assert.ok(Math.abs(sum - 100) < 1e-9, `sum ${sum}`);
  for (let i = 1; i < segs.length; i++) assert.ok(Math.abs(segs[i].x - (segs[i - 1].x + segs[i - 1].w)) < 1e-9);
  const fourK = segs.find((s) => s.span.end - s.span.start === 4096)!;
  const huge = segs[segs.length - 1];
  assert.ok(fourK.w > 0.3, `a 4 KiB gap gets ${fourK.w}% of the width`);
  assert.ok(huge.w / fourK.w < 40, 'the 502 GiB tail is not a thousand times wider');
});

test('strict CSP with the nonce; every <script> that runs and every <style> carries it; no remote resources or inline handlers', () => {
  const html = render(planOf('surface-pro-7.dmesg'));
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(csp);
  assert.match(csp!, /^default-src 'none'; /);
  assert.ok(csp!.includes(`style-src ${CSP_SOURCE} 'nonce-${NONCE}'`));
  assert.ok(csp!.includes(`script-src 'nonce-${NONCE}'`));
  assert.ok(csp!.includes(`img-src ${CSP_SOURCE} data:`));
  assert.ok(!csp!.includes('unsafe'));
  // The span tables' data blocks are never run (type application/json): no nonce.
  const scripts = all(html, /<script\b(?! type="application\/json" data-rows=)[^>]*>/g);
  const styles = all(html, /<style\b[^>]*>/g);
  assert.equal(scripts.length, 1);
  assert.equal(all(html, /<script type="application\/json" data-rows="(?:gap|ram)">/g).length, 2);
  assert.equal(styles.length, 1);
  for (const m of [...scripts, ...styles]) assert.ok(m[0].includes(`nonce="${NONCE}"`), m[0]);
  assert.doesNotMatch(html, /\sstyle="/, 'style attributes would be blocked by the CSP');
  assert.doesNotMatch(html, /\son[a-z]+="/, 'no inline event handlers');
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no remote resources');
  assert.doesNotMatch(html, /<link\b/);
});

test('every text is escaped: title, subtitle, line labels', () => {
  const evil = '<img src=x onerror="alert(1)">&\'';
  const plan = planOf('thinkpad-x240.dmesg');
  const html = renderReport(plan, {
    nonce: NONCE,
    cspSource: CSP_SOURCE,
    title: evil,
    subtitle: evil,
    lineLabel: () => evil,
  });
  assert.ok(!html.includes('<img'), 'no injected element');
  // In the rows' data too: it holds no `<` (rowsOf reads up to the first), so no text ends the block.
  assert.equal(rowsOf(html, 'gap')[0][1], evil);
  assert.ok(html.includes(`<title>${esc(evil)}</title>`));
  assert.ok(html.includes(`<h1>${esc(evil)}</h1>`));
  assert.equal(esc(`<a href="x">'&`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  // A nonce or cspSource with quotes can't break out of the attribute.
  assert.throws(() => renderReport(plan, { nonce: 'a"b', cspSource: CSP_SOURCE, title: 't' }), /nonce/);
  assert.throws(() => renderReport(plan, { nonce: NONCE, cspSource: 'x"><script>', title: 't' }), /cspSource/);
  assert.throws(() => renderReport(plan, { nonce: NONCE, cspSource: "* 'unsafe-inline'", title: 't' }), /cspSource/);
  assert.throws(() => renderReport(plan, { nonce: NONCE, cspSource: '', title: 't' }), /cspSource/);
  // The web workbench (code-server, vscode.dev) reports `'self'` too.
  assert.match(renderReport(plan, { nonce: NONCE, cspSource: "'self' https://*.vscode-cdn.net", title: 't' }), /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/);
});

test('reveal uses lineOf when given; spans without a line are not clickable', () => {
  const plan = planOf('hyperplatform-laptop-8gb.log');
  const html = renderReport(plan, { nonce: NONCE, cspSource: CSP_SOURCE, title: 't', lineOf: (kind, i) => (kind === 'ram' ? 1000 + i : undefined) });
  const lines = all(html, /<g class="seg (?:ram|gap)"[^>]*data-line="(\d+)"/g).map((m) => Number(m[1]));
  assert.deepEqual(lines, plan.ram.map((_, i) => 1000 + i));
  assert.ok(rowsOf(html, 'gap').every((r) => r[0] === null && r[1] === ''));
});

test('mixed memory types are listed per piece; the legend names the types present', () => {
  const plan = planOf('surface-pro-7.dmesg');
  const html = render(plan);
  assert.ok(plan.gaps.some((g) => g.memoryType === 'mixed'));
  // [the pieces' tooltip, ...their types]: the page writes `mixed` and a swatch per type.
  const mixed = rowsOf(html, 'gap').map((r) => r[8]).filter((t): t is string[] => Array.isArray(t));
  const wc = mixed.find((t) => t.includes('WC'))!;
  assert.deepEqual(wc.slice(1, 3), ['WB', 'WC']);
  assert.match(wc[0], / WC \d/);
  assert.match(html, /<rect class="mt mt-WC"/);
  assert.match(html, /WC <span class="who">write-combining<\/span>/);
  assert.match(html, /Scale: piecewise logarithmic/);
});

test('no RAM, RAM beyond the limit, MTRR-free plans still render', () => {
  const empty = planMemoryMap([], { limit: 2 ** 32 });
  const html = render(empty);
  assert.equal(all(html, /<g class="seg /g).length, 1);
  assert.match(html, /No RAM ranges inside the limit/);
  const beyond = planMemoryMap([{ start: 0x100000, end: 2 ** 33, line: 3 }], { limit: 2 ** 32 });
  assert.match(render(beyond), /of RAM lies beyond the limit/);
});

test('axis labels: exact sizes where exact, hex otherwise', () => {
  assert.equal(addrLabel(0), '0');
  assert.equal(addrLabel(2 ** 32), '4 GiB');
  assert.equal(addrLabel(0xa0000), '640 KiB');
  assert.equal(addrLabel(0x8000000000), '512 GiB');
  assert.equal(addrLabel(0x8cd14000), '0x8cd14000');
});

test('messages from the webview are validated before use', () => {
  assert.deepEqual(parseReportMessage({ type: 'reveal', line: 3 }, 10), { type: 'reveal', line: 3 });
  assert.deepEqual(parseReportMessage({ type: 'export', format: 'c' }), { type: 'export', format: 'c', action: 'save' });
  assert.deepEqual(parseReportMessage({ type: 'export', format: 'md', action: 'copy' }), { type: 'export', format: 'md', action: 'copy' });
  for (const bad of [
    null, undefined, 'reveal', [], 42,
    { type: 'reveal' }, { type: 'reveal', line: '3' }, { type: 'reveal', line: -1 }, { type: 'reveal', line: 1.5 }, { type: 'reveal', line: 10 },
    { type: 'reveal', line: Number.NaN }, { type: 'export', format: 'pdf' }, { type: 'export', format: 'md', action: 'rm' },
    { type: 'export', format: ['md'] }, { type: 'command', command: 'workbench.action.terminal.new' },
  ]) {
    assert.equal(parseReportMessage(bad, 10), undefined, JSON.stringify(bad));
  }
});

test('the message page has the same CSP, no script, escaped text', () => {
  const html = renderMessage({ nonce: NONCE, cspSource: CSP_SOURCE, title: '<b>x</b>', message: 'no map & <i>none</i>' });
  assert.ok(html.includes(`default-src 'none'; style-src ${CSP_SOURCE} 'nonce-${NONCE}';`));
  assert.doesNotMatch(html, /<script/);
  assert.ok(html.includes('no map &amp; &lt;i&gt;none&lt;/i&gt;'));
});

test('past 1,000 spans the address map draws groups of neighbours, each at least 1/500 of the map; the tables still list every span', () => {
  const drawnAlone = (n: number): boolean => {
    const plan = planMemoryMap(Array.from({ length: n }, (_, i) => ({ start: (3 * i + 1) * 0x1000, end: (3 * i + 2) * 0x1000, line: i })), { limit: 2 ** 32 });
    return !/<g class="seg group"/.test(renderReport(plan, { nonce: 'bm9uY2Vub25jZW5vbmNlMTI=', cspSource: 'vscode-webview:', title: 'n' }));
  };
  // n ranges make 2n + 1 spans (a gap before each, one up to the limit).
  assert.equal(drawnAlone(499), true, '999 spans: each drawn alone');
  assert.equal(drawnAlone(500), false, '1,001 spans: grouped');
  const ram = Array.from({ length: 6000 }, (_, i) => ({ start: (3 * i + 1) * 0x1000, end: (3 * i + 2) * 0x1000, line: i }));
  const plan = planMemoryMap(ram, { limit: 2 ** 32 });
  const html = renderReport(plan, { nonce: 'bm9uY2Vub25jZW5vbmNlMTI=', cspSource: 'vscode-webview:', title: 'many' });
  const drawn = html.match(/<g class="seg /g)!.length;
  assert.ok(drawn <= 500, `${drawn} segments drawn`);
  assert.ok(/<g class="seg group"/.test(html));
  assert.match(html, /12,001 ranges and gaps; neighbours narrower than 1\/500 of the map are drawn in groups/);
  assert.equal(rowsOf(html, 'ram').length, 6000);
  assert.equal(rowsOf(html, 'gap').length, plan.gaps.length);
  // The first group reveals the first line it holds.
  assert.match(html, /<g class="seg group" data-start="0x0" data-line="0"/);
});

test('grouping: pieces tile the map in order; a span 1/500 of the map wide stays alone, narrower runs merge until that wide', () => {
  // 3,000 4 KiB RAM ranges with 4 KiB gaps, then one 1 GiB gap and 1,000 more ranges: the big gap
  // is far wider than 1/500 of the map.
  const ram = [
    ...Array.from({ length: 3000 }, (_, i) => ({ start: (2 * i + 1) * 0x1000, end: (2 * i + 2) * 0x1000, line: i })),
    ...Array.from({ length: 1000 }, (_, i) => ({ start: 2 ** 30 + (2 * i + 1) * 0x1000, end: 2 ** 30 + (2 * i + 2) * 0x1000, line: 3000 + i })),
  ];
  const plan = planMemoryMap(ram, { limit: 2 ** 31 });
  const segs = layoutSegments(plan, () => undefined);
  const pieces = groupSegments(segs);
  assert.ok(pieces.length < 600, `${pieces.length} pieces`);
  assert.equal(pieces.reduce((n, p) => n + (p.group ? p.group.ram + p.group.gaps : 1), 0), segs.length, 'every span in exactly one piece');
  for (let i = 1; i < pieces.length; i++) {
    assert.equal(pieces[i].span.start, pieces[i - 1].span.end, 'in address order, no holes');
    assert.ok(Math.abs(pieces[i].x - (pieces[i - 1].x + pieces[i - 1].w)) < 1e-9);
  }
  const big = plan.gaps.find((g) => g.end - g.start > 2 ** 29)!;
  const alone = pieces.find((p) => p.span.start === big.start)!;
  assert.ok(alone && !alone.group && alone.kind === 'gap' && alone.span.end === big.end, 'the wide gap is drawn alone');
  // Each group is 1/500 of the map wide, but the last before a wide span or the end of the map.
  pieces.forEach((p, i) => {
    const next = pieces[i + 1];
    if (p.group && next && (next.group || next.w < 0.2)) assert.ok(p.w >= 0.2 - 1e-9, `group ${i}: ${p.w}%`);
  });
});
