// Problems as data: what a plan shows is wrong with a map, found once here and rendered by both the
// CLI (`file:line:col: warning: …`) and the editor (diagnostics). Pure.
import type { MemoryMap, MtrrRecord, MtrrVariableRecord, RangeRecord } from '../formats';
import type { Plan } from '../planner';

interface RamPastLimit {
  /** The RAM line that reaches past the limit. */
  record: RangeRecord;
  /** The part past the limit, [start, end). */
  start: number;
  end: number;
}

/**
 * RAM lines past the plan's limit (the bytes the plan leaves unmapped). Outermost lines only: a RAM
 * line nested in another says the same bytes again. Lines that already carry an error are left out
 * (their numbers can't be trusted).
 */
export function ramPastLimit(map: MemoryMap, plan: Plan): RamPastLimit[] {
  const out: RamPastLimit[] = [];
  for (const r of map.ranges) {
    if (!r.ram || r.depth > 0 || r.end <= plan.limit || r.problems.some((p) => p.severity === 'error')) continue;
    out.push({ record: r, start: Math.max(r.start, plan.limit), end: r.end });
  }
  return out;
}

/**
 * The variable-range MTRRs whose non-contiguous masks matched more blocks than the planner follows,
 * each with the dump line that defines it (undefined when the dump has no such line).
 */
export function truncatedMtrrs(records: readonly MtrrRecord[], plan: Plan): { index: number; record?: MtrrVariableRecord }[] {
  const byIndex = new Map<number, MtrrVariableRecord>();
  for (const x of records) if (x.kind === 'mtrr-variable' && !byIndex.has(x.index)) byIndex.set(x.index, x);
  return plan.mtrrTruncated.map((index) => ({ index, record: byIndex.get(index) }));
}
