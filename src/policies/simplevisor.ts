// SimpleVisor (ionescu007/SimpleVisor): shvvmx.c `ShvVmxMtrrInitialize`,
// `ShvVmxMtrrAdjustEffectiveMemoryType`, `ShvVmxEptInitialize`.
import { GiB512, MiB2, layoutOf, typedOr, toRuns } from './build';
import { ViewEntry, Walk, bsfEntry, typePages } from './mtrr-view';
import type { Machine, Policy, PolicyLayout } from './types';

/**
 * shvvmx.c `ShvVmxMtrrInitialize`: variable ranges only (no fixed ranges, no default type), each
 * [PhysBase, PhysBase + (1 << _BitScanForward64(PhysMask)) - 1].
 */
function simpleVisorEntries(m: Machine): ViewEntry[] {
  if (!m.mtrr) return [];
  return m.mtrr.variable.map(bsfEntry);
}

/**
 * shvvmx.c `ShvVmxMtrrAdjustEffectiveMemoryType`: the candidate starts WB and every range that
 * touches the 2 MiB page overrides it in register order: the last one wins, UC has no precedence
 * (SimpleVisor#29), and memory no range covers is WB whatever the default type.
 */
const simpleVisorWalk: Walk = (hits) => hits[hits.length - 1]?.type;

export const simpleVisor: Policy = {
  name: 'simplevisor', title: 'SimpleVisor', source: 'ionescu007/SimpleVisor',
  summary: '2M pages over [0, 512 GiB); WB unless a variable range touches the page, the last one wins',
  layout(m: Machine): PolicyLayout {
    // shvvmx.c `ShvVmxEptInitialize`: one PML4E, 512 PDPTEs, 512×512 large PDEs (PFN i*512+j).
    const typed = typedOr(m, 0, GiB512, 'WB', () => typePages(simpleVisorEntries(m), 'overlap', MiB2, 0, GiB512, simpleVisorWalk, 'WB'));
    return layoutOf(m, toRuns(typed, '2M'), GiB512, { readsMtrr: 'SimpleVisor' });
  },
};
