// The typed-array planner (merged RAM in typed arrays, counts without span objects, spans built
// when read) against the planner as it was, kept in test/support/reference-planner.ts: the same
// plan, span by span, on random inputs: sorted and shuffled, overlapping, adjacent, duplicate,
// unaligned, empty, invalid, anywhere below 2^52, with and without MTRRs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryType, MtrrState, PageSize, Plan, PlanError, RamInput, normalizeRam, planMemoryMap } from '../../src/planner';
import { planToJson } from '../../src/planner/export';
import * as ref from '../support/reference-planner';

const K4 = 4096;
const G1 = 2 ** 30;
const pageSize = fc.constantFrom<PageSize>('4K', '2M', '1G');
const memType = fc.constantFrom<MemoryType>('UC', 'WC', 'WT', 'WP', 'WB');

/** An address at a random granularity (byte, 4K, 2M, 1G), low or anywhere below 2^52. */
const addr = fc.tuple(fc.constantFrom(1, K4, 2 ** 21, G1), fc.oneof(fc.integer({ min: 0, max: 2 ** 34 }), fc.integer({ min: 0, max: 2 ** 52 }))).map(([g, a]) => Math.min(2 ** 52, a - (a % g)));
const length = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * K4 }), fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 41 }));

/** Ranges that overlap, touch, repeat, are empty; each with its line, sometimes a source. */
const ranges = fc
  .array(fc.tuple(addr, length, fc.nat(3), fc.boolean()), { maxLength: 60 })
  .map((rs) => {
    const out: RamInput[] = [];
    for (const [a, len, kind, src] of rs) {
      const prev = out[out.length - 1];
      // kind 1: adjacent to the previous range; 2: overlapping it; 3: the same again.
      const start = prev && kind === 1 ? prev.end : prev && kind === 2 ? prev.start + Math.floor((prev.end - prev.start) / 2) : prev && kind === 3 ? prev.start : a;
      const end = prev && kind === 3 ? prev.end : Math.min(2 ** 52, start + len);
      out.push({ start, end, line: out.length, ...(src ? { source: `f${out.length % 3}` } : {}) });
    }
    return out;
  });

const order = fc.constantFrom('as generated', 'sorted', 'shuffled', 'reversed');
function arrange(rs: RamInput[], how: string, seed: number): RamInput[] {
  if (how === 'sorted') return [...rs].sort((a, b) => a.start - b.start);
  if (how === 'reversed') return [...rs].sort((a, b) => b.start - a.start);
  if (how !== 'shuffled') return rs;
  const out = [...rs];
  for (let i = out.length - 1, s = seed >>> 0; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const limit = fc.oneof(
  fc.integer({ min: 1, max: 2 ** 28 }).map((p) => p * K4),
  fc.integer({ min: 1, max: 2 ** 20 }).map((p) => p * 2 ** 21),
  fc.constantFrom<number | 'phys'>(2 ** 39, 2 ** 52, 'phys'),
);

const mtrr: fc.Arbitrary<MtrrState> = fc.record({
  enabled: fc.constant(true),
  defaultType: memType,
  defaultTypeKnown: fc.constant(true),
  fixedEnabled: fc.boolean(),
  fixed: fc.constant([]),
  variable: fc.array(
    fc.tuple(fc.integer({ min: 12, max: 40 }), fc.integer({ min: 0, max: 2 ** 28 }), memType, fc.integer({ min: 0, max: 7 })).map(([log2, page, type, index]) => ({ index, base: page * K4 - ((page * K4) % 2 ** log2), mask: 2 ** 52 - 2 ** log2, type })),
    { maxLength: 4 },
  ),
}) as fc.Arbitrary<MtrrState>;

const options = fc.record({ limit, maxPage: pageSize, ramPage: pageSize, mtrr: fc.option(mtrr, { nil: undefined }) });

const counts = (p: { '4K': number; '2M': number; '1G': number }) => ({ '4K': p['4K'], '2M': p['2M'], '1G': p['1G'] });
/** Everything a caller can read of a span, the lazy parts included. */
function spanView(s: Plan['gaps'][number] | Plan['ram'][number]) {
  return {
    start: s.start,
    end: s.end,
    memoryType: s.memoryType,
    pages: counts(s.pages),
    pieces: s.pieces.map((p) => ({ start: p.start, end: p.end, memoryType: p.memoryType, pages: counts(p.pages) })),
    runs: s.runs.map((r) => ({ ...r })),
    hasBefore: 'before' in s,
    before: (s as { before?: number }).before,
  };
}

function assertSamePlan(fast: Plan, old: ref.Plan, inputs: readonly RamInput[]): void {
  assert.deepEqual(planToJson(fast), planToJson(old as unknown as Plan));
  assert.deepEqual(fast.options, old.options);
  assert.deepEqual(fast.totals, old.totals);
  assert.deepEqual(fast.tables, old.tables);
  assert.equal(fast.bytes, old.bytes);
  assert.deepEqual(fast.beyondLimit, old.beyondLimit);
  assert.deepEqual(fast.comparison, old.comparison);
  assert.deepEqual(fast.mtrrConflicts, old.mtrrConflicts);
  assert.deepEqual(fast.mtrrTruncated, old.mtrrTruncated);
  assert.equal(fast.ram.length, old.ram.length);
  assert.equal(fast.gaps.length, old.gaps.length);
  fast.ram.forEach((r, i) => {
    assert.deepEqual(spanView(r), spanView(old.ram[i] as never));
    // The very input objects, in input order.
    assert.equal(r.inputs.length, old.ram[i].inputs.length);
    r.inputs.forEach((x, k) => assert.equal(x, old.ram[i].inputs[k]));
    assert.ok(r.inputs.every((x) => inputs.includes(x)));
  });
  fast.gaps.forEach((g, i) => assert.deepEqual(spanView(g), spanView(old.gaps[i] as never)));
  // Read twice, the same objects (callers find spans by identity: plan.ram.indexOf(span)).
  assert.equal(fast.ram, fast.ram);
  assert.equal(fast.gaps, fast.gaps);
}

test('fast path = the previous planner, span by span, on random sorted, shuffled, overlapping, adjacent, unaligned and empty input', () => {
  fc.assert(
    fc.property(ranges, order, fc.integer(), options, (rs, how, seed, opts) => {
      const input = arrange(rs, how, seed);
      let old: ref.Plan | undefined;
      let oldError: unknown;
      try {
        old = ref.planMemoryMap(input, opts);
      } catch (e) {
        oldError = e;
      }
      if (!old) {
        assert.throws(() => planMemoryMap(input, opts), (e: unknown) => e instanceof PlanError && e.message === (oldError as Error).message);
        return;
      }
      assertSamePlan(planMemoryMap(input, opts), old, input);
    }),
    { numRuns: 1500, seed: 2026_12_07 },
  );
});

test('fast path = the previous planner on invalid ranges: the same PlanError for the first one', () => {
  const bad = fc.constantFrom(-K4, 0.5, Number.NaN, 2 ** 53, Infinity);
  fc.assert(
    fc.property(ranges, fc.nat(60), bad, fc.boolean(), (rs, at, v, onEnd) => {
      const input = [...rs];
      const i = Math.min(at, input.length);
      input.splice(i, 0, onEnd ? { start: K4, end: v } : { start: v, end: 2 * K4 });
      let message = '';
      try {
        ref.planMemoryMap(input);
      } catch (e) {
        message = (e as Error).message;
      }
      if (!message) return assertSamePlan(planMemoryMap(input), ref.planMemoryMap(input), input);
      assert.throws(() => planMemoryMap(input), (e: unknown) => e instanceof PlanError && e.message === message);
    }),
    { numRuns: 300, seed: 53 },
  );
});

test('normalizeRam = the previous one (sorted, shuffled, overlapping, empty)', () => {
  fc.assert(
    fc.property(ranges, order, fc.integer(), (rs, how, seed) => {
      const input = arrange(rs, how, seed);
      assert.deepEqual(normalizeRam(input), ref.normalizeRam(input));
    }),
    { numRuns: 1000, seed: 77 },
  );
});

test('no RAM, RAM from 0, RAM up to and past the limit: the gaps around it as before', () => {
  const cases: RamInput[][] = [[], [{ start: 0, end: G1 }], [{ start: 0, end: 4 * G1 }], [{ start: K4, end: 4 * G1 }], [{ start: 3 * G1, end: 8 * G1 }], [{ start: 8 * G1, end: 9 * G1 }]];
  for (const rs of cases) {
    for (const mt of [undefined, { enabled: true, defaultType: 'UC', defaultTypeKnown: true, fixedEnabled: false, fixed: [], variable: [{ index: 0, base: 0, mask: 2 ** 52 - 2 * G1, type: 'WB' }] } as MtrrState]) {
      assertSamePlan(planMemoryMap(rs, { limit: 4 * G1, mtrr: mt }), ref.planMemoryMap(rs, { limit: 4 * G1, mtrr: mt }), rs);
    }
  }
});
