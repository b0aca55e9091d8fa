// A policy's layout set against the machine: leaves, tables, bytes, pools; coverage holes (RAM or
// known MMIO it never maps); memory-type mismatches against the SDM's effective MTRR type
// (src/planner/mtrr.ts), dangerous first; large leaves that straddle a type boundary.
// Linear in runs + typed segments + resources (after the planner's n log n type map).
import { buildMemoryTypeMap, TypedSegment } from '../planner/mtrr';
import { tableTotal, TableCounts } from '../planner/tables';
import { MemoryType, PAGE_BYTES, PageCounts, PageSize, Range } from '../planner/types';
import type { MachineWithSources, Resource } from './machine';
import type { Policy, PolicyLayout, PolicyRun, Pool } from './types';

interface Hole extends Range {
  kind: 'RAM' | 'MMIO';
  /** The source line listing the resource. */
  line: number;
  name: string;
  /** Past the plan's limit as well (the exact plan doesn't map it either). */
  pastLimit: boolean;
}

/** dangerous: cached (or write-combined) where the MTRRs make it UC, or cached where they say WC. slow: UC where they don't. */
export type Severity = 'dangerous' | 'slow' | 'other';

export interface Mismatch extends Range {
  policyType: MemoryType;
  expected: MemoryType;
  severity: Severity;
}

interface Straddle extends Range {
  size: PageSize;
  /** The SDM types inside the leaf, in address order. */
  types: MemoryType[];
}

export interface PolicyReport {
  policy: Pick<Policy, 'name' | 'title' | 'source' | 'summary'>;
  layout: PolicyLayout;
  leaves: PageCounts;
  leafTotal: number;
  tables: TableCounts;
  tableTotal: number;
  bytes: number;
  pools: (Pool & { fits: boolean })[];
  holes: Hole[];
  /** Dangerous first, then slow, then other; by address within each. */
  mismatches: Mismatch[];
  straddles: Straddle[];
  /** Why types were not compared, when they were not. */
  untyped?: string;
}

/**
 * What the report page reads of a PolicyReport: all but the layout's runs, which a map of 300k
 * ranges makes ~700k of per policy (the report kept 450 MB of them for its 11 policies).
 */
export type PolicyView = Omit<PolicyReport, 'layout'> & { layout: Omit<PolicyLayout, 'runs'> };

export function policyView(r: PolicyReport): PolicyView {
  const { runs: _runs, ...layout } = r.layout;
  return { ...r, layout };
}

const SEVERITY_ORDER: Record<Severity, number> = { dangerous: 0, slow: 1, other: 2 };

function severityOf(policyType: MemoryType, expected: MemoryType): Severity {
  if (expected === 'UC' && policyType !== 'UC') return 'dangerous';
  if (expected === 'WC' && policyType !== 'UC' && policyType !== 'WC') return 'dangerous';
  if (policyType === 'UC') return 'slow';
  return 'other';
}

/**
 * Known resources (RAM and MMIO lines) not inside the coverage (sorted, disjoint). Resources come
 * in line order and may nest, so each finds its place in the coverage by binary search: n log c,
 * and nothing allocated for the resources that are covered (nearly all of them).
 */
function findHoles(resources: readonly Resource[], coverage: readonly Range[], limit: number): Hole[] {
  const holes: Hole[] = [];
  const hole = (r: Resource, start: number, end: number): void => {
    holes.push({ start, end, kind: r.ram ? 'RAM' : 'MMIO', line: r.line, name: r.name, pastLimit: end > limit });
  };
  for (const r of resources) {
    let lo = 0;
    let hi = coverage.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (coverage[mid].end <= r.start) lo = mid + 1;
      else hi = mid;
    }
    let s = r.start;
    for (let k = lo; k < coverage.length && coverage[k].start < r.end; k++) {
      if (coverage[k].start > s) hole(r, s, coverage[k].start);
      s = Math.max(s, coverage[k].end);
    }
    if (s < r.end) hole(r, s, r.end);
  }
  return holes;
}

/** Where the runs' types differ from the reference segments, and large leaves cut by a type edge. */
function compareTypes(runs: readonly PolicyRun[], ref: readonly TypedSegment[]): { mismatches: Mismatch[]; straddles: Straddle[] } {
  const mismatches: Mismatch[] = [];
  const straddles: Straddle[] = [];
  let j = 0;
  for (const r of runs) {
    while (j < ref.length && ref[j].end <= r.start) j++;
    const page = PAGE_BYTES[r.size];
    let lastStraddle: Straddle | undefined;
    for (let k = j; k < ref.length && ref[k].start < r.end; k++) {
      const seg = ref[k];
      const s = Math.max(seg.start, r.start);
      const e = Math.min(seg.end, r.end);
      if (seg.type !== r.memoryType) {
        const last = mismatches[mismatches.length - 1];
        if (last && last.end === s && last.policyType === r.memoryType && last.expected === seg.type) last.end = e;
        else mismatches.push({ start: s, end: e, policyType: r.memoryType, expected: seg.type, severity: severityOf(r.memoryType, seg.type) });
      }
      // A type edge strictly inside one of the run's leaves: that leaf has two types.
      if (page > PAGE_BYTES['4K'] && seg.end < r.end && seg.end % page !== 0) {
        const leaf = seg.end - (seg.end % page);
        const next = ref[k + 1]?.type ?? seg.type;
        if (lastStraddle && lastStraddle.start === leaf) lastStraddle.types.push(next);
        else {
          lastStraddle = { start: leaf, end: leaf + page, size: r.size, types: [seg.type, next] };
          straddles.push(lastStraddle);
        }
      }
    }
  }
  mismatches.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.start - b.start);
  return { mismatches, straddles };
}

export function comparePolicy(policy: Policy, m: MachineWithSources): PolicyReport {
  const layout = policy.layout(m);
  const leafTotal = layout.leaves['4K'] + layout.leaves['2M'] + layout.leaves['1G'];
  const tt = tableTotal(layout.tables);
  let mismatches: Mismatch[] = [];
  let straddles: Straddle[] = [];
  let untyped = layout.untyped;
  if (!m.mtrr) untyped ??= 'no MTRR dump: memory types not compared';
  else if (!untyped) ({ mismatches, straddles } = compareTypes(layout.runs, buildMemoryTypeMap(m.mtrr, m.limit).segments));
  return {
    policy: { name: policy.name, title: policy.title, source: policy.source, summary: policy.summary },
    layout,
    leaves: layout.leaves,
    leafTotal,
    tables: layout.tables,
    tableTotal: tt,
    bytes: tt * PAGE_BYTES['4K'],
    pools: layout.pools.map((p) => ({ ...p, fits: p.needed <= p.available })),
    holes: findHoles(m.resources, layout.coverage, m.limit),
    mismatches,
    straddles,
    untyped,
  };
}
