// Hostile input, bounded for `npm test` (seeded, a few seconds each); test/fuzz/run.mjs runs the
// same properties for as long as FUZZ_SECONDS says. See test/fuzz/properties.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ADVERSARIAL, READERS, checkPlanner, checkReaders, editsProperty, plannerProperty, readersProperty, timeOne, timingProperty,
} from '../fuzz/properties';

/** Generous: a linear reader does 20,000 characters in well under a millisecond. */
const BOUND_MS = 200;

test('readers never throw on arbitrary text, and every field they report lies inside its line', () => {
  fc.assert(readersProperty(), { numRuns: 1500, seed: 8 });
});

test('readers on long and pathological lines: 20,000 × "0x", " - ", NUL bytes, a 30,000-character line', () => {
  for (const line of ADVERSARIAL) checkReaders(line);
  checkReaders(['Physical Memory Range: 0 - 1000', 'Physical Memory Range: 1000 - 2000 .. ' + '0x'.repeat(15_000), 'Physical Memory Range: 2000 - 3000'].join('\n'));
  checkReaders('\u0000'.repeat(20_000) + '\n' + 'BIOS-e820: [mem 0x0-0x' + '0'.repeat(20_000) + '] usable');
});

test('the planner never throws but PlanError, and its leaves tile [0, limit) whatever the RAM and MTRRs', () => {
  fc.assert(plannerProperty(), { numRuns: 600, seed: 8 });
});

test('planner edge cases: inverted, empty and unaligned ranges, 2^52, unaligned fixed MTRRs, hostile masks', () => {
  const cases = [
    { ram: [{ start: 5, end: 3 }], limit: 4096, maxPage: '1G', ramPage: '4K' },
    { ram: [{ start: 0, end: 0 }, { start: 1, end: 2 }], limit: 2 ** 52, maxPage: '1G', ramPage: '1G' },
    { ram: [{ start: 2 ** 52 - 1, end: 2 ** 52 }], limit: 2 ** 52, maxPage: '2M', ramPage: '4K' },
    { ram: [], limit: 4096, maxPage: '4K', ramPage: '4K' },
    {
      ram: [{ start: 0, end: 0x9f000 }],
      limit: 4 * 2 ** 30,
      maxPage: '1G',
      ramPage: '4K',
      mtrr: {
        enabled: true, defaultType: 'WB', defaultTypeKnown: true, fixedEnabled: true,
        fixed: [{ start: 0, end: 0x10, type: 'UC' }, { start: 0x11, end: 0x1234, type: 'WC' }],
        variable: [
          { index: 0, base: 0, mask: 0x4000001000, type: 'WP' },
          { index: 1, base: 0, mask: 0, type: 'WT' },
          { index: 2, base: 0x80000000, mask: 0xfff80000000, type: 'UC' },
        ],
      },
    },
  ] as const;
  for (const c of cases) checkPlanner(JSON.parse(JSON.stringify(c)));
});

test(`every reader takes under ${BOUND_MS} ms on each hand-picked adversarial 20,000-character line`, () => {
  const slow: string[] = [];
  for (const line of ADVERSARIAL) {
    for (const [name, fn] of Object.entries(READERS)) {
      const ms = timeOne(fn, line);
      if (ms >= BOUND_MS) slow.push(`${name}: ${ms.toFixed(0)} ms on ${JSON.stringify(line.slice(0, 50))}… (${line.length})`);
    }
  }
  assert.deepEqual(slow, []);
});

test(`every reader takes under ${BOUND_MS} ms on random adversarial 20,000-character lines`, () => {
  fc.assert(timingProperty(BOUND_MS), { numRuns: 60, seed: 8 });
});

test('edits through the server document model give the records of a fresh parse', () => {
  fc.assert(editsProperty(), { numRuns: 300, seed: 8 });
});
