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
    this.addLevel(start, end, size === '1G' ? 0 : size === '2M' ? 1 : 2, owner === 'ram');
  }

  /** `add` with the size as a level (0 = 1G, 1 = 2M, 2 = 4K) and the owner as a flag: the planner's hot loop. */
  addLevel(start: number, end: number, level: number, ram: boolean): void {
    this.any = true;
    if (level === 2) this.pt.add(start, end, ram);
    if (level !== 0) this.pd.add(start, end, ram);
    this.pdpt.add(start, end, ram);
  }

  /** The tables, and how many of them only gap leaves need. */
  result(): { tables: TableCounts; gapOnly: number } {
    for (const c of [this.pt, this.pd, this.pdpt]) c.flush();
    if (!this.any) return { tables: { pml4: 0, pdpt: 0, pd: 0, pt: 0 }, gapOnly: 0 };
    return {
      tables: { pml4: 1, pdpt: this.pdpt.total, pd: this.pd.total, pt: this.pt.total },
      gapOnly: this.pt.gapOnly + this.pd.gapOnly + this.pdpt.gapOnly,
    };
  }
}

export const tableTotal = (t: TableCounts): number => t.pml4 + t.pdpt + t.pd + t.pt;
