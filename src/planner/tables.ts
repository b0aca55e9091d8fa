// Paging-structure tables a set of leaves needs (4-level EPT): one PML4; one PDPT per 512 GiB
// region holding any leaf; one PD per 1 GiB region holding a 2M or 4K leaf; one PT per 2 MiB
// region holding a 4K leaf. Counted in one streaming pass over runs in address order, so a plan
// never has to gather its runs into one list.
import { PAGE_BYTES, PML4E_BYTES, PageSize } from './types';

export interface TableCounts {
  pml4: number;
  pdpt: number;
  pd: number;
  pt: number;
}

export type RunOwner = 'ram' | 'gap';

/** Distinct regions of one size touched by runs fed in address order. */
class RegionCounter {
  total = 0;
  /** Regions whose leaves all belong to gaps: tables RAM alone would not need. */
  gapOnly = 0;
  private cur = -1;
  private curRam = false;

  constructor(private readonly bytes: number) {}

  add(start: number, end: number, ram: boolean): void {
    const first = Math.floor(start / this.bytes);
    const last = Math.floor((end - 1) / this.bytes);
    if (first !== this.cur) {
      this.flush();
      this.cur = first;
      this.curRam = false;
    }
    this.curRam ||= ram;
    if (last > first) {
      this.flush();
      const interior = last - first - 1;
      this.total += interior;
      if (!ram) this.gapOnly += interior;
      this.cur = last;
      this.curRam = ram;
    }
  }

  flush(): void {
    if (this.cur < 0) return;
    this.total++;
    if (!this.curRam) this.gapOnly++;
    this.cur = -1;
  }
}

export class TableCounter {
  private readonly pt = new RegionCounter(PAGE_BYTES['2M']);
  private readonly pd = new RegionCounter(PAGE_BYTES['1G']);
  private readonly pdpt = new RegionCounter(PML4E_BYTES);
  private any = false;

  /** Feeds one run of leaves; runs must come in address order. */
  add(start: number, end: number, size: PageSize, owner: RunOwner): void {
    const ram = owner === 'ram';
    this.any = true;
    if (size === '4K') this.pt.add(start, end, ram);
    if (size !== '1G') this.pd.add(start, end, ram);
    this.pdpt.add(start, end, ram);
  }

  /**
   * Feeds the `n` runs `coverRuns` wrote for one span (they tile it, in address order): the
   * planner's hot loop. A region is touched by a contiguous stretch of runs as by each of them,
   * so each counter gets its stretches: the whole span for PDPTs, and for PDs and PTs the runs
   * around the larger pages (at most two calls each instead of one per run).
   */
  addRuns(runs: Float64Array, n: number, ram: boolean): void {
    if (n === 0) return;
    this.any = true;
    this.pdpt.add(runs[0], runs[(n - 1) * 3 + 1], ram);
    let pdStart = -1;
    let pdEnd = -1;
    let ptStart = -1;
    let ptEnd = -1;
    for (let j = 0; j < n; j++) {
      const s = runs[j * 3];
      const e = runs[j * 3 + 1];
      const level = runs[j * 3 + 2];
      if (level === 0) continue;
      if (pdEnd !== s) {
        if (pdStart >= 0) this.pd.add(pdStart, pdEnd, ram);
        pdStart = s;
      }
      pdEnd = e;
      if (level !== 2) continue;
      if (ptEnd !== s) {
        if (ptStart >= 0) this.pt.add(ptStart, ptEnd, ram);
        ptStart = s;
      }
      ptEnd = e;
    }
    if (pdStart >= 0) this.pd.add(pdStart, pdEnd, ram);
    if (ptStart >= 0) this.pt.add(ptStart, ptEnd, ram);
  }

  /** The tables, and how many of them only gap leaves need (in all and per level). */
  result(): { tables: TableCounts; gapOnly: number; gapOnlyBy: { pt: number; pd: number; pdpt: number } } {
    for (const c of [this.pt, this.pd, this.pdpt]) c.flush();
    if (!this.any) return { tables: { pml4: 0, pdpt: 0, pd: 0, pt: 0 }, gapOnly: 0, gapOnlyBy: { pt: 0, pd: 0, pdpt: 0 } };
    return {
      tables: { pml4: 1, pdpt: this.pdpt.total, pd: this.pd.total, pt: this.pt.total },
      gapOnly: this.pt.gapOnly + this.pd.gapOnly + this.pdpt.gapOnly,
      gapOnlyBy: { pt: this.pt.gapOnly, pd: this.pd.gapOnly, pdpt: this.pdpt.gapOnly },
    };
  }
}

export const tableTotal = (t: TableCounts): number => t.pml4 + t.pdpt + t.pd + t.pt;
