// The editor reads a mail-split log as ept-plan does (issues 11 and 14): its incremental model
// joins QP soft breaks and wrapped type names through the same rule (formats/join.ts via
// scan.ts's readLine), keeps what it holds back in the scan state, and so ends equal to a fresh
// parse after edits inside a joined pair and when a large document is scanned in chunks. Its
// diagnostics and hovers point at the real characters of the lines the record spans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Analysis } from '../../src/analysis';
import { type MapRecord, type RangeRecord, groupMaps, scanText } from '../../src/formats';
import { computeDiagnostics } from '../../src/server/diagnostics';
import { hover } from '../../src/server/hover';
import { DocumentModel } from '../../src/server/model';
import { resolveSettings } from '../../src/server/settings';
import { MAP_FIXTURES, ROOT, fixture } from '../support/fixtures';

const DIR = path.join(ROOT, 'test', 'fixtures', 'real');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MAILS = fs.readdirSync(DIR).filter((f) => /mail/.test(f) && !f.endsWith('.oracle.json')).sort();
const HYPERV = 'real/mail-qp-hyperv-gen2-5.10-rc6-soft-line-breaks.eml';
const ranges = (recs: readonly MapRecord[]): RangeRecord[] => recs.filter((r): r is RangeRecord => r.kind === 'range');
const hex = (n: number) => `0x${n.toString(16)}`;

/** The model equals a fresh parse of its text: records (with every line and column) and maps. */
function assertFresh(model: DocumentModel, what: string): void {
  const fresh = scanText(model.getText());
  const { records, doc } = model.maps();
  assert.deepEqual(records, fresh, `records: ${what}`);
  assert.deepEqual(doc, groupMaps(fresh), `maps: ${what}`);
}

test('the mail fixtures: at least 10, and the QP ones do split ranges', () => {
  assert.ok(MAILS.length >= 10, MAILS.join(', '));
  assert.ok(ranges(scanText(fixture(HYPERV))).some((r) => r.lastLine !== undefined), 'a joined range');
});

test('every real mail fixture: the editor model plans what ept-plan plans (same RAM ranges, pages and tables)', () => {
  const settings = resolveSettings({});
  for (const name of MAILS) {
    const text = fs.readFileSync(path.join(DIR, name), 'utf8');
    const model = new DocumentModel(`file:///${name}`, 1, text);
    assertFresh(model, name);
    const r = spawnSync(process.execPath, [CLI, '--json', path.join(DIR, name)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    const cli = JSON.parse(r.stdout) as { map: number; ram: { start: string; end: string; line: number }[]; totals: unknown; tables: unknown; bytes: number };
    const analysis = new Analysis(model);
    const map = analysis.maps()[cli.map - 1];
    assert.ok(map, `${name}: map ${cli.map}`);
    const plan = analysis.planFor(map, settings).plan;
    assert.ok(plan, name);
    assert.deepEqual(plan.ram.map((x) => [hex(x.start), hex(x.end)]), cli.ram.map((x) => [x.start, x.end]), `${name}: RAM`);
    assert.deepEqual([plan.totals, plan.tables, plan.bytes], [cli.totals, cli.tables, cli.bytes], `${name}: plan counts`);
  }
});

test('the Hyper-V QP mail in the editor: 7 RAM ranges planned, no problem on a split range, hover and underline on the real characters', () => {
  const text = fixture(HYPERV);
  const lines = text.split('\n');
  const model = new DocumentModel('file:///hyperv.eml', 1, text);
  const analysis = new Analysis(model);
  const settings = resolveSettings({});
  const recs = ranges(model.maps().records);
  assert.equal(recs.filter((r) => r.ram).length, 7);
  assert.equal(recs.filter((r) => r.problems.length > 0).length, 0);
  assert.deepEqual(computeDiagnostics(analysis, settings).filter((d) => d.severity === 1), [], 'no errors');
  // `… [mem 0x…-0x…] usa=` / `ble`: the record is the first line's, its end address there.
  const first = lines.findIndex((l) => l.endsWith('[mem 0x0000000000000000-0x000000000009ffff] usa='));
  const r = model.recordAt(first) as RangeRecord;
  assert.deepEqual([r.line, r.lastLine, r.typeName, r.ram], [first, first + 1, 'usable', true]);
  const endAt = lines[first].indexOf('0x000000000009ffff');
  assert.deepEqual(r.fields.end, { start: endAt, end: endAt + 18 });
  assert.deepEqual(r.spread?.type, { line: first, field: { start: lines[first].length - 4, end: lines[first].length - 1 } });
  const h = hover(analysis, settings, { line: first, character: endAt + 3 });
  assert.ok(h?.range);
  assert.deepEqual([h.range.start, h.range.end], [{ line: first, character: endAt }, { line: first, character: endAt + 18 }]);
  // The continuation line belongs to the range too.
  const below = hover(analysis, settings, { line: first + 1, character: 1 });
  assert.ok(below?.range, 'hover on `ble`');
  assert.equal(below.range.start.line, first + 1);
  assert.match(JSON.stringify(below.contents), /RAM range `0x0–0xa0000`/);
});

test('the stopgap diagnostic is gone: no mail-split-lines on any mail', () => {
  for (const name of MAILS) {
    const model = new DocumentModel(`file:///${name}`, 1, fs.readFileSync(path.join(DIR, name), 'utf8'));
    assert.equal(computeDiagnostics(new Analysis(model), resolveSettings({})).filter((d) => d.code === 'mail-split-lines').length, 0, name);
  }
});

/** Every (line, character) edit that puts one character into or takes one out of a joined pair, then undoes it. */
test('edits inside a joined pair (incremental didChange) end equal to a fresh parse', () => {
  for (const name of [HYPERV, 'real/mail-qp-syzbot-5.12-caller-id-split-addresses.eml', 'real/mail-wrapped-iso-time-xen-pv-types-on-next-line.log', 'real/mail-xen-early-console-prefix-wrapped-types.log']) {
    const text = fixture(name);
    const joined = ranges(scanText(text)).filter((r) => r.lastLine !== undefined);
    assert.ok(joined.length > 0, name);
    const model = new DocumentModel(`file:///${name}`, 1, text);
    let version = 1;
    for (const r of joined.slice(0, 4)) {
      const a = r.line;
      const b = r.lastLine!;
      const lenA = model.lineAt(a).length;
      const edits = [
        // Break the soft break / the range line, then mend it.
        { range: { start: { line: a, character: lenA - 1 }, end: { line: a, character: lenA } }, text: '' },
        { range: { start: { line: a, character: lenA - 1 }, end: { line: a, character: lenA - 1 } }, text: model.lineAt(a).slice(-1) },
        // Type into the continuation, then take it out.
        { range: { start: { line: b, character: 0 }, end: { line: b, character: 0 } }, text: 'x' },
        { range: { start: { line: b, character: 0 }, end: { line: b, character: 1 } }, text: '' },
        // A line between the two halves, and away again.
        { range: { start: { line: b, character: 0 }, end: { line: b, character: 0 } }, text: 'noise\n' },
        { range: { start: { line: b, character: 0 }, end: { line: b + 1, character: 0 } }, text: '' },
        // Join the two physical lines into one, then split them again.
        { range: { start: { line: a, character: lenA }, end: { line: b, character: 0 } }, text: '' },
        { range: { start: { line: a, character: lenA }, end: { line: a, character: lenA } }, text: '\n' },
      ];
      for (const e of edits) {
        model.applyChanges([e], ++version);
        assertFresh(model, `${name}: ${JSON.stringify(e)}`);
      }
    }
    assert.equal(model.getText(), text, `${name}: every edit undone`);
  }
});

test('a large mail (> 20k lines, scanned in chunks with pairs across chunk ends) equals a fresh parse, and so do edits while it is half scanned', async () => {
  const mail = fixture(HYPERV).split('\n');
  const body = mail.slice(mail.findIndex((l) => l.startsWith('Content-Transfer-Encoding')));
  const noise = (i: number) => `[    1.${String(i).padStart(6, '0')}] pci 0000:00:1f.${i % 8}: noise line ${i}`;
  // Pad so that joined pairs straddle the 20,000-line chunk and 1,000-line slice boundaries.
  const lines: string[] = [];
  for (let k = 0; lines.length < 45_000; k++) {
    const pad = k === 0 ? 19_995 - lines.length : 997 + (k % 3);
    for (let i = 0; i < pad; i++) lines.push(noise(lines.length));
    lines.push(...body);
  }
  const text = lines.join('\n');
  const fresh = scanText(text);
  assert.ok(ranges(fresh).filter((r) => r.lastLine !== undefined).length > 100);
  const model = new DocumentModel('file:///big.eml', 1, text, false);
  assert.equal(model.complete, false);
  model.scanSome(21_000);
  // An edit in the scanned part, inside a joined pair, before the rest is scanned.
  const pair = ranges(model.maps().records).find((r) => r.lastLine !== undefined)!;
  model.applyChanges([{ range: { start: { line: pair.lastLine!, character: 0 }, end: { line: pair.lastLine!, character: 0 } }, text: 'x' }], 2);
  model.applyChanges([{ range: { start: { line: pair.lastLine!, character: 0 }, end: { line: pair.lastLine!, character: 1 } }, text: '' }], 3);
  await model.scanAll(() => false, 1);
  assert.equal(model.complete, true);
  assertFresh(model, 'chunked');
  assert.deepEqual(model.maps().records, fresh);
});

test('logs that are not mails read as before: nothing joined, records on their own lines', () => {
  for (const name of [...MAP_FIXTURES, 'real/dell-latitude-e6510-36bit.dmesg']) {
    const text = fixture(name);
    const recs = scanText(text);
    const model = new DocumentModel(`file:///${name}`, 1, text);
    assert.deepEqual(model.maps().records, recs, name);
    for (const r of recs) assert.ok(r.kind !== 'range' || (r.lastLine === undefined && (r.spread === undefined || r.firstLine !== undefined)), `${name}: line ${r.line + 1}`);
  }
});
