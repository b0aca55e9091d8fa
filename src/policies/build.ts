// Shared mechanics for building a policy's layout: typed page runs into leaf runs, 2M pages
// split into 4K ones, table counts, subtraction of RAM from resources.
import { TableCounter, TableCounts } from '../planner/tables';
import { MemoryType, PAGE_BYTES, PageCounts, PageSize, Range, zeroCounts } from '../planner/types';
import { type Match, type TypedRun, type ViewEntry, type Walk, pagesCutByEntries, typePages } from './mtrr-view';
import type { Machine, PolicyLayout, PolicyRun, Pool } from './types';

export const GiB = PAGE_BYTES['1G'];
export const MiB2 = PAGE_BYTES['2M'];
export const KiB4 = PAGE_BYTES['4K'];
export const GiB512 = 512 * GiB;
/** 4-level EPT: 512 PML4 entries of 512 GiB. */
export const EPT_TOP = 512 * GiB512;
/** The local APIC page (IA32_APIC_BASE after reset); HyperPlatform and ksm map it eagerly. */
const APIC_BASE = 0xfee00000;

/** End of the highest RAM or known MMIO range. */
export const highestEnd = (m: { ram: readonly Range[]; mmio: readonly Range[] }): number =>
  Math.max(0, m.ram[m.ram.length - 1]?.end ?? 0, m.mmio[m.mmio.length - 1]?.end ?? 0);

/** Leaf runs of one size from typed page runs (each run a multiple of the page size). */
export function toRuns(typed: readonly TypedRun[], size: PageSize, eager = true): PolicyRun[] {
  const b = PAGE_BYTES[size];
  return typed.map((t) => ({ start: t.start, end: t.end, size, count: (t.end - t.start) / b, memoryType: t.type, eager }));
}

/**
 * Replaces the 2M pages listed in `split` (sorted starts) by 4K leaves typed by `small`:
 * airhv and HyperDbg split a 2 MiB page into a 4K page table where an MTRR edge falls inside.
 * Linear in runs + split pages.
 */
function splitPages(big: readonly PolicyRun[], split: readonly number[], small: (start: number, end: number) => TypedRun[]): PolicyRun[] {
  const out: PolicyRun[] = [];
  let k = 0;
  for (const r of big) {
    let at = r.start;
    while (k < split.length && split[k] < r.end) {
      const p = split[k++];
      if (p < at) continue;
      if (p > at) out.push({ ...r, start: at, end: p, count: (p - at) / MiB2 });
      out.push(...toRuns(small(p, p + MiB2), '4K', r.eager));
      at = p + MiB2;
    }
    if (at < r.end) out.push({ ...r, start: at, end: r.end, count: (r.end - at) / MiB2 });
  }
  return out;
}

/** Leaves and tables of the eager runs (runs in address order). */
function countRuns(runs: readonly PolicyRun[]): { leaves: PageCounts; tables: TableCounts } {
  const counter = new TableCounter();
  const leaves = zeroCounts();
  for (const r of runs) {
    if (!r.eager) continue;
    leaves[r.size] += r.count;
    counter.add(r.start, r.end, r.size, 'ram');
  }
  return { leaves, tables: counter.result().tables };
}

/** `a` minus `b`, both sorted and disjoint. Linear. */
export function subtract(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  let j = 0;
  for (const r of a) {
    let s = r.start;
    while (j < b.length && b[j].end <= s) j++;
    let k = j;
    while (k < b.length && b[k].start < r.end) {
      if (b[k].start > s) out.push({ start: s, end: b[k].start });
      s = Math.max(s, b[k].end);
      k++;
    }
    if (s < r.end) out.push({ start: s, end: r.end });
  }
  return out;
}

const byStart = (a: Range, b: Range): number => a.start - b.start;

/** `a` and `b`, each sorted by start, as one list sorted by start. Linear. */
function mergeByStart(a: readonly Range[], b: readonly Range[]): readonly Range[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: Range[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) out[k] = j >= b.length || (i < a.length && a[i].start <= b[j].start) ? a[i++] : b[j++];
  return out;
}

const sortedByStart = (rs: readonly Range[]): boolean => rs.every((r, i) => i === 0 || rs[i - 1].start <= r.start);

/**
 * Sorted, merged union of ranges: lists already sorted by start (RAM, the machine's MMIO) are
 * merged, linear; only an unsorted list is sorted (n log n).
 */
export function union(...lists: readonly (readonly Range[])[]): Range[] {
  const all = lists.map((l) => (sortedByStart(l) ? l : [...l].sort(byStart))).reduce(mergeByStart, []);
  const out: Range[] = [];
  for (const r of all) {
    if (r.end <= r.start) continue;
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

/**
 * Tables a hypervisor that maps 4K pages lazily (HyperPlatform, ksm) creates for `touched`
 * beyond those `eager` already built: tables(eager ∪ touched) − tables(eager).
 */
export function lazyTables(eager: readonly Range[], touched: readonly Range[]): number {
  const count = (rs: readonly Range[]): number => {
    const c = new TableCounter();
    for (const r of rs) c.add(r.start, r.end, '4K', 'ram');
    const t = c.result().tables;
    return t.pml4 + t.pdpt + t.pd + t.pt;
  };
  return count(union(eager, touched)) - count(eager);
}

/** Whole pages: 4 KiB-aligned outward. */
export const pageAlign = (r: Range): Range => ({ start: r.start - (r.start % KiB4), end: Math.ceil(r.end / KiB4) * KiB4 });

/** Marks runs eager inside `eager` ranges and lazy elsewhere (both sorted). Linear. */
function splitByCoverage(runs: readonly PolicyRun[], eager: readonly Range[]): PolicyRun[] {
  const out: PolicyRun[] = [];
  let j = 0;
  const bytes = (r: PolicyRun): number => (r.end - r.start) / r.count;
  const push = (r: PolicyRun, s: number, e: number, isEager: boolean): void => {
    if (e > s) out.push({ ...r, start: s, end: e, count: (e - s) / bytes(r), eager: isEager });
  };
  for (const r of runs) {
    let s = r.start;
    while (j < eager.length && eager[j].end <= s) j++;
    let k = j;
    while (k < eager.length && eager[k].start < r.end) {
      const es = Math.max(eager[k].start, s);
      const ee = Math.min(eager[k].end, r.end);
      push(r, s, es, false);
      push(r, es, ee, true);
      s = ee;
      if (eager[k].end > r.end) break;
      k++;
    }
    push(r, s, r.end, false);
  }
  return out;
}

/** Runs cut at `end` (runs of one page size, `end` a multiple of it). */
export function clip<T extends { start: number; end: number; count: number }>(runs: readonly T[], end: number): T[] {
  const out: T[] = [];
  for (const r of runs) {
    if (r.start >= end) break;
    if (r.end <= end) out.push(r);
    else out.push({ ...r, end, count: (r.count * (end - r.start)) / (r.end - r.start) });
  }
  return out;
}

/** Pages typed from the MTRRs by `type`, or [start, end) all `fallback` when the machine has no dump. */
export const typedOr = (m: Machine, start: number, end: number, fallback: MemoryType, type: () => TypedRun[]): TypedRun[] =>
  m.mtrr ? type() : [{ start, end, type: fallback }];

/**
 * The layout of a hypervisor that maps [0, cover) with the leaf runs `all`, the shape every
 * policy returns: leaves and tables of everything it builds (also past the machine's limit),
 * the runs below the limit, and whether types could be replayed (`title` reads MTRRs).
 */
export function layoutOf(m: Machine, all: readonly PolicyRun[], cover: number, o: { readsMtrr?: string; pools?: Pool[]; notes?: string[] } = {}): PolicyLayout {
  return {
    runs: clip(all, Math.min(m.limit, cover)),
    ...countRuns(all),
    coverage: [{ start: 0, end: cover }],
    untyped: o.readsMtrr && !m.mtrr ? `no MTRR dump: ${o.readsMtrr} types pages from the MTRRs` : undefined,
    pools: o.pools ?? [],
    notes: o.notes ?? [],
  };
}

/**
 * HyperPlatform's and ksm's layout: 4K pages each typed by `walk` at its first byte, RAM and the
 * APIC page mapped at load, every other page below `EPT_TOP` on its first EPT violation. `tables`
 * says where the tables for those violations come from, given how many every known non-RAM
 * range would take.
 */
export function lazy4kLayout(m: Machine, title: string, entries: readonly ViewEntry[], walk: Walk, tables: (lazy: number) => { pools?: Pool[]; notes?: string[] }): PolicyLayout {
  const eager = union(m.ram, [{ start: APIC_BASE, end: APIC_BASE + KiB4 }]);
  const end = Math.min(m.limit, EPT_TOP);
  const typed = typedOr(m, 0, end, 'UC', () => typePages(entries, 'first-byte', KiB4, 0, end, walk, m.mtrr!.defaultType));
  const runs = splitByCoverage(toRuns(typed, '4K'), eager);
  return layoutOf(m, runs, EPT_TOP, { readsMtrr: title, ...tables(lazyTables(eager, subtract(m.mmio, eager))) });
}

/**
 * 2M pages over [0, 512 GiB) typed by `walk`, each split into 4K pages typed the same way where an
 * entry's edge falls strictly inside it (airhv `is_valid_for_large_page` / `split_pml2`, HyperDbg
 * `EptIsValidForLargePage` / `EptSplitLargePage`); `cut` lists the split pages. No match: the
 * default type.
 */
export function splitAtEdges(m: Machine, entries: readonly ViewEntry[], match: Match, walk: Walk): { runs: PolicyRun[]; cut: number[] } {
  // Both read IA32_MTRR_DEF_TYPE only when MTRRs are enabled, else everything is UC.
  const def: MemoryType = m.mtrr?.enabled ? m.mtrr.defaultType : 'UC';
  const big = typedOr(m, 0, GiB512, 'UC', () => typePages(entries, match, MiB2, 0, GiB512, walk, def));
  const cut = pagesCutByEntries(entries, MiB2, 0, GiB512);
  return { runs: splitPages(toRuns(big, '2M'), cut, (s, e) => typePages(entries, match, KiB4, s, e, walk, def)), cut };
}
