// Typing in the address of a range line carries the map's grouping and plan over the edit
// (formats/regroup.ts, planner/replan.ts, analysis/map-plan.ts carryPlan; an edit of non-RAM
// lines alone keeps the plan) instead of redoing them:
// random edits of range lines (addresses that merge, split and reorder ranges, type changes,
// deleted and inserted lines) must leave hints, diagnostics and every plan exactly as a fresh
// model of the same text gives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analysis, type MapPlan } from '../../src/analysis';
import { computeDiagnostics } from '../../src/server/diagnostics';
import { inlayHints } from '../../src/server/hints';
import { type DocAnalysis, DocumentModel, type TextChange } from '../../src/server/model';
import { type RawSettings, resolveSettings } from '../../src/server/settings';

const PAGE = 0x1000;
const hex = (n: number) => `0x${n.toString(16).padStart(16, '0')}`;
const e820 = (start: number, end: number, type: string) => `[    0.000000] BIOS-e820: [mem ${hex(start)}-${hex(end - 1)}] ${type}`;
const MTRR = ['[    0.001700] MTRR default type: uncachable', '[    0.001700] MTRR variable ranges enabled:', '[    0.001700]   0 base 0000000000 mask 7F80000000 write-back'];

/** What a plan says, spans and lines included, as plain data. */
function planData(mp: MapPlan) {
  const p = mp.plan;
  if (!p) return { error: mp.error };
  const span = (s: MapPlan['plan'] extends infer P ? P extends { gaps: (infer G)[] } ? G : never : never) => ({ start: s.start, end: s.end, pages: s.pages, type: s.memoryType, before: s.before });
  return {
    totals: p.totals, tables: p.tables, bytes: p.bytes, comparison: p.comparison, beyond: p.beyondLimit,
    ram: p.ram.map((r) => ({ start: r.start, end: r.end, pages: r.pages, type: r.memoryType, inputs: r.inputs })),
    gaps: p.gaps.map(span),
    gapBefore: mp.gapBefore.map((g) => g && span(g)),
    tail: mp.tail && span(mp.tail),
    ramByLine: [...mp.ramByLine].sort((a, b) => a[0] - b[0]),
  };
}

function everything(a: DocAnalysis, raw: RawSettings) {
  const settings = resolveSettings(raw);
  const all = { start: { line: 0, character: 0 }, end: { line: a.model.lineCount, character: 0 } };
  return {
    hints: inlayHints(a, settings, all),
    diagnostics: computeDiagnostics(a, settings),
    plans: a.maps().map((m) => planData(a.planFor(m, settings))),
  };
}

type Edit =
  | { kind: 'move'; at: number; start: number; len: number }
  | { kind: 'nudge'; at: number; end: boolean; by: number }
  | { kind: 'type'; at: number }
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; start: number; len: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), at: fc.nat(), start: fc.nat(4096), len: fc.integer({ min: 1, max: 600 }) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('nudge' as const), at: fc.nat(), end: fc.boolean(), by: fc.integer({ min: -300, max: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('type' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), start: fc.nat(4096), len: fc.integer({ min: 1, max: 600 }) }) },
);

const settingsArb = fc.constantFrom<RawSettings>({}, { maxPage: '2M' }, { ramPage: '2M' }, { limit: '0x40000000' }, { mmioMemoryType: 'uc' });

const doc = fc.record({
  /** Range sizes and the holes between them, in pages (some huge, across 1 GiB and 512 GiB regions). */
  ranges: fc.array(fc.record({ hole: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 0, max: 700 }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 18, 2 ** 26) }), len: fc.integer({ min: 1, max: 1200 }), reserved: fc.nat(3).map((n) => n === 0) }), { minLength: 3, maxLength: 30 }),
  mtrr: fc.boolean(),
  twoMaps: fc.boolean(),
});

function lineOf(start: number, len: number, type: string) {
  return e820(start * PAGE, (start + len) * PAGE + (len % 3) * 17, type);
}

test('edits of range lines: hints, diagnostics and plans equal a fresh model of the text', () => {
  let carried = 0;
  let kept = 0;
  fc.assert(
    fc.property(doc, settingsArb, fc.array(edit, { minLength: 1, maxLength: 12 }), (d, raw, edits) => {
      const lines = ['[    0.000000] BIOS-provided physical RAM map:'];
      let at = 0;
      for (const r of d.ranges) {
        at += r.hole;
        lines.push(lineOf(at, r.len, r.reserved ? 'reserved' : 'usable'));
        at += r.len;
      }
      if (d.twoMaps) lines.push('[    0.000000] BIOS-provided physical RAM map:', lineOf(0, 100, 'usable'), lineOf(300, 100, 'usable'));
      if (d.mtrr) lines.push(...MTRR);
      const model = new DocumentModel('file:///t.log', 1, lines.join('\n'));
      const analysis: DocAnalysis = new Analysis(model);
      everything(analysis, raw);
      let version = 1;
      for (const e of edits) {
        const text = model.getText().split('\n');
        const ranges = text.map((l, i) => (l.includes('BIOS-e820') ? i : -1)).filter((i) => i >= 0);
        if (ranges.length === 0) break;
        const line = ranges[e.at % ranges.length];
        const m = /\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (\w+)/.exec(text[line])!;
        const [s, last, type] = [Number(m[1]), Number(m[2]), m[3]];
        const whole = (t: string): TextChange => ({ range: { start: { line, character: 0 }, end: { line, character: text[line].length } }, text: t });
        let change: TextChange;
        switch (e.kind) {
          case 'move':
            change = whole(lineOf(e.start * 64, e.len, type));
            break;
          case 'nudge': {
            const [ns, ne] = e.end ? [s, Math.max(s, last + e.by * 0x800)] : [Math.max(0, Math.min(last, s + e.by * 0x800)), last];
            change = whole(e820(ns, ne + 1, type));
            break;
          }
          case 'type':
            change = whole(text[line].replace(/(usable|reserved)$/, type === 'usable' ? 'reserved' : 'usable'));
            break;
          case 'delete':
            change = { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' };
            break;
          case 'insert':
            change = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: lineOf(e.start * 64, e.len, 'usable') + '\n' };
            break;
        }
        const before = analysis.maps().map((mp) => analysis.planFor(mp, resolveSettings(raw)).plan);
        model.applyChanges([change], ++version);
        const now = everything(analysis, raw);
        const after = analysis.maps().map((mp) => analysis.planFor(mp, resolveSettings(raw)).plan);
        if (after.some((p, i) => p && before[i] && p !== before[i] && p.ram.some((r, k) => r === before[i]!.ram[k]))) carried++;
        // A reserved line moved: its map keeps its plan (carryPlan's non-RAM case).
        const mi = analysis.maps().findIndex((mp) => mp.firstLine <= line && line <= mp.lastLine);
        if ((e.kind === 'move' || e.kind === 'nudge') && type === 'reserved' && mi >= 0 && after[mi] && after[mi] === before[mi]) kept++;
        const fresh = new DocumentModel('file:///t.log', version, model.getText());
        assert.deepEqual(now, everything(new Analysis(fresh), raw), `after ${JSON.stringify(e)} on line ${line}`);
      }
    }),
    { numRuns: 150, seed: 0x13 },
  );
  // The property holds whichever path answered; make sure the carried one answered often.
  assert.ok(carried > 200, `plans carried over edits: ${carried}`);
  assert.ok(kept > 50, `plans kept over edits of reserved lines: ${kept}`);
});
