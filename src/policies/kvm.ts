// KVM on VMX: arch/x86/kvm/vmx/vmx.c `vmx_get_mt_mask` (`if (is_mmio) return
// MTRR_TYPE_UNCACHABLE << VMX_EPT_MT_EPTE_SHIFT`; without non-coherent DMA `MTRR_TYPE_WRBACK |
// VMX_EPT_IPAT_BIT`), leaves at the host mapping level (up to 1G) for RAM and host MMIO.
import { layoutOf } from './build';
import { greedyRuns, uniform } from './greedy';
import type { Machine, Policy, PolicyLayout } from './types';

export const kvm: Policy = {
  name: 'kvm', title: 'KVM', source: 'torvalds/linux',
  summary: 'RAM WB with ignore-PAT, MMIO UC, whatever the MTRRs; leaves up to 1G',
  layout(m: Machine): PolicyLayout {
    const runs = greedyRuns(m.ram, m.limit, { ramPage: m.maxPage, gapPage: m.maxPage, ramTypes: uniform(m.limit, 'WB'), gapTypes: uniform(m.limit, 'UC') });
    return layoutOf(m, runs, m.limit, { notes: ['with non-coherent DMA (VFIO without snoop control) KVM honours guest MTRRs instead; replayed: the common case'] });
  },
};
