// hvpp (wbenny/hvpp): src/hvpp/hvpp/ept.cpp `ept_t::map_identity`, `map_pd`;
// src/hvpp/hvpp/lib/mm/mtrr_descriptor.h `mtrr_descriptor_t::type`, `check_fixed`, `check_variable`.
import { GiB512, MiB2, layoutOf, typedOr, toRuns } from './build';
import { ViewEntry, Walk, bsfEntry, fixedEntries, typePages } from './mtrr-view';
import type { Machine, Policy, PolicyLayout } from './types';

/**
 * mtrr_descriptor.h `check_fixed` then `check_variable`: the 88 fixed sub-ranges, then each valid
 * variable range as [base, base + (1 << bsf(mask))) pages (hvpp#44).
 */
function hvppEntries(m: Machine): ViewEntry[] {
  if (!m.mtrr) return [];
  return [...fixedEntries(m.mtrr), ...m.mtrr.variable.map(bsfEntry)];
}

/**
 * mtrr_descriptor.h `type(pa)`: a fixed or UC match returns at once. The WT rule is written
 * `result == write_back && (result == write_through || item == write_through)` with `result`
 * starting `invalid` and never set to WB, so it never fires: any other match is ignored and the
 * page gets the default type.
 */
const hvppWalk: Walk = (hits) => {
  for (const e of hits) if (e.fixed || e.type === 'UC') return e.type;
  return undefined;
};

export const hvpp: Policy = {
  name: 'hvpp', title: 'hvpp', source: 'wbenny/hvpp',
  summary: '2M pages over [0, 512 GiB); type looked up at each page\'s first byte; only fixed and UC ranges count, else the default type',
  layout(m: Machine): PolicyLayout {
    // ept.cpp `map_identity`: `for (pa = 0; pa < _512gb; pa += ept_pd_t::size) map_2mb(pa, pa)`;
    // `map_pd` types the PDE with `mtrr_descriptor().type(guest_pa)`, the page's first byte.
    const typed = typedOr(m, 0, GiB512, 'UC', () => typePages(hvppEntries(m), 'first-byte', MiB2, 0, GiB512, hvppWalk, m.mtrr!.defaultType));
    return layoutOf(m, toRuns(typed, '2M'), GiB512, { readsMtrr: 'hvpp' });
  },
};
