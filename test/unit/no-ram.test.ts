// No confident wrong answers (issue 11 item 5): a map whose RAM comes out empty, or whose type
// names are unknown, is said, in the map's notes (the editor's diagnostics) and by the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { groupMaps, RangeRecord, scanText } from '../../src/formats';
import { ROOT } from '../support/fixtures';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const run = (input: string) => {
  const r = spawnSync(process.execPath, [CLI], { input, encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

// Real lines (linux-pci, Hans de Goede, 2022-03-24, <4e9fca2f-0af1-3684-6c97-4c35befd5019@redhat.com>),
// only the non-RAM entries kept: a map that lists ranges but no RAM.
const NO_RAM = [
  ' 1840 17:54:41.413121  <6>[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x0000000000000fff] type 16',
  ' 1842 17:54:41.430192  <6>[    0.000000] BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff] reserved',
  ' 1846 17:54:41.459966  <6>[    0.000000] BIOS-e820: [mem 0x000000007a9fd000-0x000000007affffff] type 16',
].join('\n');

test('a map with ranges but no RAM gets a warning note naming the types it saw', () => {
  const [map] = groupMaps(scanText(NO_RAM)).maps;
  const note = map.notes.find((n) => n.code === 'no-ram');
  assert.ok(note, 'no-ram note');
  assert.equal(note.severity, 'warning');
  assert.equal(note.line, 0);
  assert.match(note.message, /none of the 3 ranges of this map is RAM \(types: 'type 16', 'reserved'\)/);
});

test('a map with RAM has no such note; an all-zero /proc/iomem keeps its own error only', () => {
  const withRam = NO_RAM + '\n 1841 17:54:41.419712  <6>[    0.000000] BIOS-e820: [mem 0x0000000000001000-0x000000000009ffff] usable';
  assert.deepEqual(groupMaps(scanText(withRam)).maps[0].notes, []);
  const noRoot = groupMaps(scanText('00000000-00000000 : Reserved\n00000000-00000000 : System RAM')).maps[0];
  assert.deepEqual(noRoot.notes.map((n) => n.code), ['iomem-no-root']);
});

test('an e820 type name no kernel prints is a warning on its field, and is not RAM', () => {
  const line = '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable-ish';
  const [r] = scanText(line) as RangeRecord[];
  assert.equal(r.ram, false);
  assert.deepEqual(r.problems.map((p) => [p.code, p.severity, line.slice(p.field.start, p.field.end)]), [['unknown-range-type', 'warning', 'usable-ish']]);
  // Every name Linux and Xen print is known: no warning.
  for (const t of ['usable', 'reserved', 'ACPI data', 'ACPI NVS', 'unusable', 'persistent (type 12)', 'soft reserved', 'type 16', 'System RAM', 'device reserved', 'persistent RAM (type 12)']) {
    const [k] = scanText(`BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] ${t}`) as RangeRecord[];
    assert.deepEqual(k.problems, [], t);
  }
});

test('CLI: a 0-RAM plan is printed with the warning and exits 4; a plan with RAM exits 0', () => {
  const r = run(NO_RAM);
  assert.equal(r.code, 4, r.err);
  assert.match(r.err, /<stdin>:1: warning: none of the 3 ranges of this map is RAM/);
  assert.match(r.out, /RAM: 0 ranges/);
  const ok = run(NO_RAM + '\n 1841 17:54:41.419712  <6>[    0.000000] BIOS-e820: [mem 0x0000000000001000-0x000000000009ffff] usable');
  assert.equal(ok.code, 0, ok.err);
});
