// The machine a policy replays on, from a memory map as the readers group it: RAM, the non-RAM
// resources the source lists (iomem PCI windows and BARs at any nesting depth, e820 reserved,
// ACPI, …) and the MTRRs.
import type { MemoryMap } from '../formats/maps';
import { isContainer, usableRanges } from '../formats/usable';
import type { MtrrState } from '../planner/mtrr';
import { normalizeRam } from '../planner/normalize';
import type { PageSize, Range } from '../planner/types';
import { pageAlign, subtract, union } from './build';
import type { Machine } from './types';

/** One range line of the source, RAM or not, for holes and diagnostics. */
export interface Resource extends Range {
  ram: boolean;
  /** 0-based line in the document. */
  line: number;
  /** The source's name for it: `PCI Bus 0000:00`, `reserved`, `System RAM`. */
  name: string;
}

export interface MachineWithSources extends Machine {
  /** Every usable range line, sorted by start (RAM and not). */
  resources: Resource[];
}

interface MachineOptions {
  limit: number;
  maxPage: PageSize;
  ramPage: PageSize;
  mtrr?: MtrrState;
}

/**
 * Non-RAM lines nested inside RAM (iomem `Kernel code`, `Crash kernel`) are RAM, not MMIO: the
 * known MMIO is every non-RAM line minus RAM. n log n in the map's lines.
 */
export function machineFromMap(map: MemoryMap, o: MachineOptions): MachineWithSources {
  const usable = usableRanges(map).filter((r) => r.end > r.start && !isContainer(r));
  const ram = normalizeRam(usable.filter((r) => r.ram).map((r) => ({ start: r.start, end: r.end }))).map((r) => ({ start: r.start, end: r.end }));
  const mmio = subtract(union(usable.filter((r) => !r.ram).map((r) => pageAlign(r))), ram);
  const resources = usable
    .map((r) => ({ start: r.start, end: r.end, ram: r.ram, line: r.line, name: r.typeName }))
    .sort((a, b) => a.start - b.start || a.line - b.line);
  return { ram, mmio, resources, mtrr: o.mtrr, limit: o.limit, maxPage: o.maxPage, ramPage: o.ramPage };
}
