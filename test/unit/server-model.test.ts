// The incremental document model on large documents: edits that land while a document is still
// being scanned in chunks, many edits in one didChange, line splitting and structural sharing.
// Random edit sequences against a fresh parse are in incremental.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { groupMaps, scanText } from '../../src/formats';
import { DocumentModel, TextChange } from '../../src/server/model';
import { fixture } from '../support/fixtures';
import { Analysis } from '../../src/analysis';
import { resolveSettings } from '../../src/server/settings';

function fresh(text: string) {
  const records = scanText(text);
  return { records, doc: groupMaps(records) };
}

function check(model: DocumentModel, text: string): void {
  assert.equal(model.getText(), text.split(/\r\n|\r|\n/).join('\n'));
  const want = fresh(text);
  const got = model.maps();
  assert.deepEqual(got.records, want.records);
  assert.deepEqual(got.doc.maps.map((m) => [m.firstLine, m.lastLine, m.ranges.length, m.mtrr?.firstLine]), want.doc.maps.map((m) => [m.firstLine, m.lastLine, m.ranges.length, m.mtrr?.firstLine]));
}

/** Applies a change to plain text the way an editor does (0-based line/character positions). */
function applyText(text: string, c: TextChange): string {
  if (!c.range) return c.text;
  const lines = text.split(/\r\n|\r|\n/);
  const off = (p: { line: number; character: number }): number => {
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
    return o + Math.min(p.character, lines[p.line].length);
  };
  const flat = lines.join('\n');
  return flat.slice(0, off(c.range.start)) + c.text + flat.slice(off(c.range.end));
}

test('a large document scans in chunks; edits during the scan end up equal to a fresh parse', async () => {
  const base = fixture('hyperplatform-laptop-8gb.log').split('\n').filter(Boolean);
  const filler = Array.from({ length: 120_000 }, (_, i) => `noise line ${i}`);
  let text = [...base, ...filler, 'MTRR variable ranges enabled:', '  0 base 0080000000 mask 7F80000000 uncachable', ...base].join('\n');
  const model = new DocumentModel('file:///big', 1, text, false);
  assert.equal(model.complete, false);
  model.scanSome(); // first chunk only
  const edits: TextChange[] = [
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'inserted\n' },
    { range: { start: { line: 100_000, character: 0 }, end: { line: 100_002, character: 0 } }, text: '' },
    { range: { start: { line: 50_000, character: 0 }, end: { line: 50_000, character: 0 } }, text: 'MTRR variable ranges enabled:\n' },
  ];
  let v = 1;
  for (const e of edits) {
    model.applyChanges([e], ++v);
    text = applyText(text, e);
  }
  await model.scanAll();
  assert.equal(model.complete, true);
  check(model, text);
});

test('CRLF and lone CR split like the editor does', () => {
  const model = new DocumentModel('file:///t', 1, 'a\r\nb\rc\nd');
  assert.deepEqual(model.getText().split('\n'), ['a', 'b', 'c', 'd']);
  model.applyChanges([{ range: { start: { line: 1, character: 1 }, end: { line: 2, character: 0 } }, text: '\r\nx\r\n' }], 2);
  assert.deepEqual(model.getText().split('\n'), ['a', 'b', 'x', 'c', 'd']);
});

test('structure only changes when records change: editing a noise line keeps the grouped maps', () => {
  const text = fixture('hyperplatform-laptop-8gb.log') + 'noise\n';
  const model = new DocumentModel('file:///t', 1, text);
  const g = model.maps();
  model.applyChanges([{ range: { start: { line: 9, character: 0 }, end: { line: 9, character: 5 } }, text: 'quiet' }], 2);
  assert.equal(model.maps(), g);
  model.applyChanges([{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: ' ' }], 3);
  assert.notEqual(model.maps(), g);
});

test('a didChange with many changes on a large document (replace all) re-scans once and equals a fresh parse', async () => {
  const base = fixture('hyperplatform-laptop-8gb.log').split('\n').filter(Boolean);
  const lines = Array.from({ length: 4_000 }, (_, i) => (i % 100 < 9 ? base[i % 100] : `noise ${i}`));
  let text = lines.join('\n');
  const model = new DocumentModel('file:///big', 1, text);
  // Replace "noise" by "quiet" everywhere, and break every HyperPlatform key, as editors send it (last first).
  const changes: TextChange[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith('noise')) changes.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: 5 } }, text: 'quiet' });
    else if (i % 200 === 3) {
      const col = lines[i].indexOf('Physical');
      changes.push({ range: { start: { line: i, character: col }, end: { line: i, character: col + 8 } }, text: 'Virtual\n' });
    }
  }
  assert.ok(changes.length > 50);
  for (const c of changes) text = applyText(text, c);
  model.applyChanges(changes, 2);
  await model.scanAll();
  check(model, text);
});

test('lines are kept as one text plus offsets: the view reads like an array through edits, compaction and full replaces', () => {
  const base = fixture('hyperplatform-laptop-8gb.log');
  let text = base + 'noise\r\nmore noise\rlast';
  const model = new DocumentModel('file:///t', 1, text);
  const want = () => text.split(/\r\n|\r|\n/);
  const same = () => {
    const w = want();
    assert.equal(model.lineCount, w.length);
    for (let i = 0; i < w.length; i++) assert.equal(model.lineAt(i), w[i]);
    assert.equal(model.lineAt(w.length), '');
    assert.deepEqual(model.getText().split('\n'), w);
  };
  same();
  assert.deepEqual(model.getText().split('\n'), want());
  // Enough one-character edits that the store drops the strings of overwritten lines (compaction).
  for (let k = 0; k < 3000; k++) {
    const line = (k * 7) % model.lineCount;
    const c: TextChange = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: k % 5 === 0 ? 'x\n' : 'y' };
    text = applyText(text, c);
    model.applyChanges([c], k + 2);
  }
  same();
  check(model, text);
  text = 'a\nb';
  model.applyChanges([{ text }], 9999);
  same();
});

test('while the scan runs, maps it can still change get no plan; settled maps plan as usual', async () => {
  const base = fixture('hyperplatform-laptop-8gb.log').split('\n').filter(Boolean);
  const filler = Array.from({ length: 60_000 }, (_, i) => `noise line ${i}`);
  const text = [...base, ...filler, ...base, ...filler].join('\n');
  const model = new DocumentModel('file:///big', 1, text, false);
  const analysis = new Analysis(model);
  const settings = resolveSettings(undefined);
  model.scanTo(base.length + filler.length + base.length + 10); // both maps seen, the scan not done
  assert.equal(model.complete, false);
  const view = analysis.whileScanning();
  const [first, last] = view.maps();
  assert.ok(first && last && first !== last);
  // The second map is the last one scanned so far: more lines could still join it.
  assert.match(view.planFor(last, settings).error ?? '', /still being scanned/);
  assert.equal(view.planFor(last, settings).plan, undefined);
  assert.ok(view.planFor(first, settings).plan, 'a settled map is planned');
  assert.equal(view.planFor(first, settings), analysis.planFor(first, settings), 'the view shares the cache');
  // Time-sliced background scan: yields, and ends with every map plannable through the view.
  let yields = 0;
  const scan = model.scanAll(() => false, 0);
  const tick = setInterval(() => yields++, 0);
  await scan;
  clearInterval(tick);
  assert.equal(model.complete, true);
  assert.ok(yields > 0, 'the scan let the event loop run');
  const done = analysis.whileScanning();
  assert.equal(done, analysis);
  assert.ok(done.planFor(done.maps()[1], settings).plan);
});

test('while the scan runs, a request about a line the last grouping covers reuses it (no regroup of the whole scanned part per hover); past it, or once the scan ends, maps are grouped again', () => {
  const base = fixture('hyperplatform-laptop-8gb.log').split('\n').filter(Boolean);
  const filler = Array.from({ length: 60_000 }, (_, i) => `noise line ${i}`);
  const text = [...base, ...filler, ...base, ...filler].join('\n');
  const model = new DocumentModel('file:///big', 1, text, false);
  const analysis = new Analysis(model);
  model.scanTo(base.length + 10);
  const early = model.maps(5);
  model.scanTo(base.length + filler.length + base.length + 10);
  assert.equal(model.maps(5), early, 'line 5 is covered by the grouping made then');
  assert.equal(analysis.mapForLine(5), early.doc.maps[0]);
  const later = model.maps(base.length + filler.length + 5);
  assert.notEqual(later, early, 'a line past the old grouping regroups');
  assert.equal(later.doc.maps.length, 2);
  assert.equal(model.maps(), later, 'nothing more was scanned: the same grouping');
  model.scanSome(Infinity);
  const done = model.maps(5);
  assert.equal(model.complete, true);
  assert.deepEqual(done.doc.maps.map((m) => [m.firstLine, m.lastLine]), fresh(text).doc.maps.map((m) => [m.firstLine, m.lastLine]));
  assert.equal(model.maps(5), done);
});

test('hints asked for during the scan look ahead: a map that ends just below the visible lines is settled at once', () => {
  const base = fixture('hyperplatform-laptop-8gb.log').split('\n').filter(Boolean);
  const filler = Array.from({ length: 60_000 }, (_, i) => `noise line ${i}`);
  const text = [...base, ...filler.slice(0, 1000), ...base, ...filler].join('\n');
  const model = new DocumentModel('file:///big', 1, text, false);
  const analysis = new Analysis(model);
  model.scanTo(20);
  assert.equal(analysis.isSettled(analysis.mapForLine(5)), false, 'the only map scanned so far may still grow');
  model.scanFor(20);
  assert.equal(model.complete, false);
  const [first] = analysis.mapsInLines(0, 20); // as inlayHints asks: a grouping of all that is scanned
  assert.equal(analysis.isSettled(first), true, 'the next map was reached: the first is settled');
});

test('many changes in one didChange (line-breaking inserts and deletes anywhere, in any order, or all within lines) give the text of applying them one by one, and a fresh parse', () => {
  const texts = ['', 'x', 'a\nb', '\n\n', 'Physical Memory Range: 0000000000001000 - 0000000000002000\n'];
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3000 }),
      fc.array(fc.tuple(fc.nat(), fc.oneof({ weight: 9, arbitrary: fc.nat(2) }, { weight: 1, arbitrary: fc.nat(1500) }), fc.nat(12), fc.nat(12), fc.nat(texts.length - 1)), { minLength: 51, maxLength: 150 }),
      fc.boolean(),
      (n, raw, inLine) => {
        let text = Array.from({ length: n }, (_, i) => (i % 50 === 7 ? 'Physical Memory Range: 0000000000100000 - 0000000000200000' : `line ${i}`)).join('\n');
        const model = new DocumentModel('file:///many', 1, text);
        const changes: TextChange[] = [];
        for (const [a, down, c0, c1, t] of raw) {
          const lines = text.split('\n');
          const sl = a % lines.length;
          const el = inLine ? sl : Math.min(lines.length - 1, sl + down);
          const sc = Math.min(c0, lines[sl].length);
          const ec = el === sl ? Math.min(lines[el].length, sc + c1) : Math.min(c1, lines[el].length);
          const c: TextChange = { range: { start: { line: sl, character: sc }, end: { line: el, character: ec } }, text: inLine ? texts[t].replace(/\n/g, '') : texts[t] };
          changes.push(c);
          text = applyText(text, c);
        }
        model.applyChanges(changes, 2);
        model.scanSome(Infinity);
        check(model, text);
      },
    ),
    { numRuns: 60 },
  );
});
