// The planner against an independent brute-force oracle, and its invariants as fast-check
// properties. The oracle shares no code with the planner: it classifies every 4 KiB page
// (RAM or not, MTRR type by the SDM rules written out again here) and walks the address space
// taking, at each address, the largest aligned page whose pages are all alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryType, MtrrState, PageSize, planMemoryMap, TypedLeafRun } from '../../src/planner';

const K4 = 4096;
const SIZES: [PageSize, number][] = [['1G', 2 ** 30], ['2M', 2 ** 21], ['4K', K4]];
const TYPES: MemoryType[] = ['UC', 'WC', 'WT', 'WP', 'WB'];
const TYPE_CODE: Record<MemoryType, number> = { UC: 1, WC: 2, WT: 3, WP: 4, WB: 5 };

/** `a & b` for non-negative integers below 2^53. */
function and53(a: number, b: number): number {
  const hi = (Math.floor(a / 2 ** 32) & Math.floor(b / 2 ** 32)) >>> 0;
  return hi * 2 ** 32 + ((a & b) >>> 0);
}

function oracleTypeAt(m: MtrrState, addr: number): MemoryType {
  if (!m.enabled) return 'UC';
  if (m.fixedEnabled && addr < 0x100000) {
    for (const f of m.fixed) if (f.start <= addr && addr < f.end) return f.type;
  }
  let first: MemoryType | undefined;
  let same = true;
  let uc = false;
  let onlyWtWb = true;
  for (const v of m.variable) {
    if (and53(addr, v.mask) !== and53(v.base, v.mask)) continue;
    if (first === undefined) first = v.type;
    else if (v.type !== first) same = false;
    if (v.type === 'UC') uc = true;
    if (v.type !== 'WT' && v.type !== 'WB') onlyWtWb = false;
  }
  if (first === undefined) return m.defaultType;
  if (same) return first;
  if (uc) return 'UC';
  return onlyWtWb ? 'WT' : 'UC';
}

interface OracleResult {
  leaves: { start: number; size: PageSize; ram: boolean; type: number }[];
  mmio: Record<PageSize, number>;
  ram: Record<PageSize, number>;
  tables: { pml4: number; pdpt: number; pd: number; pt: number };
}

function oracle(ram: { start: number; end: number }[], limit: number, maxPage: PageSize, ramPage: PageSize, mtrr?: MtrrState): OracleResult {
  const pages = limit / K4;
  const isRam = new Uint8Array(pages);
  for (const r of ram) {
    for (let p = Math.floor(r.start / K4); p < Math.ceil(r.end / K4) && p < pages; p++) isRam[p] = 1;
  }
  const type = new Uint8Array(pages);
  if (mtrr) {
    // Types only change at multiples of the smallest variable-range block or fixed-range edge;
    // still, evaluate every page: the oracle must not borrow the planner's reasoning.
    for (let p = 0; p < pages; p++) type[p] = TYPE_CODE[oracleTypeAt(mtrr, p * K4)];
  } else for (let p = 0; p < pages; p++) type[p] = isRam[p] ? 5 : 1;
  const order = ['4K', '2M', '1G'];
  const allowed = (size: PageSize, ramPage: boolean): boolean => order.indexOf(size) <= order.indexOf(maxPage) && (!ramPage || order.indexOf(size) <= order.indexOf(ramPageCap));
  const ramPageCap = ramPage;
  const res: OracleResult = { leaves: [], mmio: { '4K': 0, '2M': 0, '1G': 0 }, ram: { '4K': 0, '2M': 0, '1G': 0 }, tables: { pml4: 0, pdpt: 0, pd: 0, pt: 0 } };
  let a = 0;
  while (a < limit) {
    const p0 = a / K4;
    for (const [size, bytes] of SIZES) {
      if (a % bytes !== 0 || a + bytes > limit || !allowed(size, isRam[p0] === 1)) continue;
      const n = bytes / K4;
      let alike = true;
      for (let p = p0 + 1; p < p0 + n && alike; p++) alike = isRam[p] === isRam[p0] && type[p] === type[p0];
      if (!alike) continue;
      res.leaves.push({ start: a, size, ram: isRam[p0] === 1, type: type[p0] });
      (isRam[p0] ? res.ram : res.mmio)[size]++;
      a += bytes;
      break;
    }
  }
  const pt = new Set<number>();
  const pd = new Set<number>();
  const pdpt = new Set<number>();
  for (const l of res.leaves) {
    if (l.size === '4K') pt.add(Math.floor(l.start / 2 ** 21));
    if (l.size !== '1G') pd.add(Math.floor(l.start / 2 ** 30));
    pdpt.add(Math.floor(l.start / 2 ** 39));
  }
  res.tables = { pml4: res.leaves.length ? 1 : 0, pdpt: pdpt.size, pd: pd.size, pt: pt.size };
  return res;
}

interface Leafish {
  start: number;
  end: number;
  size: PageSize;
  ram: boolean;
  type: number;
}

function mergeRuns(leaves: Leafish[]): Leafish[] {
  const out: Leafish[] = [];
  for (const l of leaves) {
    const last = out[out.length - 1];
    if (last && last.end === l.start && last.size === l.size && last.ram === l.ram && last.type === l.type) last.end = l.end;
    else out.push({ ...l });
  }
  return out;
}

const pageSize = fc.constantFrom<PageSize>('4K', '2M', '1G');
const memType = fc.constantFrom<MemoryType>(...TYPES);

/** Limits the oracle can walk page by page: 1 to 3 GiB, sometimes not 2M-aligned. */
const limitArb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([g, k]) => g * 2 ** 30 + k * 0x3000);

function ramArb(limit: number) {
  // Ranges anywhere below the limit (and a bit past it), unaligned edges, small enough to walk.
  const range = fc
    .tuple(fc.integer({ min: 0, max: limit + 2 ** 24 }), fc.integer({ min: 1, max: 2 ** 24 }), fc.boolean())
    .map(([s, len, alignEdges]) => (alignEdges ? { start: s - (s % 2 ** 21), end: s - (s % 2 ** 21) + len - (len % K4) + K4 } : { start: s, end: s + len }));
  return fc.array(range, { maxLength: 8 });
}

function mtrrArb(limit: number) {
  const variable = fc
    .tuple(fc.integer({ min: 12, max: 32 }), fc.integer({ min: 0, max: Math.floor(limit / K4) }), memType, fc.integer({ min: 0, max: 7 }))
    .map(([log2, basePage, type, index]) => ({ index, base: basePage * K4, mask: 2 ** 52 - 2 ** log2, type }));
  const fixed = fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 64 }), memType)
    .map(([p, n, type]) => ({ start: p * K4, end: Math.min(0x100000, (p + n) * K4), type }));
  return fc.record({
    enabled: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    defaultType: memType,
    defaultTypeKnown: fc.constant(true),
    fixedEnabled: fc.boolean(),
    fixed: fc.array(fixed, { maxLength: 3 }).map((fs) => fs.sort((a, b) => a.start - b.start).filter((f, i, arr) => i === 0 || f.start >= arr[i - 1].end)),
    variable: fc.array(variable, { maxLength: 5 }),
  }) as fc.Arbitrary<MtrrState>;
}

const scenario = limitArb.chain((limit) =>
  fc.record({
    limit: fc.constant(limit),
    ram: ramArb(limit),
    maxPage: pageSize,
    ramPage: pageSize,
    mtrr: fc.option(mtrrArb(limit), { nil: undefined }),
  }),
);

const allRuns = (plan: ReturnType<typeof planMemoryMap>): (TypedLeafRun & { ram: boolean })[] =>
  [...plan.ram.flatMap((r) => r.runs.map((x) => ({ ...x, ram: true }))), ...plan.gaps.flatMap((g) => g.runs.map((x) => ({ ...x, ram: false })))].sort((a, b) => a.start - b.start);

test('brute-force oracle: same leaves per page size (gaps and RAM) and same tables', () => {
  fc.assert(
    fc.property(scenario, ({ limit, ram, maxPage, ramPage, mtrr }) => {
      const plan = planMemoryMap(ram, { limit, maxPage, ramPage, mtrr });
      const o = oracle(ram, limit, maxPage, plan.options.ramPage, mtrr);
      assert.deepEqual(plan.totals.mmio, o.mmio);
      assert.deepEqual(plan.totals.ram, o.ram);
      assert.deepEqual(plan.tables, o.tables);
      // Leaf by leaf, compared as runs of identical consecutive leaves (cheap to compare).
      const planLeaves = allRuns(plan).map((r) => ({ start: r.start, end: r.end, size: r.size, ram: r.ram, type: TYPE_CODE[r.memoryType] }));
      const oracleLeaves = o.leaves.map((l) => ({ start: l.start, end: l.start + SIZES.find(([s]) => s === l.size)![1], size: l.size, ram: l.ram, type: l.type }));
      assert.deepEqual(mergeRuns(planLeaves), mergeRuns(oracleLeaves));
    }),
    { numRuns: 30, seed: 20261130 },
  );
});

test('properties: leaves tile [0, limit), are aligned, never mix RAM and gap, counts add up', () => {
  const big = fc.record({
    limit: fc.integer({ min: 1, max: 2 ** 28 }).map((p) => p * K4 * 64),
    ranges: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 36 })), { maxLength: 40 }),
    maxPage: pageSize,
    ramPage: pageSize,
  });
  fc.assert(
    fc.property(big, ({ limit, ranges, maxPage, ramPage }) => {
      const ram = ranges.map(([s, len]) => ({ start: s, end: s + len }));
      const plan = planMemoryMap(ram, { limit, maxPage, ramPage });
      const runs = allRuns(plan);
      let at = 0;
      for (const r of runs) {
        const bytes = SIZES.find(([s]) => s === r.size)![1];
        assert.equal(r.start, at, 'contiguous');
        assert.equal(r.start % bytes, 0, 'aligned');
        assert.equal(r.end - r.start, r.count * bytes);
        const inRam = (addr: number) => ram.some((x) => x.end > x.start && Math.floor(x.start / K4) * K4 <= addr && addr < Math.ceil(x.end / K4) * K4);
        if (!r.ram) assert.ok(!ram.some((x) => x.end > x.start && Math.floor(x.start / K4) * K4 < r.end && Math.ceil(x.end / K4) * K4 > r.start), 'gap run holds no RAM');
        else assert.ok(inRam(r.start) && inRam(r.end - 1), 'RAM run lies in RAM');
        at = r.end;
      }
      assert.equal(at, limit, 'tiles up to the limit');
      const sum = (k: 'mmio' | 'ram') => plan.totals[k]['4K'] * K4 + plan.totals[k]['2M'] * 2 ** 21 + plan.totals[k]['1G'] * 2 ** 30;
      assert.equal(sum('mmio') + sum('ram'), limit);
    }),
    { numRuns: 300, seed: 42 },
  );
});

test('properties: with MTRRs no leaf straddles a memory-type change', () => {
  fc.assert(
    fc.property(scenario, ({ limit, ram, maxPage, ramPage, mtrr }) => {
      if (!mtrr) return;
      const plan = planMemoryMap(ram, { limit, maxPage, ramPage, mtrr });
      for (const r of allRuns(plan)) {
        // Sample the oracle's type at every 4 KiB page of small runs, at run edges and midpoints of big ones.
        const step = r.end - r.start <= 2 ** 24 ? K4 : 2 ** 21;
        for (let a = r.start; a < r.end; a += step) assert.equal(oracleTypeAt(mtrr, a), r.memoryType, `type at 0x${a.toString(16)}`);
        assert.equal(oracleTypeAt(mtrr, r.end - K4), r.memoryType);
      }
    }),
    { numRuns: 60, seed: 7 },
  );
});

test('MTRRs disabled: everything UC', () => {
  const mtrr: MtrrState = { enabled: false, defaultType: 'WB', defaultTypeKnown: true, fixedEnabled: true, fixed: [], variable: [] };
  const plan = planMemoryMap([{ start: 0, end: 2 ** 30 }], { limit: 2 ** 32, mtrr });
  assert.ok(allRuns(plan).every((r) => r.memoryType === 'UC'));
});
