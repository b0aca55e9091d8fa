// The one rule for the line each span of a plan belongs to, resolved from the map's own records:
// hints, the outline, Go to Address, the report and the Markdown export all use it. Pure.
import { type RangeRecord, hasError } from '../formats';
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

const anchors = new WeakMap<MapPlan, { map: MapPlan['map']; lines: GapLines }>();

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
    // Ranges that start inside the gap, earliest first; among equal starts the earliest line.
    let best: RangeRecord | undefined;
    for (let k = h; k < holes.length && holes[k].start < g.end; k++) {
      if (holes[k].end > g.start && (!best || holes[k].line < best.line)) best = holes[k];
      if (best && holes[k].start > best.start) break;
    }
    if (best) lines[gi] = best.line;
    else if (g.before !== undefined) lines[gi] = ramLineOf(mp, g.before) ?? -1;
    else lines[gi] = lastRam ?? -1;
  }
  const byLine = Int32Array.from(gaps.map((_, i) => i).sort((a, b) => lines[a] - lines[b] || a - b));
  const out = { line: lines, byLine };
  anchors.set(mp, { map: mp.map, lines: out });
  return out;
}

/** The line of gap `index` of a map plan, undefined for none. */
export function gapLineOf(mp: MapPlan): (index: number) => number | undefined {
  const { line } = gapLines(mp);
  return (i) => (line[i] >= 0 ? line[i] : undefined);
}
