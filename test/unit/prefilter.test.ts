// The stream scan's prefilter (the readers' *_KEYS, found by formats/prefilter/ in raw bytes or by
// formats/candidates.ts in decoded text) must never change a record: the prefiltered scan, on both
// paths, is compared with the scan of every line, record for record and line for line, on every
// fixture, on generated logs and under any chunking of the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { scanStream } from '../../src/analysis/scan-stream';
import { CANDIDATE_KEYS, MapRecord, scanText, splitLines } from '../../src/formats';
import { KeyFinder } from '../../src/formats/candidates';
import { BytePrefilter, SLICE } from '../../src/formats/prefilter';
import { ROOT, fixtureFiles } from '../support/fixtures';

/** Chunks of `size` bytes, or of the sizes listed (round and round). */
async function* chunked(bytes: Uint8Array, size: number | number[]): AsyncGenerator<Uint8Array> {
  const sizes = typeof size === 'number' ? [size] : size;
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

/** How the scan reads: every line (the reference), or prefiltered on raw bytes (WASM) or on decoded text (KeyFinder). */
type Mode = 'every line' | 'wasm' | 'text';
const PREFILTERS: Mode[] = ['wasm', 'text'];

async function scanBytes(bytes: Uint8Array, size: number | number[], mode: Mode): Promise<{ records: MapRecord[]; lines: number }> {
  const records: MapRecord[] = [];
  const { lines } = await scanStream(chunked(bytes, size), { onRecord: (r) => records.push(r), everyLine: mode === 'every line', textPrefilter: mode === 'text' });
  return { records, lines };
}

test('WebAssembly SIMD runs here, so the byte prefilter is what the tests below compare', () => {
  assert.ok(BytePrefilter.create(CANDIDATE_KEYS));
});

/** The reference: every line of the text, mail-split lines joined first (scanText, formats/join.ts). */
function scanAll(text: string): MapRecord[] {
  return scanText(text);
}

const FIXTURES = fixtureFiles();

test('prefiltered stream scan = scan of every line, on every fixture and chunking', async () => {
  assert.ok(FIXTURES.length > 100, `only ${FIXTURES.length} fixtures found`);
  let records = 0;
  for (const file of FIXTURES) {
    const bytes = fs.readFileSync(file);
    const all = await scanBytes(bytes, 1 << 16, 'every line');
    const name = path.relative(ROOT, file);
    for (const mode of PREFILTERS) {
      for (const size of [SLICE + 1, 1 << 16, 4096, 97, 13]) {
        const pre = await scanBytes(bytes, size, mode);
        assert.deepEqual(pre.records, all.records, `${name}, ${mode}, chunks of ${size}`);
        assert.equal(pre.lines, all.lines, `${name}: line count, ${mode}, chunks of ${size}`);
      }
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
      const all = await scanBytes(bytes, 1 << 16, 'every line');
      for (const mode of PREFILTERS) {
        const pre = await scanBytes(bytes, chunk, mode);
        assert.deepEqual(pre.records, all.records, mode);
        assert.equal(pre.lines, all.lines, mode);
      }
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
    const all = await scanBytes(bytes, 1 << 16, 'every line');
    for (const mode of PREFILTERS) {
      for (const size of [1 << 16, 29]) assert.deepEqual((await scanBytes(bytes, size, mode)).records, all.records, `eol ${JSON.stringify(eol)}, ${mode}, chunks of ${size}`);
    }
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

// Lines made of what the byte scan looks for: whole keys, their pieces (a key's anchor without the
// rest of it, a key cut by a line break or a chunk boundary), envelopes, list lines (so maySkip()
// turns off and on), runs of blanks, and now and then a byte over 0x7f (that slice goes the text way).
const KEY_BITS = fc.oneof(
  fc.constantFrom(...CANDIDATE_KEYS),
  fc.tuple(fc.constantFrom(...CANDIDATE_KEYS), fc.nat(30), fc.nat(30)).map(([k, a, b]) => k.slice(Math.min(a, b), Math.max(a, b) + 1)),
  fc.constantFrom(...NOISE),
  fc.constantFrom(...ENVELOPES),
  fc.constantFrom('=', '==', ' ', '   ', '\t', '0x1000', 'é', '\u00a0', '[mem 0x00000000-0x0009ffff] usable', 'usable', 'Content-Transfer-Encoding: quoted-printable', '=3D', '=20'),
  fc.string({ maxLength: 8 }),
  // Long enough that a closing `=` is a QP soft break (join.ts: 70–76 characters).
  fc.integer({ min: 60, max: 76 }).map((n) => 'q'.repeat(n)),
);
const fragmentLine = fc.array(KEY_BITS, { maxLength: 6 }).map((parts) => parts.join(''));
const fragmentLog = fc.record({
  lines: fc.array(fc.oneof({ weight: 4, arbitrary: fragmentLine }, { weight: 1, arbitrary: fc.constantFrom(...POOL) }), { maxLength: 60 }),
  // Each line's own break: mostly one kind per log, but a CR or LF alone may turn up anywhere.
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  odd: fc.array(fc.tuple(fc.nat(), fc.constantFrom('\n', '\r\n', '\r', '\n\n', '=\r\n')), { maxLength: 3 }),
  cuts: fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 8 }),
});

test('byte prefilter = scan of every line, on lines of key fragments cut anywhere (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fragmentLog, async ({ lines, eol, odd, cuts }) => {
      const breaks: string[] = lines.map(() => eol);
      for (const [i, b] of odd) if (breaks.length > 0) breaks[i % breaks.length] = b;
      const bytes = Buffer.from(lines.map((l, i) => l + breaks[i]).join(''), 'utf8');
      const all = await scanBytes(bytes, 1 << 16, 'every line');
      const pre = await scanBytes(bytes, cuts, 'wasm');
      assert.deepEqual(pre.records, all.records);
      assert.equal(pre.lines, all.lines);
    }),
    { numRuns: 500, seed: 13 },
  );
});

test('byte prefilter: each key found on its line, lines counted, slices it cannot take refused', () => {
  const pre = BytePrefilter.create(CANDIDATE_KEYS)!;
  const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');
  for (const key of CANDIDATE_KEYS.filter((k) => !/[\r\n]/.test(k))) {
    for (const eol of ['\n', '\r\n']) {
      // The key on line 2, at the start and in the middle; line 0 is never reported (always passed).
      const text = `${key} first${eol}no keys here${eol}${key}${eol}x ${key} y${eol}tail ${key}`;
      assert.ok(pre.scan(bytes(text)), key);
      const lines = [];
      for (let i = 0; i < pre.count; i++) lines.push([...pre.records.subarray(3 * i, 3 * i + 3)]);
      const starts = text.split(eol).map((_, i, all) => all.slice(0, i).reduce((n, l) => n + l.length + eol.length, 0));
      const feedAt = (i: number): number => starts[i + 1] - 1;
      assert.deepEqual(lines, [[starts[2], feedAt(2), 2], [starts[3], feedAt(3), 3]], `${JSON.stringify(key)} ${JSON.stringify(eol)}`);
      assert.equal(pre.feeds, 4);
      assert.equal(pre.first, feedAt(0));
      assert.equal(pre.last, feedAt(3));
    }
  }
  // A key that ends in a break (join.ts's `=\n`) holds on the line that ends with `=`.
  assert.ok(pre.scan(bytes('a\nb=\nc\nd=\r\ne\n')));
  assert.deepEqual([...pre.records.subarray(0, 3 * pre.count)], [2, 4, 1, 7, 10, 3]);
  assert.ok(pre.scan(bytes('a\nb=\n')));
  assert.deepEqual([...pre.records.subarray(0, 3 * pre.count)], [2, 4, 1], 'a key that ends the slice');
  assert.ok(pre.scan(bytes('a\nb\r\nc')) && pre.feeds === 2);
  assert.ok(!pre.scan(bytes('a\rb\n')), 'a lone CR');
  assert.ok(!pre.scan(bytes('a\nb\r')), 'a CR at the end (maybe half of a CRLF)');
  assert.ok(!pre.scan(Buffer.from('a\né\n', 'utf8')), 'not ASCII');
  const empty = BytePrefilter.create(CANDIDATE_KEYS)!;
  assert.ok(empty.scan(bytes('')) && empty.feeds === 0 && empty.count === 0 && empty.first === -1);
});

test('byte prefilter: a slice full of anchors and near-keys costs no more than one of plain text', () => {
  const pre = BytePrefilter.create(CANDIDATE_KEYS)!;
  const fill = (unit: string): Uint8Array => Buffer.from(unit.repeat(Math.ceil(SLICE / unit.length)).slice(0, SLICE), 'latin1');
  const time = (b: Uint8Array): number => {
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      for (let i = 0; i < 4; i++) pre.scan(b);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const plain = time(fill('the quick brown fox jumps over the lazy dog\n'));
  // Every position an anchor, and keys that match only after many bytes (the exact check's worst).
  for (const unit of ['MTRMTR', ' : ', '=0x=\n', 'Physical Memory Rang\n', 'reg\n', 'x '.repeat(40) + 'BIOS-\n']) {
    const t = time(fill(unit));
    assert.ok(t < 40 * plain + 5, `${JSON.stringify(unit)}: ${t.toFixed(2)} ms vs ${plain.toFixed(2)} ms for plain text`);
  }
});

test('without WebAssembly, or without its SIMD, the scan falls back to the text prefilter', async () => {
  const real = (globalThis as Record<string, unknown>).WebAssembly as object;
  const bytes = fs.readFileSync(FIXTURES.find((f) => f.endsWith('hyperplatform-laptop-8gb.log'))!);
  const all = await scanBytes(bytes, 97, 'every line');
  try {
    for (const stand of [undefined, { ...real, validate: () => false }]) {
      Object.defineProperty(globalThis, 'WebAssembly', { value: stand, configurable: true, writable: true });
      assert.equal(BytePrefilter.create(CANDIDATE_KEYS), undefined);
      assert.deepEqual((await scanBytes(bytes, 97, 'wasm')).records, all.records);
    }
  } finally {
    Object.defineProperty(globalThis, 'WebAssembly', { value: real, configurable: true, writable: true });
  }
  assert.ok(BytePrefilter.create(CANDIDATE_KEYS));
});
