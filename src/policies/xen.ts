// Xen HVM/PVH p2m: xen/arch/x86/mm/p2m.c `mmio_order` (direct MMIO at most 2M: the 1G branch is
// `if ( 0 && … )`), xen/arch/x86/hvm/mtrr.c `epte_get_entry_emt` (direct MMIO UC; RAM WB with
// ignore-PAT when the domain has no passthrough device/cache flushing), p2m-ept.c superpages.
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
