// What a hypervisor policy is, and what replaying one on a memory map gives. A policy is a pure
// function of the machine (RAM ranges, the non-RAM resources the source lists, the MTRRs) that
// returns the leaves the hypervisor builds, what it covers, what it types each page and what it
// pre-allocates. src/policies/compare.ts sets that against the exact plan and the SDM's types.
import type { MtrrState, MtrrVariableRange } from '../planner/mtrr';
import type { TableCounts } from '../planner/tables';
import type { MemoryType, PageCounts, PageSize, Range } from '../planner/types';

/** The machine as a policy sees it. All ranges sorted, disjoint, 4 KiB aligned. */
export interface Machine {
  ram: readonly Range[];
  /** Non-RAM resources the source lists (PCI windows and BARs, e820 reserved, …), minus RAM. */
  mmio: readonly Range[];
  /** Absent when the input has no MTRR dump: policies that read MTRRs can't be typed then. */
  mtrr?: MtrrState;
  /** IA32_SMRR_PHYSBASE/PHYSMASK as a variable range, for policies that read it (airhv). No reader
   * fills it yet: MTRR dumps (/proc/mtrr, dmesg) don't show the SMRR. */
  smrr?: MtrrVariableRange;
  /** The exact plan's options (its limit and largest page), for policies that follow them. */
  limit: number;
  maxPage: PageSize;
  ramPage: PageSize;
}

/** A run of equal leaves, typed, in address order. */
export interface PolicyRun extends Range {
  size: PageSize;
  count: number;
  memoryType: MemoryType;
  /** False for leaves made lazily on EPT violations (HyperPlatform, ksm MMIO). */
  eager: boolean;
}

/** A pool the hypervisor fills before it runs, and how much of it this machine needs. */
export interface Pool {
  /** What the pool holds, e.g. "pre-allocated EPT table pages". */
  what: string;
  available: number;
  needed: number;
  /** What happens when it runs out, e.g. "bug check" (the cited source says). */
  exhausted: string;
  /** How `available` scales, when it does (airhv: per logical processor). */
  per?: string;
  /**
   * `needed` assumes every known page is touched (lazy MMIO mapping): a ceiling, not what a
   * boot uses, so --check reports it but does not fail on it.
   */
  ceiling?: boolean;
}

export interface PolicyLayout {
  /**
   * Every leaf in [0, min(coverage, machine limit)), in address order, typed as the hypervisor
   * types it; lazy leaves (eager: false) are those it would make if the page were touched.
   */
  runs: PolicyRun[];
  /** Leaves and tables it builds before the guest runs (all of them, not only below the limit). */
  leaves: PageCounts;
  tables: TableCounts;
  /** What the hypervisor maps at all (eagerly or on a violation), sorted, disjoint. */
  coverage: Range[];
  /** Where types could not be replayed (no MTRR dump for a policy that reads MTRRs). */
  untyped?: string;
  pools: Pool[];
  /** Notes on the replay itself: approximations, things the source can't show. */
  notes: string[];
}

export interface Policy {
  /** CLI name: `hvpp`, `jonomango-hv`, … */
  name: string;
  /** Display name. */
  title: string;
  /** Where the rules come from (repository), for the table and the report. */
  source: string;
  /** One line: pages, coverage, typing. */
  summary: string;
  layout(m: Machine): PolicyLayout;
}
