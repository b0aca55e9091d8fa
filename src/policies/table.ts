// The policy table, one row per replayed hypervisor, shared by `ept-plan --policies` and the report.
import { formatCount, formatSize } from '../planner/units';
import type { PolicyView } from './compare';

/** One row of the policy table (CLI --policies and the report), cells as text. */
export function policyRow(r: PolicyView): string[] {
  const d = r.mismatches.filter((x) => x.severity === 'dangerous').length;
  const s = r.mismatches.filter((x) => x.severity === 'slow').length;
  const cov = r.layout.coverage.reduce((n, x) => Math.max(n, x.end), 0);
  const pool = r.pools.map((p) => `${p.ceiling ? '≤' : ''}${formatCount(p.needed)}/${formatCount(p.available)}${p.fits ? '' : ' !'}`).join(' ') || '-';
  return [r.policy.name, formatCount(r.leafTotal), formatCount(r.tableTotal), formatSize(r.bytes), formatSize(cov), String(r.holes.length), r.untyped ? '-' : String(d), r.untyped ? '-' : String(s), r.untyped ? '-' : String(r.straddles.length), pool];
}
export const POLICY_TABLE_HEAD = ['policy', 'leaves', 'tables', 'bytes', 'covers', 'holes', 'dangerous', 'slow', 'straddles', 'pool needed/has'];

