// The greedy cover: at each address the largest aligned page that fits. For aligned 4K/2M/1G
// pages this is the unique minimum, and it decomposes into at most five runs
// (4K head, 2M head, 1G middle, 2M tail, 4K tail), so it costs O(1) per interval.
import { PAGE_BYTES, PageSize, Range } from './types';
import { alignDown, alignUp } from './normalize';

export interface LeafRun extends Range {
  size: PageSize;
  /** Number of leaves: (end - start) / PAGE_BYTES[size]. */
  count: number;
}

export type RunSink = (start: number, end: number, size: PageSize, count: number) => void;

const DESCENDING: PageSize[] = ['1G', '2M', '4K'];

/**
 * Calls `sink` for each run of the cover of [start, end) (both 4 KiB aligned) with pages no
 * larger than `maxPage`, in address order. No allocation: the planner calls this per gap.
 */
export function forEachRun(start: number, end: number, maxPage: PageSize, sink: RunSink): void {
  split(start, end, DESCENDING.indexOf(maxPage), sink);
}

/** The runs as a list. */
export function coverInterval(start: number, end: number, maxPage: PageSize): LeafRun[] {
  const out: LeafRun[] = [];
  forEachRun(start, end, maxPage, (s, e, size, count) => out.push({ start: s, end: e, size, count }));
  return out;
}

function split(start: number, end: number, level: number, sink: RunSink): void {
  if (end <= start) return;
  const size = DESCENDING[level];
  const bytes = PAGE_BYTES[size];
  if (level === DESCENDING.length - 1) {
    sink(start, end, size, (end - start) / bytes);
    return;
  }
  const lo = alignUp(start, bytes);
  const hi = alignDown(end, bytes);
  if (lo >= hi) {
    split(start, end, level + 1, sink);
    return;
  }
  split(start, lo, level + 1, sink);
  sink(lo, hi, size, (hi - lo) / bytes);
  split(hi, end, level + 1, sink);
}
