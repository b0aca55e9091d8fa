// Xen HVM/PVH p2m, read from xen-project/xen (master, 2026-08):
// - xen/arch/x86/mm/p2m.c `mmio_order`: direct MMIO is mapped 4K unless the frame is 2M-aligned and
//   at least 2M remain, then 2M; the 1G branch is `if ( 0 && … )`, so never 1G.
// - xen/arch/x86/mm/p2m-ept.c `epte_get_entry_emt` (it moved there from hvm/mtrr.c): RAM
//   (`type != p2m_mmio_direct`) of a domain with no IOMMU and no cache-flush permission gets WB with
//   ipat set, whatever the MTRRs say; `case p2m_mmio_direct: return X86_MT_UC` with ipat clear, so
//   the guest's PAT still combines with it (UC EPT type + PAT WC is WC). Read-only MMIO
//   (`mmio_ro_ranges`) is UC with ipat.
// - With an IOMMU or cache flushing (passthrough) RAM instead takes the combination of guest and
//   host `mtrr_get_type(…, order)`: equal → that type; either UC → UC; one WB → the other; WT+WP →
//   WP; else UC; and a superpage whose host type isn't uniform gets -1 (resolve_misconfig splits it).
//   Not replayed: the dump has no guest MTRRs and no passthrough configuration.
import { layoutOf } from './build';
import { greedyRuns, uniform } from './greedy';
import type { Machine, Policy, PolicyLayout } from './types';

export const xen: Policy = {
  name: 'xen', title: 'Xen', source: 'xen-project/xen',
  summary: 'RAM greedy up to 1G, WB (ignore PAT); direct MMIO greedy up to 2M, UC',
  layout(m: Machine): PolicyLayout {
    const runs = greedyRuns(m.ram, m.limit, { ramPage: m.maxPage, gapPage: m.maxPage === '4K' ? '4K' : '2M', ramTypes: uniform(m.limit, 'WB'), gapTypes: uniform(m.limit, 'UC') });
    return layoutOf(m, runs, m.limit, { notes: ['with a passthrough device Xen honours guest MTRRs instead (epte_get_entry_emt); replayed: the common case without'] });
  },
};
