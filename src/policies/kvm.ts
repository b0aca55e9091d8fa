// KVM on VMX: arch/x86/kvm/vmx/vmx.c `vmx_get_mt_mask` (`if (is_mmio) return
// MTRR_TYPE_UNCACHABLE << VMX_EPT_MT_EPTE_SHIFT`; RAM `MTRR_TYPE_WRBACK << VMX_EPT_MT_EPTE_SHIFT`),
// leaves at the host mapping level (up to 1G) for RAM and host MMIO. Ignore-PAT on RAM: newer kernels
// set it while the quirk KVM_X86_QUIRK_IGNORE_GUEST_PAT is on (the default; a VMM may disable it, TDX
// VMs always do); older ones set it unless non-coherent DMA was attached, and with such DMA took the
// guest's MTRR type for RAM instead. Replayed: the common case, WB RAM and UC host MMIO.
import { layoutOf } from './build';
import { greedyRuns, uniform } from './greedy';
import type { Machine, Policy, PolicyLayout } from './types';

export const kvm: Policy = {
  name: 'kvm', title: 'KVM', source: 'torvalds/linux',
  summary: 'RAM WB with ignore-PAT, MMIO UC, whatever the MTRRs; leaves up to 1G',
  layout(m: Machine): PolicyLayout {
    const runs = greedyRuns(m.ram, m.limit, { ramPage: m.maxPage, gapPage: m.maxPage, ramTypes: uniform(m.limit, 'WB'), gapTypes: uniform(m.limit, 'UC') });
    return layoutOf(m, runs, m.limit, { notes: ['replayed: the common case; whether the guest PAT still applies (ignore-PAT) depends on the VMM (KVM_X86_QUIRK_IGNORE_GUEST_PAT), and older kernels with non-coherent DMA typed RAM by the guest MTRRs'] });
  },
};
