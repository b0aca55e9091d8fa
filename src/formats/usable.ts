// Which of a map's lines can be used at all: one rule for the planner's inputs, the policies'
// known MMIO, the no-RAM check and the problems past the limit.
import { MAX_PHYS_ADDR } from '../planner/types';
import type { MemoryMap } from './maps';
import type { Problem, RangeRecord } from './records';

/** A record with an error problem (an unreadable address, end before start) is listed, never planned. */
export const hasError = (r: { readonly problems: readonly Problem[] }): boolean => r.problems.some((p) => p.severity === 'error');

/** `/proc/iomem` read without root prints every address as 0: nothing in it can be used. */
export const readWithoutRoot = (m: MemoryMap): boolean => m.notes.some((n) => n.code === 'iomem-no-root');

/** The range lines that can be used: none from an iomem read without root, else those without errors. */
export const usableRanges = (m: MemoryMap): RangeRecord[] => (readWithoutRoot(m) ? [] : m.ranges.filter((r) => !hasError(r)));

/**
 * A non-RAM line reaching 2^52 is an address-space container (QEMU mtree `system`, `pci`:
 * 0-ffffffffffffffff), not a device: no physical address exists up there.
 */
export const isContainer = (r: RangeRecord): boolean => !r.ram && r.end >= MAX_PHYS_ADDR;
