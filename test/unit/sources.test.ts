// The memory-map sources added for issue 11 item 2, on real output copied into
// test/fixtures/sources/ (each file names its public source on its first line). Expected ranges
// are written down by hand from those files; plans are checked against test/support/tiny-cover.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { checkMapRanges, groupMaps, MapRecord, MtrrRangeRecord, ramInputs, RangeRecord, scanText } from '../../src/formats';
import { ROOT, fixture, fixturePath } from '../support/fixtures';
import { tinyPlan, TinyRange } from '../support/tiny-cover';

const src = (name: string): string => fixture(`sources/${name}`);
const ranges = (recs: MapRecord[]): RangeRecord[] => recs.filter((r): r is RangeRecord => r.kind === 'range');
const mtrrRanges = (recs: MapRecord[]): MtrrRangeRecord[] => recs.filter((r): r is MtrrRangeRecord => r.kind === 'mtrr-range');
const span = (r: { start: number; end: number }): [number, number] => [r.start, r.end];
const ram = (name: string, map = 0): [number, number][] => ramInputs(groupMaps(scanText(src(name))).maps[map]).map(span);

test('/sys/firmware/memmap: three lines per entry, inclusive ends, System RAM only', () => {
  const recs = ranges(scanText(src('sysfs-memmap-rhel9.txt')));
  assert.deepEqual(recs.map((r) => [r.start, r.end, r.typeName]), [
    [0x0, 0x9fc00, 'System RAM'],
    [0x9fc00, 0xa0000, 'Reserved'],
    [0xf0000, 0x100000, 'Reserved'],
    [0x100000, 0xbff80000, 'System RAM'],
    [0xbff80000, 0xc0000000, 'Reserved'],
    [0xfeffc000, 0xff000000, 'Reserved'],
    [0xfffc0000, 0x100000000, 'Reserved'],
    [0x100000000, 0x1040000000, 'System RAM'],
  ]);
  // Each entry spans its end, start and type lines (the file's lines 3–5 for entry 0).
  assert.deepEqual([recs[0].firstLine, recs[0].line], [2, 4]);
  assert.deepEqual(ram('sysfs-memmap-rhel9.txt'), [[0x0, 0x9fc00], [0x100000, 0xbff80000], [0x100000000, 0x1040000000]]);
});

test('/sys/firmware/memmap: the glob lists 0, 1, 10, 2 in text order: one map, not reported as unsorted; a missing line is', () => {
  const lines = (i: number, s: string, e: string, t: string) => [`/sys/firmware/memmap/${i}/end:${e}`, `/sys/firmware/memmap/${i}/start:${s}`, `/sys/firmware/memmap/${i}/type:${t}`];
  const text = [
    ...lines(0, '0x0', '0x9fbff', 'System RAM'),
    ...lines(1, '0x100000', '0xbfffffff', 'System RAM'),
    ...lines(10, '0x100000000', '0x13fffffff', 'System RAM'),
    ...lines(2, '0xc0000000', '0xfeffffff', 'Reserved'),
  ].join('\n');
  const doc = groupMaps(scanText(text));
  assert.equal(doc.maps.length, 1);
  assert.equal(doc.maps[0].ranges.length, 4);
  assert.deepEqual(checkMapRanges(doc.maps[0]), []);
  const broken = scanText(['/sys/firmware/memmap/0/end:0x9fbff', '/sys/firmware/memmap/0/type:System RAM', '/sys/firmware/memmap/1/end:0x9ffff'].join('\n'));
  const bad = broken.find((r) => r.kind === 'malformed');
  assert.ok(bad && bad.kind === 'malformed' && /memmap\/0 has no start/.test(bad.problems[0].message));
});

test('QEMU info mtree: only address-space memory; RAM by priority, aliases of RAM included, vga.vram is ram', () => {
  const doc = groupMaps(scanText(src('qemu-mtree-i440fx.txt')));
  assert.equal(doc.maps.length, 1, 'cpu-memory-0, I/O and memory-region listings are not maps');
  assert.equal(doc.maps[0].ranges.length, 32);
  // ram-below-4g [0, 1 GiB) under smram-region (i/o, prio 1) at [0xa0000, 0xc0000); the pam-* aliases
  // (ram, prio 1) and kvmvapic-rom keep [0xc0000, 0x100000) RAM; vga.vram (ram) under pci.
  assert.deepEqual(ram('qemu-mtree-i440fx.txt'), [[0x0, 0xa0000], [0xc0000, 0x40000000], [0xfd000000, 0xfe000000]]);
});

test('QEMU info mtree -f: the flat view of address-space memory; rom and i/o are not RAM', () => {
  const doc = groupMaps(scanText(src('qemu-mtree-ovmf-q35.txt')));
  assert.equal(doc.maps.length, 2);
  assert.deepEqual(ram('qemu-mtree-ovmf-q35.txt', 0), [[0x0, 0x80000000]]);
  assert.deepEqual(ram('qemu-mtree-ovmf-q35.txt', 1), [[0x0, 0x30000], [0x50000, 0xb0000]]);
});

test('QEMU info mtree before 4.2: aliases printed as i/o; the alias of pc.ram is still RAM (and said so)', () => {
  // The memory lines of a qemu-devel report on QEMU 4.0.1 (2019, "vhost … Hyper-V synic"), unquoted.
  const text = [
    'address-space: memory',
    '  0000000000000000-ffffffffffffffff (prio 0, i/o): system',
    '    0000000000000000-000000003fffffff (prio 0, i/o): alias ram-below-4g @pc.ram 0000000000000000-000000003fffffff',
    '    0000000000000000-ffffffffffffffff (prio -1, i/o): pci',
    '      00000000000a0000-00000000000affff (prio 2, i/o): alias vga.chain4 @vga.vram 0000000000000000-000000000000ffff',
    '      00000000000a0000-00000000000bffff (prio 1, i/o): vga-lowmem',
  ].join('\n');
  const map = groupMaps(scanText(text)).maps[0];
  assert.deepEqual(ramInputs(map).map(span), [[0x0, 0x40000000]]);
  assert.equal(map.ranges[1].problems[0].code, 'mtree-old-alias');
});

test('QEMU 2.x info mtree: access flags instead of types; an RW alias of pc.ram is RAM, a read-only (R-) one is not, a disabled one says nothing', () => {
  const text = [
    'address-space: memory',
    '  0000000000000000-ffffffffffffffff (prio 0, RW): system',
    '    0000000000000000-00000000bfffffff (prio 0, RW): alias ram-below-4g @pc.ram 0000000000000000-00000000bfffffff',
    '    0000000000000000-ffffffffffffffff (prio -1, RW): pci',
    '    00000000000c0000-00000000000c3fff (prio 1, RW): alias pam-ram @pc.ram 00000000000c0000-00000000000c3fff [disabled]',
    '    00000000000c0000-00000000000c3fff (prio 1, R-): alias pam-rom @pc.ram 00000000000c0000-00000000000c3fff',
  ].join('\n');
  const map = groupMaps(scanText(text)).maps[0];
  // Worked by hand: the prio-1 read-only shadow hides [0xc0000, 0xc4000) of the prio-0 RAM alias.
  assert.deepEqual(ramInputs(map).map(span), [[0x0, 0xc0000], [0xc4000, 0xc0000000]]);
  assert.deepEqual(map.ranges.map((r) => [r.ram, r.problems.map((p) => p.code)]), [[false, []], [true, ['mtree-old-alias']], [false, []], [false, []], [false, []]]);
});

test('MemInfo -r: exclusive ends; a page count that disagrees with the range is a warning', () => {
  const recs = ranges(scanText(src('meminfo-virtualbox.txt')));
  assert.deepEqual(recs.map(span), [[0x1000, 0x9f000], [0x100000, 0x102000], [0x103000, 0xdfff0000], [0x100000000, 0x220000000]]);
  assert.ok(recs.every((r) => r.format === 'meminfo' && r.problems.length === 0));
  const edited = ranges(scanText('Physical Memory Range: 0000000000001000 to 000000000009F000 (159 pages, 632 KB)'))[0];
  assert.equal(edited.problems[0].code, 'meminfo-page-count');
  // HyperPlatform's own `Physical Memory Range: X - Y` is still HyperPlatform's.
  assert.equal(ranges(scanText('Physical Memory Range: 0000000000001000 - 000000000009f000'))[0].format, 'hyperplatform');
});

test('hvpp: physical ranges (exclusive) and the variable MTRR list as typed ranges; empty slots are not ranges', () => {
  const recs = scanText(src('hvpp-format.log'));
  assert.deepEqual(ranges(recs).map(span), [[0x1000, 0x9f000], [0x100000, 0x102000], [0x103000, 0xdfff0000], [0x100000000, 0x220000000]]);
  assert.deepEqual(mtrrRanges(recs).map((r) => [r.start, r.end, r.type, r.fixed]), [[0x0, 0x4000000000, 'WB', false], [0xc0000000, 0x100000000, 'UC', false]]);
  assert.equal(recs.filter((r) => r.kind === 'mtrr-disabled-slot').length, 1);
  const dump = groupMaps(recs).maps[0].mtrr!;
  assert.equal(dump.source, 'hvpp');
  assert.deepEqual(dump.state.ranges!.map((r) => [r.start, r.end, r.type]), [[0x0, 0x4000000000, 'WB'], [0xc0000000, 0x100000000, 'UC']]);
  assert.equal(dump.state.defaultTypeKnown, false);
});

test('HyperDbg (gbhv format): `MTRR Range: Base= End= Type=` after HyperDbg\'s prefix, inclusive end, numeric type', () => {
  const recs = mtrrRanges(scanText(src('hyperdbg-issue29.log')));
  assert.deepEqual(recs.map((r) => [r.start, r.end, r.type, r.source]), [[0x0, 0x4000000000, 'WB', 'gbhv'], [0xc0000000, 0x100000000, 'UC', 'gbhv']]);
  const reserved = scanText('MTRR Range: Base=0x0 End=0xFFFFF Type=0x2')[0];
  assert.ok(reserved.kind === 'malformed' && reserved.problems[0].code === 'unknown-memory-type');
});

test('ksm: Range lines as RAM (Linux: inclusive), its default type and MTRR list; fixed ranges past 1 MiB are reported', () => {
  const recs = scanText(src('ksm-issue23.dmesg'));
  assert.deepEqual(ranges(recs).map(span), [[0x1000, 0x9fc00], [0x100000, 0x3ffec000]]);
  const list = mtrrRanges(recs);
  assert.deepEqual(list.map((r) => [r.start, r.end, r.type, r.fixed]), [
    [0x0, 0x10000, 'WB', true], [0x10000, 0x20000, 'WB', true], [0x30000, 0x40000, 'WB', true], [0x60000, 0x70000, 'WB', true],
    [0xa0000, 0xb0000, 'WB', true], [0xf0000, 0x100000, 'WB', true], [0x150000, 0x160000, 'WB', true], [0x1c0000, 0x1d0000, 'WB', true],
  ]);
  assert.deepEqual(list.map((r) => r.problems.map((p) => p.code).join()), ['', '', '', '', '', '', 'mtrr-fixed-past-1mib', 'mtrr-fixed-past-1mib']);
  const dump = groupMaps(recs).maps[0].mtrr!;
  assert.deepEqual([dump.source, dump.state.defaultType, dump.state.defaultTypeKnown, dump.state.fixedEnabled], ['ksm', 'UC', true, true]);
  // Windows ksm prints MmGetPhysicalMemoryRanges ends: 4 KiB aligned, exclusive.
  const win = ranges(scanText('ksm: CPU 0: ksm_init: Range: 0x0000000000001000 -> 0x000000000009F000'))[0];
  assert.deepEqual(span(win), [0x1000, 0x9f000]);
});

test('mtrr_cleanup: the New variable MTRRs replace the boot dump\'s variable ranges; its fixed ranges and default stay', () => {
  const doc = groupMaps(scanText(src('mtrr-cleanup-dh87rl.dmesg')));
  const map = doc.maps[0];
  const dump = map.mtrr!;
  assert.equal(dump.source, 'mtrr-cleanup');
  const M = 2 ** 20;
  const G = 2 ** 30;
  assert.deepEqual(dump.state.ranges!.map((r) => [r.start, r.end, r.type]), [
    [0, 2 * G, 'WB'], [2 * G, 3 * G, 'WB'], [3 * G, 3 * G + 256 * M, 'WB'], [3328 * M, 3456 * M, 'WB'],
    [3440 * M, 3456 * M, 'UC'], [4 * G, 4 * G + 512 * M, 'WB'], [4606 * M, 4608 * M, 'UC'],
  ]);
  assert.equal(dump.state.variable.length, 0);
  assert.deepEqual(dump.state.fixed.map((f) => [f.start, f.end, f.type]), [
    [0x0, 0xa0000, 'WB'], [0xa0000, 0xc0000, 'UC'], [0xc0000, 0xd0000, 'WP'], [0xd0000, 0xe8000, 'UC'], [0xe8000, 0x100000, 'WP'],
  ]);
  assert.deepEqual([dump.state.defaultType, dump.state.defaultTypeKnown, dump.state.fixedEnabled], ['UC', true, true]);
  assert.ok(map.notes.some((n) => n.code === 'mtrr-rewritten'));
});

const CLI = path.join(ROOT, 'dist', 'cli.js');
function cliJson(name: string): { ram: { start: string; end: string }[]; totals: { mmio: Record<string, number> }; tables: Record<string, number>; gaps: { memoryType: string }[] } {
  const r = spawnSync(process.execPath, [CLI, '--json', fixturePath(`sources/${name}`)], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}
const hexRanges = (rs: TinyRange[]) => rs.map((r) => ({ start: `0x${r.start.toString(16)}`, end: `0x${r.end.toString(16)}` }));

for (const [name, expected] of [
  ['qemu-mtree-i440fx.txt', [{ start: 0x0, end: 0xa0000 }, { start: 0xc0000, end: 0x40000000 }, { start: 0xfd000000, end: 0xfe000000 }]],
  ['hvpp-format.log', [{ start: 0x1000, end: 0x9f000 }, { start: 0x100000, end: 0x102000 }, { start: 0x103000, end: 0xdfff0000 }, { start: 0x100000000, end: 0x220000000 }]],
  ['sysfs-memmap-rhel9.txt', [{ start: 0x0, end: 0xa0000 }, { start: 0x100000, end: 0xbff80000 }, { start: 0x100000000, end: 0x1040000000 }]],
] as [string, TinyRange[]][]) {
  test(`ept-plan on ${name}: RAM written down by hand, gaps and tables as the independent tiny model counts them`, () => {
    const plan = cliJson(name);
    assert.deepEqual(plan.ram.map(({ start, end }) => ({ start, end })), hexRanges(expected));
    const oracle = tinyPlan(expected, 2 ** 39);
    assert.deepEqual(plan.totals.mmio, oracle.gaps);
    assert.deepEqual(plan.tables, oracle.tables);
  });
}

test('ept-plan on the hvpp sample: gap types from hvpp\'s own MTRR list (default UC assumed, said so)', () => {
  const r = spawnSync(process.execPath, [CLI, fixturePath('sources/hvpp-format.log')], { encoding: 'utf8', cwd: ROOT });
  assert.match(r.stdout, /memory types from the hvpp MTRR range list at .* line 8 \(default type UC assumed/);
  // [0xdfff0000, 4 GiB) lies in the UC range; the tail is WB up to 256 GiB, then the default.
  assert.deepEqual(cliJson('hvpp-format.log').gaps.map((g) => g.memoryType), ['WB', 'WB', 'WB', 'UC', 'mixed']);
});

test('ept-plan on QEMU mtree: whole-space containers (system, pci) are not reported as MMIO past the limit', () => {
  const r = spawnSync(process.execPath, [CLI, fixturePath('sources/qemu-mtree-i440fx.txt')], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
});
