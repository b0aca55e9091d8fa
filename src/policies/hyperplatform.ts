// HyperPlatform (tandasat/HyperPlatform, HyperPlatform/ept.cpp).
import { MemoryType } from '../planner/types';
import { APIC_BASE, EPT_TOP, KiB4, countRuns, lazyTables, splitByCoverage, subtract, toRuns, union } from './build';
import { ViewEntry, Walk, bsfRange, fixedEntries, typePages } from './mtrr-view';
import type { Machine, Policy, PolicyLayout } from './types';

/** ept.cpp `kEptpNumberOfPreallocatedEntries`: table pages for lazily mapped MMIO. */
export const HYPERPLATFORM_PREALLOCATED = 50;

/**
 * ept.cpp `EptInitializeMtrrEntries`: the fixed sub-ranges first (when supported and enabled),
 * then each valid variable range as [base, base + (1 << BitScanForward64(mask))).
 */
export function hyperPlatformEntries(m: Machine): ViewEntry[] {
  if (!m.mtrr) return [];
  const vars = m.mtrr.variable.map((v) => ({ ...bsfRange(v.base, v.mask).range, type: v.type, fixed: false }));
  return [...fixedEntries(m.mtrr), ...vars];
}

/**
 * ept.cpp `EptpGetMemoryType`: a fixed match wins; UC wins; a WT entry after a WB result gives
 * WT; otherwise the last matching entry's type (so WT then WB ends WB). No match → the default
 * type field of IA32_MTRR_DEF_TYPE (the E flag is not looked at).
 */
export const hyperPlatformWalk: Walk = (hits) => {
  let result: MemoryType | undefined;
  for (const e of hits) {
    if (e.fixed) return e.type;
    if (e.type === 'UC') return 'UC';
    if ((result === 'WT' || e.type === 'WT') && result === 'WB') {
      result = 'WT';
      continue;
    }
    result = e.type;
  }
  return result;
};

export const hyperPlatform: Policy = {
  name: 'hyperplatform',
  title: 'HyperPlatform',
  source: 'tandasat/HyperPlatform',
  summary: '4K only: RAM and the APIC page at load, other pages lazily on EPT violation from 50 pre-allocated tables; type at each page',
  layout(m: Machine): PolicyLayout {
    // ept.cpp `EptInitialization`: every page of every physical memory run (util.cpp
    // `UtilGetPhysicalMemoryRanges`), then the APIC page, each through `EptpConstructTables`.
    const eager = union(m.ram, [{ start: APIC_BASE, end: APIC_BASE + KiB4 }]);
    // `EptHandleEptViolation`: a not-present violation maps that one 4K page, any address
    // (`EptpConstructTables` walks all four levels), from the pre-allocated entries.
    const window = { start: 0, end: Math.min(m.limit, EPT_TOP) };
    const entries = hyperPlatformEntries(m);
    const typed = m.mtrr ? typePages(entries, 'first-byte', KiB4, 0, window.end, hyperPlatformWalk, m.mtrr.defaultType) : [{ ...window, type: 'UC' as MemoryType }];
    const runs = splitByCoverage(toRuns(typed, '4K'), eager);
    const { leaves, tables } = countRuns(runs);
    return {
      runs,
      leaves,
      tables,
      coverage: [{ start: 0, end: EPT_TOP }],
      untyped: m.mtrr ? undefined : 'no MTRR dump: HyperPlatform types pages from the MTRRs',
      pools: [{
        what: 'pre-allocated EPT table pages for MMIO mapped on violations (every known non-RAM range touched)',
        available: HYPERPLATFORM_PREALLOCATED,
        needed: lazyTables(eager, subtract(m.mmio, eager)),
        // ept.cpp `EptpAllocateEptEntryFromPreAllocated`: count > 50 → HYPERPLATFORM_COMMON_BUG_CHECK.
        exhausted: 'bug check kExhaustedPreallocatedEntries',
        ceiling: true,
      }],
      notes: [],
    };
  },
};
