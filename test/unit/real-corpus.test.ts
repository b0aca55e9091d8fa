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

const DIR = path.join(ROOT, 'test', 'fixtures', 'real');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const ORACLE = path.join(ROOT, 'test', 'oracle', 'oracle.mjs');

/** Files the product does not plan exactly yet, and why (shrink to empty as readers land). */
const PENDING: Record<string, string> = {
  'linuxhw-asus-et2010pnt-atom-d510-4.9-i686.dmesg': '36-bit MTRR masks alias every 64 GiB (issue 11 item 3, mtrr lane)',
};

interface Pages { '4K': number; '2M': number; '1G': number }
interface Gap { start: string; end: string; pages: Pages }
interface Plan {
  ram: { start: string; end: string }[];
  gaps: Gap[];
  totals: { mmio: Pages; ram: Pages };
  tables: { pml4: number; pdpt: number; pd: number; pt: number };
  bytes: number;
}
interface Spec { args?: string[] }

const logs = fs.readdirSync(DIR).filter((f) => !f.endsWith('.oracle.json')).sort();
const specs = logs.map((f) => path.join(DIR, `${f}.oracle.json`));
const oracle = spawnSync(process.execPath, [ORACLE, 'plans', ...specs.filter((s) => fs.existsSync(s))], { encoding: 'utf8', maxBuffer: 1 << 28 });
const expected: Record<string, Plan> = oracle.status === 0 ? JSON.parse(oracle.stdout) : {};

test('the corpus: at least 45 real logs, each with its source on line 1 and an oracle spec', () => {
  assert.equal(oracle.status, 0, oracle.stderr);
  assert.ok(logs.length >= 45, `${logs.length} real logs`);
  for (const [i, f] of logs.entries()) {
    assert.match(fs.readFileSync(path.join(DIR, f), 'utf8').split('\n')[0], /^# source: \S/, f);
    assert.ok(fs.existsSync(specs[i]), `${f}: no ${path.basename(specs[i])}`);
  }
  for (const f of Object.keys(PENDING)) assert.ok(logs.includes(f), `PENDING names a missing file: ${f}`);
});

for (const [i, f] of logs.entries()) {
  const reason = PENDING[f];
  test(`real corpus: ${f}`, reason ? { todo: reason } : {}, () => {
    const want = expected[specs[i]];
    assert.ok(want, `${f}: no oracle plan`);
    const spec = JSON.parse(fs.readFileSync(specs[i], 'utf8')) as Spec;
    const r = spawnSync(process.execPath, [CLI, '--json', ...(spec.args ?? []), path.join(DIR, f)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, `${f}: exit ${r.status}: ${r.stderr}`);
    const got = JSON.parse(r.stdout) as Plan;
    assert.deepEqual(got.ram.map(({ start, end }) => ({ start, end })), want.ram, `${f}: RAM ranges`);
    assert.deepEqual(got.gaps.map(({ start, end, pages }) => ({ start, end, pages })), want.gaps, `${f}: gaps`);
    assert.deepEqual(got.totals, want.totals, `${f}: totals`);
    assert.deepEqual(got.tables, want.tables, `${f}: tables`);
    assert.equal(got.bytes, want.bytes, `${f}: bytes`);
  });
}
