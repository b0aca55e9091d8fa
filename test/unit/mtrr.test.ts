// The MTRR memory-type map: SDM precedence, mask matching, real dumps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMemoryTypeMap, combineTypes, isContiguousMask, MtrrState, typeAt, variableRangeBlocks } from '../../src/planner';
import { groupMaps, scanText } from '../../src/formats';
import { fixture } from '../support/fixtures';

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

test('a mask narrower than the limit aliases (39-bit mask, 1 TiB limit)', () => {
  const mask = 0x6000000000; // bits 38:37
  const { blocks } = variableRangeBlocks(0x6000000000, mask, 1024 * G);
  assert.deepEqual(blocks, [{ start: 384 * G, end: 512 * G }, { start: 896 * G, end: 1024 * G }]);
});

test('non-contiguous masks are detected and their blocks enumerated', () => {
  assert.equal(isContiguousMask(2 ** 52 - 2 ** 30), true);
  assert.equal(isContiguousMask(0x7fc0000000), true);
  assert.equal(isContiguousMask(0x7fc0001000), false);
  const { blocks } = variableRangeBlocks(0, 0x1000 + (2 ** 52 - 2 ** 21), 4 * 2 ** 20);
  // bit 12 must be 0 inside each of the two 2 MiB blocks matched by the high bits (only the first here).
  assert.equal(blocks.length, 256);
  assert.deepEqual(blocks[0], { start: 0, end: 0x1000 });
  assert.deepEqual(blocks[1], { start: 0x2000, end: 0x3000 });
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
