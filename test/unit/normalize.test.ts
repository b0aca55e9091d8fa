// normalizeRam (typed-array sort by start, sorted input left unsorted) against the previous
// algorithm, kept here as the oracle: sort by rounded start then end, merge, list inputs in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeRam, RamInput } from '../../src/planner/normalize';
import { planMemoryMap } from '../../src/planner';
import { planToJson } from '../../src/planner/export';

const P = 4096;
function oracle(inputs: readonly RamInput[]) {
  const order = inputs.map((_, i) => i).filter((i) => inputs[i].end > inputs[i].start);
  const lo = (i: number) => inputs[i].start - (inputs[i].start % P);
  order.sort((a, b) => lo(a) - lo(b) || inputs[a].end - inputs[b].end);
  const out: { start: number; end: number; members: number[] }[] = [];
  for (const i of order) {
    const end = Math.ceil(inputs[i].end / P) * P;
    const last = out[out.length - 1];
    if (last && lo(i) <= last.end) {
      last.end = Math.max(last.end, end);
      last.members.push(i);
    } else out.push({ start: lo(i), end, members: [i] });
  }
  return out.map((r) => ({ start: r.start, end: r.end, inputs: r.members.sort((a, b) => a - b).map((i) => inputs[i]) }));
}

const range = fc.tuple(fc.integer({ min: 0, max: 64 * P }), fc.integer({ min: -P, max: 16 * P })).map(([s, len]) => ({ start: s, end: s + len, line: s }));

test('normalizeRam equals the previous sort-and-merge on random, sorted and duplicate ranges', () => {
  fc.assert(
    fc.property(fc.array(range, { maxLength: 60 }), fc.boolean(), (rs, sortFirst) => {
      const input = sortFirst ? [...rs].sort((a, b) => a.start - b.start) : rs;
      assert.deepEqual(normalizeRam(input), oracle(input));
    }),
    { numRuns: 2000, seed: 13 },
  );
});

// Addresses up to 2^52: page numbers use every digit of the radix sort (the ranges above stay below 2^20 pages).
const wide = fc.tuple(fc.integer({ min: 0, max: 2 ** 40 - 1 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: -P, max: 2 ** 34 })).map(([page, off, len]) => {
  const start = page * P + off;
  return { start, end: Math.min(2 ** 52, start + len), line: page };
});

test('normalizeRam equals the previous sort-and-merge on ranges anywhere below 2^52', () => {
  fc.assert(
    fc.property(fc.array(wide, { maxLength: 80 }), (rs) => assert.deepEqual(normalizeRam(rs), oracle(rs))),
    { numRuns: 1000, seed: 52 },
  );
});

test('sorted and shuffled input give identical plans (the sort only orders; merged inputs listed by line)', () => {
  const byLine = (a: RamInput, b: RamInput) => a.line! - b.line!;
  const canon = (plan: ReturnType<typeof planMemoryMap>) => ({
    ...planToJson(plan),
    ramInputs: plan.ram.map((r) => [...r.inputs].sort(byLine)),
  });
  fc.assert(
    fc.property(fc.array(wide, { minLength: 1, maxLength: 80 }), fc.integer(), (rs, seed) => {
      const numbered = rs.map((r, i) => ({ start: r.start, end: Math.max(r.start, r.end), line: i }));
      const sorted = [...numbered].sort((a, b) => a.start - b.start);
      const shuffled = [...numbered];
      for (let i = shuffled.length - 1, s = seed >>> 0; i > 0; i--) {
        s = (s * 1103515245 + 12345) >>> 0;
        const j = s % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      const a = canon(planMemoryMap(sorted, { limit: 2 ** 52 }));
      const b = canon(planMemoryMap(shuffled, { limit: 2 ** 52 }));
      // planToJson lists a merged range's lines in input order; compare them as sets.
      for (const p of [a, b]) for (const r of p.ram) if (r.lines) r.lines.sort((x, y) => x - y), (r.line = r.lines[0]);
      assert.deepEqual(a, b);
    }),
    { numRuns: 300, seed: 1313 },
  );
});
