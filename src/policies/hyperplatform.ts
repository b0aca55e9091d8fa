// HyperPlatform (tandasat/HyperPlatform, HyperPlatform/ept.cpp).
import { lazy4kLayout } from './build';
import { ViewEntry, bsfEntry, fixedEntries, fixedOrUcFirstWalk } from './mtrr-view';
import type { Machine, Policy, PolicyLayout } from './types';

/** ept.cpp `kEptpNumberOfPreallocatedEntries`: table pages for lazily mapped MMIO. */
export const HYPERPLATFORM_PREALLOCATED = 50;

/**
 * ept.cpp `EptInitializeMtrrEntries`: the fixed sub-ranges first (when supported and enabled),
 * then each valid variable range as [base, base + (1 << BitScanForward64(mask))).
 */
function hyperPlatformEntries(m: Machine): ViewEntry[] {
  if (!m.mtrr) return [];
  const vars = m.mtrr.variable.map(bsfEntry);
  return [...fixedEntries(m.mtrr), ...vars];
}

export const hyperPlatform: Policy = {
  name: 'hyperplatform', title: 'HyperPlatform', source: 'tandasat/HyperPlatform',
  summary: '4K only: RAM and the APIC page at load, other pages lazily on EPT violation from 50 pre-allocated tables; type at each page',
  layout(m: Machine): PolicyLayout {
    // ept.cpp `EptInitialization`: every page of every physical memory run (util.cpp
    // `UtilGetPhysicalMemoryRanges`), then the APIC page, each through `EptpConstructTables`.
    // `EptHandleEptViolation`: a not-present violation maps that one 4K page, any address
    // (`EptpConstructTables` walks all four levels), from the pre-allocated entries.
    // ept.cpp `EptpGetMemoryType` types each page; no match → the default type field of
    // IA32_MTRR_DEF_TYPE (the E flag is not looked at).
    return lazy4kLayout(m, 'HyperPlatform', hyperPlatformEntries(m), fixedOrUcFirstWalk, (lazyTables) => ({
      pools: [{
        what: 'pre-allocated EPT table pages for MMIO mapped on violations (every known non-RAM range touched)',
        available: HYPERPLATFORM_PREALLOCATED,
        needed: lazyTables,
        // ept.cpp `EptpAllocateEptEntryFromPreAllocated`: count > 50 → HYPERPLATFORM_COMMON_BUG_CHECK.
        exhausted: 'bug check kExhaustedPreallocatedEntries',
        ceiling: true,
      }],
    }));
  },
};
