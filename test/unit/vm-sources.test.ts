// Issue 11, part 2: what VM users paste. SeaBIOS's e820 table, Docker for Windows' Moby console
// lines, and a firmware map whose first lines the paste lost. Lines are real (sources named).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupMaps, RangeRecord, scanText } from '../../src/formats';

// intel/XenGT-Preview-kernel#7 (Bill32): SeaBIOS in a Xen HVM guest, on Xen's console.
const SEABIOS = [
  '(XEN) HVM4: e820 map has 8 items:',
  '(XEN) HVM4:   0: 0000000000000000 - 000000000009fc00 = 1 RAM',
  '(XEN) HVM4:   1: 000000000009fc00 - 00000000000a0000 = 2 RESERVED',
  '(XEN) HVM4:   6: 00000000fdffd000 - 00000000fe000000 = 4 NVS',
].join('\n');

test("SeaBIOS's e820 entries: exclusive end, type 1 is RAM, fields on their columns", () => {
  const ranges = scanText(SEABIOS).filter((r): r is RangeRecord => r.kind === 'range');
  assert.deepEqual(ranges.map((r) => [r.format, r.start, r.end, r.ram, r.typeName]), [
    ['seabios', 0, 0x9fc00, true, '1 RAM'],
    ['seabios', 0x9fc00, 0xa0000, false, '2 RESERVED'],
    ['seabios', 0xfdffd000, 0xfe000000, false, '4 NVS'],
  ]);
  const line = SEABIOS.split('\n')[1];
  const r = ranges[0];
  assert.equal(line.slice(r.fields.start.start, r.fields.start.end), '0000000000000000');
  assert.equal(line.slice(r.fields.end.start, r.fields.end.end), '000000000009fc00');
  assert.equal(line.slice(r.fields.type!.start, r.fields.type!.end), '1 RAM');
  // The same entry on QEMU's debug console (no prefix), and behind later Xen's `(d4) ` prefix.
  for (const text of ['  0: 0000000000000000 - 000000000009fc00 = 1 RAM', '(XEN) (d4)   0: 0000000000000000 - 000000000009fc00 = 1 RAM']) {
    const [rec] = scanText(text);
    assert.equal(rec?.kind === 'range' && rec.format === 'seabios' && rec.end, 0x9fc00, text);
  }
  // Not SeaBIOS: a numbered list of something else.
  assert.equal(scanText('  0: 0000000000000000 - 000000000009fc00 = 1 apples').length, 0);
});

test("Docker for Windows' [time][component][level] prefix is an envelope", () => {
  // docker/for-win#267 (Ncage1974)
  const [rec] = scanText('[07:50:34.983][Moby           ][Info   ] BIOS-e820: [mem 0x000000007ffff000-0x000000007fffffff] usable');
  assert.ok(rec?.kind === 'range' && rec.format === 'e820' && rec.ram);
  assert.equal(rec.start, 0x7ffff000);
});

// googledatalab/datalab#878 (dsignr): a GCE syslog paste that starts at the map's second entry.
const GCE = [
  'Jul  8 07:06:53 gae-datalab-main-1cim kernel: [    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved',
  'Jul  8 07:06:53 gae-datalab-main-1cim kernel: [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bfffcfff] usable',
];

test("a firmware map whose lowest entry is above 0 lost its head: a warning on that entry's line", () => {
  const [map] = groupMaps(scanText(GCE.join('\n'))).maps;
  const note = map.notes.find((n) => n.code === 'map-head-missing');
  assert.ok(note);
  assert.equal(note.severity, 'warning');
  assert.equal(note.line, 0);
  assert.match(note.message, /lowest entry starts at 0x9fc00, not 0/);
  // With its first entry the map is whole; a grep of /proc/iomem's RAM legitimately starts at 0x1000.
  const whole = ['Jul  8 07:06:53 h kernel: [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable', ...GCE];
  assert.deepEqual(groupMaps(scanText(whole.join('\n'))).maps[0].notes, []);
  assert.deepEqual(groupMaps(scanText('00001000-0009fbff : System RAM\n00100000-0f7fefff : System RAM')).maps[0].notes, []);
});

test("a range Google Groups wrapped at the blank after '[mem' is read on the line holding it; other lines ending in '[mem ' stay as they are", () => {
  // kasan-dev, 2024-10-03, <b6b89138-54d0-4f6f-86d3-6ed50fd6e80dn@googlegroups.com>
  const lines = [
    '[    0.000000][    T0] BIOS-e820: [mem ',
    '0x0000000000100000-0x00000000bffdffff] usable',
    '[    0.000000][    T0] BIOS-e820: [mem ',
    '[    0.000000][    T0] BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved',
    '[    0.058542][    T0] Faking a node at [mem ',
    '0x0000000000000000-0x00000001bfffffff]',
  ];
  const ranges = scanText(lines.join('\n')).filter((r): r is RangeRecord => r.kind === 'range');
  assert.deepEqual(ranges.map((r) => [r.line, r.start, r.end, r.ram, r.typeName]), [
    [1, 0x100000, 0xbffe0000, true, 'usable'],
    [3, 0xbffe0000, 0xc0000000, false, 'reserved'],
  ]);
  const r = ranges[0];
  assert.equal(lines[1].slice(r.fields.start.start, r.fields.start.end), '0x0000000000100000');
  assert.equal(lines[1].slice(r.fields.end.start, r.fields.end.end), '0x00000000bffdffff');
  assert.equal(lines[1].slice(r.fields.type!.start, r.fields.type!.end), 'usable');
});

test("'MTRR: Disabled' (a VirtualBox guest, bmuschko/cka-study-guide#10): every address UC, no default type assumed or asked for", () => {
  const doc = groupMaps(scanText([
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
    '[    0.000000] e820: last_pfn = 0x7fff0 max_arch_pfn = 0x400000000',
    '[    0.000000] MTRR: Disabled',
  ].join('\n')));
  const dump = doc.maps[0].mtrr;
  assert.ok(dump);
  assert.equal(dump.state.enabled, false);
  assert.equal(dump.state.defaultTypeKnown, true);
  assert.deepEqual(dump.notes, []);
});
