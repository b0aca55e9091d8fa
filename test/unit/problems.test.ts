// Problems as data: ept-plan's warnings and the editor's diagnostics render one list
// (analysis/problems.ts: map notes, range checks, the limit past MAXPHYADDR, RAM past the limit,
// MTRR conflicts and truncated masks; plus the readers' line problems), so on every log they name
// the same lines with the same severity and the same words (but for how each names its settings).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Analysis } from '../../src/analysis';
import { computeDiagnostics } from '../../src/server/diagnostics';
import { DocumentModel } from '../../src/server/model';
import { resolveSettings } from '../../src/server/settings';
import { MAP_FIXTURES, ROOT, fixturePath } from '../support/fixtures';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];
/** Diagnostics only the editor gives (a quick fix, a CPU hint, eptLens.policy) or that the CLI says elsewhere (dump notes: in the plan's notes; a refused plan: exit 1). */
const EDITOR_ONLY = /^(settings|annotation-mismatch|needs-1g-pages|policy-|too-many-diagnostics|mtrr-note|plan-error)/;

function both(file: string, limit?: string): { cli: string[]; editor: string[]; notes: string[]; stdout: string } {
  const r = spawnSync(process.execPath, [CLI, ...(limit ? ['--limit', limit] : []), file], { encoding: 'utf8', cwd: ROOT });
  const quoted = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const cli = r.stderr.split('\n').flatMap((l) => {
    const m = new RegExp(`^ept-plan: ${quoted}:(\\d+)(?::\\d+)?: (error|warning|information): (.*)$`).exec(l);
    if (!m) return [];
    const words = m[3]
      .replace('(raise --limit)', `(eptLens.limit = ${limit ?? '512G'})`)
      .replace('--limit phys', 'eptLens.limit "phys"');
    return [`${Number(m[1]) - 1} ${m[2]}: ${words}`];
  });
  const model = new DocumentModel(`file:///t/${path.basename(file)}`, 1, fs.readFileSync(file, 'utf8'));
  const d = computeDiagnostics(new Analysis(model), resolveSettings({ ...(limit ? { limit } : {}), maxDiagnostics: 100_000 }));
  const editor = d.filter((x) => !EDITOR_ONLY.test(String(x.code))).map((x) => `${x.range.start.line} ${SEVERITY[x.severity!]}: ${x.message}`);
  return { cli: cli.sort(), editor: editor.sort(), notes: d.filter((x) => x.code === 'mtrr-note').map((x) => x.message), stdout: r.stdout };
}


const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-problems-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
/** Two variable MTRRs overlapping with types WB and WC (the SDM leaves that undefined). */
const conflictFile = fixturePath('mtrr-conflict.dmesg');
/** A thousand non-contiguous masks: more blocks than the planner follows (truncated-mask warnings). */
const hostileFile = path.join(tmp, 'hostile.dmesg');
const hostile = ['[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable', '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable'];
hostile.push('[    0.001697] MTRR default type: write-back', '[    0.001703] MTRR variable ranges enabled:');
for (let i = 0; i < 1000; i++) hostile.push(`[    0.001705]   ${i} base 0000000000 mask 5555555000 ${i % 2 ? 'uncachable' : 'write-combining'}`);
fs.writeFileSync(hostileFile, hostile.join('\n') + '\n');

const BAD = fs.readdirSync(fixturePath('bad')).filter((f) => !f.endsWith('.json') && !f.endsWith('.mjs')).map((f) => `bad/${f}`);
const CASES: [string, string | undefined][] = [
  ...[...MAP_FIXTURES, ...BAD, 'real/dell-latitude-e6510-36bit.dmesg'].map((f): [string, undefined] => [fixturePath(f), undefined]),
  [fixturePath('hyperplatform-laptop-8gb.log'), '8G'],
  [fixturePath('real/linux-media-hp-spectre-x360-16-meteor-lake-6.13-dmesg-excerpt.dmesg'), undefined],
  [fixturePath('real/amd-gfx-2025-ryzen-iomem-mail-quoted-interleaved.iomem'), '16G'],
  [conflictFile, undefined],
  [hostileFile, undefined],
];

for (const [file, limit] of CASES) {
  test(`ept-plan's warnings and the editor's diagnostics are one list: ${file.startsWith(tmp) ? path.basename(file) : path.relative(ROOT, file)}${limit ? ` --limit ${limit}` : ''}`, () => {
    const { cli, editor, notes, stdout } = both(file, limit);
    assert.deepEqual(cli, editor);
    // The dump's notes are in the CLI's plan (its notes lines), not on stderr.
    for (const n of notes) assert.ok(stdout.includes(n), n);
  });
}

test('the rules each case is there for show up (so the list comparison is not vacuous)', () => {
  const codes = (file: string, limit?: string) => new Set(computeDiagnostics(new Analysis(new DocumentModel('file:///t/x', 1, fs.readFileSync(file, 'utf8'))), resolveSettings({ ...(limit ? { limit } : {}), maxDiagnostics: 100_000 })).map((d) => d.code));
  assert.ok(codes(conflictFile).has('mtrr-conflict'));
  assert.ok(codes(fixturePath('real/dell-latitude-e6510-36bit.dmesg')).has('limit-past-maxphyaddr'));
  assert.ok(codes(fixturePath('hyperplatform-laptop-8gb.log'), '8G').has('beyond-limit'));
  assert.ok(codes(fixturePath('bad/overlap-duplicate.dmesg')).has('duplicate'));
  assert.ok(codes(hostileFile).has('mtrr-noncontiguous-mask'));
  assert.ok(codes(fixturePath('bad/iomem-all-zero.iomem')).has('iomem-no-root'));
  assert.ok(codes(fixturePath('real/amd-gfx-2025-ryzen-iomem-mail-quoted-interleaved.iomem'), '16G').has('mmio-beyond-limit'));
});

test('known MMIO past the limit is a diagnostic in the editor too, on its line and fields (Meteor Lake root window, line 27)', () => {
  const file = fixturePath('real/linux-media-hp-spectre-x360-16-meteor-lake-6.13-dmesg-excerpt.dmesg');
  const text = fs.readFileSync(file, 'utf8');
  const d = computeDiagnostics(new Analysis(new DocumentModel('file:///t/mtl.dmesg', 1, text)), resolveSettings({}))
    .filter((x) => x.code === 'mmio-beyond-limit');
  assert.equal(d.length, 1);
  assert.equal(d[0].range.start.line, 26);
  assert.match(d[0].message, /\[0x8000000000, 0x3ffc0000000\) lies beyond the limit 0x8000000000 and is not mapped \(eptLens\.limit = 512G\)/);
  const line = text.split('\n')[26];
  assert.match(line.slice(d[0].range.start.character, d[0].range.end.character), /^0x0*4000000000-0x0*3ffbfffffff$/i);
});

test('CLI and editor agree where they used to differ: the MTRR conflict is a warning on its register line in both; the past-MAXPHYADDR warning names its line in the CLI too', () => {
  const r = spawnSync(process.execPath, [CLI, conflictFile], { encoding: 'utf8', cwd: ROOT });
  assert.match(r.stderr, new RegExp(`${path.basename(conflictFile)}:6: warning: MTRRs 0, 1 overlap at 0x40000000–0x80000000 with types WB and WC`));
  const e = spawnSync(process.execPath, [CLI, fixturePath('real/dell-latitude-e6510-36bit.dmesg')], { encoding: 'utf8', cwd: ROOT });
  assert.match(e.stderr, /e6510-36bit\.dmesg:32: warning: the identity map's limit 512 GiB is past the 64 GiB physical address space .*--limit phys maps exactly 64 GiB/);
});

test('a --mtrr FILE: a conflict between its registers is named on its own line, not on a line of the log', () => {
  const mtrr = path.join(tmp, 'conflict.mtrr');
  fs.writeFileSync(mtrr, fs.readFileSync(conflictFile, 'utf8').split('\n').slice(3).join('\n'));
  const r = spawnSync(process.execPath, [CLI, '--mtrr', mtrr, fixturePath('desktop-i7-2600.iomem')], { encoding: 'utf8', cwd: ROOT });
  assert.match(r.stderr, new RegExp(`conflict\\.mtrr:3: warning: MTRRs 0, 1 overlap at 0x40000000–0x80000000`), r.stderr);
});

test('RAM the MTRRs leave other than WB is a warning on its line, in the CLI and the editor alike; none with the MTRRs off or an assumed default', () => {
  // Worked by hand: default UC, one WB range [0, 2 GiB); RAM [1 MiB, 3 GiB) is WB up to 2 GiB,
  // so 1 GiB of it is UC. The low RAM [0, 640 KiB) is WB by the fixed ranges.
  const dump = (lines: string[]) => [
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable',
    '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable',
    ...lines,
  ].join('\n') + '\n';
  const file = path.join(tmp, 'ram-uc.dmesg');
  fs.writeFileSync(file, dump(['[    0.000000] MTRR default type: uncachable', '[    0.000000] MTRR fixed ranges enabled:', '[    0.000000]   00000-9FFFF write-back',
    '[    0.000000] MTRR variable ranges enabled:', '[    0.000000]   0 base 0000000000 mask FF80000000 write-back']));
  const { cli, editor } = both(file, undefined);
  assert.deepEqual(cli, editor);
  assert.deepEqual(cli.filter((l) => /not write-back/.test(l)), ['1 warning: the MTRRs make 1 GiB UC of the RAM 0x100000–0xc0000000 not write-back: planned so, but an OS using it as RAM runs slowly there, and Linux trims RAM the MTRRs leave uncached at the top of memory']);
  const off = path.join(tmp, 'ram-mtrr-off.dmesg');
  fs.writeFileSync(off, dump(['[    0.000000] MTRR default type: uncachable', '[    0.000000] MTRR variable ranges disabled:']));
  assert.deepEqual(both(off, undefined).cli.filter((l) => /not write-back/.test(l)), []);
  const proc = path.join(tmp, 'ram-proc.dmesg');
  fs.writeFileSync(proc, dump(['reg00: base=0x00000000 (   0MB), size=2048MB: write-back, count=1']));
  assert.deepEqual(both(proc, undefined).cli.filter((l) => /not write-back/.test(l)), [], '/proc/mtrr shows no default type: nothing is claimed');
});
