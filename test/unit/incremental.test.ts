// The incremental path of the server's document model: random edit sequences (seeded, bounded)
// applied through DocumentModel.applyChange must leave the model equal to a fresh parse of the
// resulting text after every edit: the lines, every record (with its line number) and the maps.
// The edits open and close MTRR blocks, insert and remove range lines, split and join lines, and
// run on LF and CRLF documents (an editor normalises inserted line breaks to the document's EOL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { groupMaps, scanText, splitLines } from '../../src/formats';
import { DocumentModel, TextChange } from '../../src/server/model';
import fs from 'node:fs';
import path from 'node:path';
import { Analysis } from '../../src/analysis';
import { computeDiagnostics } from '../../src/server/diagnostics';
import { inlayHints } from '../../src/server/hints';
import { resolveSettings } from '../../src/server/settings';
import { SLICE } from '../../src/formats/prefilter';
import { ROOT, fixtureFiles } from '../support/fixtures';

const HP = (s: string, e: string) => `07:23:37.223\tDBG\t#2\t    4\t 7656\tSystem         \tPhysical Memory Range: ${s} - ${e}`;
const D = (msg: string) => `[    0.001700] ${msg}`;

/** Lines of every kind the scan knows, and a few it doesn't. */
const POOL = [
  HP('0000000000015000', '0000000000058000'),
  HP('0000000000059000', '000000000008f000'),
  HP('0000000000100000', '000000008cd14000'),
  HP('0000000100000000', '000000026f600000'),
  HP('0000000000090000', '0000000000080000'), // end before start
  D('Linux version 6.1.0-13-amd64 (gcc-12) #1 SMP'),
  D('BIOS-provided physical RAM map:'),
  D('BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable'),
  D('BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff] reserved'),
  D('BIOS-e820: [mem 0x0000000000100000-0x000000007ab44fff] usable'),
  D('BIOS-e820: [mem 0x0000000100000000-0x000000046abfffff] usable'),
  D('e820: update [mem 0x00000000-0x00000fff] usable ==> reserved'),
  D('MTRR default type: write-back'),
  D('MTRR fixed ranges enabled:'),
  D('MTRR fixed ranges disabled:'),
  D('MTRR variable ranges enabled:'),
  D('  00000-9FFFF write-back'),
  D('  A0000-BFFFF uncachable'),
  D('  0 base 00C0000000 mask 7FC0000000 uncachable'),
  D('  1 base 00A0000000 mask 7FE0000000 write-combining'),
  D('  8 disabled'),
  '  00000-9FFFF write-back',
  '  2 base 0098000000 mask 7FF8000000 uncachable',
  'MTRRs disabled',
  '00000000-00000fff : Reserved',
  '00001000-0009efff : System RAM',
  '00100000-cf1f9fff : System RAM',
  '  01000000-01e0367f : Kernel code',
  'reg00: base=0x000000000 (    0MB), size= 2048MB, count=1: write-back',
  'reg01: base=0x080000000 ( 2048MB), size= 1024MB, count=1: write-back',
  '(XEN)  [0000000000000000, 000000000009fbff] (usable)',
  '(XEN)  0000000000100000 - 00000000bf6b0000 (usable)',
  ' qemu-system-x86-31218 [000] 159269.806542: kvm_exit: vcpu 1 reason EPT_VIOLATION rip 0x5600b39c8132 info1 0x181',
  ' qemu-system-x86-31218 [000] 159269.806549: kvm_mmio: mmio unsatisfied-read len 4 gpa 0xfed000f0 val 0x0',
  'x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT',
  '',
  '   ',
];

/** Characters that turn lines into (or out of) records when typed into them. */
const CHARS = ['0', '9', 'f', 'F', 'x', '-', ' ', ':', '[', ']', '\t', 'M', 'B', 'e', 'r', '(', 'é'];

type Edit =
  | { kind: 'insertLines'; at: number; lines: number[] }
  | { kind: 'deleteLines'; at: number; count: number }
  | { kind: 'replaceLine'; at: number; with: number }
  | { kind: 'split'; at: number; col: number }
  | { kind: 'join'; at: number }
  | { kind: 'chars'; at: number; col: number; del: number; text: string }
  | { kind: 'span'; at: number; col: number; toLine: number; toCol: number; text: number[] }
  | { kind: 'full'; lines: number[] };

const poolIndex = fc.nat(POOL.length - 1);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('insertLines' as const), at: fc.nat(), lines: fc.array(poolIndex, { minLength: 1, maxLength: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteLines' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('replaceLine' as const), at: fc.nat(), with: poolIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('split' as const), at: fc.nat(), col: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('join' as const), at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('chars' as const),
      at: fc.nat(),
      col: fc.nat(),
      del: fc.nat(3),
      text: fc.array(fc.constantFrom(...CHARS), { maxLength: 3 }).map((a) => a.join('')),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('span' as const),
      at: fc.nat(),
      col: fc.nat(),
      toLine: fc.nat(4),
      toCol: fc.nat(),
      text: fc.array(poolIndex, { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('full' as const), lines: fc.array(poolIndex, { maxLength: 20 }) }) },
);

/** The reference: the whole text, edited by offset as an editor's buffer would be. */
class Reference {
  constructor(
    public text: string,
    readonly eol: string,
  ) {}
  lines(): string[] {
    return splitLines(this.text);
  }
  /** Offset of a (line, character) position; lines split like the editor (CRLF, LF, CR). */
  offset(line: number, character: number): number {
    const re = /\r\n|\r|\n/g;
    let at = 0;
    for (let l = 0; l < line; l++) {
      const m = re.exec(this.text);
      if (!m) throw new Error('line out of range');
      at = m.index + m[0].length;
    }
    return at + character;
  }
  apply(c: TextChange): void {
    if (!c.range) {
      this.text = c.text;
      return;
    }
    const s = this.offset(c.range.start.line, c.range.start.character);
    const e = this.offset(c.range.end.line, c.range.end.character);
    this.text = this.text.slice(0, s) + c.text + this.text.slice(e);
  }
}

/** Turns an edit descriptor into an LSP change on the current text (positions inside lines), with lines from `pool`. */
function toChange(e: Edit, lines: string[], eol: string, pool: readonly string[] = POOL): TextChange {
  const n = lines.length;
  const pos = (line: number, character: number) => ({ line, character });
  const at = 'at' in e ? e.at % n : 0;
  const col = (l: number, c: number) => c % (lines[l].length + 1);
  const text = (idx: number[]) => idx.map((i) => pool[i % pool.length]).join(eol);
  switch (e.kind) {
    case 'insertLines': {
      const l = e.at % (n + 1);
      // After the last line: a line break first, then the lines (no trailing break).
      if (l === n) return { range: { start: pos(n - 1, lines[n - 1].length), end: pos(n - 1, lines[n - 1].length) }, text: eol + text(e.lines) };
      return { range: { start: pos(l, 0), end: pos(l, 0) }, text: text(e.lines) + eol };
    }
    case 'deleteLines': {
      const last = Math.min(n - 1, at + e.count - 1);
      if (last === n - 1) {
        // Through the end: also remove the line break before the first deleted line.
        if (at === 0) return { range: { start: pos(0, 0), end: pos(n - 1, lines[n - 1].length) }, text: '' };
        return { range: { start: pos(at - 1, lines[at - 1].length), end: pos(n - 1, lines[n - 1].length) }, text: '' };
      }
      return { range: { start: pos(at, 0), end: pos(last + 1, 0) }, text: '' };
    }
    case 'replaceLine':
      return { range: { start: pos(at, 0), end: pos(at, lines[at].length) }, text: pool[e.with % pool.length] };
    case 'split': {
      const c = col(at, e.col);
      return { range: { start: pos(at, c), end: pos(at, c) }, text: eol };
    }
    case 'join': {
      if (at === n - 1) return { range: { start: pos(at, lines[at].length), end: pos(at, lines[at].length) }, text: '' };
      return { range: { start: pos(at, lines[at].length), end: pos(at + 1, 0) }, text: '' };
    }
    case 'chars': {
      const c = col(at, e.col);
      const d = Math.min(e.del, lines[at].length - c);
      return { range: { start: pos(at, c), end: pos(at, c + d) }, text: e.text };
    }
    case 'span': {
      const l2 = Math.min(n - 1, at + e.toLine);
      const c1 = col(at, e.col);
      let c2 = col(l2, e.toCol);
      if (l2 === at && c2 < c1) c2 = c1;
      return { range: { start: pos(at, c1), end: pos(l2, c2) }, text: text(e.text) };
    }
    case 'full':
      return { text: text(e.lines) };
  }
}

function checkAgainstFreshParse(model: DocumentModel, ref: Reference, step: string): void {
  const lines = ref.lines();
  assert.deepEqual(model.getText().split('\n'), lines, `lines after ${step}`);
  const fresh = scanText(ref.text);
  const { records, doc } = model.maps();
  assert.deepEqual(records, fresh, `records after ${step}`);
  for (let i = 0; i < lines.length; i++) {
    const r = model.recordAt(i);
    if (r) assert.equal(r.line, i, `record of line ${i} after ${step}`);
  }
  assert.deepEqual(doc, groupMaps(fresh), `maps after ${step}`);
}

const documentArb = fc.record({
  lines: fc.array(poolIndex, { minLength: 0, maxLength: 40 }),
  crlf: fc.boolean(),
});

test('random edit sequences: the model equals a fresh parse after every edit (LF and CRLF)', () => {
  let edits = 0;
  fc.assert(
    fc.property(documentArb, fc.array(edit, { minLength: 1, maxLength: 25 }), ({ lines, crlf }, seq) => {
      const eol = crlf ? '\r\n' : '\n';
      const ref = new Reference(lines.map((i) => POOL[i]).join(eol), eol);
      const model = new DocumentModel('file:///incremental.eptlog', 1, ref.text);
      checkAgainstFreshParse(model, ref, 'open');
      let version = 1;
      for (const e of seq) {
        const change = toChange(e, model.getText().split('\n'), eol);
        ref.apply(change);
        model.applyChanges([change], ++version);
        edits++;
        checkAgainstFreshParse(model, ref, `${e.kind} ${JSON.stringify(change)}`);
      }
      assert.equal(model.version, version);
    }),
    { seed: 0xe97, numRuns: 300, endOnFailure: true },
  );
  assert.ok(edits > 1000, `only ${edits} edits applied`);
});

/**
 * Lines a mail splits (formats/join.ts): the QP header, ranges cut by soft breaks (`=` at 70-76
 * columns, or anywhere once the text is QP) and their continuations, a range whose type a mail
 * client wrapped onto the next line and type names alone, escapes, a `console=` that is no soft
 * break; and some of POOL's lines. Edits make and break the pairs.
 */
const MAIL_POOL = [
  'Content-Transfer-Encoding: quoted-printable',
  D('BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usa='),
  'ble',
  D('BIOS-e820: [mem 0x0000000000100000-0x000000007ab44fff] res='),
  'erved',
  D('BIOS-e820: [mem 0x0000000100000000-0x000000046abf='),
  'ffff] usable',
  D('BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff]'),
  'usable',
  ' reserved',
  'ACPI NVS',
  D('BIOS-e820:=20[mem 0x00000000fed00000-0x00000000fed00fff] reserved'),
  'Command line: console=',
  'root=3D/dev/sda1',
  '=',
  '',
  ...POOL.slice(0, 12),
];

test('random edit sequences on mail-split text: the model equals a fresh parse after every edit', () => {
  let edits = 0;
  let joined = 0;
  const mailDoc = fc.record({ lines: fc.array(fc.nat(), { minLength: 0, maxLength: 30 }), crlf: fc.boolean() });
  fc.assert(
    fc.property(mailDoc, fc.array(edit, { minLength: 1, maxLength: 25 }), ({ lines, crlf }, seq) => {
      const eol = crlf ? '\r\n' : '\n';
      const ref = new Reference(lines.map((i) => MAIL_POOL[i % MAIL_POOL.length]).join(eol), eol);
      const model = new DocumentModel('file:///mail.eml', 1, ref.text);
      checkAgainstFreshParse(model, ref, 'open');
      let version = 1;
      for (const e of seq) {
        const change = toChange(e, model.getText().split('\n'), eol, MAIL_POOL);
        ref.apply(change);
        model.applyChanges([change], ++version);
        edits++;
        checkAgainstFreshParse(model, ref, `${e.kind} ${JSON.stringify(change)}`);
        joined += model.maps().records.filter((r) => r.kind === 'range' && r.lastLine !== undefined).length;
      }
    }),
    { seed: 0x3a11, numRuns: 300, endOnFailure: true },
  );
  assert.ok(edits > 1000, `only ${edits} edits applied`);
  assert.ok(joined > 500, `only ${joined} joined ranges seen`);
});

test('an MTRR block opened and closed by edits re-scans the lines after it', () => {
  // The entries below the header are records only inside an enabled block.
  const body = [D('MTRR variable ranges enabled:'), D('  0 base 00C0000000 mask 7FC0000000 uncachable'), D('  1 base 00A0000000 mask 7FE0000000 write-combining'), D('  8 disabled'), 'tail'];
  const ref = new Reference(body.join('\n'), '\n');
  const model = new DocumentModel('file:///mtrr.eptlog', 1, ref.text);
  checkAgainstFreshParse(model, ref, 'open');
  const kinds = () => model.maps().records.map((r) => r.kind);
  assert.deepEqual(kinds(), ['mtrr-header', 'mtrr-variable', 'mtrr-variable', 'mtrr-disabled-slot']);
  const at = (line: number, word: string) => model.lineAt(line).indexOf(word);
  const eolOf = (line: number) => ({ line, character: model.lineAt(line).length });
  const steps: [() => TextChange, string[]][] = [
    // Close the block: the header says 'disabled', the entries stop being records.
    [() => ({ range: { start: { line: 0, character: at(0, 'enabled') }, end: { line: 0, character: at(0, 'enabled') + 7 } }, text: 'disabled' }), ['mtrr-header']],
    // Open it again.
    [() => ({ range: { start: { line: 0, character: at(0, 'disabled') }, end: { line: 0, character: at(0, 'disabled') + 8 } }, text: 'enabled' }), ['mtrr-header', 'mtrr-variable', 'mtrr-variable', 'mtrr-disabled-slot']],
    // An empty line inside the block ends it.
    [() => ({ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '\n' }), ['mtrr-header', 'mtrr-variable']],
    // Join it away again: the entries after it are records once more.
    [() => ({ range: { start: eolOf(1), end: { line: 2, character: 0 } }, text: '' }), ['mtrr-header', 'mtrr-variable', 'mtrr-variable', 'mtrr-disabled-slot']],
    // Split the header in two: no header, no block.
    [() => ({ range: { start: { line: 0, character: 20 }, end: { line: 0, character: 20 } }, text: '\n' }), []],
    // Join the halves: the block is back.
    [() => ({ range: { start: eolOf(0), end: { line: 1, character: 0 } }, text: '' }), ['mtrr-header', 'mtrr-variable', 'mtrr-variable', 'mtrr-disabled-slot']],
  ];
  steps.forEach(([make, kindsAfter], i) => {
    const c = make();
    ref.apply(c);
    model.applyChanges([c], i + 2);
    checkAgainstFreshParse(model, ref, `step ${i}`);
    assert.deepEqual(kinds(), kindsAfter, `kinds after step ${i}`);
  });
});

// The model's prefilter: while the scan state is idle, scanSome passes over lines without a key
// (CANDIDATE_KEYS) instead of reading them. A model that reads every line is the reference: same
// records on the same lines, same maps, and (`deep`) the same diagnostics and hints.
function samePrefiltered(pre: DocumentModel, every: DocumentModel, step: string, deep = false): void {
  assert.equal(pre.scannedLines, every.scannedLines, `scanned lines after ${step}`);
  const a = pre.maps();
  const b = every.maps();
  assert.deepEqual(a.records, b.records, `records after ${step}`);
  assert.deepEqual(a.doc, b.doc, `maps after ${step}`);
  // Where each record is kept (its slot), not only their order.
  for (let i = 0; i < every.lineCount; i++) if (pre.recordAt(i)?.line !== every.recordAt(i)?.line) assert.fail(`record of line ${i} after ${step}`);
  if (!deep) return;
  const settings = resolveSettings({});
  const all = { start: { line: 0, character: 0 }, end: { line: every.lineCount, character: 0 } };
  const [x, y] = [new Analysis(pre), new Analysis(every)];
  assert.deepEqual(computeDiagnostics(x, settings), computeDiagnostics(y, settings), `diagnostics after ${step}`);
  assert.deepEqual(inlayHints(x, settings, all), inlayHints(y, settings, all), `hints after ${step}`);
}

const FIXTURE_TEXTS = fixtureFiles().map((f) => ({ name: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8') }));

test('prefiltered model = every-line model on every fixture, whole and scanned in slices', () => {
  assert.ok(FIXTURE_TEXTS.length > 100, `only ${FIXTURE_TEXTS.length} fixtures`);
  let records = 0;
  for (const { name, text } of FIXTURE_TEXTS) {
    const pre = new DocumentModel(`file:///${name}`, 1, text);
    samePrefiltered(pre, new DocumentModel(`file:///${name}`, 1, text, true, true), name, true);
    records += pre.maps().records.length;
  }
  assert.ok(records > 1500, `only ${records} records in the fixtures`);
  // Past CHUNK_LINES a document is scanned in slices (the server's background scan): each slice
  // prefilters its own piece of the text.
  let big = FIXTURE_TEXTS.map((f) => f.text).join('\n');
  while (big.split('\n').length <= 20_000) big += '\n' + big;
  for (const sizes of [[250], [1, 7, 4096], [13, 997]]) {
    const pre = new DocumentModel('file:///big', 1, big, false);
    const every = new DocumentModel('file:///big', 1, big, false, true);
    for (let i = 0; !pre.complete; i++) {
      pre.scanSome(sizes[i % sizes.length]);
      every.scanSome(sizes[i % sizes.length]);
    }
    assert.ok(every.complete);
    samePrefiltered(pre, every, `slices of ${sizes.join(', ')}`, true);
  }
});

const BOTH_POOLS = [...POOL, ...MAIL_POOL];
test('random edit sequences: prefiltered model = every-line model after every edit', () => {
  fc.assert(
    fc.property(
      documentArb,
      fc.array(fc.oneof({ weight: 8, arbitrary: edit }, { weight: 1, arbitrary: fc.nat().map((at) => ({ kind: 'many' as const, at })) }), { minLength: 1, maxLength: 20 }),
      fc.nat(4).map((n) => n === 0),
      fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 4 }),
      ({ lines, crlf }, seq, large, slices) => {
        const eol = crlf ? '\r\n' : '\n';
        let doc = lines.map((i) => BOTH_POOLS[i]);
        // Large: past CHUNK_LINES, scanned in slices between the edits (edits then land in the part
        // not scanned yet too, and a batch of many changes re-scans from the top).
        if (large) while (doc.length <= 20_000) doc = doc.concat(doc.length ? doc : ['x'], ['']);
        const text = doc.join(eol);
        const pre = new DocumentModel('file:///r.eptlog', 1, text, !large);
        const every = new DocumentModel('file:///r.eptlog', 1, text, !large, true);
        samePrefiltered(pre, every, 'open');
        let version = 1;
        seq.forEach((e, k) => {
          const current = every.getText().split('\n');
          let changes: TextChange[];
          if (e.kind === 'many') {
            const n = current.length;
            changes = Array.from({ length: 51 }, (_, j) => {
              const line = (e.at + j * 7) % n;
              return { range: { start: { line, character: 0 }, end: { line, character: current[line].length } }, text: BOTH_POOLS[(e.at + j) % BOTH_POOLS.length] };
            });
          } else changes = [toChange(e, current, eol, BOTH_POOLS)];
          pre.applyChanges(changes, ++version);
          every.applyChanges(changes, version);
          const size = slices[k % slices.length];
          pre.scanSome(size);
          every.scanSome(size);
          samePrefiltered(pre, every, `${e.kind} #${k}`);
        });
        pre.scanSome(Infinity);
        every.scanSome(Infinity);
        samePrefiltered(pre, every, 'the end', !large);
      },
    ),
    { seed: 0x11e, numRuns: 120, endOnFailure: true },
  );
});

// The model's byte prefilter (formats/key-lines.ts) takes the text in pieces of whole lines of up
// to SLICE characters; a piece with a character past ASCII or a lone CR, or every piece where
// WebAssembly SIMD is missing, goes to KeyFinder. Each way must leave the records of every line.
test('prefiltered model = every-line model where pieces go to KeyFinder: non-ASCII, lone CR, no WebAssembly SIMD', () => {
  // ASCII without CRs: every piece of it goes to the byte prefilter.
  let ascii = FIXTURE_TEXTS.map((f) => f.text).filter((t) => /^[\x00-\x0c\x0e-\x7f]*$/.test(t)).join('\n');
  while (ascii.length <= 4 * SLICE) ascii += '\n' + ascii;
  // The first piece ends at the last line feed before SLICE - 1 characters (one byte goes to a line feed).
  const cut = ascii.lastIndexOf('\n', SLICE - 2);
  const at = (text: string, i: number, s: string): string => text.slice(0, i) + s + text.slice(i);
  // A key line a little further on, to hold a middle dot after its key.
  const keyLine = ascii.indexOf('] usable', 2 * SLICE);
  let n = 0;
  const variants: [string, string, boolean][] = [
    ['ASCII, every piece by bytes', ascii, false],
    ['ASCII, KeyFinder only', ascii, true],
    ['ü on both sides of the first cut, · after a key', at(at(at(ascii, keyLine + 8, '·'), cut + 1, 'ü'), cut, 'ü'), false],
    ['ü as the last character of a piece', at(ascii, cut - 1, 'ü'), false],
    ['lone CRs in the second piece', ascii.slice(0, SLICE) + ascii.slice(SLICE, 2 * SLICE).replace(/\n(?=\[)/g, () => (++n % 10 === 0 ? '\r' : '\n')) + ascii.slice(2 * SLICE), false],
    ['lone CR just before the first cut', at(ascii, cut, '\r'), false],
  ];
  assert.ok(ascii.length > 4 * SLICE && keyLine > 0);
  for (const [name, text, textOnly] of variants) {
    for (const sizes of [[Infinity], [250], [1, 7, 4096]]) {
      const pre = new DocumentModel('file:///k', 1, text, false, false, textOnly);
      const every = new DocumentModel('file:///k', 1, text, false, true);
      for (let i = 0; !pre.complete; i++) {
        pre.scanSome(sizes[i % sizes.length]);
        every.scanSome(sizes[i % sizes.length]);
      }
      assert.ok(every.complete);
      samePrefiltered(pre, every, `${name}, slices of ${sizes.join(', ')}`, sizes[0] === 250);
    }
  }
});
