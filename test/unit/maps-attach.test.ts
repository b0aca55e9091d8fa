// MTRR dumps attached to maps: the forward-only merge in groupMaps against the old
// all-pairs search, kept here only as the oracle (it was cubic in boots: 10,000 boots took 44 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { groupMaps, MapDocument, MemoryMap, MtrrDump, scanText } from '../../src/formats';

function oracleAttach(maps: MemoryMap[], dumps: MtrrDump[], boundaries: number[]): MtrrDump[] {
  const between = (a: number, b: number): boolean => boundaries.some((x) => x > a && x < b);
  const orphans: MtrrDump[] = [];
  for (const d of dumps) {
    let target: MemoryMap | undefined;
    for (const m of maps) if (m.firstLine < d.firstLine && !between(m.firstLine, d.firstLine)) target = m;
    if (!target) target = maps.find((m) => m.firstLine > d.lastLine && !between(d.lastLine, m.firstLine));
    if (!target) orphans.push(d);
    else if (!target.mtrr) target.mtrr = d;
    else target.notes.push({
      code: 'mtrr-extra-dump',
      message: `a second MTRR dump (line ${d.firstLine + 1}) also matches this map; the first one (line ${target.mtrr.firstLine + 1}) is used`,
      severity: 'information',
      line: d.firstLine,
    });
  }
  return orphans;
}

/** The same document with its dumps attached again by the oracle. */
function reattached(text: string, doc: MapDocument): MapDocument {
  const maps = doc.maps.map(({ mtrr: _, ...m }): MemoryMap => ({ ...m, notes: m.notes.filter((n) => n.code !== 'mtrr-extra-dump') }));
  const boundaries = scanText(text).filter((r) => r.kind === 'boundary').map((r) => r.line);
  const orphanDumps = oracleAttach(maps, doc.dumps, boundaries);
  return { maps, dumps: doc.dumps, orphanDumps };
}

const LINES = [
  '[    0.000000] Linux version 6.1.0 (builder@host) #1 SMP',
  '[    0.000000] BIOS-provided physical RAM map:',
  '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
  '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable',
  '[    0.000000] BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved',
  '[    0.001697] MTRR default type: write-back',
  '[    0.001698] MTRR variable ranges enabled:',
  '[    0.001699]   0 base 00C0000000 mask 7FC0000000 uncachable',
  '07:23:37.223\tDBG\t#2\t4\t7656\tSystem\tPhysical Memory Range: 0000000000001000 - 000000000009f000',
  '07:23:37.223\tDBG\t#2\t4\t7656\tSystem\tPhysical Memory Range: 0000000000100000 - 0000000080000000',
  '00000000-00000fff : Reserved',
  '00001000-0009efff : System RAM',
  'reg00: base=0x000000000 (    0MB), size= 2048MB, count=1: write-back',
  '[    0.002000] some other kernel line',
  '',
];

test('MTRR dumps go to the same maps as the old all-pairs search, on random logs', () => {
  const log = fc.array(fc.constantFrom(...LINES), { maxLength: 60 }).map((ls) => ls.join('\n'));
  fc.assert(
    fc.property(log, (text) => {
      const doc = groupMaps(scanText(text));
      assert.deepEqual(doc, reattached(text, doc));
    }),
    { numRuns: 3000, seed: 13 },
  );
});

test('10,000 boots, each with its MTRR dump: every boot gets its own dump', () => {
  const boot = LINES.slice(0, 8).join('\n');
  const text = Array.from({ length: 10_000 }, () => boot).join('\n');
  const doc = groupMaps(scanText(text));
  assert.equal(doc.maps.length, 10_000);
  assert.ok(doc.maps.every((m, i) => m.mtrr === doc.dumps[i]));
  assert.deepEqual(doc.orphanDumps, []);
});
