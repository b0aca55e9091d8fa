// Which addresses of a QEMU `info mtree` map are RAM. The rule (README "QEMU info mtree"): RAM is
// where the region that wins is a `ram` region or an alias of RAM; every other region (i/o, rom,
// romd, ramd, containers) is MMIO for the identity map.
//
// Who wins follows QEMU's render_memory_region (softmmu/memory.c): a container's subregions are
// rendered highest priority first and each fills only what is still empty, clipped to the
// container; a region's own content comes after its subregions. So every region gets a key, its
// ancestors' (priority, order) pairs then its own, and at each address the region with the
// largest key wins; a sweep over the region edges with a max-heap finds it in n log n.
// The flat view (`info mtree -f`) has no nesting and no overlaps: the same code passes it through.
import type { RamInput } from '../planner/normalize';
import type { RangeRecord } from './records';
import { hasError } from './usable';

type Key = number[];

interface Paint {
  start: number;
  end: number;
  key: Key;
  ram: boolean;
  line: number;
}

function compareKeys(a: Key, b: Key): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function paints(ranges: readonly RangeRecord[]): Paint[] {
  const out: Paint[] = [];
  // The open ancestors by depth: key, clip, children so far; `dead` under a disabled region.
  const stack: { depth: number; key: Key; start: number; end: number; children: number; dead: boolean; paint?: Paint }[] = [];
  let roots = 0;
  for (const r of ranges) {
    if (!r.mtree || hasError(r)) continue;
    while (stack.length && stack[stack.length - 1].depth >= r.depth) stack.pop();
    const parent = stack[stack.length - 1];
    const order = parent ? parent.children++ : roots++;
    const key = [...(parent?.key ?? []), r.mtree.priority, -order];
    const start = Math.max(r.start, parent?.start ?? 0);
    const end = Math.min(r.end, parent?.end ?? Infinity);
    const entry = { depth: r.depth, key, start, end, children: 0, dead: r.mtree.disabled || !!parent?.dead, paint: undefined as Paint | undefined };
    stack.push(entry);
    if (entry.dead) continue;
    // A region's own content loses to every one of its subregions.
    if (parent?.paint && parent.paint.key === parent.key) parent.paint.key = [...parent.key, -Infinity];
    if (end > start) {
      entry.paint = { start, end, key, ram: r.ram, line: r.line };
      out.push(entry.paint);
    }
  }
  return out;
}

/** RAM ranges of an mtree map, half-open, merged where they touch (sorted by address). */
export function mtreeRam(ranges: readonly RangeRecord[]): RamInput[] {
  const ps = paints(ranges);
  const points = [...new Set(ps.flatMap((p) => [p.start, p.end]))].sort((a, b) => a - b);
  const starts = [...ps].sort((a, b) => a.start - b.start);
  const heap: Paint[] = [];
  const up = (i: number): void => {
    while (i > 0) {
      const j = (i - 1) >> 1;
      if (compareKeys(heap[i].key, heap[j].key) <= 0) break;
      [heap[i], heap[j]] = [heap[j], heap[i]];
      i = j;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && compareKeys(heap[l].key, heap[m].key) > 0) m = l;
      if (r < heap.length && compareKeys(heap[r].key, heap[m].key) > 0) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  const out: RamInput[] = [];
  let next = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const at = points[i];
    while (next < starts.length && starts[next].start <= at) {
      heap.push(starts[next++]);
      up(heap.length - 1);
    }
    // Lazy deletion: regions that ended are dropped only when they come to the top.
    while (heap.length && heap[0].end <= at) {
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        down(0);
      }
    }
    const top = heap[0];
    if (!top || !top.ram) continue;
    const end = points[i + 1];
    const prev = out[out.length - 1];
    if (prev && prev.end === at) prev.end = end;
    else out.push({ start: at, end, line: top.line });
  }
  return out;
}
