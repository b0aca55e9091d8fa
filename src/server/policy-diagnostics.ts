// eptLens.policy: the chosen hypervisor's coverage holes and memory-type mismatches (src/policies)
// as diagnostics on the lines they concern: a hole on the range line that lists the resource; a
// mismatch on a range line it overlaps (the one reaching furthest) and on the MTRR dump. Pure (records in, diagnostics out).
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { MemoryMap } from '../formats';
import type { Plan } from '../planner';
import { comparePolicy, machineFromMap, policyNamed, type Resource } from '../policies';
import type { Mismatch } from '../policies';
import { rangeText } from './describe';
import type { EptDiagnostic } from './diagnostics';

const POLICY_CODES = { hole: 'policy-coverage-hole', type: 'policy-memory-type', pool: 'policy-pool' } as const;

type Push = (d: EptDiagnostic) => boolean;
type LineRange = (line: number) => EptDiagnostic['range'];

/**
 * A resource overlapping each mismatch: mismatches by address, resources by start, and a running
 * "furthest end so far" (it overlaps whenever any resource passed does). Linear after sorting.
 */
function firstOverlaps(resources: readonly Resource[], items: readonly Mismatch[]): Map<Mismatch, Resource> {
  const out = new Map<Mismatch, Resource>();
  const sorted = [...items].sort((a, b) => a.start - b.start);
  let j = 0;
  let furthest: Resource | undefined;
  for (const m of sorted) {
    while (j < resources.length && resources[j].start < m.end) {
      if (!furthest || resources[j].end > furthest.end) furthest = resources[j];
      j++;
    }
    if (furthest && furthest.end > m.start) out.set(m, furthest);
  }
  return out;
}

/** `dumpLine`: the first line of the MTRR dump the plan's types came from, when it is in the document (not a paired file). */
export function policyDiagnostics(name: string, map: MemoryMap, plan: Plan, lineRange: LineRange, push: Push, dumpLine: number | undefined = map.mtrr?.firstLine): void {
  const policy = policyNamed(name);
  if (!policy) return;
  const o = plan.options;
  const m = machineFromMap(map, { limit: plan.limit, maxPage: o.maxPage, ramPage: o.ramPage, mtrr: o.mtrr });
  const rep = comparePolicy(policy, m);
  const t = policy.title;
  for (const h of rep.holes) {
    if (!push({
      range: lineRange(h.line),
      severity: DiagnosticSeverity.Warning,
      code: POLICY_CODES.hole,
      message: `${t} does not map ${h.kind} ${rangeText(h.start, h.end)} (${h.name}): an EPT violation it cannot resolve`,
    })) return;
  }
  for (const p of rep.pools) {
    if (p.fits) continue;
    const line = map.firstLine;
    if (!push({ range: lineRange(line), severity: p.ceiling ? DiagnosticSeverity.Information : DiagnosticSeverity.Warning, code: POLICY_CODES.pool, message: `${t}: ${p.what}: needs ${p.ceiling ? 'up to ' : ''}${p.needed}, it has ${p.available} (${p.exhausted})` })) return;
  }
  const shown = rep.mismatches.filter((x) => x.severity !== 'other');
  const where = firstOverlaps(m.resources, shown);
  for (const x of shown) {
    const message = `${t} maps ${rangeText(x.start, x.end)} ${x.policyType}; the MTRRs make it ${x.expected}${x.severity === 'dangerous' ? ' (cached MMIO: hangs and machine checks)' : ' (slow)'}`;
    const severity = x.severity === 'dangerous' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
    const lines = [where.get(x)?.line, dumpLine].filter((l): l is number => l !== undefined);
    for (const line of new Set(lines)) if (!push({ range: lineRange(line), severity, code: POLICY_CODES.type, message })) return;
  }
}
