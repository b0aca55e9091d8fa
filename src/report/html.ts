// The plan report: a pure function of the plan that returns a complete HTML document for a VS Code
// webview (or any browser): summary tiles, the strategy comparison, the address map as inline SVG,
// the gap table and export buttons.
//
// Security: a strict Content-Security-Policy meta with a nonce; the only inline <style> and
// <script> carry it; no style="" attributes (CSP would block them: every size and position is an
// SVG attribute, percentages where the layout must stretch); no remote resources; every piece of
// text is escaped. The page talks to its host only with acquireVsCodeApi().postMessage:
//   {type: 'reveal', line}            a segment or row was clicked (line is 0-based)
//   {type: 'export', format, action}  format 'json'|'md'|'csv'|'c', action 'save'|'copy'
import type { Gap, Plan, Span, StrategyCost } from '../planner/plan';
import type { PolicyView } from '../policies/compare';
import { POLICY_TABLE_HEAD, policyRow } from '../policies/table';
import type { MemoryType, PageCounts } from '../planner/types';
import { formatCount, formatSize, hex } from '../planner/units';
import { mtrrTypesNote } from '../planner/mtrr';
import { runToEnd } from '../planner/steps';
import { gapLine, pagesText, ramLine } from '../planner/export/markdown';
// Bundled as text (build.mjs `loader`): real files for editors and linters, inlined with the nonce.
import STYLE from './page.css';
import SCRIPT from './page.asset.js';
import { type Segment, type SpanKind, addressMap, layoutSegments } from './address-map';
import { SIZES, esc, leafTotal, pct } from './markup';

export { addrLabel, layoutSegments, type SpanKind } from './address-map';
export { esc } from './markup';

export interface ReportOptions {
  /** Fresh random nonce for this document (base64/alphanumeric). */
  nonce: string;
  /** webview.cspSource. */
  cspSource: string;
  /** Heading and <title>: usually the document's file name. */
  title: string;
  /** A second heading line (which map of the file, say). */
  subtitle?: string;
  /** 0-based line to reveal for a span; defaults to the plan's own lines (a gap → the RAM line after it). */
  lineOf?: (kind: SpanKind, index: number) => number | undefined;
  /** How a 0-based line is shown (default `line N`, 1-based). */
  lineLabel?: (line0: number) => string;
  /** Show the export toolbar (default true). */
  exports?: boolean;
  /** "Hypervisors on this machine": each replayed policy against this plan (src/policies). */
  hypervisors?: readonly PolicyView[];
  /** "KVM trace": the document's trace summary (src/server/trace-summary.ts traceTables). */
  trace?: ReportTrace;
  /** Where the memory types came from (analysis mtrrSourceNote); default: whether the plan used MTRRs. */
  mtrrNote?: string;
}

export interface ReportTrace {
  exits: number;
  /** 0-based line of the first KVM event. */
  firstLine: number;
  /** Events with a guest-physical address. */
  addressed: number;
  /** Set when the document holds no memory map: how to get one. */
  noMapHint?: string;
  reasons: { reason: string; number: string; exits: number; meaning: string }[];
  regions: { where: string; leaf: string; events: number }[];
}

/** Both end up inside the CSP; refuses anything that could widen it or break out of the attribute. */
export function checkCspInputs(nonce: unknown, cspSource: unknown): void {
  if (typeof nonce !== 'string' || !/^[A-Za-z0-9+/_=-]{16,200}$/.test(nonce)) throw new Error('renderReport: the nonce must be 16 to 200 base64 characters');
  // webview.cspSource: host sources (`https://*.vscode-cdn.net`), and in the web workbench also `'self'`.
  const token = /^(?:'self'|[^\s;,'"<>]+)$/;
  if (typeof cspSource !== 'string' || cspSource.length > 500 || !cspSource.split(' ').every((t) => token.test(t))) {
    throw new Error(`renderReport: invalid cspSource ${JSON.stringify(cspSource)}`);
  }
}

/** The document around a page's header and body: CSP meta with the nonce, theme style. */
export function page(opts: { nonce: string; csp: string; title: string }, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${opts.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
<style nonce="${opts.nonce}">${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A page with a heading and a message (no plan: no memory map, a planner error). */
export function renderMessage(opts: { nonce: string; cspSource: string; title: string; message: string }): string {
  checkCspInputs(opts.nonce, opts.cspSource);
  const csp = `default-src 'none'; style-src ${opts.cspSource} 'nonce-${opts.nonce}';`;
  return page({ nonce: opts.nonce, csp, title: opts.title }, `<header class="head"><div class="titles"><h1>${esc(opts.title)}</h1></div></header>
<main><p class="notice" role="status">${esc(opts.message)}</p></main>`);
}

export const renderReport = (plan: Plan, opts: ReportOptions): string => runToEnd(renderReportSteps(plan, opts));

/**
 * renderReport in steps, for the server's runInSteps: it yields after the address map's layout and
 * after each section that grows with the plan (the map, the gap and RAM tables take ~0.2 s each at
 * 300k ranges), so other requests are answered while a big report is built.
 */
export function* renderReportSteps(plan: Plan, opts: ReportOptions): Generator<void, string> {
  checkCspInputs(opts.nonce, opts.cspSource);
  const nonce = opts.nonce;
  const lineOf = opts.lineOf ?? ((kind: SpanKind, index: number) =>
    kind === 'ram' ? ramLine(plan.ram[index]) : gapLine(plan, plan.gaps[index]));
  const lineLabel = (l: number): string => (opts.lineLabel ? opts.lineLabel(l) : `line ${l + 1}`);
  const segs = layoutSegments(plan, lineOf);
  yield;
  const csp =
    `default-src 'none'; style-src ${opts.cspSource} 'nonce-${opts.nonce}'; ` +
    `script-src 'nonce-${opts.nonce}'; img-src ${opts.cspSource} data:; font-src ${opts.cspSource};`;

  const o = plan.options;
  const subtitle = [
    opts.subtitle,
    `identity map 0 – ${formatSize(plan.limit)} (${hex(plan.limit)})`,
    `largest page ${o.maxPage}`,
    `RAM pages up to ${o.ramPage}`,
    opts.mtrrNote ?? mtrrTypesNote(o.mtrr, plan.limit, 'gaps UC, RAM WB'),
  ].filter(Boolean).join(' · ');

  const head = `${notices(plan)}
${tiles(plan, lineOf, lineLabel)}
${comparison(plan)}`;
  yield;
  const map = addressMap(plan, segs, lineLabel);
  yield;
  const gaps = gapTable(plan, segs, lineLabel);
  yield;
  const ram = ramTable(plan, segs, lineLabel);
  yield;
  return page({ nonce, csp, title: opts.title }, `<header class="head">
  <div class="titles">
    <h1>${esc(opts.title)}</h1>
    <p class="sub">${esc(subtitle)}</p>
  </div>
  ${opts.exports === false ? '' : toolbar()}
</header>
<main>
${head}
${map}
${gaps}
${ram}
${hypervisors(opts.hypervisors, lineLabel)}
${traceSection(opts.trace, lineLabel)}
</main>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>`);
}

/**
 * The page script (span rows, reveal on click, folds kept across re-renders), for every page built
 * from these parts. Ahead of it, units.ts' own hex, formatSize and formatCount as source text: the
 * span rows arrive as numbers (spanRows), and the page formats them by the same rule as the rest
 * of the report, the hovers and the exports. Each is self-contained (no outer names), so its text
 * runs as it is, minified or not.
 */
export const PAGE_SCRIPT: string = `var eptFormat = { hex: ${hex}, formatSize: ${formatSize}, formatCount: ${formatCount} };\n${SCRIPT}`;

function toolbar(): string {
  const formats: [string, string][] = [['json', 'JSON'], ['md', 'Markdown'], ['csv', 'CSV'], ['c', 'C header']];
  const group = (action: 'save' | 'copy', label: string): string =>
    `<div class="group" role="group" aria-label="${esc(label)}"><span class="glabel">${esc(label)}</span>` +
    formats.map(([f, name]) =>
      `<button type="button" data-export="${f}" data-action="${action}" title="${esc(`${action === 'save' ? 'Save' : 'Copy'} the plan as ${name}`)}">${esc(name)}</button>`).join('') +
    '</div>';
  return `<nav class="toolbar" aria-label="Export">${group('save', 'Save as')}${group('copy', 'Copy')}</nav>`;
}

export function notices(plan: Plan): string {
  const items: string[] = [];
  if (plan.ram.length === 0) items.push('No RAM ranges inside the limit: the whole space is one gap.');
  if (plan.beyondLimit.length) {
    const bytes = plan.beyondLimit.reduce((n, r) => n + r.end - r.start, 0);
    items.push(`${formatSize(bytes)} of RAM lies beyond the limit (${plan.beyondLimit.map((r) => `${hex(r.start)}–${hex(r.end)}`).join(', ')}) and is not mapped: raise the limit.`);
  }
  if (plan.mtrrConflicts.length) {
    items.push(`${plan.mtrrConflicts.length} MTRR overlap${plan.mtrrConflicts.length > 1 ? 's' : ''} with undefined precedence, planned as UC: ` +
      plan.mtrrConflicts.map((c) => `${hex(c.start)}–${hex(c.end)} (${c.types.join(' + ')})`).join(', ') + '.');
  }
  if (!items.length) return '';
  return `<section class="notices" aria-label="Warnings">${items.map((t) => `<p class="notice">${esc(t)}</p>`).join('')}</section>`;
}

export function tiles(plan: Plan, lineOf: (k: SpanKind, i: number) => number | undefined, lineLabel: (l: number) => string): string {
  const counts = (id: string, p: PageCounts): string =>
    `<dl class="kv">${SIZES.map((s) => `<div><dt><span class="sw sw-${s}"></span>${s}</dt><dd data-tile="${id}-${s.toLowerCase()}">${formatCount(p[s])}</dd></div>`).join('')}</dl>`;
  const t = plan.tables;
  const tableTotal = t.pml4 + t.pdpt + t.pd + t.pt;
  const ramBytes = plan.ram.reduce((n, r) => n + r.end - r.start, 0);
  let largest: { g: Gap; i: number } | undefined;
  plan.gaps.forEach((g, i) => {
    if (!largest || g.end - g.start > largest.g.end - largest.g.start) largest = { g, i };
  });
  const largestLine = largest ? lineOf('gap', largest.i) : undefined;
  const tile = (title: string, body: string, extra = ''): string => `<section class="tile"${extra}><h2>${esc(title)}</h2>${body}</section>`;
  return `<div class="tiles">
${tile('Gap (MMIO) leaves', counts('gap', plan.totals.mmio) + `<p class="foot">${formatCount(leafTotal(plan.totals.mmio))} in ${formatCount(plan.gaps.length)} gap${plan.gaps.length === 1 ? '' : 's'}</p>`)}
${tile('RAM leaves', counts('ram', plan.totals.ram) + `<p class="foot">${formatCount(leafTotal(plan.totals.ram))} in ${formatCount(plan.ram.length)} range${plan.ram.length === 1 ? '' : 's'}</p>`)}
${tile('Tables', `<dl class="kv">${(['pml4', 'pdpt', 'pd', 'pt'] as const).map((k) => `<div><dt>${k.toUpperCase()}</dt><dd data-tile="tables-${k}">${formatCount(t[k])}</dd></div>`).join('')}</dl><p class="foot"><span data-tile="tables-total">${formatCount(tableTotal)}</span> pages of 4 KiB</p>`)}
${tile('EPT structures', `<p class="big" data-tile="bytes">${esc(formatSize(plan.bytes))}</p><p class="foot">${formatCount(plan.bytes)} bytes of tables</p>`)}
${largest
    ? tile('Largest gap', `<p class="big" data-tile="largest-gap">${esc(formatSize(largest.g.end - largest.g.start))}</p><p class="foot mono">${hex(largest.g.start)}–${hex(largest.g.end)}</p>`,
      largestLine !== undefined ? ` data-line="${largestLine}" tabindex="0" role="button" aria-label="${esc(`Largest gap, reveal ${lineLabel(largestLine)}`)}"` : '')
    : tile('Largest gap', '<p class="big" data-tile="largest-gap">none</p>')}
${tile('RAM', `<p class="big" data-tile="ram-total">${esc(formatSize(ramBytes))}</p><p class="foot">${formatCount(ramBytes)} bytes in ${formatCount(plan.ram.length)} range${plan.ram.length === 1 ? '' : 's'}</p>`)}
</div>`;
}

function comparison(plan: Plan): string {
  const c = plan.comparison;
  const rows: { name: string; who: string; cost: StrategyCost; self?: boolean }[] = [
    { name: 'This plan', who: `greedy ${plan.options.maxPage}/2M/4K`, cost: c.plan, self: true },
    { name: '4K only', who: 'HyperPlatform, ksm', cost: c.fourKOnly },
    { name: '2M everywhere', who: 'hvpp, SimpleVisor, gbhv', cost: c.twoMEverywhere },
  ];
  if (c.maxPage2M) rows.push({ name: 'This plan, max page 2M', who: 'CPUs without 1 GiB EPT pages', cost: c.maxPage2M });

  const chart = (metric: string, id: string, value: (s: StrategyCost) => number, show: (n: number) => string): string => {
    const values = rows.map((r) => value(r.cost));
    // Linear scale. When one bar dwarfs the rest (4K-only costs 50× more), it is cut short with a
    // break mark so the others stay readable; its value is printed.
    const sorted = [...values].sort((a, b) => b - a);
    const cut = sorted.length > 1 && sorted[0] > 4 * sorted[1] && sorted[1] > 0;
    const scaleMax = (cut ? sorted[1] * 1.3 : sorted[0]) || 1;
    const base = c.plan ? value(c.plan) : 0;
    const body = rows.map((r, i) => {
      const v = values[i];
      const broken = cut && v > scaleMax;
      const w = broken ? 100 : (v / scaleMax) * 100;
      const ratio = !r.self && base > 0 && v !== base ? ` <span class="ratio">${v > base ? `${fmtRatio(v / base)}× this plan` : `${fmtRatio(base / v)}× less`}</span>` : '';
      return `<div class="bar-row${r.self ? ' self' : ''}" data-strategy="${i}">
<div class="bar-label"><span class="name">${esc(r.name)}</span> <span class="who">${esc(r.who)}</span></div>
<svg class="bar" role="img" aria-label="${esc(`${r.name}: ${show(v)}`)}" width="100%" height="14"><rect class="b${r.self ? ' self' : ''}" x="0" y="1" width="${pct(w)}" height="12" rx="2"/>${broken ? '<rect class="gapmark" x="86%" y="0" width="6" height="14"/>' : ''}</svg>
<div class="bar-value" data-cmp="${id}-${i}">${esc(show(v))}${ratio}</div>
</div>`;
    }).join('\n');
    return `<figure class="chart"><figcaption>${esc(metric)}</figcaption>${body}</figure>`;
  };
  const fits = c.fitsHyperPlatformPrealloc;
  return `<section class="card" aria-labelledby="cmp-h">
<h2 id="cmp-h">Strategy comparison</h2>
<div class="charts">
${chart('Leaves (last-level entries)', 'leaves', (s) => s.leaves, formatCount)}
${chart('Table memory', 'bytes', (s) => s.bytes, (n) => `${formatSize(n)} · ${formatCount(n / 4096)} pages`)}
</div>
<p class="fit ${fits ? 'ok' : 'bad'}" data-fit="${fits ? 'yes' : 'no'}"><span class="badge">${fits ? 'fits' : 'does not fit'}</span>
Tables only the gaps (MMIO) need: <strong data-tile="mmio-tables">${formatCount(c.mmioTables)}</strong> of HyperPlatform's 50 pre-allocated pages${fits ? '' : ' — HyperPlatform would bug-check when they run out'}.</p>
<p class="note">Linear scale; a bar with a gap mark is cut short, its value is printed.</p>
</section>`;
}

const fmtRatio = (r: number): string => (r >= 100 ? formatCount(Math.round(r)) : r >= 10 ? r.toFixed(0) : r.toFixed(1).replace(/\.0$/, ''));

/** The segment of each span of one kind, by index (one pass, not a search per table row). */
function segmentsOf(segs: readonly Segment[], kind: SpanKind, n: number): (Segment | undefined)[] {
  const out: (Segment | undefined)[] = new Array(n);
  for (const s of segs) if (s.kind === kind) out[s.index] = s;
  return out;
}

/**
 * A span's type cell as data: the type, or for a mixed span [the pieces' tooltip, ...the types in
 * order of first appearance].
 */
function typeData(s: Span): string | string[] {
  if (s.memoryType !== 'mixed') return s.memoryType;
  const title = s.pieces.map((p) => `${hex(p.start)}–${hex(p.end)} ${p.memoryType} ${pagesText(p.pages)}`).join('\n');
  const seen: MemoryType[] = [];
  for (const p of s.pieces) if (!seen.includes(p.memoryType)) seen.push(p.memoryType);
  return [title, ...seen];
}

/**
 * A span table's rows as JSON inside its <tbody>, which the page script turns into rows
 * (page.asset.js `spanRows`: the markup lives there). 16k RAM ranges were 11 MB of row markup,
 * then 2.6 MB of rows of formatted text, and moving and parsing those bytes was most of the time
 * the page took to be ready: a row now holds numbers, which the page formats with units.ts' own
 * functions (PAGE_SCRIPT). Each row: [0-based line or null, start minus the previous row's end
 * (the first: its start), size, 4K, 2M, 1G, type, tail (1 or 0), label], addresses and sizes in
 * the tbody's data-unit (4096 when every edge is page-aligned, as in e820 and iomem maps: 3 to 4
 * digits fewer each). The label is there only when it is not the tbody's data-label prefix
 * followed by the 1-based line (`line 12`): the server checks every row against lineLabel, so the
 * page never guesses one.
 */
function spanRows(kind: SpanKind, spans: readonly Span[], segOf: readonly (Segment | undefined)[], lineLabel: (l: number) => string, tail?: (i: number) => boolean): { attrs: string; rows: string } {
  const prefix = labelPrefix(lineLabel);
  const unit = spans.every((s) => s.start % 4096 === 0 && s.end % 4096 === 0) ? 4096 : 1;
  let end = 0;
  const rows = spans.map((s, i) => {
    const line = segOf[i]?.line;
    const p = s.pages;
    const row: (number | null | string | string[])[] = [line ?? null, (s.start - end) / unit, (s.end - s.start) / unit, p['4K'], p['2M'], p['1G'], typeData(s)];
    end = s.end;
    const label = line !== undefined ? lineLabel(line) : '';
    const own = line !== undefined && prefix !== undefined && label === prefix + String(line + 1) ? undefined : label;
    if (own !== undefined && own !== '') row.push(tail?.(i) ? 1 : 0, own);
    else if (tail?.(i)) row.push(1);
    return row;
  });
  // A data block, never run (so no nonce). `<` never reaches the HTML parser inside it: no
  // `</script>` or `<!--` from any text.
  return { attrs: ` data-unit="${unit}" data-label="${esc(prefix ?? '')}"`, rows: `<script type="application/json" data-rows="${kind}">${JSON.stringify(rows).replace(/</g, '\\u003c')}</script>` };
}

/** What lineLabel writes before the 1-based line number, when it writes it last (`line ` for `line 1`). */
function labelPrefix(lineLabel: (l: number) => string): string | undefined {
  const first = lineLabel(0);
  return first.endsWith('1') && !/\d$/.test(first.slice(0, -1)) ? first.slice(0, -1) : undefined;
}

const HEAD = '<thead><tr><th class="num opt">#</th><th>line</th><th>start</th><th class="opt">end</th><th class="num">size</th>' +
  '<th class="num"><span class="sw sw-4K"></span>4K</th><th class="num"><span class="sw sw-2M"></span>2M</th><th class="num"><span class="sw sw-1G"></span>1G</th><th>type</th></tr></thead>';

export function gapTable(plan: Plan, segs: readonly Segment[], lineLabel: (l: number) => string): string {
  const segOf = segmentsOf(segs, 'gap', plan.gaps.length);
  const data = plan.gaps.length ? spanRows('gap', plan.gaps, segOf, lineLabel, (i) => plan.gaps[i].before === undefined) : undefined;
  const m = plan.totals.mmio;
  return `<section class="card" aria-labelledby="gaps-h">
<h2 id="gaps-h">Gaps (MMIO and reserved)</h2>
<div class="tablewrap"><table class="spans gaps">
${HEAD}
<tbody${data ? data.attrs : ''}>
${data ? data.rows : '<tr><td colspan="9">No gaps: RAM covers the whole identity map.</td></tr>'}
</tbody>
<tfoot><tr><td class="opt"></td><td>total</td><td></td><td class="opt"></td><td class="num">${esc(formatSize(plan.gaps.reduce((n, g) => n + g.end - g.start, 0)))}</td>${SIZES.map((z) => `<td class="num">${formatCount(m[z])}</td>`).join('')}<td></td></tr></tfoot>
</table></div>
<p class="note">A gap links to the log line it belongs to: the reserved or MMIO range listed inside it, else the RAM line after it (the tail: the last RAM line).</p>
</section>`;
}

export function ramTable(plan: Plan, segs: readonly Segment[], lineLabel: (l: number) => string): string {
  if (!plan.ram.length) return '';
  const segOf = segmentsOf(segs, 'ram', plan.ram.length);
  const data = spanRows('ram', plan.ram, segOf, lineLabel);
  return `<section class="card">
<details data-fold="ram"><summary><h2>RAM ranges (${formatCount(plan.ram.length)})</h2></summary>
<div class="tablewrap"><table class="spans ram">
${HEAD}
<tbody${data.attrs}>
${data.rows}
</tbody>
</table></div>
</details>
</section>`;
}

/** Most mismatches and holes listed per policy; the CLI's --policy NAME --json has them all. */
const MAX_POLICY_ITEMS = 8;

function traceSection(t: ReportTrace | undefined, lineLabel: (l: number) => string): string {
  if (!t) return '';
  const reasons = t.reasons.map((r) => `<tr><th scope="row">${esc(r.reason)}</th><td class="num">${esc(r.number)}</td><td class="num">${esc(formatCount(r.exits))}</td><td class="wrap">${esc(r.meaning)}</td></tr>`).join('\n');
  const regions = t.regions.map((r) => `<tr><th scope="row">${esc(r.where)}</th><td>${esc(r.leaf)}</td><td class="num">${esc(formatCount(r.events))}</td></tr>`).join('\n');
  return `<section class="card" aria-labelledby="trace-h">
<details data-fold="trace" open><summary><h2 id="trace-h">KVM trace (${esc(formatCount(t.exits))} exits)</h2></summary>
<p class="note"><span data-line="${t.firstLine}" tabindex="0" role="link">First event: ${esc(lineLabel(t.firstLine))}</span>; ${esc(formatCount(t.addressed))} events with a guest-physical address (kvm_mmio, kvm_page_fault).</p>
${reasons ? `<h3>Exits by reason</h3>
<div class="tablewrap"><table class="spans trace-reasons"><thead><tr><th scope="col">reason</th><th scope="col" class="num">number</th><th scope="col" class="num">exits</th><th scope="col">what</th></tr></thead>
<tbody>
${reasons}
</tbody></table></div>` : ''}
<h3>Guest-physical addresses by region</h3>
${t.noMapHint ? `<p class="note">${esc(t.noMapHint)}</p>` : ''}
${regions ? `<div class="tablewrap"><table class="spans trace-regions"><thead><tr><th scope="col">region</th><th scope="col">leaf</th><th scope="col" class="num">events</th></tr></thead>
<tbody>
${regions}
</tbody></table></div>` : ''}
</details>
</section>`;
}

function hypervisors(reports: readonly PolicyView[] | undefined, lineLabel: (l: number) => string): string {
  if (!reports || reports.length === 0) return '';
  const head = `<tr>${POLICY_TABLE_HEAD.map((h, i) => `<th scope="col"${i ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr>`;
  const rows = reports.map((r) => `<tr data-policy="${esc(r.policy.name)}">${policyRow(r).map((c, i) => (i ? `<td class="num">${esc(c)}</td>` : `<th scope="row" title="${esc(`${r.policy.source}: ${r.policy.summary}`)}">${esc(r.policy.title)}</th>`)).join('')}</tr>`).join('\n');
  const details = reports.map((r) => {
    const items = [
      ...r.holes.slice(0, MAX_POLICY_ITEMS).map((h) => `hole: ${h.kind} ${hex(h.start)}–${hex(h.end)} (${h.name}, ${lineLabel(h.line)}) is not mapped`),
      ...r.mismatches.filter((x) => x.severity !== 'other').slice(0, MAX_POLICY_ITEMS).map((x) => `${x.severity}: ${hex(x.start)}–${hex(x.end)} mapped ${x.policyType}, the MTRRs make it ${x.expected}`),
    ];
    return items.length ? `<li><strong>${esc(r.policy.title)}</strong><ul>${items.map((t) => `<li>${esc(t)}</li>`).join('')}</ul></li>` : '';
  }).join('');
  return `<section class="card" aria-labelledby="hv-h">
<h2 id="hv-h">Hypervisors on this machine</h2>
<p class="note">How each hypervisor's own code would map this machine (src/policies), against this plan: holes are RAM or listed MMIO it never maps; dangerous = cached where the MTRRs need UC; slow = UC where they don't.</p>
<div class="tablewrap"><table class="spans policies"><thead>${head}</thead><tbody>
${rows}
</tbody></table></div>
${details ? `<ul class="policy-notes">${details}</ul>` : ''}
</section>`;
}
