// A plan carried over an edit that replaced some RAM inputs by others (typing in an address):
// only the merged ranges the old and new inputs touch are merged again, the leaves and tables
// are the old ones plus the difference over the 1 GiB-aligned stretch around them, and the spans
// outside it are the old span objects. Exactly what planning the new inputs gives (the unit tests
// compare the two), in time for the stretch, not the map. Undefined when the edit changes how many
// ranges there are, reaches the limit, or the plan has MTRR types: then plan afresh.
import { PAGE_BYTES, PML4E_BYTES, PageCounts } from './types';
import { MergedRam, RamInput, mergeRam } from './normalize';
import { levelCounts, levelOf } from './cover';
import { tableTotal } from './tables';
import { Tally } from './tally';
import { SpanSource, gapCount, ownGap, ownRam, sourceOf } from './spans';
import { type Comparison, type Plan, HYPERPLATFORM_PREALLOCATED } from './plan';

const PAGE = PAGE_BYTES['4K'];
const G1 = PAGE_BYTES['1G'];

export interface Replanned {
  plan: Plan;
  /** The RAM spans [first, last] and the gaps [first, last] that are new objects (same indices as before). */
  ram: [number, number];
  gaps: [number, number];
}

/** First k < n with a[k] > x (a ascending), else n. */
function above(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The tally of the spans of `ram` (gaps and RAM, tiling [0, limit)) cut to [lo, hi). */
function tallyOver(src: SpanSource, ram: MergedRam, lo: number, hi: number): Tally {
  const t = new Tally(levelOf(src.ramPage), levelOf(src.maxPage));
  const n = ram.count;
  const from = Math.min(n - 1, above(ram.ends, n, lo));
  const to = Math.max(from, above(ram.starts, n, hi - 1) - 1);
  const feed = (s: number, e: number, isRam: boolean): void => {
    const a = Math.max(s, lo);
    const b = Math.min(e, hi);
    if (a < b) t.feed(a, b, isRam);
  };
  for (let k = from; k <= to; k++) {
    feed(k === 0 ? 0 : ram.ends[k - 1], ram.starts[k], false);
    feed(ram.starts[k], ram.ends[k], true);
  }
  feed(ram.ends[to], to + 1 < n ? ram.starts[to + 1] : src.limit, false);
  return t;
}

const validRange = (r: RamInput): boolean => Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && r.start >= 0 && r.end > r.start;

/** Whether any range of `ram` meets [lo, hi). */
const meets = (ram: MergedRam, lo: number, hi: number): boolean => {
  const k = above(ram.ends, ram.count, lo);
  return k < ram.count && ram.starts[k] < hi;
};

/** Per-level counts plus the difference of two level arrays (0 = 1G, 1 = 2M, 2 = 4K). */
const plus = (c: PageCounts, now: Float64Array, was: Float64Array): PageCounts =>
  levelCounts([c['1G'] + now[0] - was[0], c['2M'] + now[1] - was[1], c['4K'] + now[2] - was[2]]);

/** An input of a plan given new bounds. */
export interface InputSwap {
  /** Its index among the plan's inputs. */
  index: number;
  start: number;
  end: number;
}

/**
 * What a carried plan is carried on from: the planning pass's leftovers with the merged arrays
 * updated, and the inputs as the first plan had them but at `swapped`. Copying a 300k-entry
 * list per keystroke was garbage a major GC had to take care of every few keys, so a carried plan
 * keeps the inputs of the plan it came from and owns its merged arrays: the next carry updates
 * them in place, and the plan it came from can't be carried again (`spent`). A planned plan's
 * arrays are shared with its spans, and are copied.
 */
interface Carry {
  src: SpanSource;
  swapped: Map<number, RamInput>;
  owned: boolean;
  spent: boolean;
}

const carries = new WeakMap<Plan, Carry>();

function carryOf(plan: Plan): Carry | undefined {
  const carried = carries.get(plan);
  if (carried) return carried.spent ? undefined : carried;
  const src = sourceOf(plan);
  return src && { src, swapped: new Map(), owned: false, spent: false };
}

/** `plan` (made by planMemoryMap or by this) with its inputs at `swaps` given new bounds. */
export function replanSwapped(plan: Plan, swaps: readonly InputSwap[]): Replanned | undefined {
  const carry = carryOf(plan);
  const src = carry?.src;
  if (!carry || !src || src.kinds.ram.codes || src.kinds.gap.codes || swaps.length === 0) return undefined;
  const wasInput = (i: number): RamInput => carry.swapped.get(i) ?? src.inputs[i];
  const swapped = new Map<number, RamInput>();
  for (const { index, start, end } of swaps) swapped.set(index, { ...wasInput(index), start, end });
  const input = (i: number): RamInput => swapped.get(i) ?? wasInput(i);
  const old = src.ram;
  const n = old.count;
  const limit = src.limit;
  if (n === 0) return undefined;
  // The ranges to merge again: the one holding each old input, and every one its new input meets or touches.
  let ka = n;
  let kb = -1;
  for (const { index: i } of swaps) {
    const was = wasInput(i);
    const now = input(i);
    if (!validRange(was) || !validRange(now)) return undefined;
    const s0 = Math.floor(was.start / PAGE) * PAGE;
    const e0 = Math.ceil(was.end / PAGE) * PAGE;
    const s1 = Math.floor(now.start / PAGE) * PAGE;
    const e1 = Math.ceil(now.end / PAGE) * PAGE;
    if (e0 >= limit || e1 >= limit) return undefined;
    const k0 = above(old.starts, n, s0) - 1;
    if (k0 < 0 || old.ends[k0] < e0) return undefined;
    const lo1 = above(old.ends, n, s1 - 1);
    const hi1 = above(old.starts, n, e1) - 1;
    ka = Math.min(ka, k0, lo1);
    kb = Math.max(kb, k0, hi1);
  }
  ka = Math.max(ka, 0);
  kb = Math.min(kb, n - 1);
  const base = old.first[ka];
  const idx = old.order.slice(base, old.first[kb + 1]).sort();
  const local = mergeRam(Array.from(idx, input));
  const m = local.count;
  const A = ka > 0 ? old.ends[ka - 1] : 0;
  const B = kb + 1 < n ? old.starts[kb + 1] : limit;
  if (m !== kb - ka + 1 || local.order.length !== idx.length || old.ends[kb] >= limit || local.ends[m - 1] >= limit) return undefined;
  if ((ka > 0 && local.starts[0] <= A) || local.ends[m - 1] >= B || (ka === 0 && (old.starts[0] === 0) !== (local.starts[0] === 0))) return undefined;

  // Leaves and tables: the old ones plus what changed over the 1 GiB regions around [A, B) (a
  // leaf never crosses a 1 GiB boundary, so cutting the spans there leaves every leaf whole).
  // The old side is read before the arrays are updated.
  const P = Math.floor(A / G1) * G1;
  const Q = Math.min(limit, Math.ceil(B / G1) * G1);
  const was = tallyOver(src, old, P, Q);
  // A 512 GiB region is wider than the stretch: whether only gaps need its PDPT asks the whole map.
  const regions: number[] = [];
  for (let r = Math.floor(P / PML4E_BYTES) * PML4E_BYTES; r < Q; r += PML4E_BYTES) regions.push(r);
  const hadRam = regions.map((r) => meets(old, r, Math.min(r + PML4E_BYTES, limit)));

  const ram: MergedRam = carry.owned ? old : { count: n, starts: old.starts.slice(), ends: old.ends.slice(), order: old.order.slice(), first: old.first.slice(), invalid: -1 };
  ram.starts.set(local.starts, ka);
  ram.ends.set(local.ends, ka);
  for (let t = 0; t < m; t++) ram.first[ka + t] = base + local.first[t];
  for (let j = 0; j < local.order.length; j++) ram.order[base + j] = idx[local.order[j]];
  carry.spent = carry.owned;
  const next: SpanSource = { ...src, ram };
  const now = tallyOver(next, ram, P, Q);
  const tw = was.counter.result();
  const tn = now.counter.result();
  let pdptGapOnly = 0;
  regions.forEach((r, i) => (pdptGapOnly += (meets(ram, r, Math.min(r + PML4E_BYTES, limit)) ? 0 : 1) - (hadRam[i] ? 0 : 1)));
  const t0 = plan.tables;
  const tables = { pml4: t0.pml4, pdpt: t0.pdpt, pd: t0.pd + tn.tables.pd - tw.tables.pd, pt: t0.pt + tn.tables.pt - tw.tables.pt };
  const gapOnly = plan.comparison.mmioTables + tn.gapOnlyBy.pt - tw.gapOnlyBy.pt + tn.gapOnlyBy.pd - tw.gapOnlyBy.pd + pdptGapOnly;
  const totals = { mmio: plus(plan.totals.mmio, now.mmio, was.mmio), ram: plus(plan.totals.ram, now.ram, was.ram) };
  const leaves = (c: PageCounts): number => c['4K'] + c['2M'] + c['1G'];
  const bytes = tableTotal(tables) * PAGE;
  const comparison: Comparison = {
    ...plan.comparison,
    plan: { leaves: leaves(totals.mmio) + leaves(totals.ram), tables, bytes },
    mmioTables: gapOnly,
    fitsHyperPlatformPrealloc: gapOnly <= HYPERPLATFORM_PREALLOCATED,
  };
  const alt = plan.comparison.maxPage2M;
  if (alt && was.alt && now.alt) {
    const wt = was.alt.counter.result().tables;
    const nt = now.alt.counter.result().tables;
    const t = { ...alt.tables, pd: alt.tables.pd + nt.pd - wt.pd, pt: alt.tables.pt + nt.pt - wt.pt };
    comparison.maxPage2M = { leaves: alt.leaves + now.alt.leaves - was.alt.leaves, tables: t, bytes: tableTotal(t) * PAGE };
  }

  const spansRam = [...plan.ram];
  for (let k = ka; k <= kb; k++) spansRam[k] = ownRam(next, k, input);
  const ja = Math.max(0, ka - src.gapSkip);
  const jb = Math.min(gapCount(ram, limit) - 1, kb + 1 - src.gapSkip);
  const gaps = [...plan.gaps];
  for (let j = ja; j <= jb; j++) gaps[j] = ownGap(next, j);
  const carried: Plan = { ...plan, ram: spansRam, gaps, totals, tables, bytes, comparison };
  for (const [i, r] of carry.swapped) if (!swapped.has(i)) swapped.set(i, r);
  carries.set(carried, { src: next, swapped, owned: true, spent: false });
  return { plan: carried, ram: [ka, kb], gaps: [ja, jb] };
}
