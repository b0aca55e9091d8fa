// Decoder values worked out by hand from the SDM layouts (bit positions in ept-domain notes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  memoryTypeFromNumber, memoryTypeNumber, parseMemoryTypeWord, isReservedMemoryTypeNumber, describeMemoryType, memoryTypeLabel,
} from '../../src/planner/decode/memory-types';
import { eptIndices, describeEptIndices } from '../../src/planner/decode/ept-indices';
import { decodeEptEntry, describeEptEntry, parseEntryInput } from '../../src/planner/decode/ept-entry';
import { exitReason } from '../../src/planner/decode/exit-reasons';
import * as q from '../../src/planner/decode/qualifications';
import { decodeExitQualification, describeExitQualification } from '../../src/planner/decode/exit-qualification';
import { decodeEptVpidCap, describeEptVpidCap } from '../../src/planner/decode/ept-vpid-cap';
import type { MemoryType } from '../../src/planner/types';

test('memory types: numbers ↔ names, reserved encodings', () => {
  const table: [number, MemoryType][] = [[0, 'UC'], [1, 'WC'], [4, 'WT'], [5, 'WP'], [6, 'WB']];
  for (const [n, t] of table) {
    assert.equal(memoryTypeFromNumber(n), t);
    assert.equal(memoryTypeNumber(t), n);
  }
  for (const n of [2, 3, 7, 8, -1, 1.5]) assert.equal(memoryTypeFromNumber(n), undefined);
  assert.deepEqual([2, 3, 7].map(isReservedMemoryTypeNumber), [true, true, true]);
  assert.equal(isReservedMemoryTypeNumber(6), false);
  assert.equal(memoryTypeLabel(7), 'reserved (7)');
  assert.match(describeMemoryType('WB'), /write-back/);
});

test('memory types: the words Linux, /proc/mtrr and PAT dumps print', () => {
  const words: [string, MemoryType | undefined][] = [
    ['uncachable', 'UC'], ['write-back', 'WB'], ['write-combining', 'WC'], ['write-through', 'WT'], ['write-protect', 'WP'],
    ['UC', 'UC'], ['WB', 'WB'], ['wb', 'WB'], [' Write-Back ', 'WB'], ['uncacheable', 'UC'], ['write_back', 'WB'],
    ['UC-', undefined], ['type 20', undefined], ['', undefined], ['back', undefined],
  ];
  for (const [w, t] of words) assert.equal(parseMemoryTypeWord(w), t, w);
});

test('GPA → EPT indices and offsets', () => {
  // 0xfee00000 (local APIC): bits 38:30 = 3, 29:21 = 0x1f7 = 503, 20:12 = 0.
  const apic = eptIndices(0xfee00000);
  assert.deepEqual([apic.pml4, apic.pdpt, apic.pd, apic.pt], [0, 3, 503, 0]);
  assert.equal(apic.offset1G, 0x3ee00000);
  assert.equal(apic.offset2M, 0);
  // 512 GiB + 1 GiB + 2 MiB + 4 KiB + 0x123 hits index 1 at every level.
  const ones = eptIndices(0x8000000000 + 0x40000000 + 0x200000 + 0x1000 + 0x123);
  assert.deepEqual([ones.pml4, ones.pdpt, ones.pd, ones.pt, ones.offset4K], [1, 1, 1, 1, 0x123]);
  assert.equal(ones.offset2M, 0x1123);
  // Highest 48-bit address: every index 511.
  const top = eptIndices(2 ** 48 - 1);
  assert.deepEqual([top.pml4, top.pdpt, top.pd, top.pt, top.offset4K], [511, 511, 511, 511, 0xfff]);
  assert.throws(() => eptIndices(-1));
  assert.match(describeEptIndices(apic)[0], /PML4\[0\] → PDPT\[3\] → PD\[503\] → PT\[0\]/);
});

test('EPT entry: 4K leaf with WB, ignore PAT, accessed and dirty', () => {
  // 0x100bd7000 | D(9) | A(8) | IPAT(6) | WB(6<<3) | RWX = 0x100bd7377
  const e = decodeEptEntry(0x100bd7377n, 1);
  assert.equal(e.present, true);
  assert.deepEqual([e.read, e.write, e.execute], [true, true, true]);
  assert.equal(e.leaf, true);
  assert.equal(e.pageSize, '4K');
  assert.equal(e.memoryType, 'WB');
  assert.equal(e.ignorePat, true);
  assert.equal(e.accessed, true);
  assert.equal(e.dirty, true);
  assert.equal(e.suppressVe, false);
  assert.equal(e.address, 0x100bd7000);
  assert.deepEqual(e.misconfigurations, []);
  assert.match(describeEptEntry(e).join('\n'), /WB \(write-back/);
});

test('EPT entry: KVM spte from a kvm_mmu_set_spte line (bits 62:61 and 11 are software bits)', () => {
  // 0x6000000100bd7b77: low 12 bits 0xb77 = RWX, WB (6), IPAT, A, D, bit 11; bit 10 (user-exec) clear.
  const e = decodeEptEntry(0x6000000100bd7b77n, 1);
  assert.equal(e.userExecute, false);
  assert.equal(e.dirty, true);
  assert.equal(e.ignorePat, true);
  assert.equal(decodeEptEntry(0x100bd7477n, 1).userExecute, true);
  assert.equal(e.memoryType, 'WB');
  assert.equal(e.suppressVe, false);
  assert.equal(e.address, 0x100bd7000);
});

test('EPT entry: 2M and 1G leaves use their alignment; table pointers carry no memory type', () => {
  const pde = decodeEptEntry(0x40000000n | 0x80n | 0x30n | 0x7n, 2); // 2M at 1 GiB, WB
  assert.equal(pde.leaf, true);
  assert.equal(pde.pageSize, '2M');
  assert.equal(pde.address, 0x40000000);
  assert.equal(pde.memoryType, 'WB');
  assert.deepEqual(pde.misconfigurations, []);

  const pdpte = decodeEptEntry(0xc0000000n | 0x80n | 0x7n, 3); // 1G at 3 GiB, UC
  assert.equal(pdpte.pageSize, '1G');
  assert.equal(pdpte.address, 0xc0000000);
  assert.equal(pdpte.memoryType, 'UC');

  const table = decodeEptEntry(0x12345007n, 2); // points to a PT
  assert.equal(table.leaf, false);
  assert.equal(table.memoryType, undefined);
  assert.equal(table.address, 0x12345000);

  // A 2M leaf with bits 20:12 set is a misconfiguration; its frame still reads as aligned.
  const bad2m = decodeEptEntry(0x40001000n | 0x80n | 0x30n | 0x7n, 2);
  assert.equal(bad2m.address, 0x40000000);
  assert.ok(bad2m.misconfigurations.some((m) => m.includes('20:12')));
});

test('EPT entry: misconfigurations and not-present', () => {
  assert.equal(decodeEptEntry(0xfee00030n, 1).present, false); // bits 2:0 = 0
  assert.match(describeEptEntry(decodeEptEntry(0n, 1))[0], /not present/);
  const reservedType = decodeEptEntry(0xfee00000n | (7n << 3n) | 1n, 1);
  assert.ok(reservedType.misconfigurations.some((m) => m.includes('reserved memory type 7')));
  assert.equal(reservedType.memoryType, undefined);
  assert.ok(decodeEptEntry(0x1000n | (2n << 3n) | 1n, 1).misconfigurations.length === 1);
  assert.ok(decodeEptEntry(0x1000n | 0x32n, 1).misconfigurations.some((m) => m.includes('write-only')));
  assert.ok(decodeEptEntry(0x1000n | 0x36n, 1).misconfigurations.some((m) => m.includes('write+execute')));
  assert.deepEqual(decodeEptEntry(0x1000n | 0x34n, 1).misconfigurations, []); // execute-only: a capability, not an error
  assert.equal(decodeEptEntry(0x1000n | 0x34n, 1).notes.length, 1);
  assert.ok(decodeEptEntry(0x1000n | 0x87n, 4).misconfigurations.some((m) => m.includes('PML4E')));
  assert.ok(decodeEptEntry(0x8000000000n | 0x1007n, 1, 39).misconfigurations.some((m) => m.includes('MAXPHYADDR')));
  const sve = decodeEptEntry((1n << 63n) | 0x1037n, 1);
  assert.equal(sve.suppressVe, true);
  assert.match(describeEptEntry(reservedType)[0], /EPT misconfiguration/);
});

test('exit qualification 0x181: data read, GLA valid, access to the translation, not present', () => {
  const q = decodeExitQualification(0x181n);
  assert.equal(q.dataRead, true);
  assert.equal(q.dataWrite, false);
  assert.equal(q.instructionFetch, false);
  assert.equal(q.glaValid, true);
  assert.equal(q.translationAccess, true);
  assert.equal(q.notPresent, true);
  assert.equal(q.bits.length, 13);
  assert.deepEqual(q.bits.filter((b) => b.set).map((b) => b.bit), [0, 7, 8]);
  const text = describeExitQualification(q).join('\n');
  assert.match(text, /data read/);
  assert.match(text, /not present/);
  assert.match(text, /access to the translation/);
});

test('exit qualification: write to a read-only page, fetch, paging-structure access, NMI unblocking', () => {
  // 0x18a = write (1) + readable (3) + GLA valid (7) + translation (8): write to an R-- page.
  const w = decodeExitQualification(0x18a);
  assert.equal(w.dataWrite, true);
  assert.equal(w.readable, true);
  assert.equal(w.writable, false);
  assert.equal(w.notPresent, false);
  assert.match(describeExitQualification(w).join('\n'), /entry was readable/);
  // 0x83 = read + write + GLA valid, bit 8 clear: the guest's own page-table walk (A/D update).
  const pw = decodeExitQualification(0x83);
  assert.equal(pw.translationAccess, false);
  assert.match(describeExitQualification(pw).join('\n'), /paging-structure entry/);
  // 0x1000 | 0x3c = NMI unblocking + RX + fetch.
  const x = decodeExitQualification(0x1000 | 0x2c);
  assert.equal(x.instructionFetch, true);
  assert.equal(x.readable, true);
  assert.equal(x.executable, true);
  assert.equal(x.nmiUnblocking, true);
  assert.equal(x.glaValid, false);
  assert.match(describeExitQualification(x).join('\n'), /NMI unblocking/);
});

test('exit reasons: names KVM prints and numbers, with what their qualification holds', () => {
  assert.deepEqual([exitReason('EPT_VIOLATION')?.number, exitReason('48')?.name, exitReason('io_instruction')?.number], [48, 'EPT_VIOLATION', 30]);
  assert.equal(exitReason('HLT')?.qualification, 'none');
  assert.equal(exitReason('EPT_MISCONFIG')?.number, 49);
  assert.equal(exitReason('NO_SUCH_EXIT'), undefined);
});

test('exit qualifications by hand from the SDM tables: I/O, CR, DR, APIC access, #DB, task switch', () => {
  // 0x3f80008: port 0x3f8 in bits 31:16, bit 3 = IN, size bits 2:0 = 0 (1 byte).
  const io = q.decodeIoQualification(0x3f80008n);
  assert.equal(io.summary, 'IN 1 byte · port 0x3f8');
  assert.ok(io.notes.some((n) => /COM1/.test(n)));
  // 0x31: bits 2:0 = 1 (2 bytes), bit 4 string, bit 5 REP, OUT, port 0.
  assert.equal(q.decodeIoQualification(0x31n).summary, 'REP OUTS 2 bytes · port 0x0');
  // 0x303: CR3, MOV to CR (type 0), register 3 = RBX.
  assert.equal(q.decodeCrQualification(0x303n).summary, 'MOV CR3 ← RBX');
  assert.equal(q.decodeCrQualification(0x10n).summary, 'MOV RAX ← CR0');
  assert.equal(q.decodeCrQualification(0x20n).summary, 'CLTS (clears CR0.TS)');
  assert.equal(q.decodeDrQualification(0x117n).summary, 'MOV RCX ← DR7');
  // 0x10b0: linear write (type 1) at offset 0xb0 (EOI).
  assert.equal(q.decodeApicAccessQualification(0x10b0n).summary, 'write APIC+0xb0 EOI');
  assert.equal(q.decodeDebugQualification(0x4001n).summary, '#DB breakpoint 0, single step (BS)');
  assert.equal(q.decodeTaskSwitchQualification(0x40000028n).summary, 'task switch by IRET to TSS 0x28');
  assert.equal(q.decodeEptViolationQualification(0x181n).summary, 'read · not present');
  assert.equal(q.decodeEptViolationQualification(0x18an).summary, 'write · was r--');
  const md = q.qualificationMarkdown(io, 0x3f80008n).join('\n');
  assert.match(md, /\| 31:16 \| port \| 0x3f8 \|/);
});

test('EPT entry input: pasted from kvm_mmu_set_spte, with a level, and what is wrong otherwise', () => {
  assert.deepEqual(parseEntryInput('600000012345b77 (rwx)'), { value: 0x600000012345b77n });
  assert.deepEqual(parseEntryInput('spte 600000012345b77 (rwx) level 1 at 10f4c2028'), { value: 0x600000012345b77n, level: 1 });
  assert.deepEqual(parseEntryInput('0x6000000100bd7b77 2'), { value: 0x6000000100bd7b77n, level: 2 });
  assert.match(parseEntryInput('0x1 7') as string, /level '7'/);
  assert.match(parseEntryInput('12345678901234567') as string, /at most 16/);
  assert.match(parseEntryInput('') as string, /type a 64-bit/);
});

test('IA32_VMX_EPT_VPID_CAP: every bit as Intel SDM Vol. 3D A.10 defines it; the real ksm#23 value', () => {
  // Written from the SDM's sentences, independently of the decoder's table.
  const sdm: Record<number, keyof ReturnType<typeof decodeEptVpidCap>> = {
    0: 'executeOnly', 6: 'walk4', 7: 'walk5', 8: 'uc', 14: 'wb', 16: 'pages2M', 17: 'pages1G', 20: 'invept', 21: 'accessedDirty',
    22: 'advancedExitInfo', 23: 'supervisorShadowStack', 25: 'inveptSingle', 26: 'inveptAll', 32: 'invvpid',
    40: 'invvpidIndividual', 41: 'invvpidSingle', 42: 'invvpidAll', 43: 'invvpidSingleRetainingGlobals',
  };
  const keys = Object.values(sdm);
  for (let b = 0; b < 64; b++) {
    const c = decodeEptVpidCap(1n << BigInt(b));
    const on = keys.filter((k) => c[k] === true);
    assert.deepEqual(on, sdm[b] ? [sdm[b]] : [], `bit ${b}`);
    assert.deepEqual(c.undefinedBits, sdm[b] ? [] : [b], `bit ${b}`);
  }
  // asamy/ksm#23 (Debian 9.1): `EPT/VPID caps: 0x00000F0106134141`.
  const c = decodeEptVpidCap(0x00000f0106134141n);
  assert.deepEqual(keys.filter((k) => c[k]), ['executeOnly', 'walk4', 'uc', 'wb', 'pages2M', 'pages1G', 'invept', 'inveptSingle', 'inveptAll', 'invvpid', 'invvpidIndividual', 'invvpidSingle', 'invvpidAll', 'invvpidSingleRetainingGlobals']);
  assert.equal(c.maxPage, '1G');
  assert.equal(decodeEptVpidCap(0x00000f0106114141n).maxPage, '2M');
  assert.equal(decodeEptVpidCap(0x0000000006024141n).maxPage, '4K', '1G without 2M: the planner caps both, so only 4K');
  assert.match(describeEptVpidCap(decodeEptVpidCap(0x4141n), '1G').join('\n'), /no 2 MiB or 1 GiB EPT pages\*\* \(bits 16 and 17 clear\)/);
  assert.match(describeEptVpidCap(decodeEptVpidCap(0x4101n), '4K').join('\n'), /\*\*No page-walk length 4\*\*/);
});
