// Each replayed policy rule against a case worked out by hand from the hypervisor's own code
// (the function named in each test), then the comparison and the CLI on real and shaped maps.
import { test } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { MtrrState, MtrrVariableRange } from '../../src/planner/mtrr';
import type { MemoryType } from '../../src/planner/types';
import { POLICIES, comparePolicy, machineFromMap, policyNamed } from '../../src/policies';
import type { MachineWithSources } from '../../src/policies/machine';
import type { Policy, PolicyRun } from '../../src/policies/types';
import { bsfRange, fixedOrUcFirstWalk } from '../../src/policies/mtrr-view';
import { union } from '../../src/policies/build';
import { groupMaps, scanText } from '../../src/formats';
import { ROOT, fixture, fixturePath } from '../support/fixtures';
import { oracleGap } from '../support/oracle-shape';
import { Analysis } from '../../src/analysis';
import { DocumentModel } from '../../src/server/model';
import { computeDiagnostics } from '../../src/server/diagnostics';
import { resolveSettings } from '../../src/server/settings';

const K = 0x1000;
const G = 2 ** 30;
const CLI = path.join(ROOT, 'dist', 'cli.js');

let reg = 0;
const v = (base: number, size: number, type: MemoryType, maskBits = 36): MtrrVariableRange => ({ index: reg++, base, mask: 2 ** maskBits - size, type });
const mtrr = (over: Partial<MtrrState>): MtrrState => ({ enabled: true, defaultType: 'UC', defaultTypeKnown: true, fixedEnabled: false, fixed: [], variable: [], ...over });
const machine = (m: MtrrState | undefined, over: Partial<MachineWithSources> = {}): MachineWithSources => ({
  ram: [{ start: 0x1000, end: 0x9f000 }, { start: 0x100000, end: 2 * G }],
  mmio: [],
  resources: [],
  mtrr: m,
  limit: 512 * G,
  maxPage: '1G',
  ramPage: '4K',
  ...over,
});
/** The type the policy gives the leaf holding `addr`. */
function typeAt(p: Policy, m: MachineWithSources, addr: number): { type: MemoryType; size: string } {
  const r = p.layout(m).runs.find((x: PolicyRun) => x.start <= addr && addr < x.end);
  assert.ok(r, `${p.name} maps 0x${addr.toString(16)}`);
  return { type: r.memoryType, size: r.size };
}
const named = (n: string): Policy => policyNamed(n)!;

test('bsf sizing (HyperPlatform EptInitializeMtrrEntries, hvpp check_variable, …): [base, base + 2^lowest mask bit)', () => {
  // Hyper-V: base 4 GiB, mask of 64 GiB (bits 36–39): the SDM matches [0, 64 GiB); bsf gives [4 GiB, 68 GiB).
  assert.deepEqual(bsfRange(0x100000000, 0xf000000000).range, { start: 4 * G, end: 68 * G });
  assert.deepEqual(bsfRange(0xc0000000, 0xfc0000000).range, { start: 3 * G, end: 4 * G });
  assert.equal(bsfRange(0, 0).zeroMask, true);
});

test('HyperPlatform EptpGetMemoryType: fixed wins, UC wins, WB then WT → WT, WT then WB → WB (the last)', () => {
  const e = (type: MemoryType, fixed = false) => ({ start: 0, end: K, type, fixed });
  assert.equal(fixedOrUcFirstWalk([e('WB'), e('WT')]), 'WT');
  assert.equal(fixedOrUcFirstWalk([e('WT'), e('WB')]), 'WB');
  assert.equal(fixedOrUcFirstWalk([e('WB'), e('UC'), e('WT')]), 'UC');
  assert.equal(fixedOrUcFirstWalk([e('WP', true), e('UC')]), 'WP');
  assert.equal(fixedOrUcFirstWalk([]), undefined);
  // 4K pages, RAM at load, the rest lazily; typed at each page's first byte.
  const m = machine(mtrr({ defaultType: 'WB', variable: [v(0xfed00000, K, 'UC')] }));
  assert.deepEqual(typeAt(named('hyperplatform'), m, 0xfed00000), { type: 'UC', size: '4K' });
  assert.deepEqual(typeAt(named('hyperplatform'), m, 0xfed01000), { type: 'WB', size: '4K' });
  const lay = named('hyperplatform').layout(m);
  assert.equal(lay.leaves['4K'], 0x9e + (2 * G - 0x100000) / K + 1, 'RAM pages plus the APIC page');
  assert.equal(lay.pools[0].available, 50);
});

test('hvpp mtrr_descriptor_t::type: only fixed and UC entries count; a WB range falls to the default type', () => {
  // Default UC, RAM WB [0, 2G), UC [0xfed00000, +4K): hvpp maps 16 MiB UC (the WB range is ignored),
  // the 2M page holding the HPET UC, and page 0 with the fixed type at address 0.
  const m = machine(mtrr({ fixedEnabled: true, fixed: [{ start: 0, end: 0xa0000, type: 'WB' }, { start: 0xa0000, end: 0x100000, type: 'UC' }], variable: [v(0, 2 * G, 'WB'), v(0xfed00000, K, 'UC')] }));
  const p = named('hvpp');
  assert.deepEqual(typeAt(p, m, 16 << 20), { type: 'UC', size: '2M' });
  assert.deepEqual(typeAt(p, m, 0), { type: 'WB', size: '2M' });
  assert.deepEqual(typeAt(p, m, 0xfec00000), { type: 'UC', size: '2M' }, 'first byte 0xfec00000 is in no range: default UC');
  const withWbDefault = machine(mtrr({ defaultType: 'WB', variable: [v(0xfed00000, K, 'UC')] }));
  assert.equal(typeAt(p, withWbDefault, 0xfec00000).type, 'WB', 'lookup at the first byte only: the UC page at 0xfed00000 is missed');
  const lay = p.layout(m);
  assert.deepEqual(lay.tables, { pml4: 1, pdpt: 1, pd: 512, pt: 0 });
  assert.deepEqual(lay.coverage, [{ start: 0, end: 512 * G }]);
});

test('SimpleVisor ShvVmxMtrrAdjustEffectiveMemoryType: WB start, any touching range overrides, last wins (no UC precedence)', () => {
  const m = machine(mtrr({ variable: [v(3 * G, G, 'UC'), v(0, 4 * G, 'WB'), v(0xfed00000, K, 'UC')] }));
  const p = named('simplevisor');
  assert.equal(typeAt(p, m, 3 * G).type, 'WB', 'UC [3G,4G) then WB [0,4G): the last one wins');
  assert.equal(typeAt(p, m, 0xfec00000).type, 'UC', 'the 4K UC range touches the 2M page: the whole page UC');
  assert.equal(typeAt(p, m, 8 * G).type, 'WB', 'no range: WB whatever the default type (UC)');
});

test('gbhv HvEptSetupPML2Entry: page 0 UC, WB ranges dropped, UC stops the search, else the last', () => {
  const m = machine(mtrr({ defaultType: 'WB', variable: [v(3 * G, G, 'UC'), v(3 * G + 512 * (1 << 20), 512 << 20, 'WC'), v(2 * G, G, 'WC'), v(2 * G, G, 'WT')] }));
  const p = named('gbhv');
  assert.equal(typeAt(p, m, 0).type, 'UC');
  assert.equal(typeAt(p, m, 3.5 * G).type, 'UC');
  assert.equal(typeAt(p, m, 2 * G).type, 'WT');
  assert.equal(typeAt(p, m, 16 << 20).type, 'WB');
});

test('airhv get_memory_type/is_valid_for_large_page: default-type ranges dropped, containment, split at inner edges', () => {
  // Default UC, WB [0,4G), UC [3G,4G): the UC range has the default type, so airhv drops it and 3G–4G stays WB.
  const m = machine(mtrr({ variable: [v(0, 4 * G, 'WB'), v(3 * G, G, 'UC')] }));
  const p = named('airhv');
  assert.equal(typeAt(p, m, 3 * G).type, 'WB');
  // Default WB, UC [0xfed00000, +4K): the page holding it is split into 4K pages, that one UC.
  const hpet = machine(mtrr({ defaultType: 'WB', variable: [v(0xfed00000, K, 'UC')] }));
  assert.deepEqual(typeAt(p, hpet, 0xfed00000), { type: 'UC', size: '4K' });
  assert.deepEqual(typeAt(p, hpet, 0xfed01000), { type: 'WB', size: '4K' });
  const lay = p.layout(hpet);
  assert.equal(lay.pools[0].needed, 1);
  assert.equal(lay.tables.pt, 1);
  // build_mtrr_map reads the SMRR first: default WB, SMRR UC [0x7f800000, 2G) (8 MiB mask) makes the
  // four 2M pages it holds UC; an SMRR of the default type is dropped like a variable range.
  const smram = { ...hpet, smrr: v(0x7f800000, 0x800000, 'UC') };
  assert.deepEqual(typeAt(p, smram, 0x7fa00000), { type: 'UC', size: '2M' });
  assert.deepEqual(typeAt(p, smram, 0x7f600000), { type: 'WB', size: '2M' });
  assert.equal(typeAt(p, { ...hpet, smrr: v(0x7f800000, 0x800000, 'WB') }, 0x7fa00000).type, 'WB');
  assert.equal(typeAt(p, hpet, 0x7fa00000).type, 'WB', 'no SMRR in the dump: not modelled');
});

test('HyperDbg EptGetMemoryType: a UC match followed by another match takes the later type; 1G UC above 512 GiB', () => {
  const p = named('hyperdbg');
  assert.equal(typeAt(p, machine(mtrr({ variable: [v(3 * G, G, 'UC'), v(0, 4 * G, 'WB')] })), 3 * G).type, 'WB');
  assert.equal(typeAt(p, machine(mtrr({ variable: [v(0, 4 * G, 'WB'), v(3 * G, G, 'UC')] })), 3 * G).type, 'UC');
  const far = machine(mtrr({ defaultType: 'WB' }), { limit: 1024 * G });
  assert.deepEqual(typeAt(p, far, 600 * G), { type: 'UC', size: '1G' });
  const lay = p.layout(far);
  assert.equal(lay.tables.pdpt, 512, 'PML3 plus 511 PML3_RSVD tables');
  assert.equal(lay.leaves['1G'], 511 * 512);
});

test('ksm mm_cache_mtrr_ranges: trailing UC bytes of a fixed MSR dropped, 16K/4K MSRs restart their base', () => {
  // Fixed: WB below 0xA0000, UC A0000–BFFFF (the whole A0000 MSR is 0: never listed), WP C0000–FFFFF.
  // Every 4K MSR starts at 0xC0000: nothing describes 0xC8000–0xFFFFF, so the WB variable range types it.
  const fixed = [{ start: 0, end: 0xa0000, type: 'WB' as MemoryType }, { start: 0xa0000, end: 0xc0000, type: 'UC' as MemoryType }, { start: 0xc0000, end: 0x100000, type: 'WP' as MemoryType }];
  const m = machine(mtrr({ fixedEnabled: true, fixed, variable: [v(0, 2 * G, 'WB')] }));
  const p = named('ksm');
  assert.equal(typeAt(p, m, 0xa0000).type, 'WB', 'the SDM says UC');
  assert.equal(typeAt(p, m, 0xc0000).type, 'WP');
  assert.equal(typeAt(p, m, 0xc8000).type, 'WB', 'the SDM says WP');
  const rep = comparePolicy(p, m);
  assert.deepEqual(rep.mismatches.filter((x) => x.severity === 'dangerous').map((x) => [x.start, x.end]), [[0xa0000, 0xc0000]]);
});

test('jonomango/hv calc_mtrr_mem_type: mask matching, worst 4K type per 2M page, 64 GiB only', () => {
  const p = named('jonomango-hv');
  // Hyper-V: base 4G, 64 GiB mask, WB; default UC. Mask matching gets [0, 64G) right.
  const hv = machine(mtrr({ variable: [v(0x100000000, 64 * G, 'WB', 40)] }));
  assert.equal(typeAt(p, hv, G).type, 'WB');
  assert.equal(p.layout(hv).runs.at(-1)!.end, 64 * G);
  const hpet = machine(mtrr({ defaultType: 'WB', fixedEnabled: true, fixed: [{ start: 0, end: 0x100000, type: 'WB' }], variable: [v(0xfed00000, K, 'UC')] }));
  assert.equal(typeAt(p, hpet, 0xfec00000).type, 'UC', 'one UC 4K page makes the 2M page UC');
  assert.equal(typeAt(p, hpet, 0).type, 'UC', 'fixed-range region: "TODO: implement this" → UC');
  const lay = p.layout(hpet);
  assert.deepEqual(lay.tables, { pml4: 1, pdpt: 1, pd: 64, pt: 0 });
  assert.deepEqual(lay.pools[0], { ...lay.pools[0], available: 64, needed: 2 });
});

test('Xen mmio_order caps direct MMIO at 2M; KVM vmx_get_mt_mask: MMIO UC, RAM WB whatever the MTRRs', () => {
  const m = machine(mtrr({ defaultType: 'WB', variable: [v(G, G, 'UC')] }));
  const xen = named('xen').layout(m);
  assert.equal(xen.leaves['1G'], 1, 'RAM [1G, 2G) is one 1G page; no 1G page for MMIO');
  assert.equal(typeAt(named('xen'), m, 4 * G).size, '2M');
  // p2m-ept.c epte_get_entry_emt: RAM of a domain without passthrough is WB (ipat) though the
  // variable MTRR makes [1G, 2G) UC; p2m_mmio_direct is UC.
  assert.equal(typeAt(named('xen'), m, G).type, 'WB');
  assert.equal(typeAt(named('xen'), m, 4 * G).type, 'UC');
  // p2m.c mmio_order: MMIO starting 4K past 2G is not 2M-aligned, so 4K leaves up to 2G+2M, then 2M.
  const odd = machine(mtrr({ defaultType: 'WB' }), { ram: [{ start: 0x100000, end: 2 * G + K }] });
  assert.equal(typeAt(named('xen'), odd, 2 * G + K).size, '4K');
  assert.equal(typeAt(named('xen'), odd, 2 * G + 0x1ff000).size, '4K');
  assert.equal(typeAt(named('xen'), odd, 2 * G + 0x200000).size, '2M');
  assert.deepEqual(typeAt(named('kvm'), m, 4 * G), { type: 'UC', size: '1G' });
  assert.equal(typeAt(named('kvm'), m, G).type, 'WB');
  const rep = comparePolicy(named('kvm'), m);
  assert.ok(rep.mismatches.some((x) => x.severity === 'slow' && x.start <= 4 * G && 4 * G < x.end), 'MMIO gaps UC where the default type is WB');
});

test('the exact policy is the plan: no mismatches, no straddles', () => {
  const doc = groupMaps(scanText(fixture('surface-pro-7.dmesg')));
  const map = doc.maps[0];
  const m = machineFromMap(map, { limit: 512 * G, maxPage: '1G', ramPage: '4K', mtrr: map.mtrr!.state });
  const rep = comparePolicy(POLICIES[0], m);
  assert.equal(rep.leafTotal, 4092089);
  assert.equal(rep.tableTotal, 8009);
  assert.deepEqual([rep.mismatches.length, rep.straddles.length, rep.holes.length], [0, 0, 0]);
});

test('compare: straddles and the dangerous-first order on hvpp', () => {
  const m = machine(mtrr({ defaultType: 'WB', variable: [v(0xfed00000, K, 'UC'), v(0, 2 * G, 'WT')] }));
  const rep = comparePolicy(named('hvpp'), m);
  assert.equal(rep.mismatches[0].severity, 'dangerous');
  assert.deepEqual([rep.mismatches[0].start, rep.mismatches[0].end, rep.mismatches[0].policyType], [0xfed00000, 0xfed01000, 'WB']);
  assert.ok(rep.straddles.some((s) => s.start === 0xfec00000 && s.types.join() === 'WB,UC,WB'));
  const order = rep.mismatches.map((x) => x.severity);
  assert.deepEqual(order, [...order].sort((a, b) => ['dangerous', 'slow', 'other'].indexOf(a) - ['dangerous', 'slow', 'other'].indexOf(b)));
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const P = (n: string): string => fixturePath(path.join('policies', n));

const R = (n: string): string => fixturePath(path.join('real', n));
const RYZEN = R('amd-gfx-2025-ryzen-iomem-mail-quoted-interleaved.iomem');
const ARROW_LAKE = R('mail-arrow-lake-kexec-7.0-dmesg-T-system-ram.log');
const ELITEBOOK = R('platform-driver-x86-hp-elitebook-8-g1a-6.18-journal-short-monotonic.log');
const holeLines = (err: string): number[] => err.split('\n').filter((l) => /^\S+:\d+: error: .*coverage hole/.test(l)).map((l) => Number(l.split(':')[1]));

test('real bug, jonomango/hv#14/#43/#64: MMIO (or RAM) above 64 GiB fails --check --policy jonomango-hv with file:line errors', () => {
  // Ryzen /proc/iomem (amd-gfx, 2025): RAM ends at 0xfee2fffff (just under 64 GiB); line 93
  // `fee300000-100fffffff : Reserved` crosses 64 GiB, line 97 `1010000000-ffffffffff : PCI Bus
  // 0000:00` lies wholly above, and every line inside it too. The highest, line 118, ends at 11 TiB.
  const r = cli(['--check', '--policy', 'jonomango-hv', RYZEN]);
  assert.equal(r.code, 3, r.err);
  assert.deepEqual(holeLines(r.err).slice(0, 3), [93, 97, 101]);
  assert.match(r.err, /:93: error: jonomango\/hv does not map MMIO \[0x1000000000, 0x1010000000\) \(Reserved\)/);
  assert.match(r.err, /:97: error: jonomango\/hv does not map MMIO \[0x1010000000, 0x10000000000\) \(PCI Bus 0000:00\): coverage hole/);
  assert.match(r.err, /ept_pd_count .*this machine needs 11,264, it has 64/);
  // Arrow Lake (Core Ultra 200S) kexec dmesg: usable RAM up to 0x107effffff (e820 line 26), 66 GiB.
  const a = cli(['--check', '--policy', 'jonomango-hv', ARROW_LAKE]);
  assert.equal(a.code, 3);
  assert.deepEqual(holeLines(a.err), [26]);
  assert.match(a.err, /this machine needs 66, it has 64/);
  // Surface Pro 7: its 17.7 GiB of RAM fits, but dmesg line 339's PCI root window
  // [256 GiB, 512 GiB) (`pci_bus 0000:00: root bus resource`) is known MMIO past 64 GiB: a hole.
  const s = cli(['--check', '--policy', 'jonomango-hv', fixturePath('surface-pro-7.dmesg')]);
  assert.equal(s.code, 3);
  assert.deepEqual(holeLines(s.err), [339]);
  assert.match(s.err, /:339: error: jonomango\/hv does not map MMIO \[0x4000000000, 0x8000000000\) \(PCI Bus 0000:00\): coverage hole/);
});

test('real bug, airhv#34 / HyperDbg#567: PCI windows above 512 GiB are a hole for every 512 GiB policy', () => {
  const j = JSON.parse(cli(['--policies', '--json', RYZEN]).out);
  const holes = (name: string): { start: string; line: number; pastLimit: boolean }[] => j.policies.find((p: { policy: string }) => p.policy === name).holes;
  for (const name of ['hvpp', 'simplevisor', 'gbhv', 'airhv', 'xen', 'kvm', 'exact']) {
    assert.deepEqual(holes(name)[0], { ...holes(name)[0], start: '0x8000000000', line: 97 }, name);
    assert.equal(holes(name).length, 15, name);
  }
  for (const name of ['hyperplatform', 'hyperdbg', 'ksm']) assert.deepEqual(holes(name), [], `${name} maps above 512 GiB`);
  assert.equal(holes('exact')[0].pastLimit, true);
  // HP EliteBook 8 G1a (journal, 2025): e820 reserved [0xfd00000000, 0xfd01ffffff] on line 33.
  const e = cli(['--check', '--policy', 'simplevisor', ELITEBOOK]);
  assert.equal(e.code, 3);
  assert.deepEqual(holeLines(e.err), [33]);
  // The plain plan warns once per outermost range past the limit, not for each BAR inside it.
  const w = cli([RYZEN]).err.split('\n').filter((l) => l.includes('lies beyond the limit'));
  assert.deepEqual(w.map((l) => Number(l.split(':')[2])), [97, 118]);
});

test('real dump, overlapping variable MTRRs (Phenom II, netdev): hvpp and SimpleVisor mismatches', () => {
  const j = (n: string) => JSON.parse(cli(['--policy', n, '--json', P('phenom-overlapping-mtrr.dmesg')]).out);
  // Worked by hand: default UC; reg2 WB [3G, 3.25G) overlaps reg3 UC [0xcff00000, 3.25G).
  // SimpleVisor starts WB and no range covers [3.25G, 4G) or [8.75G, 512G): mapped WB where the SDM says UC.
  const sv = j('simplevisor');
  const dangerous = sv.mismatches.filter((x: { severity: string }) => x.severity === 'dangerous').map((x: { start: string; end: string }) => [x.start, x.end]);
  assert.deepEqual(dangerous, [['0xa0000', '0xc0000'], ['0xc8000', '0x100000'], ['0xd0000000', '0x100000000'], ['0x230000000', '0x8000000000']]);
  assert.ok(sv.mismatches.some((x: { start: string; severity: string }) => x.start === '0xcfe00000' && x.severity === 'slow'), 'the 2M page touched by reg3 is UC over 1 MiB of WB RAM');
  // hvpp never honours a WB variable range: with default UC all RAM above the first 2 MiB is UC.
  const hv = j('hvpp');
  assert.deepEqual(hv.mismatches.filter((x: { severity: string }) => x.severity === 'slow').map((x: { start: string; end: string }) => [x.start, x.end]), [['0x200000', '0xcff00000'], ['0x100000000', '0x230000000']]);
});

test('Hyper-V unaligned base: the bsf policies misplace [0, 64 GiB); jonomango/hv (mask matching) does not', () => {
  const j = JSON.parse(cli(['--policies', '--json', P('synthetic-hyperv-unaligned.dmesg')]).out);
  const hp = j.policies.find((p: { policy: string }) => p.policy === 'hyperplatform');
  // bsf puts the WB range at [4G, 68G): RAM below 4 GiB gets the default UC; 64–68 GiB gets WB where the SDM says UC.
  assert.ok(hp.mismatches.some((x: { start: string; end: string; severity: string }) => x.start === '0x1000000000' && x.end === '0x1100000000' && x.severity === 'dangerous'));
  assert.ok(hp.mismatches.some((x: { start: string; severity: string }) => x.start === '0x100000' && x.severity === 'slow'));
  const jono = j.policies.find((p: { policy: string }) => p.policy === 'jonomango-hv');
  assert.equal(jono.mismatches.filter((x: { severity: string }) => x.severity === 'dangerous').length, 0);
});

test('real Hyper-V registers (LKML, Kelley 2023): base 4 GiB with a 64 GiB mask, replayed by every policy', () => {
  // The mail quotes only the variable MTRRs of a 32 GiB Hyper-V guest: #0 base 0 mask FFFF00000000
  // WB = [0, 4G); #1 base 0x100000000 mask FFF000000000 WB. By the SDM (addr & mask == base & mask)
  // #1 matches [0, 64G); `base + 2^bsf(mask)` (bit 36) makes it [4G, 68G). Default UC (Hyper-V's, see
  // the oracle spec). The map is another real Hyper-V Gen2 guest's e820 (RAM up to 0x108000000,
  // reserved/ACPI ranges below 4 GiB): every known range lies in [0, 4G), so no policy has a hole.
  const MAIL = fixturePath(path.join('sources', 'lkml-hyperv-guest-32g-unaligned-variable-mtrr-6.2-rc.txt'));
  const MAP = R('journal-hyperv-gen2-ryzen-host-short.log');
  const args = ['--mtrr', MAIL, '--mtrr-default', 'UC', MAP];
  // The exact plan against the independent oracle, from the hand-written spec.
  const spec = `${MAIL}.oracle.json`;
  const o = spawnSync(process.execPath, [path.join(ROOT, 'test', 'oracle', 'oracle.mjs'), 'plans', spec], { encoding: 'utf8' });
  assert.equal(o.status, 0, o.stderr);
  const want = JSON.parse(o.stdout)[spec];
  const plan = JSON.parse(cli(['--json', ...args]).out);
  assert.deepEqual(plan.totals, want.totals);
  assert.deepEqual(plan.tables, want.tables);
  assert.deepEqual(plan.gaps.map(oracleGap), want.gaps);
  // Worked by hand from each policy's rules (the tests above cite the source lines):
  const j = JSON.parse(cli(['--policies', '--json', ...args]).out);
  const mism = (name: string): string[][] => j.policies.find((p: { policy: string }) => p.policy === name).mismatches.map((x: { start: string; end: string; policyType: string; expected: string; severity: string }) => [x.start, x.end, x.policyType, x.expected, x.severity]);
  const G64to68 = ['0x1000000000', '0x1100000000', 'WB', 'UC', 'dangerous'];
  // bsf sizing plus "no match → default UC": [0, 68G) WB, so 64–68 GiB is cached where the SDM says UC.
  for (const name of ['hyperplatform', 'airhv', 'hyperdbg', 'ksm']) assert.deepEqual(mism(name), [G64to68], name);
  // hvpp honours only fixed and UC ranges: every 2M page gets the default UC, [0, 64G) is slow.
  assert.deepEqual(mism('hvpp'), [['0x0', '0x1000000000', 'UC', 'WB', 'slow']]);
  // SimpleVisor: WB where no range touches, so [64G, 512G) is cached as well.
  assert.deepEqual(mism('simplevisor'), [['0x1000000000', '0x8000000000', 'WB', 'UC', 'dangerous']]);
  // gbhv drops WB ranges (WB everywhere) and forces page 0 UC.
  assert.deepEqual(mism('gbhv'), [['0x1000000000', '0x8000000000', 'WB', 'UC', 'dangerous'], ['0x0', '0x200000', 'UC', 'WB', 'slow']]);
  // jonomango/hv matches by mask: right types, and 64 GiB covers RAM and every listed range.
  assert.deepEqual(mism('jonomango-hv'), []);
  assert.deepEqual(mism('exact'), []);
  // Xen and KVM make every non-RAM page UC whatever the MTRRs: below 64 GiB, where the SDM says WB, that is slow.
  const slowGaps = [['0xa0000', '0x100000'], ['0x7fff2000', '0x7fff3000'], ['0xf6d94000', '0xf6d95000'], ['0xf6ecc000', '0xf6f1b000'], ['0xf7f9b000', '0xf7fff000'], ['0xf8000000', '0x100000000'], ['0x108000000', '0x1000000000']];
  for (const name of ['xen', 'kvm']) assert.deepEqual(mism(name), slowGaps.map(([s, e]) => [s, e, 'UC', 'WB', 'slow']), name);
  for (const p of j.policies) assert.deepEqual(p.holes, [], p.policy);
});

test('real Meteor Lake dmesg (linux-media 2024): the root window [256 GiB, 4 TiB) on line 27 is a hole past 512 GiB', () => {
  // Worked by hand: RAM ends at 0x880000000 (34 GiB, e820 line 22); line 27's window
  // [0x4000000000, 0x3ffc0000000) runs past 512 GiB. Every policy mapping [0, 512 GiB) misses
  // [0x8000000000, …) of it; jonomango/hv (64 GiB) misses all of it from 0x4000000000;
  // HyperPlatform, HyperDbg and ksm map any address (lazily or with 1G UC pages above 512 GiB).
  const j = JSON.parse(cli(['--policies', '--json', R('linux-media-hp-spectre-x360-16-meteor-lake-6.13-dmesg-excerpt.dmesg')]).out);
  const holes = (name: string): { start: string; line: number }[] => j.policies.find((p: { policy: string }) => p.policy === name).holes;
  for (const name of ['exact', 'hvpp', 'simplevisor', 'gbhv', 'airhv', 'xen', 'kvm']) {
    assert.deepEqual(holes(name).map((h) => [h.start, h.line]), [['0x8000000000', 27]], name);
  }
  assert.deepEqual(holes('jonomango-hv').map((h) => [h.start, h.line]), [['0x4000000000', 27]]);
  for (const name of ['hyperplatform', 'hyperdbg', 'ksm']) assert.deepEqual(holes(name), [], name);
});

test('CLI: usage errors, --policies table, exit 0 without failures', () => {
  const bad = cli(['--policy', 'nope', fixturePath('surface-pro-7.dmesg')]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--policy: 'nope' is not one of exact, hyperplatform/);
  assert.equal(cli(['--max-tables', '5', fixturePath('surface-pro-7.dmesg')]).code, 2);
  const table = cli(['--policies', fixturePath('surface-pro-7.dmesg')]);
  assert.equal(table.code, 0);
  assert.equal(table.out.trim().split('\n').length, 3 + POLICIES.length);
  const budget = cli(['--check', '--max-tables', '8009', '--max-mmio-tables', '1', fixturePath('surface-pro-7.dmesg')]);
  assert.equal(budget.code, 0, budget.err);
  const over = cli(['--check', '--max-tables', '8008', fixturePath('surface-pro-7.dmesg')]);
  assert.equal(over.code, 3);
  assert.match(over.err, /surface-pro-7\.dmesg:24: error: the plan needs 8,009 tables, over --max-tables 8008/);
  const c = cli(['--format', 'c', RYZEN]).out;
  assert.match(c, /#define EPT_PLAN_HIGHEST_ADDRESS 0xb0000000000ULL/);
  assert.match(c, /#define EPT_PLAN_EPT_PD_COUNT 11264ULL/);
  assert.match(c, /#define EPT_PLAN_PML4_ENTRIES 22ULL/);
});

test('known MMIO from QEMU info mtree: device regions kept, the 64-bit `system`/`pci` containers are not resources', () => {
  const map = groupMaps(scanText(fixture('sources/qemu-mtree-i440fx.txt'))).maps[0];
  const m = machineFromMap(map, { limit: 512 * G, maxPage: '1G', ramPage: '4K' });
  const has = (start: number, end: number): boolean => m.mmio.some((r) => r.start <= start && end <= r.end);
  assert.ok(has(0xfed00000, 0xfed01000), 'hpet (line 34), a page');
  assert.ok(has(0xfee00000, 0xfef00000), 'apic-msi (line 35)');
  assert.ok(m.resources.every((r) => r.end < 2 ** 52), 'no 0-ffffffffffffffff container');
  assert.deepEqual(comparePolicy(named('hvpp'), m).holes, []);
});

test('editor: eptLens.policy turns holes and mismatches into diagnostics on their lines', () => {
  const open = (file: string) => new Analysis(new DocumentModel('file:///t/x.eptlog', 1, fixture(file)));
  const codes = (ds: { code?: unknown }[]) => ds.filter((d) => String(d.code).startsWith('policy-'));
  assert.deepEqual(codes(computeDiagnostics(open('policies/phenom-overlapping-mtrr.dmesg'), resolveSettings({}))), [], 'off by default');
  // SimpleVisor on the Phenom: [0xd0000000, 4 GiB) WB where the MTRRs say UC; of the listed ranges
  // overlapping it, the one reaching furthest is `0xfec00000-0xffffffff reserved` (line 14, 0-based 13);
  // the MTRR dump starts on line 25 (0-based 24).
  const ds = codes(computeDiagnostics(open('policies/phenom-overlapping-mtrr.dmesg'), resolveSettings({ policy: 'simplevisor' })));
  const msg = 'SimpleVisor maps 0xd0000000–0x100000000 WB; the MTRRs make it UC (cached MMIO: hangs and machine checks)';
  assert.deepEqual(ds.filter((d) => (d as { message: string }).message === msg).map((d) => (d as { range: { start: { line: number } } }).range.start.line), [13, 24]);
  // jonomango/hv on the Ryzen iomem: the holes sit on the range lines (0-based 92, 96, …).
  const j = codes(computeDiagnostics(open('real/amd-gfx-2025-ryzen-iomem-mail-quoted-interleaved.iomem'), resolveSettings({ policy: 'jonomango-hv' })));
  assert.deepEqual(j.filter((d) => d.code === 'policy-coverage-hole').slice(0, 2).map((d) => (d as { range: { start: { line: number } } }).range.start.line), [92, 96]);
  const bad = resolveSettings({ policy: 'vmware' });
  assert.equal(bad.policy, undefined);
  assert.match(bad.problems[0], /eptLens.policy 'vmware' is not one of/);
});

test('report: "Hypervisors on this machine" lists every policy and the chosen map\'s holes and dangerous types', async () => {
  const { reportRequest } = await import('../../src/server/requests.js');
  const a = new Analysis(new DocumentModel('file:///t/x.eptlog', 1, fixture('policies/phenom-overlapping-mtrr.dmesg')));
  const html = reportRequest({ analysis: a, settings: resolveSettings({}) } as never, { uri: 'file:///t/x.eptlog', nonce: 'abcdefghijklmnop1234', cspSource: 'vscode-webview://x' } as never).html;
  assert.match(html, /<h2 id="hv-h">Hypervisors on this machine<\/h2>/);
  for (const p of POLICIES) assert.ok(html.includes(`data-policy="${p.name}"`), p.name);
  assert.match(html, /dangerous: 0xd0000000–0x100000000 mapped WB, the MTRRs make it UC/);
});

test('union of ranges: sorted lists merged, unsorted ones sorted, equal to a byte-set oracle', () => {
  fc.assert(fc.property(fc.array(fc.array(fc.tuple(fc.nat(64), fc.nat(16)), { maxLength: 12 }), { maxLength: 4 }), fc.boolean(), (raw, sortSome) => {
    const lists = raw.map((l, i) => {
      const rs = l.map(([s, n]) => ({ start: s, end: s + n }));
      return sortSome && i % 2 === 0 ? rs.sort((a, b) => a.start - b.start) : rs;
    });
    const covered = new Set<number>();
    for (const l of lists) for (const r of l) for (let b = r.start; b < r.end; b++) covered.add(b);
    const got = union(...lists);
    const bytes = new Set<number>();
    got.forEach((r, i) => {
      assert.ok(r.end > r.start && (i === 0 || got[i - 1].end < r.start), `disjoint, sorted, not touching: ${JSON.stringify(got)}`);
      for (let b = r.start; b < r.end; b++) bytes.add(b);
    });
    assert.deepEqual([...bytes].sort((a, b) => a - b), [...covered].sort((a, b) => a - b));
  }));
});
