// The mail line joiner (src/formats/join.ts): QP soft breaks and wrapped type names, and where the
// joined record's fields land on the real lines (src/formats/columns.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { MapRecord, RangeRecord, newScanState, scanText } from '../../src/formats';
import { endJoin, joinLine } from '../../src/formats/join';
import { logicalLine } from '../../src/formats/columns';
import { scanStream } from '../../src/analysis/scan-stream';

const ranges = (recs: MapRecord[]): RangeRecord[] => recs.filter((r): r is RangeRecord => r.kind === 'range');
const joined = (lines: string[]): [string, number][] => {
  const out: [string, number][] = [];
  const s = newScanState();
  const sink = (_s: unknown, t: string, i: number) => out.push([t, i]);
  lines.forEach((l, i) => joinLine(s, l, i, sink, undefined));
  endJoin(s, lines.length, sink, undefined);
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
  assert.equal(logicalLine('a=3Db=ZZ', [{ at: 0, col: 0 }], true).text, 'a=b=ZZ');
});

test('a soft break on every line does not make one logical line of the whole text', () => {
  const lines = ['Content-Transfer-Encoding: quoted-printable', ...Array.from({ length: 1000 }, () => 'x=')];
  const out = joined(lines);
  assert.ok(out.length > 10, `${out.length} logical lines`);
  assert.equal(out.map(([t]) => t.length).reduce((a, b) => a + b, 0) >= 1000, true, 'no text lost');
});

test('a type name alone on the next line joins the range before it; other lines do not', () => {
  const recs = ranges(scanText([E, 'usable', `${E.replace('9ffff', 'fffff')}`, 'NX (Execute Disable) protection: active'].join('\n')));
  assert.equal(recs.length, 2);
  assert.deepEqual([recs[0].typeName, recs[0].ram, recs[0].line, recs[0].lastLine], ['usable', true, 0, 1]);
  assert.equal(recs[1].line, 2);
  assert.equal(recs[1].lastLine, undefined);
  assert.notEqual(recs[1].typeName, 'NX (Execute Disable) protection: active');
});

test('the joined record points at the real characters: fields on the first line, each value on its own in `spread`', () => {
  const l0 = `[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbf=`;
  const l1 = 'f] usable';
  const [r] = ranges(scanText(['Content-Transfer-Encoding: quoted-printable', l0, l1].join('\n')));
  assert.deepEqual([r.line, r.lastLine, r.end], [1, 2, 0x9fc00]);
  const s = l0.indexOf('0x0000000000000000');
  assert.deepEqual(r.fields.start, { start: s, end: s + 18 });
  // The end address runs over the break: on the first line, cut before the soft-break `=`.
  const e = l0.indexOf('0x000000000009fbf');
  assert.deepEqual(r.fields.end, { start: e, end: l0.length - 1 });
  assert.deepEqual(r.spread?.type, { line: 2, field: { start: 3, end: 9 } });
  // Escapes: columns past a `=20` count its three characters.
  const q = '[    0.000000]=20BIOS-e820: [mem 0x0000000000100000-0x00000000001fffff] usable';
  const [d] = ranges(scanText(['Content-Transfer-Encoding: quoted-printable', q].join('\n')));
  assert.deepEqual(d.fields.type, { start: q.length - 6, end: q.length });
  assert.equal(d.lastLine, undefined);
});

test('the stream scan with its prefilter joins as the full scan does', async () => {
  const text = ['junk', `[    0.000000][    T0] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbf=`, 'f] usable',
    '(early) [    0.000000] Xen: [mem 0x0000000000100000-0x000000001fffffff]', 'reserved', 'tail'].join('\n');
  for (const everyLine of [false, true]) {
    const got: MapRecord[] = [];
    await scanStream(Readable.from([Buffer.from(text)]), { onRecord: (r) => got.push(r), everyLine });
    const r = ranges(got);
    assert.deepEqual(r.map((x) => [x.line, x.start, x.end, x.typeName]), [[1, 0, 0x9fc00, 'usable'], [3, 0x100000, 0x20000000, 'reserved']]);
    assert.deepEqual(got, scanText(text));
  }
});
