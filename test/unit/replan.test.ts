// planner/replan.ts against planning afresh: random inputs, random chains of swaps (inputs given
// new bounds that merge, split, move and reorder ranges, inside and across 1 GiB and 512 GiB
// regions), every carried plan equal to planMemoryMap of the same inputs, span by span; carrying a
// carried plan a second time (its arrays went to the plan carried from it) is refused, never wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PageSize, Plan, RamInput, planMemoryMap, replanSwapped } from '../../src/planner';
import { planToJson } from '../../src/planner/export';

const K4 = 4096;
const pageSize = fc.constantFrom<PageSize>('4K', '2M', '1G');
/** Addresses in a few GiB, with now and then one far up (another 512 GiB region, past the limit). */
const addr = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 2 ** 33 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 41 }) });
const length = fc.oneof(fc.integer({ min: 1, max: 3 * K4 }), fc.integer({ min: 1, max: 2 ** 22 }), fc.integer({ min: 1, max: 2 ** 31 }));
const range = fc.tuple(addr, length).map(([start, len]) => ({ start, end: start + len }));
const swap = fc.record({ at: fc.nat(), near: fc.boolean(), by: fc.integer({ min: -(2 ** 22), max: 2 ** 22 }), to: range, end: fc.boolean() });

const json = (p: Plan) => planToJson(p);

test('carried plans equal plans made afresh, over chains of swaps', () => {
  let carried = 0;
  fc.assert(
    fc.property(
      fc.array(range, { minLength: 1, maxLength: 40 }),
      fc.record({ limit: fc.constantFrom(2 ** 39, 2 ** 33, 2 ** 40), maxPage: pageSize, ramPage: pageSize }),
      fc.array(fc.array(swap, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
      fc.boolean(),
      (ranges, opts, steps, sorted) => {
        // A new list each step: a plan keeps the list it was planned from.
        let inputs: RamInput[] = (sorted ? [...ranges].sort((a, b) => a.start - b.start) : ranges).map((r, i) => ({ ...r, line: i }));
        let plan = planMemoryMap(inputs, opts);
        let isCarried = false;
        for (const step of steps) {
          const swaps = new Map<number, { index: number; start: number; end: number }>();
          for (const s of step) {
            const index = s.at % inputs.length;
            const r = inputs[index];
            // Near: one edge moved a little (a digit typed); else anywhere.
            const [start, end] = s.near ? (s.end ? [r.start, Math.max(r.start + 1, r.end + s.by)] : [Math.max(0, Math.min(r.end - 1, r.start + s.by)), r.end]) : [s.to.start, s.to.end];
            swaps.set(index, { index, start, end });
          }
          inputs = [...inputs];
          for (const { index, start, end } of swaps.values()) inputs[index] = { ...inputs[index], start, end };
          const fresh = planMemoryMap(inputs, opts);
          const next = replanSwapped(plan, [...swaps.values()]);
          if (next) {
            carried++;
            assert.deepEqual(json(next.plan), json(fresh));
            // A carried plan can't be carried twice (its arrays are the new plan's now); a planned
            // one can, and carrying it left it as it was.
            const again = replanSwapped(plan, [...swaps.values()]);
            if (isCarried) assert.equal(again, undefined);
            else assert.deepEqual(json(again!.plan), json(fresh));
            plan = next.plan;
            isCarried = true;
          } else {
            plan = fresh;
            isCarried = false;
          }
        }
      },
    ),
    { numRuns: 500, seed: 0x13 },
  );
  assert.ok(carried > 300, `carried ${carried}`);
});
