// The public real-world corpus (test/fixtures/real/): every log there, planned by the CLI as a
// user runs it, must equal the plan of the independent oracle (test/oracle/oracle.mjs, no code
// shared with src/) computed from the ranges and MTRRs written down in <file>.oracle.json.
// Files whose source format or envelope the product can't read yet are listed in PENDING with
// the reason; they still run, as TODO tests, so the output shows what is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/fixtures';
import { OracleGap, oracleGap, oracleRam } from '../support/oracle-shape';

const DIR = path.join(ROOT, 'test', 'fixtures', 'real');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const ORACLE = path.join(ROOT, 'test', 'oracle', 'oracle.mjs');

/**
 * Files the product does not plan exactly yet, and why; they run as TODO tests and the summary
 * names the ones that have started to pass. Shrink this to nothing as the readers land.
 */
const PENDING: Record<string, string> = {
};

interface Pages { '4K': number; '2M': number; '1G': number }
interface Plan {
  /** RAM ranges and gaps with their MTRR types (`mixed` with typed pieces): the type is half of what a leaf says. */
  ram: ReturnType<typeof oracleRam>[];
  gaps: OracleGap[];
  totals: { mmio: Pages; ram: Pages };
  tables: { pml4: number; pdpt: number; pd: number; pt: number };
  bytes: number;
  /** Known MMIO windows of the spec's `mmio` list past the limit (holes every policy leaves). */
  mmioPastLimit?: { start: string; end: string; name: string; line: number }[];
}
interface Spec { args?: string[]; mmio?: unknown[] }

const logs = fs.readdirSync(DIR).filter((f) => !f.endsWith('.oracle.json')).sort();
const specs = logs.map((f) => path.join(DIR, `${f}.oracle.json`));
const oracle = spawnSync(process.execPath, [ORACLE, 'plans', ...specs.filter((s) => fs.existsSync(s))], { encoding: 'utf8', maxBuffer: 1 << 28 });
const expected: Record<string, Plan> = oracle.status === 0 ? JSON.parse(oracle.stdout) : {};

test('the oracle reproduces the known figures of two bundled samples', () => {
  const figures = (...args: string[]) => {
    const r = spawnSync(process.execPath, [ORACLE, 'figures', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Pick<Plan, 'totals' | 'tables' | 'bytes'>;
  };
  const laptop = figures('hyperplatform', path.join(ROOT, 'test', 'fixtures', 'hyperplatform-laptop-8gb.log'), 'none');
  assert.deepEqual(laptop.totals.mmio, { '4K': 373, '2M': 541, '1G': 503 });
  assert.deepEqual(laptop.tables, { pml4: 1, pdpt: 1, pd: 9, pt: 4067 });
  assert.equal(laptop.bytes, 16703488);
  const surface = path.join(ROOT, 'test', 'fixtures', 'surface-pro-7.dmesg');
  assert.deepEqual(figures('e820', surface, 'dmesg').totals.mmio, { '4K': 371, '2M': 714, '1G': 495 });
  assert.deepEqual(figures('e820', surface, 'none').totals.mmio, { '4K': 371, '2M': 202, '1G': 496 });
});

test('the corpus: at least 45 real logs, each with its source on line 1 and an oracle spec', () => {
  assert.equal(oracle.status, 0, oracle.stderr);
  assert.ok(logs.length >= 45, `${logs.length} real logs`);
  for (const [i, f] of logs.entries()) {
    assert.match(fs.readFileSync(path.join(DIR, f), 'utf8').split('\n')[0], /^# source: \S/, f);
    assert.ok(fs.existsSync(specs[i]), `${f}: no ${path.basename(specs[i])}`);
  }
  for (const f of Object.keys(PENDING)) assert.ok(logs.includes(f), `PENDING names a missing file: ${f}`);
});

/** The product's plan of one corpus file, as the parts the oracle pins. */
function productPlan(i: number): Plan {
  const spec = JSON.parse(fs.readFileSync(specs[i], 'utf8')) as Spec;
  const r = spawnSync(process.execPath, [CLI, '--json', ...(spec.args ?? []), path.join(DIR, logs[i])], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `${logs[i]}: exit ${r.status}: ${r.stderr.split('\n')[0]}`);
  const got = JSON.parse(r.stdout) as Plan;
  return {
    ram: got.ram.map(oracleRam),
    gaps: got.gaps.map(oracleGap),
    totals: got.totals,
    tables: got.tables,
    bytes: got.bytes,
  };
}

const exact: string[] = [];
for (const [i, f] of logs.entries()) {
  const reason = PENDING[f];
  test(`real corpus: ${f}`, (t) => {
    const want = expected[specs[i]];
    assert.ok(want, `${f}: no oracle plan`);
    try {
      const got = productPlan(i);
      assert.deepEqual(got.ram, want.ram, `${f}: RAM ranges`);
      assert.deepEqual(got.gaps, want.gaps, `${f}: gaps`);
      assert.deepEqual(got.totals, want.totals, `${f}: totals`);
      assert.deepEqual(got.tables, want.tables, `${f}: tables`);
      assert.equal(got.bytes, want.bytes, `${f}: bytes`);
      exact.push(f);
    } catch (e) {
      // A pending file is reported, not failed: its reader or rule is another item's work.
      if (!reason) throw e;
      t.todo(`${reason} (now: ${(e as Error).message.split('\n')[0]})`);
    }
  });
}

// Specs listing known MMIO windows (PCI root bus resources, hand-read) pin the holes past the limit
// that the identity map leaves: the product must report each, on its line, as a coverage hole.
for (const [i, f] of logs.entries()) {
  if (!fs.existsSync(specs[i])) continue;
  const spec = JSON.parse(fs.readFileSync(specs[i], 'utf8')) as Spec;
  if (!spec.mmio) continue;
  test(`real corpus: ${f}: known MMIO past the limit`, () => {
    const r = spawnSync(process.execPath, [CLI, '--json', '--policy', 'exact', ...(spec.args ?? []), path.join(DIR, f)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    const holes = (JSON.parse(r.stdout) as { holes: { start: string; end: string; kind: string; name: string; line: number; pastLimit?: boolean }[] }).holes;
    const got = holes.filter((h) => h.kind === 'MMIO' && h.pastLimit).map(({ start, end, name, line }) => ({ start, end, name, line }));
    assert.deepEqual(got, expected[specs[i]].mmioPastLimit);
    for (const h of got) assert.match(r.stderr, new RegExp(`:${h.line}(:\\d+)?: warning: ${h.name} \\[${h.start}, ${h.end}\\) lies beyond the limit`));
  });
}

test('real corpus summary', (t) => {
  const pending = Object.keys(PENDING);
  const fixed = pending.filter((f) => exact.includes(f));
  t.diagnostic(`${logs.length} real logs: ${exact.length} planned exactly, ${pending.length - fixed.length} pending`);
  for (const f of pending.filter((p) => !fixed.includes(p))) t.diagnostic(`pending ${f}: ${PENDING[f]}`);
  for (const f of fixed) t.diagnostic(`now exact, remove from PENDING: ${f}`);
});
