// The memory-map readers on real fixtures and on the variants people paste.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkMapRanges, groupMaps, lateStart, MapRecord, ramInputs, RangeRecord, scanText, splitLines } from '../../src/formats';
import { fixture } from '../support/fixtures';

const ranges = (recs: MapRecord[]): RangeRecord[] => recs.filter((r): r is RangeRecord => r.kind === 'range');
const HP = (start: string, end: string, note = '') => `07:23:37.223\tDBG\t#2\t    4\t 7656\tSystem         \tPhysical Memory Range: ${start} - ${end}${note}`;

test('HyperPlatform: TAB-separated real log, exclusive ends, field positions', () => {
  const text = fixture('hyperplatform-laptop-8gb.log');
  const recs = ranges(scanText(text));
  assert.equal(recs.length, 9);
  assert.deepEqual([recs[0].start, recs[0].end, recs[0].line], [0x15000, 0x58000, 0]);
  const line = splitLines(text)[0];
  assert.equal(line.slice(recs[0].fields.start.start, recs[0].fields.start.end), '0000000000015000');
  assert.equal(line.slice(recs[0].fields.end.start, recs[0].fields.end.end), '0000000000058000');
  assert.equal(recs[8].end, 0x26f600000);
});

test('HyperPlatform hand annotations are kept as claimed counts for the gap before', () => {
  const recs = ranges(scanText(fixture('hyperplatform-issue29.log')));
  assert.deepEqual(recs[0].annotation?.claimed, { '4K': 0x15 });
  assert.deepEqual(recs[3].annotation?.claimed, { '4K': 1 });
  assert.deepEqual(recs[5].annotation?.claimed, { '4K': 0x1f, '2M': 1 });
  assert.equal(recs[5].annotation?.text, '.. 0x1f 4KB-enties and 1 2MB-entry');
  assert.equal(recs[8].annotation, undefined);
  // Spaces instead of TABs after copy-paste.
  const pasted = ranges(scanText('07:23:37.223    DBG    #2    4    7656   System    Physical Memory Range: 0000000000015000 - 0000000000058000  .. 1 4KB-entry'));
  assert.equal(pasted[0].end, 0x58000);
  assert.deepEqual(pasted[0].annotation?.claimed, { '4K': 1 });
});

test('e820: inclusive ends, usable is RAM, edits and `kernel:` prefixes', () => {
  const doc = groupMaps(scanText(fixture('thinkpad-x240.dmesg')));
  assert.equal(doc.maps.length, 1);
  const m = doc.maps[0];
  assert.equal(m.format, 'e820');
  // 18 firmware entries, then the 3 PCI root bus memory windows (depth 1: known MMIO, not the map).
  assert.equal(m.ranges.filter((r) => r.depth === 0).length, 18);
  assert.deepEqual(m.ranges.filter((r) => r.depth === 1).map((r) => r.typeName), ['PCI Bus 0000:00', 'PCI Bus 0000:00', 'PCI Bus 0000:00']);
  const t20 = m.ranges.find((r) => r.typeName === 'type 20')!;
  assert.equal(t20.ram, false);
  assert.deepEqual(ramInputs(m).slice(0, 2).map((r) => [r.start, r.end]), [[0, 0x58000], [0x59000, 0x8c000]]);
  const recs = scanText(fixture('thinkpad-x240.dmesg'));
  const edits = recs.filter((r) => r.kind === 'e820-edit');
  assert.ok(edits.length >= 2, 'update/remove lines are recorded as edits');
  const journal = ranges(scanText('Nov 30 12:00:00 host kernel: BIOS-e820: [mem 0x0000000000100000-0x00000000cfdc3fff] usable'));
  assert.deepEqual([journal[0].start, journal[0].end, journal[0].ram], [0x100000, 0xcfdc4000, true]);
  const old = ranges(scanText(' BIOS-e820: 0000000000000000 - 000000000009f000 (usable)'));
  assert.deepEqual([old[0].start, old[0].end], [0, 0x9f000]);
});

test('/proc/iomem: top-level System RAM only, unaligned edges, nesting depth', () => {
  const doc = groupMaps(scanText(fixture('desktop-i7-2600.iomem')));
  const m = doc.maps[0];
  const ram = ramInputs(m);
  assert.deepEqual(ram.map((r) => [r.start, r.end]), [
    [0x1000, 0x91800],
    [0x100000, 0xcf1fa000],
    [0xcf23e000, 0xcf5b7000],
    [0xcf7ff000, 0xcf800000],
    [0x100000000, 0x22e000000],
  ]);
  assert.ok(m.ranges.some((r) => r.depth === 2 && r.typeName === '0000:01:00.0'));
  assert.ok(!m.ranges.some((r) => r.depth > 0 && r.ram), 'Kernel code under System RAM is not RAM of its own');
});

test('/proc/iomem read without root: all zeros, said exactly', () => {
  const doc = groupMaps(scanText('00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n00000000-00000000 : System RAM\n'));
  assert.equal(doc.maps[0].notes[0].code, 'iomem-no-root');
  assert.match(doc.maps[0].notes[0].message, /read without root/);
  assert.deepEqual(ramInputs(doc.maps[0]), []);
});

test('Xen e820, both layouts', () => {
  const recs = ranges(scanText('(XEN)  [0000000000000000, 000000000009fbff] (usable)\n(XEN)  0000000100000000 - 000000041e800000 (usable)\n(XEN)  [00000000000a0000, 00000000000fffff] (reserved)'));
  assert.deepEqual(recs.map((r) => [r.start, r.end, r.ram]), [[0, 0x9fc00, true], [0x100000000, 0x41e800000, true], [0xa0000, 0x100000, false]]);
});

test('/proc/mtrr: both field orders', () => {
  const recs = scanText('reg00: base=0x000000000 (    0MB), size= 2048MB, count=1: write-back\nreg01: base=0x80000000 (2048MB), size= 512MB: uncachable, count=1\n');
  assert.equal(recs.length, 2);
  const [a, b] = recs as Extract<MapRecord, { kind: 'mtrr-variable' }>[];
  assert.deepEqual([a.base, a.size, a.type], [0, 2 ** 31, 'WB']);
  assert.deepEqual([b.base, b.size, b.type], [2 ** 31, 2 ** 29, 'UC']);
});

test('CRLF, lone CR and LF give the same records', () => {
  const lines = splitLines(fixture('hyperplatform-laptop-8gb.log'));
  const lf = scanText(lines.join('\n'));
  assert.deepEqual(scanText(lines.join('\r\n')), lf);
  assert.deepEqual(scanText(lines.join('\r')), lf);
});

test('bad ranges: malformed hex, end before start, past 2^52, zero length', () => {
  const recs = scanText([
    HP('00000000000150G0', '0000000000058000'),
    HP('0000000000059000', '0000000000008f00'),
    HP('0000000000000000', '1ffffffffffffffff'),
    '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000000fffff] usable',
  ].join('\n'));
  const codes = recs.flatMap((r) => ('problems' in r ? r.problems.map((p) => p.code) : []));
  assert.deepEqual(codes, ['malformed-hex', 'end-before-start', 'beyond-52-bits', 'empty-range']);
  const m = groupMaps(recs).maps;
  assert.equal(m.length, 2, 'HyperPlatform and e820 lines form separate maps');
  assert.deepEqual(ramInputs(m[0]), [], 'ranges with errors are not planned');
});

test('maps: two boots, a driver reload, unsorted entries, MTRRs attached to their map', () => {
  const boot = (usableEnd: string) => [
    '[    0.000000] Linux version 5.3.8',
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable',
    `[    0.000000] BIOS-e820: [mem 0x0000000000100000-${usableEnd}] usable`,
    '[    0.001697] MTRR default type: write-back',
  ];
  const doc = groupMaps(scanText([...boot('0x000000007fffffff'), ...boot('0x00000000bfffffff')].join('\n')));
  assert.equal(doc.maps.length, 2);
  assert.equal(doc.maps[0].mtrr?.firstLine, 3);
  assert.equal(doc.maps[1].mtrr?.firstLine, 7);

  const reload = groupMaps(scanText([HP('0000000000001000', '000000000009f000'), HP('0000000000100000', '0000000080000000'), 'unload', 'load', HP('0000000000001000', '000000000009f000')].join('\n')));
  assert.equal(reload.maps.length, 2, 'a restart after other lines is a new dump');

  const unsorted = groupMaps(scanText([HP('0000000000100000', '0000000080000000'), HP('0000000000001000', '000000000009f000'), HP('0000000000050000', '0000000000060000')].join('\n')));
  assert.equal(unsorted.maps.length, 1, 'without lines between, a step back is an unsorted entry');
  assert.deepEqual(checkMapRanges(unsorted.maps[0]).map((p) => p.code), ['unsorted', 'overlap']);

  const pasted = groupMaps(scanText(fixture('desktop-i7-2600.iomem') + '\n' + fixture('desktop-i7-2600.mtrr')));
  assert.equal(pasted.maps.length, 1);
  assert.equal(pasted.maps[0].mtrr?.source, 'proc');
});

test('readers never throw on arbitrary text and every field lies inside its line', () => {
  const fragments = fc.constantFrom(
    'Physical Memory Range: ', 'BIOS-e820: [mem 0x', '] usable', ' : System RAM', '(XEN)  [', 'reg00: base=0x', 'MTRR variable ranges enabled:', '  0 base 00C0000000 mask 7FC0000000 uncachable',
    'MTRR fixed ranges enabled:', '  00000-9FFFF write-back', '-', ' - ', '0000000000015000', 'ffffffffffffffffff', '\t', '\r\n', '\n', '\r', '\u0000', '[    0.000000] ', '..', '4KB-entry',
  );
  const text = fc.array(fc.oneof(fragments, fc.string({ maxLength: 20 })), { maxLength: 40 }).map((a) => a.join(''));
  fc.assert(
    fc.property(text, (t) => {
      const lines = splitLines(t);
      const recs = scanText(t);
      groupMaps(recs);
      for (const r of recs) {
        const len = lines[r.line].length;
        const fields = r.kind === 'range' ? [r.fields.start, r.fields.end, ...(r.fields.type ? [r.fields.type] : []), ...r.problems.map((p) => p.field)] : r.kind === 'malformed' ? r.problems.map((p) => p.field) : [];
        for (const f of fields) assert.ok(f.start >= 0 && f.start <= f.end && f.end <= len, `field ${JSON.stringify(f)} in a line of ${len}`);
      }
    }),
    { numRuns: 2000, seed: 1 },
  );
});

test('dmesg PCI root bus windows: known MMIO of the boot e820 map, named as /proc/iomem names them', () => {
  const text = [
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable',
    '[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000087fffffff] usable',
    '[    0.000000] DMI: HP HP Spectre x360 2-in-1 Laptop 16t-aa000/8C17, BIOS F.11 08/14/2024',
    '[    0.274801] pci_bus 0000:00: root bus resource [io  0x0d00-0xffff window]',
    '[    0.274802] pci_bus 0000:00: root bus resource [mem 0x000a0000-0x000bffff window]',
    '[    0.274805] pci_bus 0000:00: root bus resource [mem 0x4000000000-0x3ffbfffffff window]',
    '[    0.274807] pci_bus 0000:00: root bus resource [bus 00-fe]',
  ].join('\n');
  const { maps } = groupMaps(scanText(text));
  // One map: the windows (which start below the RAM before them) neither restart nor reorder it.
  assert.equal(maps.length, 1);
  assert.deepEqual(maps[0].ranges.map((r) => [r.start, r.end, r.ram, r.typeName, r.line, r.depth]), [
    [0, 0x9f000, true, 'usable', 0, 0],
    [0x100000000, 0x880000000, true, 'usable', 1, 0],
    [0xa0000, 0xc0000, false, 'PCI Bus 0000:00', 4, 1],
    [0x4000000000, 0x3ffc0000000, false, 'PCI Bus 0000:00', 5, 1],
  ]);
  assert.equal(maps[0].lastLine, 1);
  assert.deepEqual(checkMapRanges(maps[0]), []);
  const line = splitLines(text)[5];
  const w = maps[0].ranges[3];
  assert.equal(line.slice(w.fields.start.start, w.fields.end.end), '0x4000000000-0x3ffbfffffff');
  // Without a firmware map in the boot there is nothing for a window to belong to: no map of its own.
  assert.equal(groupMaps(scanText(splitLines(text).slice(3).join('\n'))).maps.length, 0);
});

test('lateStart: the first dmesg-stamped line decides; a boot at [0.000000] or a log without stamps is not late', () => {
  assert.deepEqual(lateStart('# source: x\n[ 7854.711347] usb 5-1: new device\n[    0.000000] Linux version 6.0\n'), { line: 2, seconds: 7854.711347, stamp: '7854.711347' });
  assert.equal(lateStart('[    0.000000] Linux version 5.4.0\n[ 7854.7] later\n'), undefined);
  assert.deepEqual(lateStart('[    0.194390] pci 0000:00:02.0: reg\n'), { line: 1, seconds: 0.19439, stamp: '0.194390' }, 'a log cut at 0.19 s has lost the map too');
  assert.equal(lateStart('BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)\nno stamps\n'), undefined);
  assert.equal(lateStart('Dec 04 21:00:00 host kernel: [ 9000.1] x\n'), undefined, 'a syslog prefix: not dmesg output');
  assert.equal(lateStart(`${'x\n'.repeat(60)}[ 9000.1] x\n`), undefined, 'only the first lines are read');
});
