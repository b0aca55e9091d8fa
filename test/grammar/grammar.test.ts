// Grammar tests through vscode-textmate: scopes of chosen tokens in every real fixture, and a
// bound on tokenization time for adversarial 20,000-character lines (the editor's limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammar, readFixture, tokenizeLines, type Token } from './textmate';

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
