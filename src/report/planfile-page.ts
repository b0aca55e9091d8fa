// The Plan Log File page: a summary of the whole file first (size, lines, maps, boots, time), then
// one row per distinct map (identical maps folded, with their count and the lines where they
// appear), then the plan of each distinct map (tiles, gaps, RAM). Pure: data in, HTML out, under
// the same CSP rules as the report (html.ts).
import type { Plan } from '../planner/plan';
import { formatCount, formatSize } from '../planner/units';
import { gapLine, ramLine } from '../planner/export/markdown';
import { type SpanKind, layoutSegments } from './address-map';
import { PAGE_SCRIPT, checkCspInputs, gapTable, notices, page, ramTable, tiles } from './html';
import { esc, leafTotal } from './markup';

export interface PlanFileEntry {
  /** `HyperPlatform map, 9 RAM ranges` and the like. */
  title: string;
  /** 0-based first line of every map with this content, in file order. */
  lines: readonly number[];
  plan?: Plan;
  /** Why there is no plan. */
  why?: string;
  /** 0-based line a gap belongs to, in the first map of the entry. */
  gapLine?: (index: number) => number | undefined;
  /** 0-based line of a RAM range, in the first map of the entry. */
  ramLine?: (index: number) => number | undefined;
}

export interface PlanFileSummary {
  file: string;
  bytes: number;
  lines: number;
  maps: number;
  /** `Linux version` lines (a new boot each). */
  boots: number;
  /** Milliseconds streaming and scanning, then planning and rendering. */
  scanMs: number;
  planMs: number;
}

export interface PlanFilePageOptions {
  nonce: string;
  cspSource: string;
  title: string;
  summary: PlanFileSummary;
  entries: readonly PlanFileEntry[];
  /** At most this many distinct maps get their full plan on the page (the rest: their row). */
  maxDetailed?: number;
  /** Why the file holds no memory map, when that is known (a dmesg that starts after boot). */
  noMap?: string;
}

/** `A`…`Z`, `AA`…: a name for each distinct map. */
export function entryName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const lineLabel = (l: number): string => `line ${formatCount(l + 1)}`;

/** Clickable line numbers; past `inline` they go into a fold. */
function lineList(lines: readonly number[], inline = 12): string {
  const link = (l: number): string => `<span class="ln" data-line="${l}" tabindex="0" role="link">${formatCount(l + 1)}</span>`;
  const head = lines.slice(0, inline).map(link).join(', ');
  if (lines.length <= inline) return head;
  return `${head}, … <details class="more"><summary>all ${formatCount(lines.length)} lines</summary><p class="mono lines">${lines.map(link).join(', ')}</p></details>`;
}

export function renderPlanFilePage(o: PlanFilePageOptions): string {
  checkCspInputs(o.nonce, o.cspSource);
  const csp = `default-src 'none'; style-src ${o.cspSource} 'nonce-${o.nonce}'; script-src 'nonce-${o.nonce}'; img-src ${o.cspSource} data:; font-src ${o.cspSource};`;
  const s = o.summary;
  const max = o.maxDetailed ?? 50;
  const kv = (k: string, v: string, id: string): string => `<div><dt>${esc(k)}</dt><dd data-summary="${id}">${esc(v)}</dd></div>`;
  const summary = `<section class="card summary" aria-labelledby="sum-h">
<h2 id="sum-h">Summary</h2>
<dl class="kv wide">
${kv('file', s.file, 'file')}
${kv('size', `${formatSize(s.bytes)} (${formatCount(s.bytes)} bytes)`, 'size')}
${kv('lines', formatCount(s.lines), 'lines')}
${kv('memory maps', `${formatCount(s.maps)}${o.entries.length !== s.maps ? ` (${formatCount(o.entries.length)} distinct)` : ''}`, 'maps')}
${kv('boots', s.boots ? formatCount(s.boots) : 'no "Linux version" line', 'boots')}
${kv('time', `${secs(s.scanMs + s.planMs)} (scan ${secs(s.scanMs)}, plan ${secs(s.planMs)})`, 'time')}
</dl>
</section>`;
  const rows = o.entries.map((e, i) => {
    const p = e.plan;
    const cells = p
      ? `<td class="num">${formatCount(p.comparison.plan.leaves)}</td><td class="num">${formatCount(leafTotal(p.totals.mmio))}</td><td class="num">${esc(formatSize(p.bytes))}</td>`
      : `<td colspan="3">${esc(e.why ?? 'not planned')}</td>`;
    return `<tr data-entry="${i}"><th scope="row"><a href="#map-${entryName(i)}">${entryName(i)}</a></th><td>${esc(e.title)}</td><td class="num" data-count="${i}">${formatCount(e.lines.length)}×</td><td class="wrap">${lineList(e.lines)}</td>${cells}</tr>`;
  }).join('\n');
  const table = o.entries.length
    ? `<section class="card" aria-labelledby="maps-h">
<h2 id="maps-h">Maps (${formatCount(o.entries.length)} distinct of ${formatCount(s.maps)})</h2>
<div class="tablewrap"><table class="spans maps"><thead><tr><th scope="col">map</th><th scope="col">what</th><th scope="col" class="num">times</th><th scope="col">first lines</th><th scope="col" class="num">leaves</th><th scope="col" class="num">gap leaves</th><th scope="col" class="num">tables</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<p class="note">Maps with the same ranges, types and MTRRs are one entry: planned once, with every line where such a map starts.</p>
</section>`
    : `<p class="notice" role="status">${o.noMap ? `No memory map in this file: ${esc(o.noMap)}` : 'No memory map in this file (HyperPlatform, e820, /proc/iomem or Xen range lines).'}</p>`;
  const details = o.entries.slice(0, max).map((e, i) => {
    const head = `<h2 id="map-${entryName(i)}">Map ${entryName(i)}: ${esc(e.title)}${e.lines.length > 1 ? ` · ${formatCount(e.lines.length)} times` : ''}</h2>`;
    if (!e.plan) return `<section class="card">${head}<p class="notice">${esc(e.why ?? 'not planned')}</p></section>`;
    const plan = e.plan;
    const lineOf = (kind: SpanKind, index: number): number | undefined =>
      kind === 'ram' ? (e.ramLine ? e.ramLine(index) : ramLine(plan.ram[index])) : e.gapLine ? e.gapLine(index) : gapLine(plan, plan.gaps[index]);
    const segs = layoutSegments(plan, lineOf);
    return `<section class="entry" aria-label="${esc(`Map ${entryName(i)}`)}">${head}
${notices(plan)}
${tiles(plan, lineOf, lineLabel)}
${gapTable(plan, segs, lineLabel)}
${ramTable(plan, segs, lineLabel)}
</section>`;
  }).join('\n');
  const more = o.entries.length > max ? `<p class="note">${formatCount(o.entries.length - max)} more distinct maps are listed above without their plans (ept-plan prints every one).</p>` : '';
  return page({ nonce: o.nonce, csp, title: o.title }, `<header class="head"><div class="titles"><h1>${esc(o.title)}</h1>
<p class="sub">${esc(`${formatSize(s.bytes)} · ${formatCount(s.lines)} lines · ${formatCount(s.maps)} map${s.maps === 1 ? '' : 's'}`)}</p></div></header>
<main>
${summary}
${table}
${details}
${more}
</main>
<script nonce="${o.nonce}">${PAGE_SCRIPT}</script>`);
}
