// This project's own plan (src/planner/plan.ts): the greedy 1G/2M/4K cover of [0, limit), RAM
// capped at the RAM page, every leaf one SDM memory type. The reference the others are set against.
import { buildMemoryTypeMap } from '../planner/mtrr';
import { layoutOf } from './build';
import { greedyRuns, uniform } from './greedy';
import type { Machine, Policy, PolicyLayout } from './types';

export const exact: Policy = {
  name: 'exact', title: 'this plan (exact)', source: 'EPT Lens',
  summary: 'largest aligned page that fits and has one SDM memory type; RAM at the RAM page',
  layout(m: Machine): PolicyLayout {
    const types = m.mtrr ? buildMemoryTypeMap(m.mtrr, m.limit).segments : undefined;
    const runs = greedyRuns(m.ram, m.limit, { ramPage: m.ramPage, gapPage: m.maxPage, ramTypes: types ?? uniform(m.limit, 'WB'), gapTypes: types ?? uniform(m.limit, 'UC') });
    return layoutOf(m, runs, m.limit);
  },
};
