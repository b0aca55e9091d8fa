// The stream scan's prefilter (formats/candidates.ts, the readers' *_KEYS) must never change a
// record: the prefiltered scan is compared with the scan of every line, record for record and line
// for line, on every fixture, on generated logs and under any chunking of the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { scanStream } from '../../src/analysis/scan-stream';
import { CANDIDATE_KEYS, MapRecord, scanText, splitLines } from '../../src/formats';
import { KeyFinder } from '../../src/formats/candidates';
import { ROOT } from '../support/fixtures';

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function scanBytes(bytes: Uint8Array, size: number, everyLine: boolean): Promise<{ records: MapRecord[]; lines: number }> {
  const records: MapRecord[] = [];
  const { lines } = await scanStream(chunked(bytes, size), { onRecord: (r) => records.push(r), everyLine });
  return { records, lines };
}

/** The reference: every line of the text, mail-split lines joined first (scanText, formats/join.ts). */
function scanAll(text: string): MapRecord[] {
  return scanText(text);
}

function fixtureFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) fixtureFiles(p, out);
    else if (!/\.(json|mjs|md)$/.test(e.name)) out.push(p);
  }
  return out;
}

const FIXTURES = fixtureFiles(path.join(ROOT, 'test', 'fixtures'));

test('prefiltered stream scan = scan of every line, on every fixture and chunking', async () => {
  assert.ok(FIXTURES.length > 100, `only ${FIXTURES.length} fixtures found`);
  let records = 0;
  for (const file of FIXTURES) {
    const bytes = fs.readFileSync(file);
    const all = await scanBytes(bytes, 1 << 16, true);
    const name = path.relative(ROOT, file);
    for (const size of [1 << 16, 4096, 97, 13]) {
      const pre = await scanBytes(bytes, size, false);
      assert.deepEqual(pre.records, all.records, `${name}, chunks of ${size}`);
      assert.equal(pre.lines, all.lines, `${name}: line count, chunks of ${size}`);
    }
    // And the stream reads lines as the editor does (UTF-8 text files).
    if (!bytes.includes(0)) assert.deepEqual(all.records, scanAll(bytes.toString('utf8').replace(/^\ufeff/, '')), `${name}: stream vs text`);
    records += all.records.length;
  }
  assert.ok(records > 1500, `only ${records} records in the fixtures`);
});

// Lines for generated logs: every fixture line, and the look-alikes a big log is full of (key
// fragments that are not records, other tools' lines), each maybe under another envelope.
const POOL = [...new Set(FIXTURES.flatMap((f) => splitLines(fs.readFileSync(f, 'utf8'))).filter((l) => l.length < 300))];
const NOISE = [
  '20:14:29.815	DBG	#5	    4	 3530	System         	MTRR Default=6, VariableCount=10, FixedSupported=1, FixedEnabled=1',
  '[    1.000000] pci 0000:00:02.0: reg 0x10: [mem 0x6010000000-0x6010ffffff 64bit]',
  ' qemu-system-x86-31218 [001] 159269.807915: kvm_page_fault:       vcpu 1 rip 0x09c22fe569a6 address 0x000000a266d58c error_code 0x181',
  '      CPU 1/KVM-110350  [006] d... 159269.814899: kvm_mmu_set_spte:     gfn 51b23 spte 6000000c96f72bbe (rwx) level 1 at c3a69c2f8',
  'Type=0x6', 'x=0x1', 'reg', 'reg01:', ' : ', 'a : b', 'MTRR', 'MTRRs', 'MTRR:', 'MTRR d', 'Physical Memory Range:', 'ksm: ', 'e820: ',
  '(XEN)', 'Xen: [', 'BIOS-', 'Linux version ', 'FlatView #0', 'address-space: memory', 'memory-region: pc.ram', '/sys/firmware/memmap/',
  '  0 base 0000000000 mask 7F80000000 write-back', '  00000-9FFFF write-back', '  0000000000000000-000000003fffffff (prio 0, ram): pc.ram',
  '  3)    [0000000000100000 - 0000000000200000] (    1024 kb)', 'reg 0, base: 0GB, range: 2GB, type WB', '', ' ', '\t',
];
const ENVELOPES = ['', '[    0.000000] ', '> ', '> > ', '<6>', 'Nov  4 21:29:37 host kernel: ', '(XEN) ', '07:23:37.223\tDBG\t#2\t4\t7656\tSystem\t', ' bash-1 [000] 1.5: ', '&gt; '];

const line = fc.tuple(fc.constantFrom(...ENVELOPES), fc.oneof(fc.constantFrom(...POOL), fc.constantFrom(...NOISE))).map(([e, l]) => e + l);
const log = fc.record({
  // Blocks of consecutive lines from one place keep dumps and lists together, as real logs do.
  blocks: fc.array(fc.oneof(fc.array(line, { maxLength: 6 }), fc.integer({ min: 0, max: POOL.length - 1 }).map((i) => POOL.slice(i, i + 40))), { maxLength: 12 }),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  chunk: fc.integer({ min: 1, max: 300 }),
});

test('prefiltered stream scan = scan of every line, on generated logs (property)', async () => {
  await fc.assert(
    fc.asyncProperty(log, async ({ blocks, eol, chunk }) => {
      const text = blocks.flat().join(eol);
      const bytes = Buffer.from(text, 'utf8');
      const all = await scanBytes(bytes, 1 << 16, true);
      const pre = await scanBytes(bytes, chunk, false);
      assert.deepEqual(pre.records, all.records);
      assert.equal(pre.lines, all.lines);
    }),
    { numRuns: 400, seed: 11 },
  );
});

test('a QP soft break on a line with no key turns decoding on for the prefiltered scan too', async () => {
  // Found by the property above: the soft-break line held no reader key, so the prefilter skipped
  // it, and `size=4096MB` below (`=40` is an escaped '@' in QP text) was read differently.
  const soft = '[    4.846227] x86/PAT: Configuration [0-7]: WB  WT  UC- UC  WC  WP  UC  UC=';
  assert.ok(soft.length >= 70 && soft.length <= 76);
  for (const eol of ['\n', '\r\n']) {
    const text = ['noise', soft, '', 'noise', 'reg00: base=0xf0000000 (3840MB), size= 256MB: uncachable, count=1', 'reg01: base=0x00000000 (   0MB), size=4096MB: write-back, count=1', ''].join(eol);
    const bytes = Buffer.from(text, 'utf8');
    const all = await scanBytes(bytes, 1 << 16, true);
    for (const size of [1 << 16, 29]) assert.deepEqual((await scanBytes(bytes, size, false)).records, all.records, `eol ${JSON.stringify(eol)}, chunks of ${size}`);
    assert.deepEqual(all.records, scanAll(text));
  }
});

test('KeyFinder: every key occurrence found, at its start, in order', () => {
  const finder = new KeyFinder(CANDIDATE_KEYS);
  assert.ok(finder.windows.length < CANDIDATE_KEYS.length, `windows ${finder.windows.join('|')}`);
  // A key that holds another (`memory-region: ` holds `reg`) may be found by that one: same line.
  const within = (at: number, from: number, key: string): boolean => at >= from && at + 1 <= from + key.length;
  for (const key of CANDIDATE_KEYS) {
    const text = `xx ${key}\nabc ${key}`;
    finder.reset(text);
    assert.ok(within(finder.next(0), 3, key), key);
    const second = text.indexOf('\n') + 5;
    assert.ok(within(finder.next(text.indexOf('\n') + 1), second, key), key);
    assert.equal(finder.next(text.length), -1, key);
  }
  const t = 'MTRR Default=6 =0 x: y re ===0x';
  finder.reset(t);
  assert.equal(finder.next(0), t.indexOf('=0x'));
});
