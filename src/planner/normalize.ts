// Turning RAM ranges as logged (any order, overlapping, unaligned) into the sorted, disjoint,
// 4 KiB-aligned set the planner covers.
import { PAGE_BYTES, Range } from './types';

export interface RamInput extends Range {
  /** 0-based line of the log record this range came from, when it came from text. */
  line?: number;
  /** Where it came from (a file name), for multi-file input. */
  source?: string;
}

export interface NormalizedRange extends Range {
  /** The input ranges merged into this one, in input order. */
  inputs: RamInput[];
}

const PAGE = PAGE_BYTES['4K'];
export const alignDown = (n: number, a: number): number => n - (n % a);
export const alignUp = (n: number, a: number): number => (n % a === 0 ? n : n - (n % a) + a);

/**
 * Rounds each range outward to 4 KiB (a partial page of RAM is still RAM and must stay at 4K
 * granularity), then merges overlapping and touching ranges. Empty ranges are dropped.
 */
export function normalizeRam(inputs: readonly RamInput[]): NormalizedRange[] {
  // Sort the inputs themselves by their rounded edges: no intermediate objects for 100k ranges.
  const sorted = inputs.filter((r) => r.end > r.start).sort((a, b) => alignDown(a.start, PAGE) - alignDown(b.start, PAGE) || a.end - b.end);
  const out: NormalizedRange[] = [];
  let last: NormalizedRange | undefined;
  for (const r of sorted) {
    const start = alignDown(r.start, PAGE);
    const end = alignUp(r.end, PAGE);
    if (last && start <= last.end) {
      if (end > last.end) last.end = end;
      last.inputs.push(r);
    } else {
      last = { start, end, inputs: [r] };
      out.push(last);
    }
  }
  // Keep each merged range's inputs in input order, as documented.
  for (const n of out) if (n.inputs.length > 1) n.inputs.sort((a, b) => inputs.indexOf(a) - inputs.indexOf(b));
  return out;
}

/** Splits normalized RAM at `limit`: what lies inside the identity map, and what is cut off. */
export function clipToLimit(ram: NormalizedRange[], limit: number): { inside: NormalizedRange[]; beyond: Range[] } {
  const inside: NormalizedRange[] = [];
  const beyond: Range[] = [];
  for (const r of ram) {
    if (r.end <= limit) inside.push(r);
    else if (r.start >= limit) beyond.push({ start: r.start, end: r.end });
    else {
      inside.push({ ...r, end: limit });
      beyond.push({ start: limit, end: r.end });
    }
  }
  return { inside, beyond };
}
