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
 * `order` (indices into `key`, 4 KiB-aligned addresses below 2^52) stably sorted by key: an LSD
 * radix sort of the page numbers, 10 bits a pass, passes whose digit never varies skipped. A
 * typed-array sort with a comparator calls back into JS per comparison and was most of the
 * planner's time on shuffled input.
 */
function sortByKey(order: Int32Array, key: Float64Array): Int32Array {
  const n = order.length;
  // Page numbers below 2^40, in two 20-bit halves (bit operations only see 32 bits).
  const lo = new Int32Array(key.length);
  const hi = new Int32Array(key.length);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const page = key[i] / PAGE;
    lo[i] = page % 0x100000;
    hi[i] = Math.floor(page / 0x100000);
  }
  let src: Int32Array = order;
  let dst: Int32Array = new Int32Array(n);
  const count = new Int32Array(1024);
  for (let pass = 0; pass < 4; pass++) {
    const half = pass < 2 ? lo : hi;
    const shift = pass % 2 ? 10 : 0;
    count.fill(0);
    for (let k = 0; k < n; k++) count[(half[src[k]] >> shift) & 1023]++;
    if (count[(half[src[0]] >> shift) & 1023] === n) continue; // one digit everywhere
    for (let d = 0, at = 0; d < 1024; d++) {
      const c = count[d];
      count[d] = at;
      at += c;
    }
    for (let k = 0; k < n; k++) {
      const i = src[k];
      dst[count[(half[i] >> shift) & 1023]++] = i;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/**
 * Rounds each range outward to 4 KiB (a partial page of RAM is still RAM and must stay at 4K
 * granularity), then merges overlapping and touching ranges. Empty ranges are dropped.
 */
export function normalizeRam(inputs: readonly RamInput[]): NormalizedRange[] {
  // Indices sorted by the rounded start, in typed arrays: no intermediate objects for 1M ranges.
  // Ranges with equal starts merge whatever their order, and each merged range lists its inputs
  // in input order (its indices sorted), so the start alone is the sort key.
  const startKey = new Float64Array(inputs.length);
  let order: Int32Array = new Int32Array(inputs.length);
  let n = 0;
  let sorted = true;
  for (let i = 0; i < inputs.length; i++) {
    const r = inputs[i];
    if (r.end <= r.start) continue;
    startKey[i] = alignDown(r.start, PAGE);
    if (n > 0 && startKey[i] < startKey[order[n - 1]]) sorted = false;
    order[n++] = i;
  }
  order = order.subarray(0, n);
  // Logs print their maps in address order: then there is nothing to sort.
  if (!sorted) order = sortByKey(order, startKey);
  const out: NormalizedRange[] = [];
  let groupStart = 0;
  let last: NormalizedRange | undefined;
  const close = (groupEnd: number): void => {
    if (!last) return;
    if (groupEnd - groupStart === 1) last.inputs = [inputs[order[groupStart]]];
    else last.inputs = Array.from(order.slice(groupStart, groupEnd).sort(), (i) => inputs[i]);
  };
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const start = startKey[i];
    const end = alignUp(inputs[i].end, PAGE);
    if (last && start <= last.end) {
      if (end > last.end) last.end = end;
    } else {
      close(k);
      groupStart = k;
      last = { start, end, inputs: [] };
      out.push(last);
    }
  }
  close(n);
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
