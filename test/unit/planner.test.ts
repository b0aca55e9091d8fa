// Hand-checked plans: the reference figures from real machines and small worked examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverInterval, formatSize, leafAt, parseSize, planMemoryMap, PlanError } from '../../src/planner';
import { groupMaps, ramInputs, scanText } from '../../src/formats';
import { fixture } from '../support/fixtures';

const G = 2 ** 30;
const M = 2 ** 20;

function mapOf(name: string) {
  const doc = groupMaps(scanText(fixture(name)));
  assert.equal(doc.maps.length, 1, `${name}: one map`);
  return doc.maps[0];
}

test('laptop log: the exact plan to 512 GiB (373×4K, 541×2M, 503×1G; 1/1/9/4,067 tables)', () => {
  const plan = planMemoryMap(ramInputs(mapOf('hyperplatform-laptop-8gb.log')));
  assert.deepEqual(plan.totals.mmio, { '4K': 373, '2M': 541, '1G': 503 });
  assert.deepEqual(plan.tables, { pml4: 1, pdpt: 1, pd: 9, pt: 4067 });
  assert.equal(plan.bytes, 16703488);
  const g = plan.gaps.find((x) => x.start === 0x9f000)!;
  assert.equal(g.end, 0x100000);
  assert.deepEqual(g.pages, { '4K': 97, '2M': 0, '1G': 0 });
  assert.equal(g.memoryType, 'UC');
  assert.equal(plan.comparison.fitsHyperPlatformPrealloc, true);
});

test('Surface Pro 7: with its MTRR dump 371×4K, 714×2M, 495×1G; without 371×4K, 202×2M, 496×1G', () => {
  const map = mapOf('surface-pro-7.dmesg');
  assert.ok(map.mtrr, 'the dmesg MTRR dump belongs to the e820 map');
  const withMtrr = planMemoryMap(ramInputs(map), { mtrr: map.mtrr!.state });
  assert.deepEqual(withMtrr.totals.mmio, { '4K': 371, '2M': 714, '1G': 495 });
  const without = planMemoryMap(ramInputs(map));
  assert.deepEqual(without.totals.mmio, { '4K': 371, '2M': 202, '1G': 496 });
  // The split: [0x7c000000, 4 GiB) is WB up to 0x91000000, then UC.
  const gap = withMtrr.gaps.find((x) => x.start === 0x7c000000)!;
  assert.equal(gap.memoryType, 'mixed');
  assert.deepEqual(gap.pieces.map((p) => [p.start, p.end, p.memoryType]), [
    [0x7c000000, 0x91000000, 'WB'],
    [0x91000000, 4 * G, 'UC'],
  ]);
});

test('the greedy cover matches Linux split_mem_range (init_memory_mapping lines of the ThinkPad X240)', () => {
  const lines = fixture('thinkpad-x240.dmesg').split('\n');
  let checked = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = /init_memory_mapping: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]/.exec(lines[i]);
    if (!m) continue;
    const linux: [number, number, string][] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const p = /^\[[ \d.]+\]\s+\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] page (4k|2M|1G)/.exec(lines[j]);
      if (!p) break;
      linux.push([parseInt(p[1], 16), parseInt(p[2], 16) + 1, p[3].toUpperCase()]);
    }
    const ours = coverInterval(parseInt(m[1], 16), parseInt(m[2], 16) + 1, '1G').map((r) => [r.start, r.end, r.size]);
    assert.deepEqual(ours, linux, lines[i]);
    checked++;
  }
  assert.ok(checked >= 8, `checked ${checked} init_memory_mapping blocks`);
});

test('RAM ranges are rounded outward to 4 KiB and merged when they overlap or touch', () => {
  const plan = planMemoryMap([
    { start: 0x1000, end: 0x917ff + 1 }, // /proc/iomem edge 000917ff
    { start: 0x92000, end: 0x93000 }, // touches after rounding
    { start: 0x200000, end: 0x300000 },
    { start: 0x250000, end: 0x280000 }, // inside the previous one
  ], { limit: 4 * G });
  assert.deepEqual(plan.ram.map((r) => [r.start, r.end]), [[0x1000, 0x93000], [0x200000, 0x300000]]);
  assert.equal(plan.ram[0].inputs.length, 2);
  assert.equal(plan.ram[1].inputs.length, 2);
});

test('limit: RAM beyond it is clipped and reported; tables count PDPTs per 512 GiB', () => {
  const plan = planMemoryMap([{ start: 0, end: 8 * G }], { limit: 4 * G, ramPage: '1G' });
  assert.deepEqual(plan.beyondLimit, [{ start: 4 * G, end: 8 * G }]);
  assert.deepEqual(plan.totals.ram, { '4K': 0, '2M': 0, '1G': 4 });
  assert.equal(plan.gaps.length, 0);
  const big = planMemoryMap([], { limit: parseSize('1T')! });
  assert.deepEqual(big.totals.mmio, { '4K': 0, '2M': 0, '1G': 1024 });
  assert.deepEqual(big.tables, { pml4: 1, pdpt: 2, pd: 0, pt: 0 });
});

test('maxPage 2M and ramPage caps; RAM never exceeds maxPage', () => {
  const plan = planMemoryMap([{ start: 0, end: 2 * G }], { limit: 4 * G, maxPage: '2M', ramPage: '1G' });
  assert.equal(plan.options.ramPage, '2M');
  assert.deepEqual(plan.totals.ram, { '4K': 0, '2M': 1024, '1G': 0 });
  assert.deepEqual(plan.totals.mmio, { '4K': 0, '2M': 1024, '1G': 0 });
  assert.equal(plan.comparison.maxPage2M, undefined);
});

test('comparison: 4K-only and 2M-everywhere costs over 512 GiB', () => {
  const plan = planMemoryMap([{ start: 0, end: 2 * G }]);
  assert.deepEqual(plan.comparison.twoMEverywhere.tables, { pml4: 1, pdpt: 1, pd: 512, pt: 0 });
  assert.equal(plan.comparison.twoMEverywhere.leaves, 262144);
  assert.deepEqual(plan.comparison.fourKOnly.tables, { pml4: 1, pdpt: 1, pd: 512, pt: 262144 });
  assert.ok(plan.comparison.maxPage2M!.leaves > plan.comparison.plan.leaves);
});

test('mmioTables counts tables only gap leaves need (HyperPlatform pre-allocation)', () => {
  // RAM only in the first 2 MiB: every 4K leaf of the gap [2 MiB + 4K, 4 MiB) needs its own PT.
  const plan = planMemoryMap([{ start: 0, end: 2 * M }, { start: 2 * M, end: 2 * M + 0x1000 }, { start: 3 * M, end: 3 * M + 0x1000 }], { limit: 4 * G });
  assert.equal(plan.comparison.mmioTables, 0);
  const lonely = planMemoryMap([{ start: 0x1000, end: 0x2000 }], { limit: 4 * G });
  assert.equal(lonely.comparison.mmioTables, 0); // the PT and PD are shared with RAM
});

test('leafAt finds the leaf mapping an address', () => {
  const plan = planMemoryMap(ramInputs(mapOf('hyperplatform-laptop-8gb.log')));
  const hit = leafAt(plan, 0xfee00000)!;
  assert.equal(hit.kind, 'gap');
  assert.equal(hit.run.size, '1G');
  assert.equal(hit.run.memoryType, 'UC');
  assert.equal(leafAt(plan, 0x16000)!.kind, 'ram');
  assert.equal(leafAt(plan, 2 ** 40), undefined);
});

test('bad input raises PlanError with a clear message', () => {
  assert.throws(() => planMemoryMap([{ start: 0x2000, end: 0x1000 }]), PlanError);
  assert.throws(() => planMemoryMap([], { limit: 0x1234 }), /multiple of 4 KiB/);
});

test('formatSize and parseSize', () => {
  assert.equal(formatSize(388 * 1024), '388 KiB');
  assert.equal(formatSize(0x100000000 - 0x8d000000), '1.8 GiB');
  assert.equal(formatSize(512 * G), '512 GiB');
  assert.equal(parseSize('512G'), 512 * G);
  assert.equal(parseSize('1T'), 1024 * G);
  assert.equal(parseSize('0x8000000000'), 512 * G);
  assert.equal(parseSize('64GiB'), 64 * G);
  assert.equal(parseSize('12X'), undefined);
});
