// The one rule for the line each span of a plan belongs to, resolved from the map's own records:
// hints, the outline, Go to Address, the report and the Markdown export all use it. Pure.
import { type RangeRecord, hasError } from '../formats';
import type { Gap } from '../planner';
import type { MapPlan } from './map-plan';

/** The RAM line numbers of a map plan's RAM range. */
export function ramLineOf(mp: MapPlan, ramIndex: number): number | undefined {
  return mp.plan?.ram[ramIndex]?.inputs.find((i) => i.line !== undefined)?.line;
}

interface GapLines {
  /** Indexed like plan.gaps: the gap's line, -1 for none. */
  line: Int32Array;
  /** Gap indices in line order. */
  byLine: Int32Array;
}

/** The lines, and what they were found from (carryGapLines reuses it). */
const anchors = new WeakMap<MapPlan, { map: MapPlan['map']; lines: GapLines; holes: RangeRecord[]; lastRam: number | undefined }>();

/**
 * The line of gap `g` (index `gi`): `holes` are the map's non-RAM ranges sorted by start, and
 * holes[h] the first that ends past the gap's start.
 */
function anchorLine(mp: MapPlan, g: Gap, holes: readonly RangeRecord[], h: number, lastRam: number | undefined): number {
  // Ranges that start inside the gap, earliest first; among equal starts the earliest line.
  let best: RangeRecord | undefined;
  for (let k = h; k < holes.length && holes[k].start < g.end; k++) {
    if (holes[k].end > g.start && (!best || holes[k].line < best.line)) best = holes[k];
    if (best && holes[k].start > best.start) break;
  }
  if (best) return best.line;
  if (g.before !== undefined) return ramLineOf(mp, g.before) ?? -1;
  return lastRam ?? -1;
}

/**
 * The line each gap of a plan belongs to (indexed like plan.gaps, -1 for none): the first listed
 * non-RAM range inside it (an e820 `reserved`, an iomem `PCI Bus` line: the hole itself), else
 * the RAM line right after it (where HyperPlatform annotations sit), else, for the tail, the last
 * RAM line. One rule for hints, outline, Go to Address and the report. n log n in the ranges.
 */
export function gapLines(mp: MapPlan): GapLines {
  const cached = anchors.get(mp);
  if (cached && cached.map === mp.map) return cached.lines;
  const gaps = mp.plan?.gaps ?? [];
  const lines = new Int32Array(gaps.length).fill(-1);
  const holes = mp.map.ranges
    .filter((r) => !r.ram && r.depth === 0 && r.end > r.start && !hasError(r))
    .sort((a, b) => a.start - b.start || a.line - b.line);
  const order = gaps.map((_, i) => i).sort((a, b) => gaps[a].start - gaps[b].start);
  let h = 0;
  let lastRam: number | undefined;
  for (const r of mp.plan?.ram ?? []) for (const i of r.inputs) if (i.line !== undefined && (lastRam === undefined || i.line > lastRam)) lastRam = i.line;
  for (const gi of order) {
    const g = gaps[gi];
    while (h < holes.length && holes[h].end <= g.start) h++;
    lines[gi] = anchorLine(mp, g, holes, h, lastRam);
  }
  const byLine = Int32Array.from(gaps.map((_, i) => i).sort((a, b) => lines[a] - lines[b] || a - b));
  const out = { line: lines, byLine };
  anchors.set(mp, { map: mp.map, lines: out, holes, lastRam });
  return out;
}

/** Most (gap, non-RAM range) pairs carryGapLines looks at; past that gapLines works them out afresh. */
const MAX_CARRY_WORK = 1_000_000;

/**
 * Gives `next` (a plan carried over an edit of RAM lines: the same non-RAM ranges, the same
 * gaps but [from, to]) the gap lines of `last` when those gaps keep their lines; otherwise
 * gapLines finds them when asked.
 */
export function carryGapLines(last: MapPlan, next: MapPlan, from: number, to: number): void {
  const was = anchors.get(last);
  const gaps = next.plan?.gaps;
  if (!was || was.map !== last.map || !gaps || (to - from + 1) * (was.holes.length + 1) > MAX_CARRY_WORK) return;
  const { holes, lastRam } = was;
  for (let gi = from; gi <= to; gi++) {
    const g = gaps[gi];
    let h = 0;
    while (h < holes.length && holes[h].end <= g.start) h++;
    if (anchorLine(next, g, holes, h, lastRam) !== was.lines.line[gi]) return;
  }
  anchors.set(next, { ...was, map: next.map });
}

/** The line of gap `index` of a map plan, undefined for none. */
export function gapLineOf(mp: MapPlan): (index: number) => number | undefined {
  const { line } = gapLines(mp);
  return (i) => (line[i] >= 0 ? line[i] : undefined);
}
