// Event readers on real-layout lines (trace-cmd report, ftrace, HyperPlatform) plus a property:
// never throw, and every reported range lies inside its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseEventLine, type EventRecord, type Span } from '../../src/formats/events/index';

const root = process.env.EPT_LENS_ROOT ?? process.cwd();

/** Text a field's range covers. */
function at(text: string, f: { range: Span } | undefined): string {
  assert.ok(f, 'field missing');
  return text.slice(f.range.start, f.range.end);
}

function parse<K extends EventRecord['kind']>(text: string, kind: K, line = 0): Extract<EventRecord, { kind: K }> {
  const r = parseEventLine(text, line);
  assert.ok(r, `no record for: ${text}`);
  assert.equal(r.kind, kind);
  assert.equal(r.line, line);
  return r as Extract<EventRecord, { kind: K }>;
}

test('kvm_exit, current layout with vcpu, info1/info2 and the ftrace prefix', () => {
  const t = '      CPU 1/KVM-110350  [006] d... 410259.258862: kvm_exit: vcpu 1 reason EPT_VIOLATION rip 0x5600b39c8132 info1 0x0000000000000181 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000';
  const r = parse(t, 'kvm_exit', 7);
  assert.equal(r.layout, 'info1-info2');
  assert.equal(r.reason.value, 'EPT_VIOLATION');
  assert.equal(at(t, r.reason), 'EPT_VIOLATION');
  assert.equal(r.vcpu?.value, 1);
  assert.equal(r.rip?.value, 0x5600b39c8132n);
  assert.equal(at(t, r.rip), '0x5600b39c8132');
  assert.equal(r.info1?.value, 0x181n);
  assert.equal(at(t, r.info1), '0x0000000000000181');
  assert.equal(r.info2?.value, 0n);
  assert.equal(r.intrInfo?.value, 0n);
  assert.equal(r.errorCode?.value, 0n);
  assert.equal(at(t, r.event), 'kvm_exit');
  assert.ok(r.prefix);
  assert.equal(r.prefix.task.value, 'CPU 1/KVM');
  assert.equal(at(t, r.prefix.task), 'CPU 1/KVM');
  assert.equal(r.prefix.pid.value, 110350);
  assert.equal(at(t, r.prefix.cpu), '006');
  assert.equal(r.prefix.cpu.value, 6);
  assert.equal(r.prefix.flags?.value, 'd...');
  assert.equal(r.prefix.timestamp.value, 410259.258862);
  assert.equal(at(t, r.prefix.timestamp), '410259.258862');
});

test('kvm_exit, old `info A B` layout (bare hex) in trace-cmd report', () => {
  const t = ' qemu-system-x86-31218 [000] 159269.806542: kvm_exit:             reason EPT_VIOLATION rip 0xffffffff8102d0a4 info 181 0';
  const r = parse(t, 'kvm_exit');
  assert.equal(r.layout, 'info');
  assert.equal(r.vcpu, undefined);
  assert.equal(r.rip?.value, 0xffffffff8102d0a4n);
  assert.equal(r.info1?.value, 0x181n);
  assert.equal(at(t, r.info1), '181');
  assert.equal(r.info2?.value, 0n);
  assert.equal(at(t, r.info2), '0');
  assert.equal(r.prefix?.task.value, 'qemu-system-x86');
  assert.equal(r.prefix?.pid.value, 31218);
  assert.equal(r.prefix?.flags, undefined);
  const m = parse(' qemu-system-x86-31218 [001] 159269.806603: kvm_exit:             reason EPT_MISCONFIG rip 0x133025 info 0 0', 'kvm_exit');
  assert.equal(m.reason.value, 'EPT_MISCONFIG');
  assert.equal(m.rip?.value, 0x133025n);
});

test('kvm_page_fault, both layouts', () => {
  const cur = '      CPU 1/KVM-110350  [006] d... 410259.258866: kvm_page_fault: vcpu 1 rip 0x5600b39c8132 address 0x000000fee00000 error_code 0x181';
  const r = parse(cur, 'kvm_page_fault');
  assert.equal(r.layout, 'prefixed-hex');
  assert.equal(r.address?.value, 0xfee00000);
  assert.equal(at(cur, r.address), '0x000000fee00000');
  assert.equal(r.errorCode.value, 0x181n);
  assert.equal(r.vcpu?.value, 1);
  const old = ' qemu-system-x86-31218 [000] 159269.806545: kvm_page_fault:       address 3fef42812000 error_code 181';
  const o = parse(old, 'kvm_page_fault');
  assert.equal(o.layout, 'bare-hex');
  assert.equal(o.address?.value, 0x3fef42812000);
  assert.equal(at(old, o.address), '3fef42812000');
  assert.equal(o.errorCode.value, 0x181n);
  assert.equal(at(old, o.errorCode), '181');
  // A shadow-paging GVA does not fit a safe integer: the record stays, the address is left out.
  const gva = parse('kvm_page_fault: address ffffffff81000000 error_code 2', 'kvm_page_fault');
  assert.equal(gva.address, undefined);
  assert.equal(gva.prefix, undefined);
});

test('kvm_mmio: read, write, unsatisfied-read', () => {
  const w = '      CPU 1/KVM-110350  [006] d... 410259.258880: kvm_mmio: mmio write len 4 gpa 0xfee000b0 val 0x0';
  const r = parse(w, 'kvm_mmio');
  assert.equal(r.access.value, 'write');
  assert.equal(at(w, r.access), 'write');
  assert.equal(r.len.value, 4);
  assert.equal(r.gpa.value, 0xfee000b0);
  assert.equal(at(w, r.gpa), '0xfee000b0');
  assert.equal(r.val?.value, 0n);
  const rd = parse(' qemu-system-x86-31218 [001] 159269.806622: kvm_mmio:             mmio read len 4 gpa 0xfee000f0 val 0x1ff', 'kvm_mmio');
  assert.equal(rd.access.value, 'read');
  assert.equal(rd.val?.value, 0x1ffn);
  const u = parse(' qemu-system-x86-31218 [001] 159269.806610: kvm_mmio:             mmio unsatisfied-read len 4 gpa 0xfee000f0 val 0x0', 'kvm_mmio');
  assert.equal(u.access.value, 'unsatisfied-read');
  assert.equal(parseEventLine('kvm_mmio: mmio poke len 4 gpa 0x0 val 0x0', 0), undefined);
});

test('kvm_mmu_set_spte and kvm_mmu_spte_requested', () => {
  const t = '      CPU 1/KVM-110350  [006] d... 410259.258874: kvm_mmu_set_spte: gfn fee00 spte 6000000100bd7b77 (rwx-) level 1 at 10a3d5000';
  const r = parse(t, 'kvm_mmu_set_spte');
  assert.equal(r.gfn.value, 0xfee00);
  assert.equal(at(t, r.gfn), 'fee00');
  assert.equal(r.spte.value, 0x6000000100bd7b77n);
  assert.equal(at(t, r.spte), '6000000100bd7b77');
  assert.equal(r.permissions?.value, 'rwx-');
  assert.equal(at(t, r.permissions), 'rwx-');
  assert.equal(r.level.value, 1);
  assert.equal(r.sptep?.value, 0x10a3d5000n);
  const q = '      CPU 1/KVM-110350  [006] d... 410259.258871: kvm_mmu_spte_requested: gfn fee00 pfn 100bd7 level 1';
  const s = parse(q, 'kvm_mmu_spte_requested');
  assert.equal(s.gfn.value, 0xfee00);
  assert.equal(s.pfn?.value, 0x100bd7);
  assert.equal(s.level.value, 1);
  assert.equal(at(q, s.level), '1');
});

test('HyperPlatform [UNK1]/[UNK2] and pre-allocated usage', () => {
  const t = '12:00:02.000\tDBG\t#1\t    4\t  272\tSystem         \t[UNK1] VA = FFFFF80012345000, PA = 00000000fed40000';
  const r = parse(t, 'hyperplatform_violation', 3);
  assert.equal(r.tag.value, 'UNK1');
  assert.equal(at(t, r.tag), 'UNK1');
  assert.equal(r.va?.value, 0xfffff80012345000n);
  assert.equal(at(t, r.va), 'FFFFF80012345000');
  assert.equal(r.pa?.value, 0xfed40000);
  assert.equal(at(t, r.pa), '00000000fed40000');
  const u2 = parse('[UNK2] VA=0000000000000000, PA=00000000fee00000', 'hyperplatform_violation');
  assert.equal(u2.tag.value, 'UNK2');
  assert.equal(u2.pa?.value, 0xfee00000);
  assert.equal(parseEventLine('[UNK3] VA = 0', 0), undefined);

  const p = '12:00:03.000\tINF\t#0\t    4\t  272\tSystem         \tUsed pre-allocated entries  =  7 / 50';
  const pre = parse(p, 'hyperplatform_preallocated');
  assert.equal(pre.used.value, 7);
  assert.equal(at(p, pre.used), '7');
  assert.equal(pre.total.value, 50);
  assert.equal(at(p, pre.total), '50');
});

test('unknown and non-event lines are skipped', () => {
  for (const t of [
    '',
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable',
    '07:23:37.223\tDBG\t#2\t    4\t 7656\tSystem         \tPhysical Memory Range: 0000000000015000 - 0000000000058000',
    ' qemu-system-x86-31218 [000] 159269.806551: kvm_entry:            vcpu 0',
    'kvm_exit: rip 0x1', // no reason
    'my_kvm_exit: reason X',
  ]) {
    assert.equal(parseEventLine(t, 0), undefined, t);
  }
});

test('every event line of the KVM fixture yields a record; others do not', () => {
  const lines = fs.readFileSync(path.join(root, 'test', 'fixtures', 'kvm-trace.report'), 'utf8').split(/\r?\n/);
  const kinds = lines.map((l, i) => parseEventLine(l, i)?.kind);
  for (const [i, l] of lines.entries()) {
    const expected = /kvm_(exit|page_fault|mmio|mmu_set_spte|mmu_spte_requested):/.exec(l)?.[0].slice(0, -1);
    assert.equal(kinds[i], expected, l);
  }
  assert.ok(kinds.filter(Boolean).length >= 14);
});

/** Every `{range}` in a record, however deep. */
function ranges(x: unknown, out: Span[] = []): Span[] {
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (o.range && typeof o.range === 'object') out.push(o.range as Span);
    for (const v of Object.values(o)) ranges(v, out);
  }
  return out;
}

test('property: never throws, ranges lie inside the line', () => {
  const piece = fc.constantFrom(
    'kvm_exit:', 'kvm_page_fault:', 'kvm_mmio:', 'kvm_mmu_set_spte:', 'kvm_mmu_spte_requested:', 'kvm:', 'kvm_',
    ' ', '  ', '\t', ',', '-', ':', '=', '/', '(', ')', '[', ']', '[000]', '[UNK1]', '[UNK2]', '[UNK',
    'reason', 'EPT_VIOLATION', 'rip', 'info', 'info1', 'info2', 'vcpu', 'address', 'error_code', 'mmio', 'read', 'write',
    'unsatisfied-read', 'len', 'gpa', 'val', 'gfn', 'spte', 'pfn', 'level', 'at', 'VA', 'PA', 'VA=', 'PA =',
    'Used pre-allocated entries', '0x', '0x181', '181', 'ffffffffffffffffff', '12', '1.5:', '159269.806542:', 'd...', 'task-1', '(rwx-)', '()',
  );
  const line = fc.oneof(fc.string({ maxLength: 200 }), fc.array(piece, { maxLength: 40 }).map((a) => a.join('')), fc.string({ unit: 'grapheme', maxLength: 80 }));
  fc.assert(
    fc.property(line, fc.nat(1_000_000), (text, n) => {
      const r = parseEventLine(text, n);
      if (!r) return;
      assert.equal(r.line, n);
      for (const s of ranges(r)) {
        assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end));
        assert.ok(0 <= s.start && s.start <= s.end && s.end <= text.length, `${JSON.stringify(s)} outside ${JSON.stringify(text)}`);
      }
    }),
    { numRuns: 3000 },
  );
});
