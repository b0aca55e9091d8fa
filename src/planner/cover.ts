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

const DESCENDING: PageSize[] = ['1G', '2M', '4K'];

/** Leaves covering [start, end) (both 4 KiB aligned) with pages no larger than `maxPage`, in address order. */
export function coverInterval(start: number, end: number, maxPage: PageSize): LeafRun[] {
  const sizes = DESCENDING.slice(DESCENDING.indexOf(maxPage));
  const out: LeafRun[] = [];
  split(start, end, sizes, out);
  return out;
}

function split(start: number, end: number, sizes: PageSize[], out: LeafRun[]): void {
  if (end <= start) return;
  const [size, ...smaller] = sizes;
  const bytes = PAGE_BYTES[size];
  const lo = alignUp(start, bytes);
  const hi = alignDown(end, bytes);
  if (smaller.length === 0 || lo >= hi) {
    if (smaller.length === 0) out.push({ start, end, size, count: (end - start) / bytes });
    else split(start, end, smaller, out);
    return;
  }
  split(start, lo, smaller, out);
  out.push({ start: lo, end: hi, size, count: (hi - lo) / bytes });
  split(hi, end, smaller, out);
}
