// The MTRR memory-type map: SDM precedence, mask matching, real dumps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMemoryTypeMap, combineTypes, isContiguousMask, MAX_BLOCKS, MtrrState, planMemoryMap, typeAt, variableRangeBlocks } from '../../src/planner';
import { groupMaps, ramInputs, scanText } from '../../src/formats';
import fc from 'fast-check';
import { fixture } from '../support/fixtures';
import { oraclePlan } from '../support/interval-oracle';
import { physLimitWarning } from '../../src/planner/phys-bits';

const G = 2 ** 30;
const state = (over: Partial<MtrrState>): MtrrState => ({ enabled: true, defaultType: 'UC', defaultTypeKnown: true, fixedEnabled: false, fixed: [], variable: [], ...over });

test('Surface Pro 7 dump: default WB; UC 0x91000000–4 GiB; WC 256–384 GiB; UC 384–512 GiB', () => {
  const doc = groupMaps(scanText(fixture('surface-pro-7.dmesg')));
  const dump = doc.maps[0].mtrr!;
  assert.equal(dump.source, 'dmesg');
  assert.equal(dump.state.defaultType, 'WB');
  assert.equal(dump.state.defaultTypeKnown, true);
  assert.equal(dump.state.fixedEnabled, true);
  assert.equal(dump.state.physAddrBits, 39);
  assert.equal(dump.state.variable.length, 8);
  const map = buildMemoryTypeMap(dump.state, 512 * G);
  assert.deepEqual(map.segments.map((s) => [s.start, s.end, s.type]), [
    [0, 0xa0000, 'WB'],
    [0xa0000, 0xc0000, 'UC'],
    [0xc0000, 0x100000, 'WP'],
    [0x100000, 0x91000000, 'WB'],
    [0x91000000, 4 * G, 'UC'],
    [4 * G, 256 * G, 'WB'],
    [256 * G, 384 * G, 'WC'],
    [384 * G, 512 * G, 'UC'],
  ]);
  assert.deepEqual(map.conflicts, []);
});

test('/proc/mtrr of the desktop: reg06 is a UC hole inside WB; default UC assumed and said', () => {
  const doc = groupMaps(scanText(fixture('desktop-i7-2600.mtrr')));
  assert.equal(doc.maps.length, 0);
  const dump = doc.orphanDumps[0];
  assert.equal(dump.source, 'proc');
  assert.equal(dump.state.defaultTypeKnown, false);
  assert.match(dump.notes.join(' '), /no default type/);
  const map = buildMemoryTypeMap(dump.state, 16 * G);
  assert.equal(typeAt(map.segments, 0x22e000000), 'UC');
  assert.equal(typeAt(map.segments, 0x22dfff000), 'WB');
  assert.equal(typeAt(map.segments, 0xffc00000), 'WP');
  assert.equal(typeAt(map.segments, 0xd0000000), 'UC');
  assert.equal(typeAt(map.segments, 0x240000000), 'UC');
});

test('mask matching, not base + size: a Hyper-V base not aligned to its 64 GiB mask covers [0, 64 GiB)', () => {
  const mask = 2 ** 52 - 64 * G;
  assert.deepEqual(variableRangeBlocks(0x100000000, mask, 512 * G).blocks, [{ start: 0, end: 64 * G }]);
  const map = buildMemoryTypeMap(state({ variable: [{ index: 0, base: 0x100000000, mask, type: 'WB' }] }), 128 * G);
  assert.equal(typeAt(map.segments, 0), 'WB');
  assert.equal(typeAt(map.segments, 64 * G - 4096), 'WB');
  assert.equal(typeAt(map.segments, 64 * G), 'UC');
});

test('MAXPHYADDR: a mask taken as ones above it never aliases; bits 38:37 only alias on a CPU wider than 39 bits', () => {
  const mask = 0x6000000000; // bits 38:37, as a 39-bit dump prints it
  assert.deepEqual(variableRangeBlocks(0x6000000000, mask, 1024 * G, MAX_BLOCKS, 39).blocks, [{ start: 384 * G, end: 512 * G }]);
  // The same register value on a 52-bit CPU really has bits 51:39 clear: it matches every 512 GiB.
  assert.deepEqual(variableRangeBlocks(0x6000000000, mask, 1024 * G).blocks, [{ start: 384 * G, end: 512 * G }, { start: 896 * G, end: 1024 * G }]);
  // Base bits above MAXPHYADDR don't exist either.
  assert.deepEqual(variableRangeBlocks(0x1000000000 + 0x80000000, 0xf80000000, 512 * G, MAX_BLOCKS, 36).blocks, [{ start: 0x80000000, end: 0x100000000 }]);
});

test('non-contiguous masks are detected (inside MAXPHYADDR) and their blocks enumerated', () => {
  assert.equal(isContiguousMask(2 ** 52 - 2 ** 30), true);
  assert.equal(isContiguousMask(0x7fc0000000, 39), true);
  assert.equal(isContiguousMask(0xffffc0000, 36), true);
  assert.equal(isContiguousMask(0x7fc0000000), false, 'bits 51:39 clear on a 52-bit CPU');
  assert.equal(isContiguousMask(0x7fc0001000, 39), false);
  assert.equal(isContiguousMask(0x3fc0000000, 39), false, 'bit 38 clear');
  const { blocks } = variableRangeBlocks(0, 0x1000 + (2 ** 52 - 2 ** 21), 4 * 2 ** 20);
  // bit 12 must be 0 inside each of the two 2 MiB blocks matched by the high bits (only the first here).
  assert.equal(blocks.length, 256);
  assert.deepEqual(blocks[0], { start: 0, end: 0x1000 });
  assert.deepEqual(blocks[1], { start: 0x2000, end: 0x3000 });
  // Still planned as the CPU matches it when MAXPHYADDR is known.
  const two = variableRangeBlocks(0, 0x3fc0000000, 512 * G, MAX_BLOCKS, 39).blocks;
  assert.deepEqual(two, [{ start: 0, end: G }, { start: 256 * G, end: 257 * G }]);
});

test('SDM precedence: identical, UC wins, WT+WB → WT, anything else undefined (planned UC, reported)', () => {
  assert.equal(combineTypes(['WB', 'WB']), 'WB');
  assert.equal(combineTypes(['WB', 'UC', 'WC']), 'UC');
  assert.equal(combineTypes(['WT', 'WB']), 'WT');
  assert.equal(combineTypes(['WC', 'WB']), undefined);
  const mask = 2 ** 52 - G;
  const map = buildMemoryTypeMap(state({ defaultType: 'WB', variable: [{ index: 0, base: 0, mask, type: 'WC' }, { index: 1, base: 0, mask: 2 ** 52 - 2 * G, type: 'WB' }] }), 4 * G);
  assert.equal(typeAt(map.segments, 0), 'UC');
  assert.deepEqual(map.conflicts, [{ start: 0, end: G, types: ['WC', 'WB'], registers: [0, 1] }]);
});

test('fixed ranges win in the first MiB only when enabled; MTRRs disabled → all UC', () => {
  const fixed = [{ start: 0, end: 0xa0000, type: 'WB' as const }, { start: 0xa0000, end: 0xc0000, type: 'UC' as const }];
  const variable = [{ index: 0, base: 0, mask: 2 ** 52 - G, type: 'WT' as const }];
  const on = buildMemoryTypeMap(state({ fixedEnabled: true, fixed, variable }), 2 * G);
  assert.equal(typeAt(on.segments, 0xa0000), 'UC');
  assert.equal(typeAt(on.segments, 0xc0000), 'WT');
  const off = buildMemoryTypeMap(state({ fixedEnabled: false, fixed, variable }), 2 * G);
  assert.equal(typeAt(off.segments, 0xa0000), 'WT');
  const disabled = buildMemoryTypeMap(state({ enabled: false, defaultType: 'WB', variable }), 2 * G);
  assert.deepEqual(disabled.segments, [{ start: 0, end: 2 * G, type: 'UC' }]);
});

// ---- issue 11: MAXPHYADDR, real 36-bit dumps, robust dumps ----

/** The E6510's map and MTRRs written out by hand from the fixture (lines 11–24 and 32–45). */
const E6510 = {
  ram: [{ start: 0, end: 0x96000 }, { start: 0x100000, end: 0xcf65f000 }, { start: 0x100000000, end: 0x230000000 }],
  defaultType: 'UC' as const,
  fixed: [{ start: 0, end: 0xa0000, type: 'WB' as const }, { start: 0xa0000, end: 0xc0000, type: 'UC' as const }, { start: 0xc0000, end: 0x100000, type: 'WP' as const }],
  // `N base B mask M`: with 36-bit masks each register is one block [B, B + 2^36 - M).
  variable: [
    { start: 0, end: 2 * G, type: 'WB' as const },
    { start: 2 * G, end: 3 * G, type: 'WB' as const },
    { start: 3 * G, end: 3 * G + 256 * 2 ** 20, type: 'WB' as const },
    { start: 4 * G, end: 8 * G, type: 'WB' as const },
    { start: 8 * G, end: 9 * G, type: 'WB' as const },
    { start: 0x230000000, end: 0x240000000, type: 'UC' as const },
  ],
};

test('Dell E6510 (36-bit masks): no aliasing every 64 GiB; the plan matches the independent oracle (523×4K 516×2M 503×1G, 9 PDs)', () => {
  const doc = groupMaps(scanText(fixture('real/dell-latitude-e6510-36bit.dmesg')));
  assert.equal(doc.maps.length, 1);
  const dump = doc.maps[0].mtrr!;
  assert.equal(dump.state.physAddrBits, 36);
  assert.equal(dump.state.variable.length, 6);
  const map = buildMemoryTypeMap(dump.state, 512 * G);
  assert.equal(typeAt(map.segments, 64 * G), 'UC', '[64 GiB, 67 GiB) is the default UC, not an alias of [0, 3 GiB)');
  assert.equal(typeAt(map.segments, 66 * G), 'UC');
  assert.equal(typeAt(map.segments, 0x230000000 - 4096), 'WB');
  assert.equal(typeAt(map.segments, 0x230000000), 'UC');
  assert.deepEqual(map.segments.filter((x) => x.end > 9 * G).map((x) => [x.start, x.end, x.type]), [[0x230000000, 512 * G, 'UC']]);

  const expected = oraclePlan({ ...E6510, limit: 512 * G });
  assert.deepEqual(expected.gap, { '4K': 523, '2M': 516, '1G': 503 }, 'the oracle agrees with the issue');
  assert.equal(expected.pd, 9);
  const plan = planMemoryMap(ramInputs(doc.maps[0]), { mtrr: dump.state });
  assert.deepEqual(plan.totals.mmio, expected.gap);
  assert.equal(plan.totals.ram['4K'], expected.ram4K);
  assert.deepEqual(plan.tables, { pml4: 1, pdpt: expected.pdpt, pd: expected.pd, pt: expected.pt });
  assert.equal(plan.options.physAddrBits, 36);
  assert.equal(plan.options.physAddrBitsFrom, 'mtrr');
  assert.equal(physLimitWarning(plan.limit, 36, 'mtrr', '--limit phys')?.includes('past the 64 GiB physical address space'), true);
  // --limit phys: exactly 64 GiB, and no warning.
  const phys = planMemoryMap(ramInputs(doc.maps[0]), { mtrr: dump.state, limit: 'phys' });
  assert.equal(phys.limit, 64 * G);
  assert.deepEqual(phys.totals.mmio, oraclePlan({ ...E6510, limit: 64 * G }).gap);
  assert.equal(physLimitWarning(phys.limit, 36, 'mtrr', '--limit phys'), undefined);
});

test('Surface Pro 7 (39-bit) with a 1 TiB limit: nothing above 512 GiB is an MTRR alias; the plan matches the oracle', () => {
  const doc = groupMaps(scanText(fixture('surface-pro-7.dmesg')));
  const dump = doc.maps[0].mtrr!;
  const map = buildMemoryTypeMap(dump.state, 1024 * G);
  // Default WB above 2^39: the UC/WC registers at 256–512 GiB do not repeat at 768–1024 GiB.
  assert.deepEqual(map.segments.filter((x) => x.start >= 384 * G).map((x) => [x.start, x.end, x.type]), [[384 * G, 512 * G, 'UC'], [512 * G, 1024 * G, 'WB']]);
  const plan = planMemoryMap(ramInputs(doc.maps[0]), { mtrr: dump.state, limit: 1024 * G });
  const ram = plan.ram.map((r) => ({ start: r.start, end: r.end }));
  // The dump (lines of the fixture), as intervals: default WB; fixed 00000-9FFFF WB, A0000-BFFFF UC, C0000-FFFFF WP;
  // UC [0x91000000, 4 GiB) from registers 0-4 (covered in the segment test above), WC 256-384 GiB, UC 384-512 GiB.
  const expected = oraclePlan({
    ram,
    defaultType: 'WB',
    fixed: [{ start: 0, end: 0xa0000, type: 'WB' }, { start: 0xa0000, end: 0xc0000, type: 'UC' }, { start: 0xc0000, end: 0x100000, type: 'WP' }],
    variable: [{ start: 0x91000000, end: 4 * G, type: 'UC' }, { start: 256 * G, end: 384 * G, type: 'WC' }, { start: 384 * G, end: 512 * G, type: 'UC' }],
    limit: 1024 * G,
  });
  assert.deepEqual(plan.totals.mmio, expected.gap);
  assert.deepEqual(plan.tables, { pml4: 1, pdpt: expected.pdpt, pd: expected.pd, pt: expected.pt });
  assert.match(physLimitWarning(plan.limit, plan.options.physAddrBits, plan.options.physAddrBitsFrom, '--limit phys') ?? '', /1 TiB is past the 512 GiB physical address space/);
});

test('property: the type map equals a page-by-page evaluation with masks extended by ones above MAXPHYADDR', () => {
  const TYPES = ['UC', 'WC', 'WT', 'WP', 'WB'] as const;
  // Scaled down so every page can be evaluated: MAXPHYADDR 13–20 bits, limits up to 4× past it.
  const reg = fc.record({ base: fc.integer({ min: 0, max: 2 ** 22 - 1 }), mask: fc.integer({ min: 0, max: 2 ** 22 - 1 }), type: fc.constantFrom(...TYPES) });
  fc.assert(
    fc.property(fc.integer({ min: 13, max: 20 }), fc.array(reg, { maxLength: 6 }), fc.constantFrom(...TYPES), fc.integer({ min: 1, max: 4 }), (bits, regs, def, over) => {
      const st = state({ defaultType: def, variable: regs.map((r, index) => ({ index, base: r.base * 4096 % 2 ** 34, mask: r.mask * 4096 % 2 ** 34, type: r.type })) });
      const limit = 2 ** bits * over;
      const m = buildMemoryTypeMap(st, limit, bits);
      const low = (1n << BigInt(bits)) - 1n;
      const ones = (1n << 52n) - (1n << BigInt(bits)); // PHYSMASK bits that don't exist count as ones
      for (let a = 0; a < limit; a += 4096) {
        const addr = BigInt(a);
        const hits = st.variable.filter((v) => {
          const mk = (BigInt(v.mask) & low & ~0xfffn) | ones;
          // PHYSBASE bits at and above MAXPHYADDR don't exist either: only addresses below 2^bits match.
          return (addr & mk) === (BigInt(v.base) & low & mk);
        }).map((v) => v.type);
        const want = hits.length === 0 ? def : combineTypes(hits) ?? 'UC';
        if (typeAt(m.segments, a) !== want) return false;
      }
      return true;
    }),
    { numRuns: 150 },
  );
});

const dumpOf = (text: string) => {
  const recs = scanText(text);
  const doc = groupMaps(recs);
  return { recs, doc, dump: doc.dumps[0] };
};
const problemsOf = (recs: ReturnType<typeof scanText>) => recs.flatMap((r) => ('problems' in r ? r.problems.map((p) => [r.line, p.code, p.severity]) : []));

test("a reserved type '?' is reported and planned as UC; the registers after it are kept", () => {
  const { recs, dump } = dumpOf([
    'MTRR default type: write-back',
    'MTRR variable ranges enabled:',
    '  0 base 0080000000 mask 7F80000000 ?',
    '  1 base 00C0000000 mask 7FC0000000 uncachable',
  ].join('\n'));
  assert.deepEqual(problemsOf(recs), [[2, 'mtrr-reserved-type', 'warning']]);
  assert.deepEqual(dump.state.variable.map((v) => [v.index, v.type]), [[0, 'UC'], [1, 'UC']]);
});

test("an unusable line inside a dump (write-foo, bad hex, garbage) is reported and skipped; the dump goes on", () => {
  const { recs, doc, dump } = dumpOf([
    '[    0.000000] MTRR default type: uncachable',
    '[    0.000000] MTRR fixed ranges enabled:',
    '[    0.000000]   00000-9FFFF write-back',
    '[    0.000000]   A0000-BFFFF write-foo',
    '[    0.000000]   C0000-FFFFF write-protect',
    '[    0.000000] MTRR variable ranges enabled:',
    '[    0.000000]   0 base 000000000 mask F80000000 write-back',
    '[    0.000000]   1 base 0G0000000 mask FC0000000 write-back',
    '[    0.000000]   2 base 0C0000000 mask FF0000000 write-foo',
    '[    0.000000]   3 bsae 100000000 mask F00000000 write-back',
    '[    0.000000]   4 base 200000000 mask FC0000000 write-back',
    '[    0.000000]   5 disabled',
  ].join('\n'));
  assert.deepEqual(problemsOf(recs).map((p) => p.slice(0, 2)), [[3, 'unknown-memory-type'], [7, 'malformed-hex'], [8, 'unknown-memory-type'], [9, 'mtrr-unreadable']]);
  assert.equal(doc.dumps.length, 1);
  assert.deepEqual(dump.state.fixed.map((f) => f.type), ['WB', 'WP']);
  assert.deepEqual(dump.state.variable.map((v) => v.index), [0, 4]);
  assert.equal(dump.state.physAddrBits, 36);
});

test('two malformed /proc/mtrr lines in a row do not split the dump', () => {
  const { recs, doc } = dumpOf([
    'reg00: base=0x000000000 (    0MB), size= 2048MB, count=1: write-back',
    'reg01: base=0x0zz000000 ( 2048MB), size= 1024MB, count=1: write-back',
    'reg02: base=0x0c0000000 ( 3072MB), size=  256MB, count=1: write-foo',
    'reg03: base=0x100000000 ( 4096MB), size= 4096MB, count=1: write-back',
    'reg04: nonsense',
    'reg05: base=0x200000000 ( 8192MB), size= 1024MB, count=1: write-back',
  ].join('\n'));
  assert.deepEqual(problemsOf(recs).map((p) => p.slice(0, 2)), [[1, 'malformed-hex'], [2, 'unknown-memory-type'], [4, 'mtrr-unreadable']]);
  assert.equal(doc.dumps.length, 1);
  assert.deepEqual(doc.dumps[0].state.variable.map((v) => v.index), [0, 3, 5]);
});

test("Linux 6.x's summary-only 'MTRR map:' line gets an information note on its map (and none when the registers are there)", () => {
  const e820 = ['BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable', 'BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable'];
  const summary = 'MTRR map: 4 entries (3 fixed + 1 variable; max 23), built from 10 variable MTRRs';
  const doc = groupMaps(scanText([...e820, 'x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT', summary].join('\n')));
  assert.equal(doc.dumps.length, 0);
  assert.deepEqual(doc.maps[0].notes.map((n) => [n.code, n.severity, n.line]), [['mtrr-summary-only', 'information', 3]]);
  assert.match(doc.maps[0].notes[0].message, /mtrr=debug/);
  const withRegs = groupMaps(scanText([...e820, 'MTRR default type: write-back', 'MTRR variable ranges enabled:', '  0 base 0080000000 mask 7F80000000 uncachable', summary].join('\n')));
  assert.deepEqual(withRegs.maps[0].notes, []);
});

// AMD TOM2 (issue 11). Hand-worked: default UC; WB [0, 4G) with a UC hole [3G, 4G); WC [4G, 4.5G);
// UC [5G, 6G); WB [6G, 7G); TOM2 = 0x150000000 (5.25 GiB). Linux (generic.c `map_add_var`, 6.5+;
// `mtrr_type_lookup`, 4.2-6.4) types [4G, TOM2) WB over every variable range there: the WC range
// and the part of the UC one below TOM2 become WB. Below 4 GiB and from TOM2 on, the MTRRs rule.
const TOM2_MASK_1G = 0xffffc0000000;
const tom2Case = (tom2?: number): MtrrState => state({
  variable: [
    { index: 0, base: 0, mask: 0xffff00000000, type: 'WB' },
    { index: 1, base: 3 * G, mask: TOM2_MASK_1G, type: 'UC' },
    { index: 2, base: 4 * G, mask: 0xffffe0000000, type: 'WC' },
    { index: 3, base: 5 * G, mask: TOM2_MASK_1G, type: 'UC' },
    { index: 4, base: 6 * G, mask: TOM2_MASK_1G, type: 'WB' },
  ],
  physAddrBits: 48,
  ...(tom2 === undefined ? {} : { tom2: { end: tom2 } }),
});

test('TOM2: [4 GiB, TOM2) is WB over the default type and over variable ranges of any type (Linux)', () => {
  const seg = (s: MtrrState) => buildMemoryTypeMap(s, 512 * G).segments.map((x) => [x.start, x.end, x.type]);
  assert.deepEqual(seg(tom2Case(0x150000000)), [
    [0, 3 * G, 'WB'],
    [3 * G, 4 * G, 'UC'],
    [4 * G, 0x150000000, 'WB'],
    [0x150000000, 6 * G, 'UC'],
    [6 * G, 7 * G, 'WB'],
    [7 * G, 512 * G, 'UC'],
  ]);
  // Without TOM2 the same registers give WC, default UC and UC there.
  assert.deepEqual(seg(tom2Case()).slice(2, 4), [[4 * G, 4.5 * G, 'WC'], [4.5 * G, 6 * G, 'UC']]);
  // TOM2 at or below 4 GiB is no range; TOM2 past the limit stops at it; MTRRs off is all UC.
  assert.deepEqual(seg(tom2Case(4 * G)), seg(tom2Case()));
  assert.deepEqual(buildMemoryTypeMap(tom2Case(600 * G), 512 * G).segments.slice(2), [{ start: 4 * G, end: 512 * G, type: 'WB' }]);
  assert.deepEqual(seg({ ...tom2Case(0x150000000), enabled: false }), [[0, 512 * G, 'UC']]);
});

test("TOM2: Linux's 'TOM2:' line after the variable list joins its dump; RAM above 4 GiB is planned WB; amd_bus.c's copy is not read", () => {
  const lines = [
    'BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable',
    'BIOS-e820: [mem 0x0000000000100000-0x00000000afefffff] usable',
    'BIOS-e820: [mem 0x0000000100001000-0x000000014fffffff] usable',
    '[    0.000000] MTRR default type: uncachable',
    '[    0.000000] MTRR variable ranges enabled:',
    '[    0.000000]   0 base 000000000000 mask FFFF00000000 write-back',
    '[    0.000000]   1 base 0000AFF00000 mask FFFFFFF00000 uncachable',
    '[    0.000000]   2 base 0000B0000000 mask FFFFF0000000 uncachable',
    '[    0.000000]   3 base 0000C0000000 mask FFFFC0000000 uncachable',
    '[    0.000000]   4 disabled',
    '[    0.000000] TOM2: 0000000150000000 aka 5376M',
  ];
  const doc = groupMaps(scanText(lines.join('\n')));
  const dump = doc.maps[0].mtrr!;
  assert.deepEqual(dump.state.tom2, { end: 0x150000000, line: 10 });
  assert.equal(dump.lastLine, 10);
  const plan = planMemoryMap(ramInputs(doc.maps[0]), { mtrr: dump.state });
  assert.deepEqual(plan.ram.map((r) => [r.start, r.memoryType]), [[0, 'WB'], [0x100000, 'WB'], [0x100001000, 'WB']]);
  // [0x100000000, 0x100001000) lies in [4G, TOM2): the gap before that RAM ends in a WB piece.
  const gap = plan.gaps.find((g) => g.end === 0x100001000)!;
  assert.deepEqual(gap.pieces.map((p) => [p.start, p.end, p.memoryType]), [[0xaff00000, 4 * G, 'UC'], [4 * G, 0x100001000, 'WB']]);
  // arch/x86/pci/amd_bus.c prints the same line at PCI init whatever Tom2ForceMemTypeWB says: outside
  // the variable list it is no MTRR line.
  const amdBus = ['[    0.409737] node 0 link 0: mmio [f0000000, ffdfffff]', '[    0.409737] TOM2: 0000000150000000 aka 5376M'];
  assert.deepEqual(scanText([...lines.slice(0, 3), ...amdBus].join('\n')).map((r) => r.kind), ['range', 'range', 'range']);
  const later = groupMaps(scanText([...lines.slice(0, 9), '[    0.100000] x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT', ...amdBus].join('\n')));
  assert.equal(later.maps[0].mtrr!.state.tom2, undefined);
});
