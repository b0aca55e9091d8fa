// Paging-structure tables a set of leaves needs (4-level EPT): one PML4; one PDPT per 512 GiB
// region holding any leaf; one PD per 1 GiB region holding a 2M or 4K leaf; one PT per 2 MiB
// region holding a 4K leaf.
import { PAGE_BYTES, PML4E_BYTES } from './types';
import { LeafRun } from './cover';

export interface TableCounts {
  pml4: number;
  pdpt: number;
  pd: number;
  pt: number;
}

export type RunOwner = 'ram' | 'gap';
export interface OwnedRun extends LeafRun {
  owner: RunOwner;
}

export interface RegionCount {
  total: number;
  /** Regions whose leaves all belong to gaps: tables RAM alone would not need. */
  gapOnly: number;
}

/**
 * Counts distinct regions of `regionBytes` touched by the runs, in one pass over runs sorted by
 * address (as the planner produces them).
 */
export function countRegions(runs: Iterable<OwnedRun>, regionBytes: number): RegionCount {
  let total = 0;
  let gapOnly = 0;
  let cur = -1;
  let curRam = false;
  const flush = (): void => {
    if (cur < 0) return;
    total++;
    if (!curRam) gapOnly++;
  };
  for (const r of runs) {
    const first = Math.floor(r.start / regionBytes);
    const last = Math.floor((r.end - 1) / regionBytes);
    if (first !== cur) {
      flush();
      cur = first;
      curRam = false;
    }
    curRam ||= r.owner === 'ram';
    if (last > first) {
      flush();
      const interior = last - first - 1;
      total += interior;
      if (r.owner === 'gap') gapOnly += interior;
      cur = last;
      curRam = r.owner === 'ram';
    }
  }
  flush();
  return { total, gapOnly };
}

function* filter(runs: readonly OwnedRun[], keep: (r: OwnedRun) => boolean): Iterable<OwnedRun> {
  for (const r of runs) if (keep(r)) yield r;
}

/** Tables for the leaves, and how many of them only gap leaves need. */
export function countTables(runs: readonly OwnedRun[]): { tables: TableCounts; gapOnly: number } {
  if (runs.length === 0) return { tables: { pml4: 0, pdpt: 0, pd: 0, pt: 0 }, gapOnly: 0 };
  const pt = countRegions(filter(runs, (r) => r.size === '4K'), PAGE_BYTES['2M']);
  const pd = countRegions(filter(runs, (r) => r.size !== '1G'), PAGE_BYTES['1G']);
  const pdpt = countRegions(runs, PML4E_BYTES);
  return {
    tables: { pml4: 1, pdpt: pdpt.total, pd: pd.total, pt: pt.total },
    gapOnly: pt.gapOnly + pd.gapOnly + pdpt.gapOnly,
  };
}

export const tableTotal = (t: TableCounts): number => t.pml4 + t.pdpt + t.pd + t.pt;
