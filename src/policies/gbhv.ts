// gbhv (Gbps/gbhv): gbhv/ept.c `HvEptBuildMTRRMap`, `HvEptSetupPML2Entry`,
// `HvEptAllocateAndCreateIdentityPageTable`.
import { MemoryType } from '../planner/types';
import { GiB512, MiB2, layoutOf, typedOr, toRuns } from './build';
import { ViewEntry, Walk, bsfEntry, typePages } from './mtrr-view';
import type { Machine, Policy, PolicyLayout } from './types';

/**
 * ept.c `HvEptBuildMTRRMap`: valid variable ranges, [base, base + (1 << _BitScanForward64(mask))
 * - 1], and WB ranges are dropped ("this is already our default"). No fixed ranges.
 */
function gbhvEntries(m: Machine): ViewEntry[] {
  if (!m.mtrr) return [];
  return m.mtrr.variable.filter((v) => v.type !== 'WB').map(bsfEntry);
}

/**
 * ept.c `HvEptSetupPML2Entry`: WB to start (the default type register is never read), each range
 * touching the 2 MiB page sets its type, a UC one stops the search.
 */
const gbhvWalk: Walk = (hits) => {
  let type: MemoryType | undefined;
  for (const e of hits) {
    type = e.type;
    if (type === 'UC') break;
  }
  return type;
};

export const gbhv: Policy = {
  name: 'gbhv', title: 'gbhv', source: 'Gbps/gbhv',
  summary: '2M pages over [0, 512 GiB); page 0 UC; WB unless a non-WB variable range touches the page (UC wins, else the last)',
  layout(m: Machine): PolicyLayout {
    // ept.c `HvEptAllocateAndCreateIdentityPageTable`: PML4[0], 512 PML3 entries, 512×512 PML2
    // large entries; `HvEptSetupPML2Entry` makes PFN 0 (the first 2 MiB) UC before anything else.
    const typed = typedOr(m, 0, GiB512, 'WB', () => typePages(gbhvEntries(m), 'overlap', MiB2, 0, GiB512, gbhvWalk, 'WB'));
    return layoutOf(m, toRuns(forceFirstPage(typed, 'UC'), '2M'), GiB512, {
      readsMtrr: 'gbhv',
      notes: m.mtrr && !m.mtrr.enabled ? ['MTRRs disabled: gbhv refuses to load (ept.c `HvEptCheckFeatures`)'] : [],
    });
  },
};

/** The first 2 MiB page forced to `type`, the rest unchanged. */
function forceFirstPage(typed: { start: number; end: number; type: MemoryType }[], type: MemoryType): { start: number; end: number; type: MemoryType }[] {
  const out = [{ start: 0, end: MiB2, type }];
  for (const t of typed) {
    if (t.end <= MiB2) continue;
    const s = Math.max(t.start, MiB2);
    const last = out[out.length - 1];
    if (last.type === t.type && last.end === s) last.end = t.end;
    else out.push({ start: s, end: t.end, type: t.type });
  }
  return out;
}
