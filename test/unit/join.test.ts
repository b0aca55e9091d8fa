// The mail line joiner (src/formats/join.ts): QP soft breaks and wrapped type names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { MapRecord, RangeRecord, scanText } from '../../src/formats';
import { createLineJoiner, decodeQp } from '../../src/formats/join';
import { scanStream } from '../../src/analysis/scan-stream';

const ranges = (recs: MapRecord[]): RangeRecord[] => recs.filter((r): r is RangeRecord => r.kind === 'range');
const joined = (lines: string[]): [string, number][] => {
  const out: [string, number][] = [];
  const j = createLineJoiner((t, i) => out.push([t, i]));
  lines.forEach((l, i) => j.push(l, i));
  j.flush();
  return out;
};
const E = '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff]';

test('QP soft break at column 76 is joined, escapes decoded, the first line keeps the number', () => {
  const a = `${E} usa=`.padStart(76, ' ');
  assert.equal(a.length, 76);
  const out = joined(['x', a, 'ble', 'panic=3D1']);
  assert.deepEqual(out, [['x', 0], [`${a.slice(0, -1)}ble`, 1], ['panic=1', 3]]);
});

test('a QP header turns QP on for short soft breaks too', () => {
  const out = joined(['Content-Transfer-Encoding: quoted-printable', '', 'ab=', 'cd =3D=20']);
  assert.deepEqual(out.slice(2), [['abcd = ', 2]]);
});

test('not QP: a short line ending in `=` is left alone and `=3D` is not decoded', () => {
  const out = joined(['Command line: console=', 'ttyS0 root=3D']);
  assert.deepEqual(out, [['Command line: console=', 0], ['ttyS0 root=3D', 1]]);
  assert.equal(decodeQp('a=3Db=ZZ'), 'a=b=ZZ');
});

test('a type name alone on the next line joins the range before it; other lines do not', () => {
  const recs = ranges(scanText([E, 'usable', `${E.replace('9ffff', 'fffff')}`, 'NX (Execute Disable) protection: active'].join('\n')));
  assert.equal(recs.length, 2);
  assert.deepEqual([recs[0].typeName, recs[0].ram, recs[0].line], ['usable', true, 0]);
  assert.equal(recs[1].line, 2);
  assert.notEqual(recs[1].typeName, 'NX (Execute Disable) protection: active');
});

test('the stream scan with its prefilter joins as the full scan does', async () => {
  const text = ['junk', `[    0.000000][    T0] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbf=`, 'f] usable',
    '(early) [    0.000000] Xen: [mem 0x0000000000100000-0x000000001fffffff]', 'reserved', 'tail'].join('\n');
  for (const everyLine of [false, true]) {
    const got: MapRecord[] = [];
    await scanStream(Readable.from([Buffer.from(text)]), { onRecord: (r) => got.push(r), everyLine });
    const r = ranges(got);
    assert.deepEqual(r.map((x) => [x.line, x.start, x.end, x.typeName]), [[1, 0, 0x9fc00, 'usable'], [3, 0x100000, 0x20000000, 'reserved']]);
  }
});
