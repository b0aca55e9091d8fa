// Grammar tests through vscode-textmate: scopes of chosen tokens in every real fixture, and a
// bound on tokenization time for adversarial 20,000-character lines (the editor's limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { grammarPath, loadGrammar, readFixture, root, tokenizeLines, type Token } from './textmate';

/** Scopes of the token that covers the n-th occurrence of `needle` in line `lineNo` of `tokens`. */
function scopesOf(lines: string[], tokens: Token[][], lineNo: number, needle: string, nth = 0): string[] {
  const line = lines[lineNo];
  let at = -1;
  for (let k = 0; k <= nth; k++) at = line.indexOf(needle, at + 1);
  assert.ok(at >= 0, `"${needle}" not in line ${lineNo}: ${line}`);
  const tok = tokens[lineNo].find((t) => t.start <= at && at < t.end);
  assert.ok(tok, `no token at ${at}`);
  assert.equal(tok.text, needle, `token boundary mismatch for "${needle}" in line ${lineNo}: got "${tok.text}"`);
  return tok.scopes;
}

function findLine(lines: string[], pred: (l: string) => boolean): number {
  const i = lines.findIndex(pred);
  assert.ok(i >= 0, 'expected line not found in fixture');
  return i;
}

function expectScope(scopes: string[], scope: string): void {
  assert.ok(scopes.includes(`${scope}.ept-log`), `expected ${scope}.ept-log in [${scopes.join(', ')}]`);
}

async function fixture(name: string) {
  const grammar = await loadGrammar();
  const lines = readFixture(name);
  return { lines, tokens: tokenizeLines(grammar, lines) };
}

test('every scope ends in .ept-log and starts with a theme-coloured root', async () => {
  const { lines, tokens } = await fixture('thinkpad-x240.dmesg');
  const roots = ['comment', 'constant', 'entity', 'invalid', 'keyword', 'markup', 'meta', 'punctuation', 'storage', 'string', 'support', 'variable'];
  for (const [i, toks] of tokens.entries()) {
    for (const t of toks) {
      for (const s of t.scopes.slice(1)) {
        assert.ok(s.endsWith('.ept-log'), `line ${i} "${lines[i]}": scope ${s}`);
        assert.ok(roots.includes(s.split('.')[0]), `unexpected root in ${s}`);
      }
    }
  }
});

test('HyperPlatform: tab-separated columns, debug level, hex range bounds', async () => {
  const { lines, tokens } = await fixture('hyperplatform-issue29.log');
  const i = findLine(lines, (l) => l.startsWith('07:23:37.223'));
  expectScope(scopesOf(lines, tokens, i, '07:23:37.223'), 'comment.other.timestamp');
  expectScope(scopesOf(lines, tokens, i, 'DBG'), 'markup.changed.level.debug');
  expectScope(scopesOf(lines, tokens, i, '#2'), 'entity.name.tag.cpu');
  expectScope(scopesOf(lines, tokens, i, '7656'), 'constant.numeric.tid');
  expectScope(scopesOf(lines, tokens, i, 'System'), 'entity.name.type.image');
  expectScope(scopesOf(lines, tokens, i, 'Physical Memory Range'), 'keyword.other.memory-range');
  expectScope(scopesOf(lines, tokens, i, '0000000000015000'), 'constant.numeric.hex');
  expectScope(scopesOf(lines, tokens, i, '0000000000058000'), 'constant.numeric.hex');
  // The author's '# ...' annotations are comments, not log lines.
  const c = findLine(lines, (l) => l.startsWith('#\t07:23'));
  expectScope(tokens[c][0].scopes, 'comment.line.number-sign');
});

test('HyperPlatform: tab-expanded copy still finds every column', async () => {
  const { lines, tokens } = await fixture('hyperplatform-laptop-8gb.log');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]) continue;
    expectScope(scopesOf(lines, tokens, i, 'DBG'), 'markup.changed.level.debug');
    expectScope(scopesOf(lines, tokens, i, 'System'), 'entity.name.type.image');
    expectScope(scopesOf(lines, tokens, i, 'Physical Memory Range'), 'keyword.other.memory-range');
  }
});

test('HyperPlatform: each level has its own scope and ERR is invalid.illegal', async () => {
  const grammar = await loadGrammar();
  const levels = { DBG: 'markup.changed.level.debug', INF: 'markup.inserted.level.info', WRN: 'markup.deleted.level.warning', ERR: 'invalid.illegal.level.error' };
  for (const [lvl, scope] of Object.entries(levels)) {
    const lines = [`16:45:17.776\t${lvl}\t#1\t    4\t  272\tSystem         \t[UNK1] VA = FFFFF80012345000, PA = 00000000fed40000`];
    const tokens = tokenizeLines(grammar, lines);
    expectScope(scopesOf(lines, tokens, 0, lvl), scope);
    expectScope(scopesOf(lines, tokens, 0, '[UNK1]'), 'keyword.control.ept-violation');
    expectScope(scopesOf(lines, tokens, 0, '00000000fed40000'), 'constant.numeric.hex');
  }
  const lines = ['16:45:17.776\tINF\t#0\t    4\t  272\tSystem         \tUsed pre-allocated entries  = 12 / 50'];
  const tokens = tokenizeLines(grammar, lines);
  expectScope(scopesOf(lines, tokens, 0, 'Used pre-allocated entries'), 'keyword.other.preallocated');
  expectScope(scopesOf(lines, tokens, 0, '12'), 'constant.numeric.used');
  expectScope(scopesOf(lines, tokens, 0, '50'), 'constant.numeric.total');
});

test('KVM trace: events, exit reasons (EPT ones stand out), fields and access kinds', async () => {
  const { lines, tokens } = await fixture('kvm-trace.report');
  const oldExit = findLine(lines, (l) => l.includes('reason EPT_VIOLATION') && l.includes('info 181 0'));
  expectScope(scopesOf(lines, tokens, oldExit, 'qemu-system-x86'), 'entity.name.type.task');
  expectScope(scopesOf(lines, tokens, oldExit, '31218'), 'constant.numeric.pid');
  expectScope(scopesOf(lines, tokens, oldExit, '[000]'), 'entity.name.tag.cpu');
  expectScope(scopesOf(lines, tokens, oldExit, 'kvm_exit'), 'entity.name.function.event.kvm-exit');
  expectScope(scopesOf(lines, tokens, oldExit, 'EPT_VIOLATION'), 'keyword.control.exit-reason.ept-violation');
  expectScope(scopesOf(lines, tokens, oldExit, '181'), 'constant.numeric.hex');

  const newExit = findLine(lines, (l) => l.includes('reason EPT_MISCONFIG') && l.includes('info1'));
  expectScope(scopesOf(lines, tokens, newExit, 'CPU 0/KVM'), 'entity.name.type.task');
  expectScope(scopesOf(lines, tokens, newExit, 'd...'), 'storage.modifier.flags');
  expectScope(scopesOf(lines, tokens, newExit, 'EPT_MISCONFIG'), 'invalid.illegal.exit-reason.ept-misconfig');
  expectScope(scopesOf(lines, tokens, newExit, 'info1'), 'variable.other.field');

  const hlt = findLine(lines, (l) => l.includes('reason HLT'));
  expectScope(scopesOf(lines, tokens, hlt, 'HLT'), 'constant.language.exit-reason');

  const pfOld = findLine(lines, (l) => l.includes('address 3fef42812000'));
  expectScope(scopesOf(lines, tokens, pfOld, 'kvm_page_fault'), 'entity.name.function.event.kvm-page-fault');
  expectScope(scopesOf(lines, tokens, pfOld, '3fef42812000'), 'constant.numeric.hex');

  const unsat = findLine(lines, (l) => l.includes('unsatisfied-read'));
  expectScope(scopesOf(lines, tokens, unsat, 'unsatisfied-read'), 'markup.deleted.access.unsatisfied-read');
  const write = findLine(lines, (l) => l.includes('mmio write'));
  expectScope(scopesOf(lines, tokens, write, 'write'), 'keyword.control.access.write');
  expectScope(scopesOf(lines, tokens, write, '0xfee000b0'), 'constant.numeric.hex');
  const read = findLine(lines, (l) => l.includes('mmio read'));
  expectScope(scopesOf(lines, tokens, read, 'read'), 'keyword.other.access.read');

  const spte = findLine(lines, (l) => l.includes('kvm_mmu_set_spte'));
  expectScope(scopesOf(lines, tokens, spte, 'kvm_mmu_set_spte'), 'entity.name.function.event.kvm-mmu');
  expectScope(scopesOf(lines, tokens, spte, '6000000100bd7b77'), 'constant.numeric.hex');
  expectScope(scopesOf(lines, tokens, spte, 'x', 2), 'storage.modifier.permission.execute');
  const req = findLine(lines, (l) => l.includes('kvm_mmu_spte_requested'));
  expectScope(scopesOf(lines, tokens, req, 'fee00'), 'constant.numeric.hex');
  expectScope(scopesOf(lines, tokens, 1, 'cpus'), 'keyword.other.header');
});

test('dmesg: e820 types are visibly different and MTRR/PAT/page-size lines are coloured', async () => {
  const { lines, tokens } = await fixture('thinkpad-x240.dmesg');
  const typeScope: Record<string, string> = {
    usable: 'markup.inserted.e820.usable',
    reserved: 'string.unquoted.e820.reserved',
    'ACPI NVS': 'support.type.e820.acpi',
    'ACPI data': 'support.type.e820.acpi',
    'type 20': 'constant.language.e820.other',
  };
  const roots = new Set<string>();
  for (const [word, scope] of Object.entries(typeScope)) {
    const i = findLine(lines, (l) => l.includes('BIOS-e820:') && l.endsWith(`] ${word}`));
    const s = scopesOf(lines, tokens, i, word, word === 'reserved' ? 0 : 0);
    expectScope(s, scope);
    expectScope(scopesOf(lines, tokens, i, 'BIOS-e820'), 'keyword.other.facility');
    roots.add(scope.split('.')[0]);
  }
  assert.ok(roots.size >= 4, 'usable, reserved, ACPI and other types use different root scopes');

  const upd = findLine(lines, (l) => l.includes('e820: update'));
  expectScope(scopesOf(lines, tokens, upd, 'update'), 'keyword.control.e820-op');
  expectScope(scopesOf(lines, tokens, upd, 'reserved'), 'string.unquoted.e820.reserved');
  const def = findLine(lines, (l) => l.includes('MTRR default type'));
  expectScope(scopesOf(lines, tokens, def, 'write-back'), 'support.type.memory-type.wb');
  const p1g = findLine(lines, (l) => l.endsWith('page 1G'));
  expectScope(scopesOf(lines, tokens, p1g, '1G'), 'storage.type.page-size.1g');
  const p4k = findLine(lines, (l) => l.endsWith('page 4k'));
  expectScope(scopesOf(lines, tokens, p4k, '4k'), 'storage.type.page-size.4k');
  expectScope(scopesOf(lines, tokens, p4k, '0.000000'), 'comment.other.timestamp');
});

test('dmesg (Surface Pro 7): variable MTRRs and the PAT configuration', async () => {
  const { lines, tokens } = await fixture('surface-pro-7.dmesg');
  const v = findLine(lines, (l) => l.includes('7 base 4000000000 mask 6000000000'));
  expectScope(scopesOf(lines, tokens, v, '4000000000'), 'constant.numeric.hex');
  expectScope(scopesOf(lines, tokens, v, 'mask'), 'variable.other.field');
  expectScope(scopesOf(lines, tokens, v, 'write-combining'), 'support.type.memory-type.wc');
  const pat = findLine(lines, (l) => l.includes('x86/PAT: Configuration'));
  expectScope(scopesOf(lines, tokens, pat, 'x86/PAT'), 'keyword.other.facility');
  expectScope(scopesOf(lines, tokens, pat, 'UC-'), 'support.type.memory-type.uc');
  expectScope(scopesOf(lines, tokens, pat, 'WT'), 'support.type.memory-type.wt');
  const fixed = findLine(lines, (l) => l.includes('C0000-FFFFF write-protect'));
  expectScope(scopesOf(lines, tokens, fixed, 'C0000'), 'constant.numeric.hex');
  expectScope(scopesOf(lines, tokens, fixed, 'write-protect'), 'support.type.memory-type.wp');
});

test('/proc/iomem: System RAM, reserved, ACPI, kernel and device names differ; nesting keeps working', async () => {
  const { lines, tokens } = await fixture('desktop-i7-2600.iomem');
  const ram = findLine(lines, (l) => l === '00100000-cf1f9fff : System RAM');
  expectScope(scopesOf(lines, tokens, ram, '00100000'), 'constant.numeric.hex.address');
  expectScope(scopesOf(lines, tokens, ram, 'System RAM'), 'markup.inserted.iomem.system-ram');
  const res = findLine(lines, (l) => l === 'cf1fa000-cf23dfff : reserved');
  expectScope(scopesOf(lines, tokens, res, 'reserved'), 'string.unquoted.iomem.reserved');
  const acpi = findLine(lines, (l) => l.endsWith(': ACPI Tables'));
  expectScope(scopesOf(lines, tokens, acpi, 'ACPI Tables'), 'support.type.iomem.acpi');
  const kern = findLine(lines, (l) => l.endsWith(': Kernel code'));
  expectScope(scopesOf(lines, tokens, kern, 'Kernel code'), 'entity.name.function.iomem.kernel');
  const deep = findLine(lines, (l) => l.startsWith('      d0000000-d05affff'));
  expectScope(scopesOf(lines, tokens, deep, 'vesafb'), 'variable.other.iomem.driver');
  expectScope(scopesOf(lines, tokens, deep, 'd05affff'), 'constant.numeric.hex.address');
  const high = findLine(lines, (l) => l.startsWith('100000000-'));
  expectScope(scopesOf(lines, tokens, high, '22dffffff'), 'constant.numeric.hex.address');
});

test('/proc/mtrr: register, fields, sizes and memory-type words', async () => {
  const { lines, tokens } = await fixture('desktop-i7-2600.mtrr');
  const i = findLine(lines, (l) => l.startsWith('reg06'));
  expectScope(scopesOf(lines, tokens, i, 'reg06'), 'entity.name.tag.register');
  expectScope(scopesOf(lines, tokens, i, 'base'), 'variable.other.field');
  expectScope(scopesOf(lines, tokens, i, '0x22e000000'), 'constant.numeric.hex');
  expectScope(scopesOf(lines, tokens, i, '32'), 'constant.numeric.size');
  expectScope(scopesOf(lines, tokens, i, 'uncachable'), 'support.type.memory-type.uc');
  const wp = findLine(lines, (l) => l.startsWith('reg07'));
  expectScope(scopesOf(lines, tokens, wp, 'write-protect'), 'support.type.memory-type.wp');
});

test('Xen e820: both bracket and dash layouts', async () => {
  const grammar = await loadGrammar();
  const lines = [
    '(XEN)  [0000000000100000, 000000007ffdffff] (usable)',
    '(XEN)  0000000100000000 - 000000041e800000 (reserved)',
  ];
  const tokens = tokenizeLines(grammar, lines);
  expectScope(scopesOf(lines, tokens, 0, '(XEN)'), 'entity.name.tag.xen');
  expectScope(scopesOf(lines, tokens, 0, '000000007ffdffff'), 'constant.numeric.hex');
  expectScope(scopesOf(lines, tokens, 0, 'usable'), 'markup.inserted.e820.usable');
  expectScope(scopesOf(lines, tokens, 1, '000000041e800000'), 'constant.numeric.hex');
  expectScope(scopesOf(lines, tokens, 1, 'reserved'), 'string.unquoted.e820.reserved');
});

test('adversarial 20,000-character lines tokenize in bounded time', async () => {
  const grammar = await loadGrammar();
  const N = 20000;
  const fill = (unit: string, prefix = '') => prefix + unit.repeat(Math.ceil(N / unit.length)).slice(0, N - prefix.length);
  const hp = '07:23:37.223\tDBG\t#2\t    4\t 7656\tSystem         \t';
  const lines = [
    fill('f'), fill('0x'), fill(' '), fill(':'), fill('0x: '), fill('1-'), fill('a-1 '), fill('-1 ['),
    fill('0x1 ', hp), fill(' ', hp), fill('a ', hp), fill('A_1 = ', hp),
    fill('q-1 ', ' '), fill('d... ', ' x-1 [000] '), fill('info 1 ', ' x-1 [000] 1.2: kvm_exit: '), fill('reason ', ' x-1 [000] 1.2: kvm_exit: '),
    fill('[mem 0x1-', '[    0.000000] '), fill(' ', '['), fill('] ', '[ 0.0] '), fill('0'), fill('a-', '  '), fill('(usa', '(XEN)'),
    fill('base=', 'reg00:'), fill('write-'), fill('deadbeef '), fill('1'), fill('(rwx'), fill('4KB-'),
    // near misses of the whole-line *-fast rules, which then fail at the very end
    fill(', A=1', hp + 'MTRR Default=6'), fill(' ', hp + '[UNK1] VA = 1, PA = 2'), fill(' WB', '[ 0.0] x86/PAT: Configuration [0-7]:'),
    fill(' ', ' x-1 [000] 1.2: kvm_entry: vcpu 1'), fill(' ', '[ 0.0] BIOS-e820: [mem 0x1-0x2] usable'), fill('x-1 [000] 1.2: ', ' '),
    fill('-1 [0] 1.1:', 'a'), fill(' ', '[ 0.0] e820: update [mem 0x1-0x2] usable ==> reserved'),
    fill(' (v02 A', '[ 0.0] ACPI: SSDT 0x0000000000000001 000024'), fill('A ', '[ 0.0] ACPI: SSDT 0x0000000000000001 000024 (v02 '),
    // the More-sources rules: memmap, mtree, address pairs, MTRR lists, ksm, mtrr_cleanup, PCI windows
    fill('0', '/sys/firmware/memmap/0/start:0x'), fill(' ', '/sys/firmware/memmap/0/type:'), fill('0000000000000000-0000000000000000 (prio 0, ', '  '),
    fill('(prio 0, ram', '  0000000000000000-0000000000000000 '), fill('alias a @', '  0000000000000000-0000000000000000 (prio 0, ram): '),
    fill('0000000000000000 - '), fill('0000000000000000 @ ', ' BIOS-e820: '), fill('Physical Memory Range: 0000000000000000 to '),
    fill('MTRR Range: Base=0x1 End=0x2 '), fill('MTRR Range: 0x1 -> 0x2 fixed: 1 '), fill(' -> 0x1', '[ 0.0] ksm: CPU 0: f: Range: 0x1'),
    fill('ksm: CPU 0: f: ', '[ 0.0] '), fill('1 MTRR ranges (', '[ 0.0] ksm: CPU 0: f: '), fill('reg 0, base: 1GB, range: '),
    fill('root bus resource [mem 0x1-0x2 '), fill('Variable MTRR ranges ('), fill('1 kb 1 KB '),
  ];
  for (const line of lines) {
    assert.equal(line.length, N);
    const t0 = performance.now();
    const r = grammar.tokenizeLine(line, null);
    const ms = performance.now() - t0;
    assert.ok(!r.stoppedEarly);
    assert.ok(ms < 2000, `${JSON.stringify(line.slice(0, 40))}… took ${ms.toFixed(0)} ms`);
  }
});

// Lines each *-fast rule is meant to take whole (the shapes of the fixtures and of benchmarks/tokenize.mjs).
const FAST_LINES = [
  '16:45:17.776\tERR\t#1\t    4\t  272\tSystem         \t[UNK1] VA = FFFFF80012345000, PA = 00000000fed40000',
  '16:45:17.776\tDBG\t#3\t    4\t  272\tSystem         \tEptpHandleEptViolation                  \t[UNK2] VA = 0000000000000000, PA = 00000000fee00000',
  '07:23:37.223    DBG #2      4    7656   System          Physical Memory Range: 0000000000015000 - 0000000000058000',
  '16:45:17.776\tINF\t#0\t    4\t  272\tSystem         \tUsed pre-allocated entries  = 12 / 50',
  '12:00:01.000\tINF\t#0\t    4\t  272\tSystem         \tMTRR Default=6, VariableCount=10, FixedSupported=1, FixedEnabled=1',
  ' qemu-system-x86-31218 [000] 159269.806542: kvm_exit: vcpu 1 reason EPT_VIOLATION rip 0xffffffff8105 info1 0x0000000000000181 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000',
  '      CPU 1/KVM-110350  [006] d... 159269.806542: kvm_exit:             reason EPT_MISCONFIG rip 0xffffffff81050000 info 181 0',
  '      CPU 1/KVM-110350  [006] d... 159269.806542: kvm_entry: vcpu 1, rip 0x12345',
  '      CPU 1/KVM-110350  [006] d... 159269.806542: kvm_mmio: mmio unsatisfied-read len 4 gpa 0xfee000b0 val 0x0',
  '      CPU 1/KVM-110350  [006] d... 159269.806542: kvm_mmu_set_spte: gfn fee00 spte 6000000fee00b77 (rwx-) level 1 at 1234abcd0',
  '      CPU 1/KVM-110350  [006] d... 159269.806542: kvm_mmu_spte_requested: gfn fee00 pfn 12345 level 1',
  ' qemu-system-x86-31218 [001] 159269.806542: kvm_page_fault: vcpu 1 rip 0x1234 address 0x00000000fee00000 error_code 0x181',
  ' qemu-system-x86-31218 [001] 159269.806542: kvm_page_fault:       address 3fef42812000 error_code 181',
  '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x0000000000057fff] usable',
  '[    0.000000] BIOS-e820: [mem 0x00000000da43b000-0x00000000da63afff] type 20',
  '[    0.000000]  [mem 0x00100000-0x001fffff] page 4k',
  '[    0.001681] e820: update [mem 0x00000000-0x00000fff] usable ==> reserved',
  '[    0.001684] e820: remove [mem 0x000a0000-0x000fffff] usable',
  '[    0.001705]   0 base 00C0000000 mask 7FC0000000 uncachable',
  '[    0.002575] x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT  ',
  '[    0.000000] ACPI: SSDT 0x000000007BFE8000 0066EF (v02 INTEL  TcssSsdt 00001000 INTL 20181003)',
  '[    0.000000] ACPI: RSDP 0x000000007BFFE014 000024 (v02 MSFT  )',
  '[    0.000000] ACPI: MSDM 0x000000007BFFA000 000055 (v01 MSFT            00000001 MSFT 00000001)',
  '[    0.000000] ACPI: FACS 0x000000007BF9A000 000040',
  '[    0.001705]   1 base 0080000000 mask 7FC0000000 write-through',
  '[    0.001705]   2 base 0080000000 mask 7FC0000000 write-protect',
  '[    0.001705]   3 base 0080000000 mask 7FC0000000 write-combining',
  '[    0.001705]   4 base 0080000000 mask 7FC0000000 write-back',
  '[    0.001705]   5 base 0080000000 mask 7FC0000000 WB',
  ...['reserved', 'soft reserved', 'ACPI data', 'ACPI NVS', 'unusable', 'persistent (type 12)', 'unknown'].map(
    (t) => `[    0.000000] BIOS-e820: [mem 0x00000000dce7f000-0x00000000dcefefff] ${t}`,
  ),
  '[    0.001681] e820: update [mem 0x00000000-0x00000fff] ACPI data ==> type 20',
  '[    0.001681] e820: update [mem 0x00000000-0x00000fff] unusable ==> soft reserved',
  '[    0.000000]  [mem 0x00200000-0x3fffffff] page 2M',
  '[    0.000000]  [mem 0x40000000-0xbfffffff] page 1G',
  '[    0.000000]  [mem 0x00100000-0x001fffff] page 4K',
  ' qemu-system-x86-31218 [000] 159269.806542: kvm_nested_vmexit: vcpu 0 reason EPT_VIOLATION rip 0x1 info1 0x2 info2 0x3',
  ' qemu-system-x86-31218 [000] 159269.806542: kvm_exit: vcpu 2 reason HLT rip 0xffffffff8105 info1 0x0 info2 0x0',
  '      CPU 1/KVM-110350  [006] d... 159269.806542: kvm_entry: vcpu 1',
  '      CPU 1/KVM-110350  [006] d... 159269.806542: kvm_mmio: mmio read len 4 gpa 0xfee000b0 val 0x0',
  '      CPU 1/KVM-110350  [006] d... 159269.806542: kvm_mmio: mmio write len 4 gpa 0xfee000b0 val 0x0',
  '      CPU 1/KVM-110350  [006] d... 159269.806542: kvm_mmu_set_spte: gfn fee00 spte 6000000fee00b77 (r--u) level 2',
];
// Lines that look alike but must go to the general rules (something after the common shape, or an
// id a kernel-text rule would colour).
const NEAR_MISSES = [
  '16:45:17.776\tINF\t#0\t    4\t  272\tSystem         \tMTRR Default=6, VariableCount=10, FixedSupported=1, FixedEnabled=1 write-back 0x1234',
  '16:45:17.776\tINF\t#0\t    4\t  272\tSystem         \tMTRR Default=6, VariableCount=12345678',
  '07:23:37.224\tDBG\t#2\t    4\t 7656\tSystem         \tPhysical Memory Range: 0000000000059000 - 000000000008f000 .. 1 4KB-entry (for 0x58000 - 0x59000)',
  ' qemu-system-x86-31218 [000] 159269.806542: kvm_exit: reason EPT_VIOLATION rip 0x1 info 181 0 gpa 0x1234 write',
  '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x0000000000057fff] unknownx',
  '[    0.001681] e820: update [mem 0x00000000-0x00000fff] usable  ==>  reserved',
  '[    0.001705]   0 base 00C0000000 mask 7FC0000000 write-back extra',
  '[    0.002575] x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT  WB',
  '[    0.000000] ACPI: SSDT 0x000000007BFE8000 0066EF (v02 INTEL  DEADBEEF 00001000 INTL 20181003)',
  '[    0.000000] ACPI: SSDT 0x000000007BFE8000 0066EF (v02 INTEL  write 00001000 INTL 20181003)',
  '[    0.000000] ACPI: SSDT 0x000000007BFE8000 0066EF (v02 INTEL  WB 00001000 INTL 20181003)',
];

test('the *-fast whole-line rules give exactly the tokens of the general rules, and do fire', async () => {
  const raw = JSON.parse(fs.readFileSync(grammarPath, 'utf8'));
  const fast: string[] = raw.patterns.map((p: { include?: string }) => p.include?.slice(1) ?? '').filter((n: string) => n.endsWith('-fast'));
  assert.ok(fast.length >= 3, `fast rules: ${fast.join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-grammar-'));
  const general = { ...raw, patterns: raw.patterns.filter((p: { include?: string }) => !fast.includes(p.include?.slice(1) ?? '')) };
  const marked = JSON.parse(JSON.stringify(raw));
  for (const k of fast) marked.repository[k].name = 'meta.fast.ept-log';
  fs.writeFileSync(path.join(dir, 'general.json'), JSON.stringify(general));
  fs.writeFileSync(path.join(dir, 'marked.json'), JSON.stringify(marked));
  const [g, gGeneral, gMarked] = await Promise.all([loadGrammar(), loadGrammar(path.join(dir, 'general.json')), loadGrammar(path.join(dir, 'marked.json'))]);
  fs.rmSync(dir, { recursive: true, force: true });

  const fixtures = fs.readdirSync(path.join(root, 'test', 'fixtures'), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  const cases = fs.readdirSync(path.join(root, 'test', 'grammar', 'cases')).map((f) => fs.readFileSync(path.join(root, 'test', 'grammar', 'cases', f), 'utf8').split(/\r?\n/));
  const lines = [...fixtures.flatMap((f) => readFixture(f)), ...cases.flat(), ...FAST_LINES, ...NEAR_MISSES];
  // Tokens clipped to the line: a rule that ends at $ may stretch its last token over the '\n'.
  const shape = (toks: Token[], line: string) => toks.filter((t) => t.start < line.length).map((t) => `${t.start}-${Math.min(t.end, line.length)} ${t.scopes.join(' ')}`);
  const a = tokenizeLines(g, lines);
  const b = tokenizeLines(gGeneral, lines);
  for (let i = 0; i < lines.length; i++) assert.deepEqual(shape(a[i], lines[i]), shape(b[i], lines[i]), `line ${JSON.stringify(lines[i])}`);

  const m = tokenizeLines(gMarked, [...FAST_LINES, ...NEAR_MISSES]);
  FAST_LINES.forEach((l, i) => assert.ok(m[i].every((t) => t.scopes.includes('meta.fast.ept-log')), `not taken by a fast rule: ${l}`));
  NEAR_MISSES.forEach((l, i) => assert.ok(!m[FAST_LINES.length + i].some((t) => t.scopes.includes('meta.fast.ept-log')), `taken by a fast rule: ${l}`));
});
