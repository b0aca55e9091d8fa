// jonomango/hv: hv/ept.h `ept_pd_count`, `ept_free_page_count`; hv/ept.cpp `prepare_ept`;
// hv/mtrr.cpp `calc_mtrr_mem_type` (both overloads).
import { variableRangeBlocks } from '../planner/mtrr';
import { MemoryType } from '../planner/types';
import { GiB, KiB4, MiB2, layoutOf, typedOr, highestEnd, toRuns } from './build';
import { TypedRun, ViewEntry, Walk, typePages } from './mtrr-view';
import type { Machine, Policy, PolicyLayout } from './types';

/** hv/ept.h `ept_pd_count = 64`: 64 PDs of 512 2M PDEs, i.e. [0, 64 GiB). */
export const EPT_PD_COUNT = 64;

/**
 * hv/mtrr.cpp `calc_mtrr_mem_type(mtrrs, pfn)`, per 4 KiB page: MTRRs disabled → UC; below 1 MiB
 * with fixed ranges enabled → UC ("TODO: implement this"); variable ranges match by
 * `(pfn & mask) == (base & mask)` (the SDM's rule, so unaligned bases are right); a UC match
 * returns UC, otherwise the numerically smallest type (WT 4 < WB 6); no match → default.
 */
const jonomangoWalk: Walk = (hits) => {
  let t: MemoryType | undefined;
  const order: Record<MemoryType, number> = { UC: 0, WC: 1, WT: 4, WP: 5, WB: 6 };
  for (const e of hits) {
    if (e.fixed || e.type === 'UC') return 'UC';
    if (t === undefined || order[e.type] < order[t]) t = e.type;
  }
  return t;
};

/** The 4K-granular types, as one list of entries: one per matching block of each register. */
function jonomangoEntries(m: Machine, end: number): ViewEntry[] {
  if (!m.mtrr) return [];
  const out: ViewEntry[] = m.mtrr.fixedEnabled ? [{ start: 0, end: 0x100000, type: 'UC', fixed: true }] : [];
  for (const v of m.mtrr.variable) for (const b of variableRangeBlocks(v.base, v.mask, end).blocks) out.push({ ...b, type: v.type, fixed: false });
  return out;
}

/**
 * hv/mtrr.cpp `calc_mtrr_mem_type(mtrrs, address, size)`: the worst type over every 4K page of
 * the 2 MiB page (UC returns at once, else the smallest). Linear in the 4K runs.
 */
function worstPer2M(small: readonly TypedRun[]): TypedRun[] {
  const order: Record<MemoryType, number> = { UC: 0, WC: 1, WT: 4, WP: 5, WB: 6 };
  const out: TypedRun[] = [];
  const push = (start: number, end: number, type: MemoryType): void => {
    const last = out[out.length - 1];
    if (last && last.type === type && last.end === start) last.end = end;
    else out.push({ start, end, type });
  };
  let i = 0;
  const end = small.length ? small[small.length - 1].end : 0;
  for (let p = 0; p < end;) {
    while (i < small.length && small[i].end <= p) i++;
    const s = small[i];
    if (s.start <= p && s.end >= p + MiB2) {
      // A run that holds whole pages: all of them at once.
      const q = s.end - (s.end % MiB2);
      push(p, q, s.type);
      p = q;
      continue;
    }
    let worst: MemoryType = s.type;
    for (let k = i; k < small.length && small[k].start < p + MiB2; k++) if (order[small[k].type] < order[worst]) worst = small[k].type;
    push(p, p + MiB2, worst);
    p += MiB2;
  }
  return out;
}

export const jonomangoHv: Policy = {
  name: 'jonomango-hv', title: 'jonomango/hv', source: 'jonomango/hv',
  summary: `2M pages over [0, ${EPT_PD_COUNT} GiB) (ept_pd_count = ${EPT_PD_COUNT}); each page the worst type of its 4K pages; first 2 MiB UC`,
  layout(m: Machine): PolicyLayout {
    const end = EPT_PD_COUNT * GiB;
    // hv/ept.cpp `prepare_ept`: PML4[0] → one PDPT, PDPTEs 0..ept_pd_count-1 → `pds_2mb[i]`, every
    // PDE a 2 MiB page typed `calc_mtrr_mem_type(mtrrs, pfn << 21, 0x1000 << 9)`.
    const typed = typedOr(m, 0, end, 'UC', () =>
      m.mtrr!.enabled ? worstPer2M(typePages(jonomangoEntries(m, end), 'first-byte', KiB4, 0, end, jonomangoWalk, m.mtrr!.defaultType)) : [{ start: 0, end, type: 'UC' }]);
    return layoutOf(m, toRuns(typed, '2M'), end, {
      readsMtrr: 'jonomango/hv',
      pools: [{ what: 'ept_pd_count (static PDs, one per GiB mapped)', available: EPT_PD_COUNT, needed: Math.ceil(highestEnd(m) / GiB), exhausted: 'addresses above are not mapped: EPT violations the handler cannot resolve (jonomango/hv#14, #43, #64)' }],
    });
  },
};
