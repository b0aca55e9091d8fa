// ksm (asamy/ksm): mm.c `mm_cache_mtrr_ranges`, vcpu.c `ept_memory_type`, `setup_pml4`,
// `do_ept_violation`.
import { lazy4kLayout } from './build';
import { FIXED_MSRS, ViewEntry, bsfEntry, fixedBytes, fixedOrUcFirstWalk } from './mtrr-view';
import type { Machine, Policy, PolicyLayout } from './types';

/**
 * mm.c `mm_cache_mtrr_ranges`, fixed ranges: each MSR is read byte by byte `for (…; msr != 0;
 * msr >>= 8, base += offset)`, so the loop stops at the highest non-zero byte and the trailing
 * UC (type 0) sub-ranges of an MSR are never listed; and `base` restarts at 0x80000 for both 16K
 * MSRs and at 0xC0000 for all eight 4K MSRs, so the A0000 and C8000–F8000 MSRs describe the
 * wrong addresses (ksm#25, #26). Variable ranges: [base & PAGE_PA_MASK, + (1 << __ffs64(mask))).
 */
function ksmEntries(m: Machine): ViewEntry[] {
  if (!m.mtrr) return [];
  const bytes = fixedBytes(m.mtrr);
  const out: ViewEntry[] = [];
  FIXED_MSRS.forEach((msr, index) => {
    const types = bytes.filter((b) => b.msr === index).map((b) => b.type);
    let last = -1;
    types.forEach((t, k) => {
      if (t !== undefined && t !== 'UC') last = k;
    });
    const restart = index === 0 ? 0 : index <= 2 ? 0x80000 : 0xc0000;
    for (let k = 0; k <= last; k++) {
      const t = types[k];
      if (t === undefined) continue;
      const start = restart + k * msr.size;
      out.push({ start, end: start + msr.size, type: t, fixed: true });
    }
  });
  for (const v of m.mtrr.variable) out.push(bsfEntry(v));
  return out;
}

export const ksm: Policy = {
  name: 'ksm', title: 'ksm', source: 'asamy/ksm',
  summary: '4K only: RAM and the APIC page at load, other pages on EPT violation; fixed MTRRs misread',
  layout(m: Machine): PolicyLayout {
    // vcpu.c `setup_pml4`: every 4K page of every RAM range, then the APIC page; `do_ept_violation`
    // maps any other page on a no-access violation, tables from `mm_alloc_page` (no pool).
    // vcpu.c `ept_memory_type` types each page; no match → the default type (`mtrr_def`).
    return lazy4kLayout(m, 'ksm', ksmEntries(m), fixedOrUcFirstWalk, (lazyTables) => ({
      notes: [`tables made on violations for every known non-RAM range: ${lazyTables} (allocated then, no pre-allocated pool)`],
    }));
  },
};
