// airhv (Air14/airhv), where it differs from gbhv: airhv/ept.cpp `build_mtrr_map`,
// `get_memory_type`, `is_valid_for_large_page`, `setup_pml2_entry`, `split_pml2`;
// airhv/poolmanager.cpp (the split pool).
import { MemoryType } from '../planner/types';
import { GiB512, layoutOf, splitAtEdges } from './build';
import { ViewEntry, Walk, bsfEntry, fixedEntries } from './mtrr-view';
import type { Machine, Policy, PolicyLayout } from './types';

/** airhv/poolmanager.cpp: `request_allocation(sizeof(__ept_dynamic_split), processor_count * 50, INTENTION_SPLIT_PML2)`. */
const AIRHV_SPLITS_PER_CPU = 50;

/**
 * ept.cpp `build_mtrr_map`: MTRRs disabled → nothing but a UC default; else, in this order, the
 * SMRR when `mtrr_cap.smrr_support` and it is valid with a type other than the default (sized like
 * a variable range, `fixed_range = false`), the 88 fixed sub-ranges, then valid variable ranges
 * whose type differs from the default type, each [base, base + (1 << _BitScanForward64(mask)) - 1].
 * Dropping default-type ranges loses their overlaps: default UC + WB [0, 4G) + UC [3G, 4G) leaves
 * 3G–4G WB. Being first, a UC SMRR stops `get_memory_type` before any fixed or variable range.
 */
function airhvEntries(m: Machine): ViewEntry[] {
  if (!m.mtrr || !m.mtrr.enabled) return [];
  const def = m.mtrr.defaultType;
  const smrr = m.smrr && m.smrr.type !== def ? [bsfEntry(m.smrr)] : [];
  return [...smrr, ...fixedEntries(m.mtrr), ...m.mtrr.variable.filter((v) => v.type !== def).map(bsfEntry)];
}

/**
 * ept.cpp `get_memory_type`: the default type, then every entry that holds the WHOLE page sets
 * its type; a fixed or UC one stops the search (so among variable ranges the last one wins
 * unless one is UC).
 */
const airhvWalk: Walk = (hits) => {
  let type: MemoryType | undefined;
  for (const e of hits) {
    type = e.type;
    if (e.fixed || type === 'UC') break;
  }
  return type;
};

export const airhv: Policy = {
  name: 'airhv', title: 'airhv', source: 'Air14/airhv',
  summary: '2M pages over [0, 512 GiB), split to 4K where an MTRR edge falls inside; a range counts only if it holds the whole page',
  layout(m: Machine): PolicyLayout {
    // `setup_pml2_entry`: `is_valid_for_large_page` is false when an entry's base or end lies
    // strictly inside the 2 MiB page; `split_pml2` then types each 4K page with `get_memory_type`.
    const { runs, cut } = splitAtEdges(m, airhvEntries(m), 'contain', airhvWalk);
    return layoutOf(m, runs, GiB512, {
      readsMtrr: 'airhv',
      pools: [{ what: 'pre-allocated 2M→4K split buffers (INTENTION_SPLIT_PML2), used at load', available: AIRHV_SPLITS_PER_CPU, needed: cut.length, exhausted: 'setup fails ("Failed to allocate split buffer")', per: 'per logical processor, shared' }],
      notes: [m.smrr ? 'SMRR replayed first, as build_mtrr_map reads it' : 'airhv reads the SMRR first (build_mtrr_map); MTRR dumps don\'t show it, so it is left out here'],
    });
  },
};

