// Turning RAM ranges as logged (any order, overlapping, unaligned) into the sorted, disjoint,
// 4 KiB-aligned set the planner covers. The planner keeps that set in typed arrays (`MergedRam`):
// at 100k ranges the objects of the merged set (a range and its inputs list per range) were most
// of its garbage-collection work, and most callers only need the counts.
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

/** Merged RAM: range k is [starts[k], ends[k]); its inputs are `order[first[k] .. first[k + 1])`. */
export interface MergedRam {
  /** Ranges in use (`clipMerged` shortens the set in place). */
  count: number;
  starts: Float64Array;
  ends: Float64Array;
  /** Indices of the non-empty inputs, grouped by merged range, ascending within a group. */
  order: Int32Array;
  first: Int32Array;
  /**
   * With `refuse`: the index of the first input that is not a range of safe integers with
   * 0 ≤ start ≤ end (and nothing merged), else -1. Checked in the same pass: reading 100k objects
   * scattered over the heap is a good part of the merge, so they are read once.
   */
  invalid: number;
}

/**
 * `order` (indices i of ranges whose 4 KiB-aligned start, below 2^52, is `edges[2i]`) stably
 * sorted by start: an LSD radix sort of the page numbers, 10 bits a pass, passes whose digit
 * never varies skipped. A typed-array sort with a comparator calls back into JS per comparison
 * and was most of the planner's time on shuffled input. The digits travel with the indices, so
 * each pass reads its input in order (looking them up by index was a cache miss per range and
 * pass at 1M ranges).
 */
function sortByStart(order: Int32Array, edges: Float64Array): Int32Array {
  const n = order.length;
  // Page numbers below 2^40, in two 20-bit halves (bit operations only see 32 bits).
  let lo = new Int32Array(n);
  let hi = new Int32Array(n);
  let idx = Int32Array.from(order);
  for (let k = 0; k < n; k++) {
    const page = edges[2 * idx[k]] / PAGE;
    const high = Math.floor(page / 0x100000);
    hi[k] = high;
    lo[k] = page - high * 0x100000; // page % 2^20 without fmod
  }
  let toLo = new Int32Array(n);
  let toHi = new Int32Array(n);
  let toIdx = new Int32Array(n);
  const count = new Int32Array(1024);
  for (let pass = 0; pass < 4; pass++) {
    const half = pass < 2 ? lo : hi;
    const shift = pass % 2 ? 10 : 0;
    count.fill(0);
    for (let k = 0; k < n; k++) count[(half[k] >> shift) & 1023]++;
    if (count[(half[0] >> shift) & 1023] === n) continue; // one digit everywhere
    for (let d = 0, at = 0; d < 1024; d++) {
      const c = count[d];
      count[d] = at;
      at += c;
    }
    for (let k = 0; k < n; k++) {
      const to = count[(half[k] >> shift) & 1023]++;
      toLo[to] = lo[k];
      toHi[to] = hi[k];
      toIdx[to] = idx[k];
    }
    [lo, toLo] = [toLo, lo];
    [hi, toHi] = [toHi, hi];
    [idx, toIdx] = [toIdx, idx];
  }
  return idx;
}

/**
 * Rounds each range outward to 4 KiB (a partial page of RAM is still RAM and must stay at 4K
 * granularity), then merges overlapping and touching ranges. Empty ranges are dropped.
 */
export function mergeRam(inputs: readonly { start: number; end: number }[], refuse = false): MergedRam {
  // Both edges are read once, in input order: the merge then reads typed arrays, not objects
  // scattered over the heap in sorted order. Ranges with equal starts merge whatever their order,
  // and each merged range lists its inputs in input order (its indices sorted), so the start
  // alone is the sort key.
  // Start and end side by side: the merge reads them in sorted order, one cache line per range.
  const edges = new Float64Array(2 * inputs.length);
  let order: Int32Array = new Int32Array(inputs.length);
  let n = 0;
  let sorted = true;
  for (let i = 0; i < inputs.length; i++) {
    const r = inputs[i];
    if (refuse && !(Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && r.start >= 0 && r.end >= r.start)) {
      const none = new Float64Array(0);
      return { count: 0, starts: none, ends: none, order: new Int32Array(0), first: new Int32Array(1), invalid: i };
    }
    if (r.end <= r.start) continue;
    // alignDown / alignUp to 4 KiB without `%`, a call to fmod past 2^31 (addresses are ≥ 0).
    const start = Math.floor(r.start / PAGE) * PAGE;
    edges[2 * i] = start;
    edges[2 * i + 1] = Math.ceil(r.end / PAGE) * PAGE;
    if (n > 0 && start < edges[2 * order[n - 1]]) sorted = false;
    order[n++] = i;
  }
  order = order.subarray(0, n);
  // Logs print their maps in address order (found in the pass above): then there is nothing to sort.
  if (!sorted) order = sortByStart(order, edges);
  // One pass in start order; a group is sorted back to input order only when it is not already.
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const first = new Int32Array(n + 1);
  let m = -1;
  let groupUnsorted = false;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const start = edges[2 * i];
    const end = edges[2 * i + 1];
    if (m >= 0 && start <= ends[m]) {
      if (end > ends[m]) ends[m] = end;
      if (i < order[k - 1]) groupUnsorted = true;
    } else {
      if (groupUnsorted) order.subarray(first[m], k).sort();
      groupUnsorted = false;
      m++;
      starts[m] = start;
      ends[m] = end;
      first[m] = k;
    }
  }
  if (groupUnsorted) order.subarray(first[m], n).sort();
  const count = m + 1;
  first[count] = n;
  return { count, starts: starts.subarray(0, count), ends: ends.subarray(0, count), order, first: first.subarray(0, count + 1), invalid: -1 };
}

/** The inputs merged into range k, in input order. */
export function mergedInputs<T>(ram: MergedRam, inputs: readonly T[], k: number): T[] {
  const out: T[] = new Array(ram.first[k + 1] - ram.first[k]);
  for (let j = ram.first[k], o = 0; j < ram.first[k + 1]; j++) out[o++] = inputs[ram.order[j]];
  return out;
}

/** The merged set as objects (for callers outside the planner). */
export function normalizeRam(inputs: readonly RamInput[]): NormalizedRange[] {
  const ram = mergeRam(inputs);
  const out: NormalizedRange[] = new Array(ram.count);
  for (let k = 0; k < ram.count; k++) out[k] = { start: ram.starts[k], end: ram.ends[k], inputs: mergedInputs(ram, inputs, k) };
  return out;
}

/**
 * Clips merged RAM at `limit` in place (the arrays are the planner's own): what lies inside the
 * identity map stays, and what is cut off is returned.
 */
export function clipMerged(ram: MergedRam, limit: number): Range[] {
  let inside = 0;
  while (inside < ram.count && ram.starts[inside] < limit) inside++;
  const beyond: Range[] = [];
  if (inside > 0 && ram.ends[inside - 1] > limit) {
    beyond.push({ start: limit, end: ram.ends[inside - 1] });
    ram.ends[inside - 1] = limit;
  }
  for (let k = inside; k < ram.count; k++) beyond.push({ start: ram.starts[k], end: ram.ends[k] });
  ram.count = inside;
  return beyond;
}
