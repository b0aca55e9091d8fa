// Tokenization benchmark: the ept-log grammar vs a one-rule grammar (hex numbers only) over the
// same 200,000-line mixed log, both through vscode-textmate + vscode-oniguruma as in VS Code.
// The ratio tells whether the real grammar costs more than a constant factor over the cheapest
// possible grammar. `node benchmarks/tokenize.mjs [lines] [runs]`, or `run()` from benchmarks/run.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { rng } from './gen.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const ONE_RULE = {
  scopeName: 'source.hex-only',
  patterns: [{ match: '\\b0[xX][0-9a-fA-F]+\\b|\\b[0-9a-fA-F]{8,16}\\b', name: 'constant.numeric.hex' }],
};

const hex = (r, digits) => Array.from({ length: digits }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
const pick = (r, a) => a[Math.floor(r() * a.length)];
const pad = (n, w) => String(n).padStart(w, ' ');

/** HyperPlatform, KVM trace-cmd/ftrace and dmesg lines in the layouts of test/fixtures. */
export function generateLog(lines = 200_000, seed = 0xe7) {
  const r = rng(seed);
  const out = [];
  let ts = 159269.806542;
  for (let i = 0; i < lines; i++) {
    ts += r() / 1000;
    const t = ts.toFixed(6);
    const k = r();
    if (k < 0.3) {
      const time = `${pad(Math.floor(r() * 24), 2).replace(' ', '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}.${String(Math.floor(r() * 1000)).padStart(3, '0')}`;
      const lvl = pick(r, ['DBG', 'DBG', 'INF', 'WRN', 'ERR']);
      const head = `${time}\t${lvl}\t#${Math.floor(r() * 8)}\t${pad(4, 5)}\t${pad(Math.floor(r() * 9000), 5)}\tSystem         \t`;
      const msg = pick(r, [
        () => `Physical Memory Range: ${hex(r, 16)} - ${hex(r, 16)}`,
        () => `[UNK1] VA = ${hex(r, 16).toUpperCase()}, PA = ${hex(r, 16)}`,
        () => `Used pre-allocated entries  = ${pad(Math.floor(r() * 50), 2)} / 50`,
        () => `MTRR Default=6, VariableCount=10, FixedSupported=1, FixedEnabled=1`,
      ])();
      out.push(head + msg);
    } else if (k < 0.7) {
      const prefix = r() < 0.5 ? ` qemu-system-x86-31218 [00${Math.floor(r() * 4)}] ${t}: ` : `      CPU 1/KVM-110350  [006] d... ${t}: `;
      const ev = pick(r, [
        () => `kvm_exit: vcpu 1 reason ${pick(r, ['EPT_VIOLATION', 'EPT_MISCONFIG', 'HLT', 'MSR_WRITE', 'IO_INSTRUCTION'])} rip 0x${hex(r, 12)} info1 0x${hex(r, 16)} info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000`,
        () => `kvm_exit:             reason EPT_VIOLATION rip 0xffffffff${hex(r, 8)} info 181 0`,
        () => `kvm_entry: vcpu 1, rip 0x${hex(r, 12)}`,
        () => `kvm_mmio: mmio ${pick(r, ['read', 'write', 'unsatisfied-read'])} len 4 gpa 0xfee${hex(r, 5)} val 0x${hex(r, 3)}`,
        () => `kvm_page_fault: vcpu 1 rip 0x${hex(r, 12)} address 0x000000${hex(r, 8)} error_code 0x181`,
        () => `kvm_page_fault:       address ${hex(r, 12)} error_code 181`,
        () => `kvm_mmu_set_spte: gfn ${hex(r, 5)} spte 6000000${hex(r, 9)} (rwx-) level ${1 + Math.floor(r() * 3)} at ${hex(r, 9)}`,
        () => `kvm_mmu_spte_requested: gfn ${hex(r, 5)} pfn ${hex(r, 6)} level 1`,
      ])();
      out.push(prefix + ev);
    } else {
      const stamp = `[${pad(t.slice(-8), 12)}] `;
      const msg = pick(r, [
        () => `BIOS-e820: [mem 0x${hex(r, 16)}-0x${hex(r, 16)}] ${pick(r, ['usable', 'reserved', 'ACPI data', 'ACPI NVS', 'unusable', 'type 20'])}`,
        () => `e820: update [mem 0x${hex(r, 8)}-0x${hex(r, 8)}] usable ==> reserved`,
        () => `  ${Math.floor(r() * 10)} base 00${hex(r, 8).toUpperCase()} mask 7F${hex(r, 8).toUpperCase()} ${pick(r, ['uncachable', 'write-back', 'write-combining'])}`,
        () => ` [mem 0x${hex(r, 8)}-0x${hex(r, 8)}] page ${pick(r, ['4k', '2M', '1G'])}`,
        () => `x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT  `,
        () => `ACPI: SSDT 0x000000007BFE8000 0066EF (v02 INTEL  TcssSsdt 00001000 INTL 20181003)`,
      ])();
      out.push(stamp + msg);
    }
  }
  return out;
}

async function createRegistry() {
  const wasm = fs.readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const grammarFile = path.join(root, 'syntaxes', 'ept-log.tmLanguage.json');
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.ept-log'
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarFile, 'utf8'), grammarFile)
        : scopeName === ONE_RULE.scopeName
          ? vsctm.parseRawGrammar(JSON.stringify(ONE_RULE), 'one-rule.json')
          : null,
  });
}

// tokenizeLine2 (binary tokens) is what VS Code's tokenizer calls; tokenizeLine's string scope
// arrays would mostly measure allocation.
function tokenizeAll(grammar, lines) {
  let stack = vsctm.INITIAL;
  let tokens = 0;
  for (const line of lines) {
    const r = grammar.tokenizeLine2(line, stack);
    stack = r.ruleStack;
    tokens += r.tokens.length / 2;
  }
  return tokens;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Returns the measurements and prints one summary line per grammar. */
export async function run({ lines = 200_000, runs = 5, log = console.log } = {}) {
  const text = generateLog(lines);
  const registry = await createRegistry();
  const grammars = {
    grammar: await registry.loadGrammar('source.ept-log'),
    'one-rule': await registry.loadGrammar(ONE_RULE.scopeName),
  };
  // Runs alternate between the grammars so load from other processes hits both alike.
  const times = { grammar: [], 'one-rule': [] };
  const tokens = {};
  for (const [name, g] of Object.entries(grammars)) tokenizeAll(g, text.slice(0, 2000)); // warm up JIT and scanners
  for (let i = 0; i < runs; i++) {
    for (const [name, g] of Object.entries(grammars)) {
      const t0 = performance.now();
      tokens[name] = tokenizeAll(g, text);
      times[name].push(performance.now() - t0);
    }
  }
  const results = {};
  for (const name of Object.keys(grammars)) {
    const ms = median(times[name]);
    results[name] = { medianMs: ms, linesPerSecond: (lines / ms) * 1000, tokens: tokens[name] };
  }
  const ratio = results.grammar.linesPerSecond / results['one-rule'].linesPerSecond;
  const fmt = (name, extra = '') =>
    `tokenize.${name.padEnd(9)} median ${Math.round(results[name].medianMs)} ms  ${Math.round(results[name].linesPerSecond / 1000)}k lines/s  ${results[name].tokens} tokens${extra}`;
  log(fmt('grammar', `  ratio ${ratio.toFixed(2)} vs one-rule (target >= 0.5)`));
  log(fmt('one-rule'));
  return { lines, runs, ...results, ratio };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [lines, runs] = process.argv.slice(2).map(Number);
  await run({ lines: lines || undefined, runs: runs || undefined });
}
