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
import type { Gap, Plan, PlannedRam, Span, StrategyCost } from '../planner/plan';
import type { PolicyReport } from '../policies/compare';
import { POLICY_TABLE_HEAD, policyRow } from '../policies/table';
import type { MemoryType, PageCounts, PageSize } from '../planner/types';
import { formatCount, formatSize, hex } from '../planner/units';
import { gapLine, memoryTypeText, pagesText, ramLine } from '../planner/export/markdown';

export type SpanKind = 'ram' | 'gap';

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
  hypervisors?: readonly PolicyReport[];
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML/SVG text content and quoted attribute values. */
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

const SIZES: readonly PageSize[] = ['4K', '2M', '1G'];
const TYPES: readonly MemoryType[] = ['UC', 'WC', 'WT', 'WP', 'WB'];
const TYPE_NAMES: Record<MemoryType, string> = {
  UC: 'uncacheable',
  WC: 'write-combining',
  WT: 'write-through',
  WP: 'write-protected',
  WB: 'write-back',
};
const leafTotal = (p: PageCounts): number => p['4K'] + p['2M'] + p['1G'];
/** Percentages with enough digits for sub-pixel accuracy at any sensible width. */
const pct = (v: number): string => `${Math.max(0, Math.min(100, v)).toFixed(4).replace(/\.?0+$/, '')}%`;

interface Segment {
  kind: SpanKind;
  index: number;
  span: Span;
  line?: number;
  /** Left edge and width on the map, in percent of its width. */
  x: number;
  w: number;
}

/**
 * The address map's scale: piecewise, each span (RAM range or gap) gets a width that grows with
 * the logarithm of its size (1 unit for 4 KiB, +1 per doubling), so a 4 KiB gap stays visible
 * beside a 500 GiB one; inside a span, addresses are linear.
 */
export function layoutSegments(plan: Plan, lineOf: (kind: SpanKind, index: number) => number | undefined): Segment[] {
  const spans: { kind: SpanKind; index: number; span: Span }[] = [
    ...plan.ram.map((span, index) => ({ kind: 'ram' as const, index, span })),
    ...plan.gaps.map((span, index) => ({ kind: 'gap' as const, index, span })),
  ].sort((a, b) => a.span.start - b.span.start);
  const weight = (s: Span): number => 1 + Math.log2(Math.max(1, (s.end - s.start) / 4096));
  const total = spans.reduce((n, s) => n + weight(s.span), 0) || 1;
  let x = 0;
  return spans.map((s) => {
    const w = (weight(s.span) / total) * 100;
    const seg: Segment = { ...s, line: lineOf(s.kind, s.index), x, w };
    x += w;
    return seg;
  });
}

/** Where an address falls on the map (linear inside the span holding it). */
function addressX(segs: readonly Segment[], addr: number): number {
  for (const s of segs) {
    if (addr >= s.span.start && addr <= s.span.end) return s.x + (s.w * (addr - s.span.start)) / (s.span.end - s.span.start || 1);
  }
  return addr <= 0 ? 0 : 100;
}

/** Axis label for an address: `4 GiB` when that is exact, else the hex address (both in the tooltip). */
export function addrLabel(a: number): string {
  if (a === 0) return '0';
  const units: [number, string][] = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [u, name] of units) if (a % u === 0 && (a / u < 1024 || u === 2 ** 40)) return `${a / u} ${name}`;
  return hex(a);
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
function page(opts: { nonce: string; csp: string; title: string }, body: string): string {
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

export function renderReport(plan: Plan, opts: ReportOptions): string {
  checkCspInputs(opts.nonce, opts.cspSource);
  const nonce = opts.nonce;
  const lineOf = opts.lineOf ?? ((kind: SpanKind, index: number) =>
    kind === 'ram' ? ramLine(plan.ram[index]) : gapLine(plan, plan.gaps[index]));
  const lineLabel = (l: number): string => (opts.lineLabel ? opts.lineLabel(l) : `line ${l + 1}`);
  const segs = layoutSegments(plan, lineOf);
  const csp =
    `default-src 'none'; style-src ${opts.cspSource} 'nonce-${opts.nonce}'; ` +
    `script-src 'nonce-${opts.nonce}'; img-src ${opts.cspSource} data:; font-src ${opts.cspSource};`;

  const o = plan.options;
  const subtitle = [
    opts.subtitle,
    `identity map 0 – ${formatSize(plan.limit)} (${hex(plan.limit)})`,
    `largest page ${o.maxPage}`,
    `RAM pages up to ${o.ramPage}`,
    o.mtrr ? 'memory types from the MTRRs' : 'gaps UC, RAM WB',
  ].filter(Boolean).join(' · ');

  return page({ nonce, csp, title: opts.title }, `<header class="head">
  <div class="titles">
    <h1>${esc(opts.title)}</h1>
    <p class="sub">${esc(subtitle)}</p>
  </div>
  ${opts.exports === false ? '' : toolbar()}
</header>
<main>
${notices(plan)}
${tiles(plan, lineOf, lineLabel)}
${comparison(plan)}
${addressMap(plan, segs, lineLabel)}
${gapTable(plan, segs, lineLabel)}
${ramTable(plan, segs, lineLabel)}
${hypervisors(opts.hypervisors, lineLabel)}
</main>
<script nonce="${nonce}">${SCRIPT}</script>`);
}

function toolbar(): string {
  const formats: [string, string][] = [['json', 'JSON'], ['md', 'Markdown'], ['csv', 'CSV'], ['c', 'C header']];
  const group = (action: 'save' | 'copy', label: string): string =>
    `<div class="group" role="group" aria-label="${esc(label)}"><span class="glabel">${esc(label)}</span>` +
    formats.map(([f, name]) =>
      `<button type="button" data-export="${f}" data-action="${action}" title="${esc(`${action === 'save' ? 'Save' : 'Copy'} the plan as ${name}`)}">${esc(name)}</button>`).join('') +
    '</div>';
  return `<nav class="toolbar" aria-label="Export">${group('save', 'Save as')}${group('copy', 'Copy')}</nav>`;
}

function notices(plan: Plan): string {
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

function tiles(plan: Plan, lineOf: (k: SpanKind, i: number) => number | undefined, lineLabel: (l: number) => string): string {
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

function spanTooltip(kind: SpanKind, s: Span, line: number | undefined, lineLabel: (l: number) => string): string {
  const lines = [
    `${kind === 'ram' ? 'RAM' : 'Gap (MMIO)'} ${hex(s.start)}–${hex(s.end)} (${formatSize(s.end - s.start)})`,
    `${pagesText(s.pages)} · ${memoryTypeText(s)}`,
  ];
  if (s.memoryType === 'mixed') {
    for (const p of s.pieces) lines.push(`  ${hex(p.start)}–${hex(p.end)} ${p.memoryType} ${pagesText(p.pages)}`);
  }
  if (line !== undefined) lines.push(`${lineLabel(line)} — click or Enter to reveal`);
  return lines.join('\n');
}

function addressMap(plan: Plan, segs: readonly Segment[], lineLabel: (l: number) => string): string {
  const TYPE_Y = 0;
  const TYPE_H = 7;
  const BAR_Y = 10;
  const BAR_H = 44;
  const TICK_Y = BAR_Y + BAR_H;
  const LABEL_Y = TICK_Y + 17;
  const H = LABEL_Y + 6;

  const parts: string[] = [];
  for (const s of segs) {
    const { span } = s;
    const x = pct(s.x);
    const w = pct(s.w);
    const inner: string[] = [];
    inner.push(`<title>${esc(spanTooltip(s.kind, span, s.line, lineLabel))}</title>`);
    // Memory-type track: each typed piece, linear inside the span.
    for (const p of span.pieces) {
      const px = s.x + (s.w * (p.start - span.start)) / (span.end - span.start);
      const pw = (s.w * (p.end - p.start)) / (span.end - span.start);
      inner.push(`<rect class="mt mt-${p.memoryType}" x="${pct(px)}" y="${TYPE_Y}" width="${pct(pw)}" height="${TYPE_H}"/>`);
    }
    if (s.kind === 'ram') {
      inner.push(`<rect class="fill ram" x="${x}" y="${BAR_Y}" width="${w}" height="${BAR_H}"/>`);
    } else {
      const used = SIZES.filter((z) => span.pages[z] > 0);
      const h = BAR_H / Math.max(1, used.length);
      used.forEach((z, k) => {
        inner.push(`<rect class="fill pg-${z}" x="${x}" y="${(BAR_Y + k * h).toFixed(2)}" width="${w}" height="${h.toFixed(2)}"/>`);
      });
      if (span.memoryType === 'UC') inner.push(`<rect class="uc-mark" x="${x}" y="${BAR_Y}" width="${w}" height="${BAR_H}"/>`);
    }
    inner.push(`<rect class="edge" x="${x}" y="${BAR_Y}" width="${w}" height="${BAR_H}"/>`);
    inner.push(`<rect class="ring" x="${x}" y="${TYPE_Y}" width="${w}" height="${BAR_H + BAR_Y - TYPE_Y}"/>`);
    const aria = `${s.kind === 'ram' ? 'RAM' : 'Gap'} ${hex(span.start)} to ${hex(span.end)}, ${formatSize(span.end - span.start)}, ${pagesText(span.pages)}, ${memoryTypeText(span)}` +
      (s.line !== undefined ? `, ${lineLabel(s.line)}` : '');
    const lineAttr = s.line !== undefined ? ` data-line="${s.line}" role="button"` : ' role="img"';
    parts.push(`<g class="seg ${s.kind}" data-key="${s.kind}-${s.index}" data-kind="${s.kind}" data-start="${hex(span.start)}"${lineAttr} tabindex="0" aria-label="${esc(aria)}">${inner.join('')}</g>`);
  }

  // Axis: a tick at every boundary; labels in priority order (the ends, then around the largest
  // spans); the script hides labels that would overlap at the current width.
  const bounds = [...new Set(segs.flatMap((s) => [s.span.start, s.span.end]))].sort((a, b) => a - b);
  const bySize = [...segs].sort((a, b) => (b.span.end - b.span.start) - (a.span.end - a.span.start));
  const prio: number[] = [];
  const add = (a: number): void => {
    if (!prio.includes(a)) prio.push(a);
  };
  if (bounds.length) {
    add(bounds[0]);
    add(bounds[bounds.length - 1]);
  }
  for (const s of bySize) {
    add(s.span.start);
    add(s.span.end);
  }
  const ticks = bounds.map((a) => `<line class="tick" x1="${pct(addressX(segs, a))}" x2="${pct(addressX(segs, a))}" y1="${TICK_Y}" y2="${TICK_Y + 4}"/>`).join('');
  const labels = prio.map((a, k) => {
    const x = addressX(segs, a);
    const anchor = x < 1 ? 'start' : x > 99 ? 'end' : 'middle';
    const exact = addrLabel(a);
    const tip = exact.startsWith('0x') ? `${hex(a)} (${formatSize(a)})` : `${hex(a)} = ${exact}`;
    return `<text class="axis" data-prio="${k}" x="${pct(x)}" y="${LABEL_Y}" text-anchor="${anchor}"><title>${esc(tip)}</title>${esc(exact)}</text>`;
  }).join('');

  const legend = [
    `<li><span class="sw sw-ram"></span>RAM</li>`,
    ...SIZES.map((z) => `<li><span class="sw sw-${z}"></span>gap with ${z} leaves</li>`),
    ...(segs.some((s) => s.kind === 'gap' && s.span.memoryType === 'UC') ? [`<li><span class="sw sw-uc"></span>hatched: an all-UC gap</li>`] : []),
    ...TYPES.filter((t) => segs.some((s) => s.span.pieces.some((p) => p.memoryType === t)))
      .map((t) => `<li><span class="sw mtsw mt-${t}"></span>${t} <span class="who">${TYPE_NAMES[t]}</span></li>`),
  ].join('');
  return `<section class="card" aria-labelledby="map-h">
<h2 id="map-h">Address map</h2>
<div class="mapwrap">
<svg class="map" width="100%" height="${H}" role="group" aria-label="Physical address map from 0 to ${esc(formatSize(plan.limit))}">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern></defs>
${parts.join('\n')}
${ticks}
${labels}
</svg>
</div>
<ul class="legend">${legend}</ul>
<p class="note">Scale: piecewise logarithmic — each range's width grows with log₂ of its size (4 KiB = 1 unit, +1 per doubling), so a 4 KiB gap stays visible beside hundreds of GiB; addresses are linear only inside a range. Top strip: memory type. Gaps are striped by the page sizes that cover them. Hover for details; click or press Enter to reveal the log line.</p>
</section>`;
}

function typeCell(s: Span): string {
  if (s.memoryType !== 'mixed') return `<span class="sw mtsw mt-${s.memoryType}"></span>${s.memoryType}`;
  const title = s.pieces.map((p) => `${hex(p.start)}–${hex(p.end)} ${p.memoryType} ${pagesText(p.pages)}`).join('\n');
  const seen: MemoryType[] = [];
  for (const p of s.pieces) if (!seen.includes(p.memoryType)) seen.push(p.memoryType);
  return `<span title="${esc(title)}">mixed ${seen.map((t) => `<span class="sw mtsw mt-${t}"></span>${t}`).join(' ')}</span>`;
}

function spanRow(kind: SpanKind, i: number, s: Span, seg: Segment | undefined, lineLabel: (l: number) => string, extra = ''): string {
  const line = seg?.line;
  const attrs = line !== undefined
    ? ` data-line="${line}" tabindex="0" aria-label="${esc(`${kind === 'ram' ? 'RAM' : 'Gap'} ${i + 1}, reveal ${lineLabel(line)}`)}"`
    : '';
  const n = (z: PageSize): string => `<td class="num${s.pages[z] ? '' : ' zero'}">${formatCount(s.pages[z])}</td>`;
  return `<tr class="row" data-key="${kind}-${i}"${attrs}>` +
    `<td class="num opt">${i + 1}</td>` +
    `<td class="line">${line !== undefined ? esc(lineLabel(line)) : ''}${extra}</td>` +
    `<td class="mono">${hex(s.start)}</td><td class="mono opt">${hex(s.end)}</td>` +
    `<td class="num">${esc(formatSize(s.end - s.start))}</td>` +
    SIZES.map(n).join('') +
    `<td>${typeCell(s)}</td></tr>`;
}

const HEAD = '<thead><tr><th class="num opt">#</th><th>line</th><th>start</th><th class="opt">end</th><th class="num">size</th>' +
  '<th class="num"><span class="sw sw-4K"></span>4K</th><th class="num"><span class="sw sw-2M"></span>2M</th><th class="num"><span class="sw sw-1G"></span>1G</th><th>type</th></tr></thead>';

function gapTable(plan: Plan, segs: readonly Segment[], lineLabel: (l: number) => string): string {
  const segOf = (i: number): Segment | undefined => segs.find((s) => s.kind === 'gap' && s.index === i);
  const rows = plan.gaps.map((g, i) => spanRow('gap', i, g, segOf(i), lineLabel, g.before === undefined ? ' <span class="who">tail</span>' : '')).join('\n');
  const m = plan.totals.mmio;
  return `<section class="card" aria-labelledby="gaps-h">
<h2 id="gaps-h">Gaps (MMIO and reserved)</h2>
<div class="tablewrap"><table class="spans gaps">
${HEAD}
<tbody>
${rows || '<tr><td colspan="9">No gaps: RAM covers the whole identity map.</td></tr>'}
</tbody>
<tfoot><tr><td class="opt"></td><td>total</td><td></td><td class="opt"></td><td class="num">${esc(formatSize(plan.gaps.reduce((n, g) => n + g.end - g.start, 0)))}</td>${SIZES.map((z) => `<td class="num">${formatCount(m[z])}</td>`).join('')}<td></td></tr></tfoot>
</table></div>
<p class="note">A gap belongs to the RAM line after it (the tail to the limit, to the last line).</p>
</section>`;
}

function ramTable(plan: Plan, segs: readonly Segment[], lineLabel: (l: number) => string): string {
  if (!plan.ram.length) return '';
  const segOf = (i: number): Segment | undefined => segs.find((s) => s.kind === 'ram' && s.index === i);
  const rows = plan.ram.map((r: PlannedRam, i) => spanRow('ram', i, r, segOf(i), lineLabel)).join('\n');
  return `<section class="card">
<details><summary><h2>RAM ranges (${formatCount(plan.ram.length)})</h2></summary>
<div class="tablewrap"><table class="spans ram">
${HEAD}
<tbody>
${rows}
</tbody>
</table></div>
</details>
</section>`;
}

const STYLE = `
:root {
  --fg: var(--vscode-editor-foreground, #1f2328);
  --bg: var(--vscode-editor-background, #ffffff);
  --muted: var(--vscode-descriptionForeground, #656d76);
  --border: var(--vscode-panel-border, var(--vscode-widget-border, rgba(128,128,128,.35)));
  --card: var(--vscode-editorWidget-background, rgba(128,128,128,.06));
  --focus: var(--vscode-focusBorder, #0969da);
  --hover: var(--vscode-list-hoverBackground, rgba(128,128,128,.14));
  --c-ram: var(--vscode-charts-green, #388a34);
  --c-4K: var(--vscode-charts-orange, #d18616);
  --c-2M: var(--vscode-charts-blue, #1a85ff);
  --c-1G: var(--vscode-charts-purple, #8250df);
  --c-UC: var(--vscode-charts-red, #e5484d);
  --c-WC: var(--vscode-charts-yellow, #d4a72c);
  --c-WT: #2aa198;
  --c-WP: #c678dd;
  --c-WB: var(--vscode-charts-lines, #8b949e);
  --mono: var(--vscode-editor-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
}
* { box-sizing: border-box; }
body { margin: 0; padding: 12px 16px 32px; color: var(--fg); background: var(--bg);
  font-family: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  font-size: var(--vscode-font-size, 13px); line-height: 1.4; }
main, .head { max-width: 1200px; margin: 0 auto; }
h1 { font-size: 1.35em; margin: 0; font-weight: 600; overflow-wrap: anywhere; }
h2 { font-size: 1em; margin: 0 0 8px; font-weight: 600; }
.sub { margin: 2px 0 0; color: var(--muted); }
.head { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: flex-end; justify-content: space-between; margin-bottom: 12px; }
.toolbar { display: flex; flex-wrap: wrap; gap: 6px 14px; }
.group { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.glabel { color: var(--muted); margin-right: 2px; }
button { font: inherit; color: var(--vscode-button-secondaryForeground, var(--fg));
  background: var(--vscode-button-secondaryBackground, rgba(128,128,128,.18)); border: 1px solid var(--vscode-button-border, transparent);
  border-radius: 3px; padding: 2px 9px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground, rgba(128,128,128,.3)); }
button[data-action="save"] { color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #0969da); }
button[data-action="save"]:hover { background: var(--vscode-button-hoverBackground, #0550ae); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
.notices { margin-bottom: 12px; }
.notice { margin: 0 0 6px; padding: 6px 10px; border-left: 3px solid var(--vscode-editorWarning-foreground, #bf8700);
  background: var(--vscode-inputValidation-warningBackground, rgba(191,135,0,.12)); }
.tiles { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px; margin-bottom: 14px; }
@media (min-width: 1000px) { .tiles { grid-template-columns: repeat(6, minmax(0, 1fr)); } }
.tile, .card { background: var(--card); border: 1px solid var(--border); border-radius: 6px; padding: 10px 12px; }
.tile h2 { font-size: .85em; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin-bottom: 6px; }
.tile[data-line] { cursor: pointer; }
.tile[data-line]:hover { background: var(--hover); }
.kv { margin: 0; display: grid; gap: 2px; }
.kv > div { display: flex; justify-content: space-between; gap: 8px; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 600; }
.big { font-size: 1.7em; font-weight: 600; margin: 2px 0; font-variant-numeric: tabular-nums; }
.foot { margin: 6px 0 0; color: var(--muted); font-size: .92em; overflow-wrap: anywhere; }
.mono, td.mono { font-family: var(--mono); }
.card { margin-bottom: 14px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 8px 28px; }
.chart { margin: 0; }
.chart figcaption { color: var(--muted); margin-bottom: 4px; }
.bar-row { display: grid; grid-template-columns: minmax(120px, 38%) 1fr; grid-template-areas: "label label" "bar value"; column-gap: 8px; margin-bottom: 6px; }
.bar-label { grid-area: label; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.bar-label .name { font-weight: 600; }
.bar { grid-area: bar; display: block; align-self: center; overflow: visible; }
.bar-value { grid-area: value; font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
.bar .b { fill: var(--muted); opacity: .55; }
.bar .b.self { fill: var(--c-2M); opacity: 1; }
.bar .gapmark { fill: var(--card); transform: skewX(-20deg); transform-box: fill-box; }
.ratio { color: var(--muted); font-size: .9em; }
.who { color: var(--muted); font-weight: normal; }
.fit { margin: 10px 0 0; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-weight: 600; margin-right: 4px; color: #fff; }
.fit.ok .badge { background: var(--c-ram); }
.fit.bad .badge { background: var(--c-UC); }
.note { color: var(--muted); font-size: .9em; margin: 8px 0 0; }
.mapwrap { overflow: hidden; }
svg.map { display: block; overflow: visible; }
.seg { cursor: default; outline: none; }
.seg[data-line] { cursor: pointer; }
.seg .fill.ram { fill: var(--c-ram); }
.seg .fill.pg-4K { fill: var(--c-4K); }
.seg .fill.pg-2M { fill: var(--c-2M); }
.seg .fill.pg-1G { fill: var(--c-1G); }
.seg .uc-mark { fill: url(#hatch); }
.hatch { stroke: var(--bg); stroke-opacity: .5; stroke-width: 1.6; }
.seg .edge { fill: none; stroke: var(--bg); stroke-width: 1; }
.seg .ring { fill: none; stroke: none; }
.seg:hover .fill, .seg.hl .fill { filter: brightness(1.25); }
.seg:hover .ring, .seg.hl .ring { stroke: var(--fg); stroke-width: 1.5; }
.seg:focus-visible .ring { stroke: var(--focus); stroke-width: 3; }
.mt-UC { fill: var(--c-UC); background: var(--c-UC); }
.mt-WC { fill: var(--c-WC); background: var(--c-WC); }
.mt-WT { fill: var(--c-WT); background: var(--c-WT); }
.mt-WP { fill: var(--c-WP); background: var(--c-WP); }
.mt-WB { fill: var(--c-WB); background: var(--c-WB); }
.tick { stroke: var(--muted); stroke-width: 1; }
.axis { fill: var(--muted); font-size: 11px; font-family: var(--mono); }
.axis.hidden { display: none; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; margin: 10px 0 0; }
.sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.sw-ram { background: var(--c-ram); }
.sw-4K { background: var(--c-4K); }
.sw-2M { background: var(--c-2M); }
.sw-1G { background: var(--c-1G); }
.sw-uc { background: repeating-linear-gradient(45deg, var(--c-4K) 0 3px, var(--bg) 3px 5px); }
.mtsw { height: 5px; vertical-align: 2px; }
.tablewrap { overflow-x: auto; }
table.spans { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.spans th, .spans td { padding: 3px 8px; text-align: left; white-space: nowrap; border-bottom: 1px solid var(--border); }
.spans th { color: var(--muted); font-weight: 600; }
.spans .num { text-align: right; }
.spans td.zero { color: var(--muted); opacity: .6; }
.spans tfoot td { font-weight: 600; border-bottom: none; }
.spans tr[data-line] { cursor: pointer; }
.spans tbody tr:hover, .spans tr.hl { background: var(--hover); }
.spans tr:focus-visible { outline-offset: -2px; }
details summary { cursor: pointer; }
details summary h2 { display: inline; }
@media (max-width: 520px) {
  body { padding: 8px; }
  .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px; }
  .big { font-size: 1.35em; }
  .charts { grid-template-columns: 1fr; }
  .bar-row { grid-template-columns: 1fr auto; }
  .head { align-items: flex-start; }
  .spans th, .spans td { padding: 3px 4px; }
  .spans .opt { display: none; }
}
`;

// The page script: no framework, delegated events. acquireVsCodeApi is provided by the webview
// (and by a stub in the browser tests).
const SCRIPT = `
(function () {
  'use strict';
  var api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : { postMessage: function () {} };
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
`;

/** Most mismatches and holes listed per policy; the CLI's --policy NAME --json has them all. */
const MAX_POLICY_ITEMS = 8;

function hypervisors(reports: readonly PolicyReport[] | undefined, lineLabel: (l: number) => string): string {
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
