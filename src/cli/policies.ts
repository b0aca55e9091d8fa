// `ept-plan --policy NAME`, `--policies` and `--check`: what a real hypervisor would build on this
// machine, and CI budgets. Pure: a map, its plan and options in; text and failure lines out.
import type { MemoryMap } from '../formats/maps';
import type { Plan } from '../planner/plan';
import { tableTotal } from '../planner/tables';
import { formatCount, formatSize, hex } from '../planner/units';
import { MEMORY_TYPE_NUMBER, sizingDefines } from '../planner/export/c-header';
import { POLICIES, POLICY_TABLE_HEAD as HEAD, PolicyReport, comparePolicy, machineFromMap, policyNamed, policyRow as row } from '../policies';
import type { MachineWithSources } from '../policies/machine';
import { highestEnd } from '../policies/build';
import type { ExportFormat } from './args';

export interface PolicyOptions {
  /** `--policy NAME`: plan as that hypervisor would; with --check, require it to be safe. */
  policy?: string;
  /** `--policies`: one row per policy. */
  policies: boolean;
  check: boolean;
  maxTables?: number;
  maxMmioTables?: number;
}

export const POLICY_USAGE = `  --policy NAME         plan as that hypervisor would (${POLICIES.map((p) => p.name).join(', ')})
  --policies            one table, a row per hypervisor policy, against this plan
  --check               exit 3 when a budget or a policy check fails (one file:line: error: per failure)
  --max-tables N        with --check: at most N paging-structure tables in this plan
  --max-mmio-tables N   with --check: at most N tables that only non-RAM leaves need
                        with --check --policy NAME: no coverage holes, no dangerous type mismatch,
                        no static pool too small`;

/** Takes one of the policy flags from argv; returns false when `a` is not one. */
export function takePolicyFlag(a: string, take: (name: string) => string, o: PolicyOptions, fail: (msg: string) => never): boolean {
  const count = (name: string): number => {
    const t = take(name);
    const n = Number(t);
    if (!Number.isSafeInteger(n) || n < 0) fail(`${name}: '${t}' is not a count (0, 1, 2, …)`);
    return n;
  };
  switch (a) {
    case '--policy': {
      const t = take(a);
      if (!policyNamed(t)) fail(`--policy: '${t}' is not one of ${POLICIES.map((p) => p.name).join(', ')}`);
      o.policy = t.toLowerCase();
      return true;
    }
    case '--policies':
      o.policies = true;
      return true;
    case '--check':
      o.check = true;
      return true;
    case '--max-tables':
      o.maxTables = count(a);
      return true;
    case '--max-mmio-tables':
      o.maxMmioTables = count(a);
      return true;
    default:
      return false;
  }
}

export function checkPolicyOptions(o: PolicyOptions, fail: (msg: string) => never): void {
  if ((o.maxTables !== undefined || o.maxMmioTables !== undefined) && !o.check) fail('--max-tables and --max-mmio-tables need --check');
  if (o.policies && o.policy && !o.check) fail('--policies and --policy: choose one (or use --policy with --check)');
}

interface MapContext {
  map: MemoryMap;
  plan: Plan;
  /** `file:line` of a 0-based global line. */
  at: (line: number) => string;
  heading: string;
}

const machineOf = (c: MapContext): MachineWithSources => {
  const o = c.plan.options;
  return machineFromMap(c.map, { limit: c.plan.limit, maxPage: o.maxPage, ramPage: o.ramPage, mtrr: o.mtrr });
};

/** End of the highest RAM or known MMIO range: what a hypervisor must map for this machine. */
export function highestAddress(c: MapContext): number {
  return highestEnd(machineOf(c));
}

const pct = (r: PolicyReport): string => `${formatCount(r.leafTotal)} leaves, ${formatCount(r.tableTotal)} tables (${formatSize(r.bytes)})`;
const range = (s: number, e: number): string => `[${hex(s)}, ${hex(e)})`;
const MAX_LISTED = 16;

function holesLine(r: PolicyReport): string {
  if (r.holes.length === 0) return 'none';
  const ram = r.holes.filter((h) => h.kind === 'RAM').length;
  return `${r.holes.length} (${ram} RAM, ${r.holes.length - ram} MMIO)`;
}

function typesLine(r: PolicyReport): string {
  if (r.untyped) return r.untyped;
  const d = r.mismatches.filter((x) => x.severity === 'dangerous').length;
  const s = r.mismatches.filter((x) => x.severity === 'slow').length;
  return `${r.mismatches.length} mismatched ranges (${d} dangerous, ${s} slow, ${r.mismatches.length - d - s} other), ${r.straddles.length} large ${r.straddles.length === 1 ? 'leaf straddles' : 'leaves straddle'} a type boundary`;
}

function renderPolicyText(r: PolicyReport, c: MapContext, exactRep: PolicyReport): string {
  const L: string[] = [c.heading];
  L.push(`${r.policy.title} (${r.policy.source}): ${r.policy.summary}`);
  L.push('');
  L.push(`  leaves   ${formatCount(r.leaves['4K'])}×4K ${formatCount(r.leaves['2M'])}×2M ${formatCount(r.leaves['1G'])}×1G = ${pct(r)}`);
  L.push(`  tables   ${r.tables.pml4} PML4 + ${formatCount(r.tables.pdpt)} PDPT + ${formatCount(r.tables.pd)} PD + ${formatCount(r.tables.pt)} PT`);
  L.push(`  exact    ${pct(exactRep)}`);
  L.push(`  covers   ${r.layout.coverage.map((x) => `${range(x.start, x.end)} (${formatSize(x.end - x.start)})`).join(', ')}`);
  for (const p of r.pools) L.push(`  pool     ${p.what}: needs ${p.ceiling ? 'up to ' : ''}${formatCount(p.needed)} of ${formatCount(p.available)}${p.per ? ` ${p.per}` : ''}: ${p.fits ? 'fits' : `does NOT fit (${p.exhausted})`}`);
  L.push(`  holes    ${holesLine(r)}`);
  for (const h of r.holes.slice(0, MAX_LISTED)) L.push(`    ${h.kind.padEnd(5)}${range(h.start, h.end).padEnd(36)}${formatSize(h.end - h.start).padStart(10)}  ${h.name} (${c.at(h.line)})${h.pastLimit ? ', past the plan limit too' : ''}`);
  if (r.holes.length > MAX_LISTED) L.push(`    … and ${formatCount(r.holes.length - MAX_LISTED)} more (--json lists them all)`);
  L.push(`  types    ${typesLine(r)}`);
  for (const x of r.mismatches.slice(0, MAX_LISTED)) L.push(`    ${x.severity.padEnd(10)}${range(x.start, x.end).padEnd(36)}${formatSize(x.end - x.start).padStart(10)}  ${r.policy.title} ${x.policyType}, MTRRs ${x.expected}`);
  if (r.mismatches.length > MAX_LISTED) L.push(`    … and ${formatCount(r.mismatches.length - MAX_LISTED)} more (--json lists them all)`);
  for (const x of r.straddles.slice(0, MAX_LISTED)) L.push(`    straddle  ${range(x.start, x.end).padEnd(36)}${x.size.padStart(10)}  one leaf over ${x.types.join(' → ')}`);
  if (r.straddles.length > MAX_LISTED) L.push(`    … and ${formatCount(r.straddles.length - MAX_LISTED)} more straddling leaves`);
  for (const n of r.layout.notes) L.push(`  note     ${n}`);
  return L.join('\n');
}

const hexRange = (x: { start: number; end: number }): { start: string; end: string } => ({ start: hex(x.start), end: hex(x.end) });

function policyJson(r: PolicyReport): object {
  return {
    policy: r.policy.name,
    title: r.policy.title,
    source: r.policy.source,
    leaves: r.leaves,
    leafTotal: r.leafTotal,
    tables: r.tables,
    bytes: r.bytes,
    coverage: r.layout.coverage.map(hexRange),
    pools: r.pools,
    holes: r.holes.map((h) => ({ ...hexRange(h), kind: h.kind, name: h.name, line: h.line + 1, pastLimit: h.pastLimit })),
    mismatches: r.mismatches.map((x) => ({ ...hexRange(x), policyType: x.policyType, expected: x.expected, severity: x.severity })),
    straddles: r.straddles.map((x) => ({ ...hexRange(x), size: x.size, types: x.types })),
    untyped: r.untyped,
    notes: r.layout.notes,
    runs: r.layout.runs.map((x) => ({ ...hexRange(x), size: x.size, count: x.count, memoryType: x.memoryType, eager: x.eager })),
  };
}

function renderPoliciesTable(reports: readonly PolicyReport[], format: 'text' | 'md' | 'csv'): string {
  const rows = reports.map(row);
  if (format === 'csv') return [HEAD.map((h) => h.replace(/ /g, '_')).join(','), ...rows.map((r) => r.map((c) => (/[,"]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))].join('\n');
  if (format === 'md') return [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const w = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string => '  ' + r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ').trimEnd();
  return [fmt(HEAD), ...rows.map(fmt)].join('\n');
}

/** A C header for one policy: what it builds, for sizing that hypervisor's pools. */
function policyCHeader(r: PolicyReport, c: MapContext): string {
  const P = `EPT_${r.policy.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  const L = [`/* ${r.policy.title} (${r.policy.source}) replayed by EPT Lens on ${c.heading.replace(/\*\//g, '* /').replace(/[^\x20-\x7e]/g, '?')} */`, `#ifndef ${P}_H`, `#define ${P}_H`, ''];
  for (const s of ['4K', '2M', '1G'] as const) L.push(`#define ${P}_LEAVES_${s} ${r.leaves[s]}ULL`);
  L.push(`#define ${P}_TABLES ${r.tableTotal}ULL`, `#define ${P}_TABLE_BYTES ${r.bytes}ULL`, `#define ${P}_HOLES ${r.holes.length}u`);
  L.push(`#define ${P}_DANGEROUS_MISMATCHES ${r.mismatches.filter((x) => x.severity === 'dangerous').length}u`, '');
  L.push(...sizingDefines(P, highestAddress(c)), '');
  L.push(`/* memory types: ${Object.entries(MEMORY_TYPE_NUMBER).map(([k, v]) => `${v} ${k}`).join(', ')} */`, `#endif /* ${P}_H */`);
  return L.join('\n');
}

interface PolicyOutcome {
  /** Output replacing the plan's (for --policy / --policies), or undefined to keep the plan's. */
  chunk?: string;
  /** `file:line: error: …` lines for --check. */
  failures: string[];
}

export function runPolicies(c: MapContext, o: PolicyOptions, format: ExportFormat): PolicyOutcome {
  const m = machineOf(c);
  const failures: string[] = [];
  const mapLine = c.at(c.map.firstLine);
  if (o.check) {
    const tables = tableTotal(c.plan.tables);
    if (o.maxTables !== undefined && tables > o.maxTables) failures.push(`${mapLine}: error: the plan needs ${formatCount(tables)} tables, over --max-tables ${o.maxTables}`);
    if (o.maxMmioTables !== undefined && c.plan.comparison.mmioTables > o.maxMmioTables) {
      failures.push(`${mapLine}: error: non-RAM leaves need ${formatCount(c.plan.comparison.mmioTables)} tables of their own, over --max-mmio-tables ${o.maxMmioTables}`);
    }
  }
  const exactRep = comparePolicy(POLICIES[0], m);
  const chosen = o.policy ? policyNamed(o.policy) : undefined;
  const rep = chosen ? comparePolicy(chosen, m) : undefined;
  if (o.check && rep) {
    const t = rep.policy.title;
    for (const h of rep.holes) failures.push(`${c.at(h.line)}: error: ${t} does not map ${h.kind} ${range(h.start, h.end)} (${h.name}): coverage hole, an EPT violation it cannot resolve`);
    const mtrrLine = c.plan.options.mtrr && c.map.mtrr ? c.at(c.map.mtrr.firstLine) : mapLine;
    for (const x of rep.mismatches) {
      if (x.severity === 'dangerous') failures.push(`${mtrrLine}: error: ${t} maps ${range(x.start, x.end)} ${x.policyType}; the MTRRs make it ${x.expected}`);
    }
    for (const p of rep.pools) if (!p.fits && !p.ceiling) failures.push(`${mapLine}: error: ${t}: ${p.what}: this machine needs ${formatCount(p.needed)}, it has ${formatCount(p.available)} (${p.exhausted})`);
  }
  let chunk: string | undefined;
  if (o.policies) {
    const reports = POLICIES.map((p) => (p === POLICIES[0] ? exactRep : comparePolicy(p, m)));
    if (format === 'json') chunk = JSON.stringify({ heading: c.heading, policies: reports.map(policyJson) }, null, 2);
    else if (format === 'c') chunk = sizingDefines('EPT_PLAN', highestAddress(c)).join('\n');
    else chunk = (format === 'text' ? `${c.heading}\nHypervisor policies on this machine (${reports.length}):\n` : '') + renderPoliciesTable(reports, format);
  } else if (rep) {
    if (format === 'json') chunk = JSON.stringify({ heading: c.heading, ...policyJson(rep) }, null, 2);
    else if (format === 'csv') chunk = ['start,end,size,count,memory_type,eager', ...rep.layout.runs.map((x) => `${hex(x.start)},${hex(x.end)},${x.size},${x.count},${x.memoryType},${x.eager}`)].join('\n');
    else if (format === 'c') chunk = policyCHeader(rep, c);
    else if (format === 'md') chunk = `## ${rep.policy.title} on ${c.heading}\n\n${renderPoliciesTable([exactRep, rep], 'md')}\n\n${rep.mismatches.slice(0, MAX_LISTED * 4).map((x) => `- ${x.severity}: ${range(x.start, x.end)} ${rep.policy.title} ${x.policyType}, MTRRs ${x.expected}`).join('\n')}`;
    else chunk = renderPolicyText(rep, c, exactRep);
  }
  return { chunk, failures };
}
