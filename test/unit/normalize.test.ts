// normalizeRam (typed-array sort by start, sorted input left unsorted) against the previous
// algorithm, kept here as the oracle: sort by rounded start then end, merge, list inputs in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeRam, RamInput } from '../../src/planner/normalize';

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
