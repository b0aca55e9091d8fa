// The greedy cover: at each address the largest aligned page that fits. For aligned 4K/2M/1G
// pages this is the unique minimum, and it decomposes into at most five runs
// (4K head, 2M head, 1G middle, 2M tail, 4K tail), so it costs O(1) per interval.
import { PAGE_BYTES, PageCounts, PageSize, Range } from './types';

export interface LeafRun extends Range {
  size: PageSize;
  /** Number of leaves: (end - start) / PAGE_BYTES[size]. */
  count: number;
}

export type RunSink = (start: number, end: number, size: PageSize, count: number) => void;

/** Page sizes by level, largest first: the level numbers `coverRuns` writes. */
export const LEVEL_SIZES: readonly PageSize[] = ['1G', '2M', '4K'];
export const LEVEL_BYTES: readonly number[] = LEVEL_SIZES.map((s) => PAGE_BYTES[s]);
export const levelOf = (size: PageSize): number => LEVEL_SIZES.indexOf(size);
/** Room `coverRuns` needs: five runs of (start, end, level). */
export const RUNS_SCRATCH = 15;

const G1 = PAGE_BYTES['1G'];
const M2 = PAGE_BYTES['2M'];

/**
 * Writes the runs of the cover of [start, end) (both 4 KiB aligned) with pages no larger than
 * level `maxLevel` into `out` as (start, end, level) triples, in address order; returns how many.
 * Neither allocates nor calls back nor recurses (a call that is not inlined boxes its address
 * arguments: 16 scavenges per plan of 1M ranges): the planner runs it twice per span. Page sizes
 * are powers of two, so dividing is exact, and floor/ceil are one instruction where `%` on
 * addresses past 2^31 is a call to fmod.
 */
export function coverRuns(start: number, end: number, maxLevel: number, out: Float64Array): number {
  if (end <= start) return 0;
  if (maxLevel === 0) {
    const lo = Math.ceil(start / G1) * G1;
    const hi = Math.floor(end / G1) * G1;
    if (lo < hi) {
      let n = upTo2M(start, lo, true, out, 0);
      n = put(out, n, lo, hi, 0);
      return upTo2M(hi, end, true, out, n);
    }
  }
  return upTo2M(start, end, maxLevel <= 1, out, 0);
}

/** The cover of [start, end) with 2M (when allowed) and 4K pages, appended at run `n`. */
function upTo2M(start: number, end: number, twoM: boolean, out: Float64Array, n: number): number {
  if (end <= start) return n;
  if (twoM) {
    const lo = Math.ceil(start / M2) * M2;
    const hi = Math.floor(end / M2) * M2;
    if (lo < hi) {
      if (lo > start) n = put(out, n, start, lo, 2);
      n = put(out, n, lo, hi, 1);
      return end > hi ? put(out, n, hi, end, 2) : n;
    }
  }
  return put(out, n, start, end, 2);
}

function put(out: Float64Array, n: number, start: number, end: number, level: number): number {
  out[n * 3] = start;
  out[n * 3 + 1] = end;
  out[n * 3 + 2] = level;
  return n + 1;
}

// One scratch for the lazy readers below: allocating a typed array per call was most of the time
// to read every span's counts (a million spans, a million array buffers).
let scratch: Float64Array | undefined = new Float64Array(RUNS_SCRATCH);

/** Calls `sink` for each run of the cover of [start, end) with pages no larger than `maxPage`. */
export function forEachRun(start: number, end: number, maxPage: PageSize, sink: RunSink): void {
  const runs = scratch ?? new Float64Array(RUNS_SCRATCH); // a sink that covers again gets its own
  scratch = undefined;
  try {
    const n = coverRuns(start, end, levelOf(maxPage), runs);
    for (let j = 0; j < n; j++) {
      const s = runs[j * 3];
      const e = runs[j * 3 + 1];
      const level = runs[j * 3 + 2];
      sink(s, e, LEVEL_SIZES[level], (e - s) / LEVEL_BYTES[level]);
    }
  } finally {
    scratch = runs;
  }
}

/** Leaves per page size of the cover of [start, end) with pages no larger than `maxPage`. */
export function coverCounts(start: number, end: number, maxPage: PageSize): PageCounts {
  const runs = scratch ?? new Float64Array(RUNS_SCRATCH);
  const n = coverRuns(start, end, levelOf(maxPage), runs);
  const leaves = [0, 0, 0];
  for (let j = 0; j < n; j++) leaves[runs[j * 3 + 2]] += (runs[j * 3 + 1] - runs[j * 3]) / LEVEL_BYTES[runs[j * 3 + 2]];
  return levelCounts(leaves);
}

/** Leaves counted per level (0 = 1G, 1 = 2M, 2 = 4K) as page counts. */
export const levelCounts = (leaves: ArrayLike<number>): PageCounts => ({ '4K': leaves[2], '2M': leaves[1], '1G': leaves[0] });

/** The runs as a list. */
export function coverInterval(start: number, end: number, maxPage: PageSize): LeafRun[] {
  const out: LeafRun[] = [];
  forEachRun(start, end, maxPage, (s, e, size, count) => out.push({ start: s, end: e, size, count }));
  return out;
}
