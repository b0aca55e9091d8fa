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
  // Sort indices by the rounded edges: no intermediate objects for 100k ranges, and each merged
  // range can list its inputs in input order by sorting its (few or many) indices.
  const order: number[] = [];
  // Keys computed once: a floating-point % per comparison made the sort the planner's hot spot.
  const startKey = new Float64Array(inputs.length);
  const endKey = new Float64Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i].end <= inputs[i].start) continue;
    order.push(i);
    startKey[i] = alignDown(inputs[i].start, PAGE);
    endKey[i] = inputs[i].end;
  }
  order.sort((a, b) => startKey[a] - startKey[b] || endKey[a] - endKey[b]);
  const out: NormalizedRange[] = [];
  const members: number[][] = [];
  let last: NormalizedRange | undefined;
  for (const i of order) {
    const start = startKey[i];
    const end = alignUp(endKey[i], PAGE);
    if (last && start <= last.end) {
      if (end > last.end) last.end = end;
      members[members.length - 1].push(i);
    } else {
      last = { start, end, inputs: [] };
      out.push(last);
      members.push([i]);
    }
  }
  out.forEach((n, k) => {
    const m = members[k];
    if (m.length > 1) m.sort((a, b) => a - b);
    n.inputs = m.map((i) => inputs[i]);
  });
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
