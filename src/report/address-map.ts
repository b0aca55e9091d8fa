// The report's address map: every RAM range and gap as an SVG segment on a piecewise-logarithmic
// scale, a memory-type strip, ticks and prioritised axis labels. Linear in the spans (n log n for
// the sorts); past MAX_SEGMENTS spans, narrow neighbours are drawn as groups so the page stays light.
import type { Plan, Span } from '../planner/plan';
import { formatCount, formatSize, hex } from '../planner/units';
import { memoryTypeText, pagesText } from '../planner/export/markdown';
import { SIZES, TYPES, TYPE_NAMES, esc, pct } from './markup';

export type SpanKind = 'ram' | 'gap';

/**
 * More spans than this are drawn in groups of neighbours (the tables still list every span). About
 * as many spans as the map has pixels: past it the average span is under a pixel, and each one
 * drawn alone (five SVG shapes) costs the page ~0.35 ms; 4,800 of them took 1.8 s to show, where
 * the grouped map of 5,200 took 0.65 s.
 */
const MAX_SEGMENTS = 1000;
/**
 * When grouped, the narrowest piece drawn, in percent of the map: 1/500, two pixels of a map
 * 1,000 px wide. A span at least this wide is drawn alone; narrower neighbours are merged until
 * the group is this wide. At 16k RAM ranges, 2,500 groups of 13 spans were each under half a
 * pixel (nothing to see or point at) and their markup was most of the page's parse time.
 */
const MIN_GROUP_WIDTH = 0.2;
/**
 * Axis labels written, the first in priority order: a map a few thousand pixels wide shows a few
 * dozen without overlap, and the script measures every one written.
 */
const MAX_AXIS_LABELS = 500;

export interface Segment {
  kind: SpanKind;
  index: number;
  span: Span;
  line?: number;
  /** Left edge and width on the map, in percent of its width. */
  x: number;
  w: number;
  /** Set on a group of neighbouring spans (past MAX_SEGMENTS): how many of each kind. */
  group?: { ram: number; gaps: number };
}

/**
 * The address map's scale: piecewise, each span (RAM range or gap) gets a width that grows with
 * the logarithm of its size (1 unit for 4 KiB, +1 per doubling), so a 4 KiB gap stays visible
 * beside a 500 GiB one; inside a span, addresses are linear.
 */
export function layoutSegments(plan: Plan, lineOf: (kind: SpanKind, index: number) => number | undefined): Segment[] {
  // RAM ranges and gaps are each sorted and disjoint: one merge puts them in address order. (A
  // sort whose comparator read the spans' lazy `start`, then an object spread per segment, took
  // 300 ms of a 16k-range report.)
  const { ram, gaps } = plan;
  const segs: Segment[] = new Array(ram.length + gaps.length);
  let total = 0;
  let i = 0;
  let j = 0;
  let ramStart = ram.length ? ram[0].start : Infinity;
  let gapStart = gaps.length ? gaps[0].start : Infinity;
  for (let k = 0; k < segs.length; k++) {
    const isRam = ramStart < gapStart;
    const index = isRam ? i : j;
    const span = isRam ? ram[i] : gaps[j];
    const w = 1 + Math.log2(Math.max(1, (span.end - span.start) / 4096));
    total += w;
    segs[k] = { kind: isRam ? 'ram' : 'gap', index, span, line: lineOf(isRam ? 'ram' : 'gap', index), x: 0, w };
    if (isRam) ramStart = ++i < ram.length ? ram[i].start : Infinity;
    else gapStart = ++j < gaps.length ? gaps[j].start : Infinity;
  }
  let x = 0;
  for (const seg of segs) {
    seg.w = (seg.w / (total || 1)) * 100;
    seg.x = x;
    x += seg.w;
  }
  return segs;
}

/** x of an address inside segment `s` (linear inside the span holding it). */
const xIn = (s: Segment, addr: number): number => s.x + (s.w * (addr - s.span.start)) / (s.span.end - s.span.start || 1);

/**
 * Where each of `sorted` (ascending addresses) falls on the map: in the first segment holding it,
 * as a search of every segment per address would find, but in one forward pass over both.
 */
function addressXs(segs: readonly Segment[], sorted: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  let j = 0;
  for (const addr of sorted) {
    while (j < segs.length && segs[j].span.end < addr) j++;
    const s = segs[j];
    out.set(addr, s && addr >= s.span.start ? xIn(s, addr) : addr <= 0 ? 0 : 100);
  }
  return out;
}

/** Axis label for an address: `4 GiB` when that is exact, else the hex address (both in the tooltip). */
export function addrLabel(a: number): string {
  if (a === 0) return '0';
  const units: [number, string][] = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [u, name] of units) if (a % u === 0 && (a / u < 1024 || u === 2 ** 40)) return `${a / u} ${name}`;
  return hex(a);
}

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

/** Groups are striped RAM / gap: at this density a group is both. */
const GROUP_PATTERN = '<pattern id="grouped" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="2" height="4" class="pat-ram"/><rect x="2" width="2" height="4" class="pat-gap"/></pattern>';

export function addressMap(plan: Plan, segs: readonly Segment[], lineLabel: (l: number) => string): string {
  const TYPE_Y = 0;
  const TYPE_H = 7;
  const BAR_Y = 10;
  const BAR_H = 44;
  const TICK_Y = BAR_Y + BAR_H;
  const LABEL_Y = TICK_Y + 17;
  const H = LABEL_Y + 6;

  const parts: string[] = [];
  const drawn = segs.length > MAX_SEGMENTS ? groupSegments(segs) : segs;
  for (const s of drawn) {
    if (s.group) {
      parts.push(groupMarkup(s, BAR_Y, BAR_H, TYPE_Y, lineLabel));
      continue;
    }
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
  const bounds = [...new Set(drawn.flatMap((s) => [s.span.start, s.span.end]))].sort((a, b) => a - b);
  const bySize = [...drawn].sort((a, b) => (b.span.end - b.span.start) - (a.span.end - a.span.start));
  const prio: number[] = [];
  const inPrio = new Set<number>();
  const add = (a: number): void => {
    if (inPrio.has(a)) return;
    inPrio.add(a);
    prio.push(a);
  };
  if (bounds.length) {
    add(bounds[0]);
    add(bounds[bounds.length - 1]);
  }
  for (const s of bySize) {
    add(s.span.start);
    add(s.span.end);
  }
  const xs = addressXs(drawn, bounds);
  const ticks = bounds.map((a) => `<line class="tick" x1="${pct(xs.get(a)!)}" x2="${pct(xs.get(a)!)}" y1="${TICK_Y}" y2="${TICK_Y + 4}"/>`).join('');
  const labels = prio.slice(0, MAX_AXIS_LABELS).map((a, k) => {
    const x = xs.get(a)!;
    const anchor = x < 1 ? 'start' : x > 99 ? 'end' : 'middle';
    const exact = addrLabel(a);
    const tip = exact.startsWith('0x') ? `${hex(a)} (${formatSize(a)})` : `${hex(a)} = ${exact}`;
    return `<text class="axis" data-prio="${k}" x="${pct(x)}" y="${LABEL_Y}" text-anchor="${anchor}"><title>${esc(tip)}</title>${esc(exact)}</text>`;
  }).join('');

  const used = typesUsed(segs);
  const legend = [
    `<li><span class="sw sw-ram"></span>RAM</li>`,
    ...SIZES.map((z) => `<li><span class="sw sw-${z}"></span>gap with ${z} leaves</li>`),
    ...(segs.some((s) => s.kind === 'gap' && s.span.memoryType === 'UC') ? [`<li><span class="sw sw-uc"></span>hatched: an all-UC gap</li>`] : []),
    ...(drawn !== segs ? [`<li><span class="sw sw-group"></span>${formatCount(segs.length)} ranges and gaps; neighbours narrower than 1/500 of the map are drawn in groups</li>`] : []),
    ...TYPES.filter((t) => used.has(t))
      .map((t) => `<li><span class="sw mtsw mt-${t}"></span>${t} <span class="who">${TYPE_NAMES[t]}</span></li>`),
  ].join('');
  return `<section class="card" aria-labelledby="map-h">
<h2 id="map-h">Address map</h2>
<div class="mapwrap">
<svg class="map" width="100%" height="${H}" role="group" aria-label="Physical address map from 0 to ${esc(formatSize(plan.limit))}">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern>${drawn !== segs ? GROUP_PATTERN : ''}</defs>
${parts.join('\n')}
${ticks}
${labels}
</svg>
</div>
<ul class="legend">${legend}</ul>
<p class="note">Scale: piecewise logarithmic — each range's width grows with log₂ of its size (4 KiB = 1 unit, +1 per doubling), so a 4 KiB gap stays visible beside hundreds of GiB; addresses are linear only inside a range. Top strip: memory type. Gaps are striped by the page sizes that cover them. Hover for details; click or press Enter to reveal the log line.</p>
</section>`;
}

/** Memory types that occur anywhere on the map. */
function typesUsed(segs: readonly Segment[]): Set<string> {
  const out = new Set<string>();
  for (const s of segs) {
    // A span of one type has one piece: no need to build its pieces (lazy) to know it.
    if (s.span.memoryType !== 'mixed') out.add(s.span.memoryType);
    else for (const p of s.span.pieces) out.add(p.memoryType);
  }
  return out;
}

/**
 * Neighbouring segments merged, in address order, into pieces at least MIN_GROUP_WIDTH wide: a
 * segment that wide stays itself (so every wide gap is still drawn, clickable and listed on its
 * own), a run of narrower ones becomes one group, closed once it is that wide or a wide segment
 * follows. At most 100 / MIN_GROUP_WIDTH groups, and as many lone wide segments.
 */
export function groupSegments(segs: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  let from = 0;
  const close = (to: number): void => {
    if (to - from === 1) out.push(segs[from]);
    else if (to > from) out.push(mergeSegments(segs.slice(from, to)));
    from = to;
  };
  for (let i = 0; i < segs.length; i++) {
    if (segs[i].w >= MIN_GROUP_WIDTH) {
      close(i);
      out.push(segs[i]);
      from = i + 1;
    } else if (segs[i].x + segs[i].w - segs[from].x >= MIN_GROUP_WIDTH) {
      close(i + 1);
    }
  }
  close(segs.length);
  return out;
}

/** One group of neighbouring segments: its range, page counts and first line. */
function mergeSegments(part: readonly Segment[]): Segment {
  const first = part[0];
  const last = part[part.length - 1];
  const pages = { '4K': 0, '2M': 0, '1G': 0 };
  let ram = 0;
  for (const s of part) {
    for (const z of SIZES) pages[z] += s.span.pages[z];
    if (s.kind === 'ram') ram++;
  }
  const span: Span = { start: first.span.start, end: last.span.end, pages, memoryType: 'mixed', pieces: [], runs: [] };
  const line = part.find((s) => s.line !== undefined)?.line;
  return { kind: first.kind, index: first.index, span, line, x: first.x, w: last.x + last.w - first.x, group: { ram, gaps: part.length - ram } };
}

function groupMarkup(s: Segment, barY: number, barH: number, typeY: number, lineLabel: (l: number) => string): string {
  const g = s.group!;
  const what = `${formatCount(g.ram)} RAM range${g.ram === 1 ? '' : 's'} and ${formatCount(g.gaps)} gap${g.gaps === 1 ? '' : 's'}`;
  const tip = [`${what} ${hex(s.span.start)}–${hex(s.span.end)} (${formatSize(s.span.end - s.span.start)})`, pagesText(s.span.pages)];
  if (s.line !== undefined) tip.push(`${lineLabel(s.line)} — click or Enter to reveal`);
  const x = pct(s.x);
  const w = pct(s.w);
  const lineAttr = s.line !== undefined ? ` data-line="${s.line}" role="button"` : ' role="img"';
  return `<g class="seg group" data-start="${hex(s.span.start)}"${lineAttr} tabindex="0" aria-label="${esc(`${what}, ${hex(s.span.start)} to ${hex(s.span.end)}`)}">` +
    `<title>${esc(tip.join('\n'))}</title>` +
    `<rect class="fill group" x="${x}" y="${barY}" width="${w}" height="${barH}"/>` +
    `<rect class="edge" x="${x}" y="${barY}" width="${w}" height="${barH}"/>` +
    `<rect class="ring" x="${x}" y="${typeY}" width="${w}" height="${barH + barY - typeY}"/></g>`;
}
