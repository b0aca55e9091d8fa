// HyperDbg (HyperDbg/HyperDbg): hyperdbg/hyperhv/code/vmm/ept/Ept.c `EptBuildMtrrMap`,
// `EptGetMemoryType`, `EptIsValidForLargePage`, `EptSetupPML2Entry`,
// `EptAllocateAndCreateIdentityPageTable` (PML3_RSVD).
import { EPT_TOP, GiB, GiB512, layoutOf, splitAtEdges } from './build';
import { ViewEntry, Walk, bsfEntry, fixedEntries, wtOverWbWalk } from './mtrr-view';
import type { Machine, Policy, PolicyLayout, PolicyRun } from './types';

/**
 * Ept.c `EptBuildMtrrMap`: MTRRs disabled → default UC; the 88 fixed sub-ranges (when supported
 * and enabled), then each valid variable range [base, base + (1 << bsf(mask)) - 1].
 */
function hyperDbgEntries(m: Machine): ViewEntry[] {
  if (!m.mtrr) return [];
  return [...fixedEntries(m.mtrr), ...m.mtrr.variable.map(bsfEntry)];
}

/**
 * Ept.c `EptGetMemoryType`, at the page's first address only: a fixed match wins; a WT entry
 * after a WB result gives WT and the search goes on; otherwise the last match's type. The UC
 * test is `if (TargetMemoryType == UC) { TargetMemoryType = CurrentMemoryRange->MemoryType;
 * break; }`: it looks at the type found so far, so a UC match followed by another match takes
 * the later one's type (UC, then WB → WB).
 */
const hyperDbgWalk: Walk = wtOverWbWalk((e, sofar) => (e.fixed || sofar === 'UC' ? e.type : undefined));

export const hyperDbg: Policy = {
  name: 'hyperdbg', title: 'HyperDbg', source: 'HyperDbg/HyperDbg',
  summary: '2M pages over [0, 512 GiB), 4K where an MTRR edge falls inside; 1G UC pages above (PML3_RSVD); type at the first address',
  layout(m: Machine): PolicyLayout {
    // `EptSetupPML2Entry`: `EptIsValidForLargePage` false (an entry edge strictly inside the page)
    // → `EptSplitLargePage`, each 4K page typed by `EptGetMemoryType(pfn, FALSE)`.
    const low = splitAtEdges(m, hyperDbgEntries(m), 'first-byte', hyperDbgWalk).runs;
    // PML4 entries 1–511 point at PML3_RSVD tables of 1 GiB UC pages (PML3TemplateLarge) "for out
    // of 512 GB MMIO ranges".
    const high: PolicyRun = { start: GiB512, end: EPT_TOP, size: '1G', count: (EPT_TOP - GiB512) / GiB, memoryType: 'UC', eager: true };
    return layoutOf(m, [...low, high], EPT_TOP, { readsMtrr: 'HyperDbg' });
  },
};
