// Shared vocabulary of the planner. Addresses are plain numbers (exact up to 2^53, enough for
// 52-bit physical addresses); only 64-bit entry values use bigint.

export type PageSize = '4K' | '2M' | '1G';
export const PAGE_BYTES: Readonly<Record<PageSize, number>> = {
  '4K': 0x1000,
  '2M': 0x200000,
  '1G': 0x40000000,
};
/** Bytes mapped by one PML4 entry: the span of one PDPT. */
export const PML4E_BYTES = 0x8000000000;
/** Largest physical address width the architecture allows (MAXPHYADDR ≤ 52). */
export const MAX_PHYS_ADDR = 2 ** 52;

export type MemoryType = 'UC' | 'WC' | 'WT' | 'WP' | 'WB';

/** Half-open address range [start, end). */
export interface Range {
  start: number;
  end: number;
}

export type PageCounts = Record<PageSize, number>;
export const zeroCounts = (): PageCounts => ({ '4K': 0, '2M': 0, '1G': 0 });
