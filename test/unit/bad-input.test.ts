// The bad-input corpus (test/fixtures/bad/, issue 8): every file through the CLI as a user runs it
// (dist/cli.js) and through the language server's diagnostics (the pure computeDiagnostics over a
// DocumentModel, as the server runs it per document). Each `<name>.expect.json` says the exit
// code, the `file:line:col: severity: message` fragments stderr must hold, and the exact set of
// diagnostic codes. Plus generated inputs too big to commit: 500,000 range lines, and an MTRR dump
// with a thousand hostile registers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/fixtures';
import { DocumentModel } from '../../src/server/model';
import { Analysis } from '../../src/analysis';
import { computeDiagnostics } from '../../src/server/diagnostics';
import { resolveSettings } from '../../src/server/settings';
import { DiagnosticSeverity } from 'vscode-languageserver';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const BAD = path.join(ROOT, 'test', 'fixtures', 'bad');

interface Expectation {
  about: string;
  cli: { exit: number; stderr: string[]; stdout: string[] };
  diagnostics: string[];
  absentDiagnostics?: string[];
}

const corpus = fs
  .readdirSync(BAD)
  .filter((f) => f.endsWith('.expect.json'))
  .sort()
  .map((f) => ({ name: f.slice(0, -'.expect.json'.length), expect: JSON.parse(fs.readFileSync(path.join(BAD, f), 'utf8')) as Expectation }));

function cli(args: string[], opts: { cwd?: string; input?: string | Buffer; timeout?: number } = {}) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? BAD,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 512 * 2 ** 20,
    timeout: opts.timeout ?? 120_000,
  });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}

/** What a CLI's stderr must never be: a stack trace, an internal error, raw control characters, unprefixed lines. */
function assertCleanStderr(err: string, what: string): void {
  assert.doesNotMatch(err, /\n\s+at /, `${what}: stack trace on stderr`);
  assert.doesNotMatch(err, /internal error/, `${what}: internal error`);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(err, /[\x00-\x08\x0b-\x1f\x7f]/, `${what}: raw control characters on stderr`);
  for (const line of err.split('\n').filter((l) => l.length > 0)) {
    assert.match(line, /^ept-plan: /, `${what}: stderr line without the ept-plan prefix: ${line.slice(0, 120)}`);
  }
}

/** The text a client would send: decoded the way VS Code does (UTF-16 by BOM, else UTF-8, BOM dropped). */
function decode(buf: Buffer): string {
  const enc = buf[0] === 0xff && buf[1] === 0xfe ? 'utf-16le' : buf[0] === 0xfe && buf[1] === 0xff ? 'utf-16be' : 'utf-8';
  return new TextDecoder(enc).decode(buf);
}

function diagnose(text: string, raw: Parameters<typeof resolveSettings>[0] = {}) {
  const model = new DocumentModel('file:///bad.eptlog', 1, text);
  const diagnostics = computeDiagnostics(new Analysis(model), resolveSettings(raw));
  return { model, diagnostics };
}

/** Every diagnostic lies inside the document: on an existing line, within its characters. */
function assertInside(model: DocumentModel, diagnostics: ReturnType<typeof diagnose>['diagnostics'], what: string): void {
  for (const d of diagnostics) {
    const { start, end } = d.range;
    assert.ok(start.line >= 0 && start.line < model.lineCount, `${what}: ${d.code} on line ${start.line} of ${model.lineCount}`);
    assert.ok(end.line >= start.line && end.line < model.lineCount, `${what}: ${d.code} ends on line ${end.line}`);
    assert.ok(start.character >= 0 && start.character <= model.lineAt(start.line).length, `${what}: ${d.code} starts at ${start.character}`);
    assert.ok(end.character <= model.lineAt(end.line).length, `${what}: ${d.code} ends at ${end.character} past ${model.lineAt(end.line).length}`);
  }
}

test('the corpus is complete: every file has its expectation and every expectation its file', () => {
  const files = fs.readdirSync(BAD).filter((f) => !f.endsWith('.expect.json') && !f.endsWith('.mjs'));
  assert.deepEqual(files.sort(), corpus.map((c) => c.name).sort());
  assert.ok(corpus.length >= 15, `${corpus.length} corpus files`);
  const raw = (n: string) => fs.readFileSync(path.join(BAD, n));
  assert.ok(raw('nul-bytes.eptlog').includes(0), 'NUL bytes');
  assert.deepEqual([...raw('utf16le-bom.eptlog').subarray(0, 2)], [0xff, 0xfe], 'UTF-16LE BOM');
  assert.ok(raw('crlf.dmesg').includes('\r\n'), 'CRLF');
  assert.ok(raw('lone-cr.iomem').includes('\r') && !raw('lone-cr.iomem').includes('\n'), 'lone CR only');
  assert.ok(raw('long-line.eptlog').toString('latin1').split('\n').some((l) => l.length >= 30_000), 'a 30,000-character line');
  assert.notEqual(raw('truncated-last-line.dmesg').at(-1), 0x0a, 'no final newline');
});

for (const { name, expect } of corpus) {
  test(`CLI on ${name}: exit ${expect.cli.exit}, the expected messages, never a stack trace`, () => {
    const r = cli([name]);
    assert.equal(r.signal, null, `${name}: killed by ${r.signal} after ${r.ms} ms`);
    assert.equal(r.code, expect.cli.exit, `${name}: exit ${r.code}\n${r.err}`);
    assertCleanStderr(r.err, name);
    if (expect.cli.stderr.length === 0) assert.equal(r.err, '', `${name}: expected a quiet stderr`);
    for (const frag of expect.cli.stderr) assert.ok(r.err.includes(`ept-plan: ${frag}`), `${name}: stderr lacks «${frag}»:\n${r.err}`);
    for (const frag of expect.cli.stdout) assert.ok(r.out.includes(frag), `${name}: stdout lacks «${frag}»`);
    if (expect.cli.exit !== 0) assert.equal(r.out, '', `${name}: nothing on stdout when nothing is planned`);
    // --json gives the same verdict and, when planned, parseable JSON.
    const j = cli(['--json', name]);
    assert.equal(j.code, expect.cli.exit);
    assertCleanStderr(j.err, `${name} --json`);
    if (j.code === 0) assert.ok(JSON.parse(j.out).tables.pml4 === 1);
  });

  test(`server diagnostics on ${name}: ${expect.diagnostics.join(', ') || 'none'}`, () => {
    const { model, diagnostics } = diagnose(decode(fs.readFileSync(path.join(BAD, name))));
    const codes = [...new Set(diagnostics.map((d) => String(d.code)))].sort();
    const listing = `${name}:\n${diagnostics.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`).slice(0, 8).join('\n')}`;
    for (const c of expect.diagnostics) assert.ok(codes.includes(c), `${c} missing; ${listing}`);
    // Nothing else at error or warning level (information such as MTRR notes may come and go).
    const loud = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning);
    for (const d of loud) assert.ok(expect.diagnostics.includes(String(d.code)), `unexpected ${d.code}; ${listing}`);
    for (const c of expect.absentDiagnostics ?? []) assert.ok(!codes.includes(c), `${name}: ${c} must not appear`);
    assert.ok(diagnostics.length <= 1000, `${name}: ${diagnostics.length} diagnostics`);
    assertInside(model, diagnostics, name);
    for (const d of diagnostics) {
      assert.ok(d.message.length > 0 && d.message.length < 400, `${name}: message of ${d.message.length} characters`);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(d.message, /[\x00-\x1f\x7f]/, `${name}: control characters in «${d.message}»`);
    }
    // The cap holds whatever it is set to.
    for (const cap of [0, 1, 2]) {
      const capped = diagnose(model.getText(), { maxDiagnostics: cap }).diagnostics;
      assert.ok(capped.length <= cap, `${name}: ${capped.length} diagnostics with maxDiagnostics ${cap}`);
    }
  });
}

test('the UTF-16LE file plans exactly like its UTF-8 twin, from a file and from standard input', () => {
  const buf = fs.readFileSync(path.join(BAD, 'utf16le-bom.eptlog'));
  const utf8 = decode(buf);
  const fromFile = cli(['--json', 'utf16le-bom.eptlog']);
  const fromUtf8 = cli(['--json', '-'], { input: utf8 });
  const fromStdin = cli(['--json', '-'], { input: buf });
  assert.equal(fromFile.code, 0, fromFile.err);
  const totals = (s: string) => {
    const j = JSON.parse(s);
    return { totals: j.totals, tables: j.tables, ram: j.ram.map((r: { start: string; end: string }) => [r.start, r.end]) };
  };
  assert.deepEqual(totals(fromFile.out), totals(fromUtf8.out));
  assert.deepEqual(totals(fromStdin.out), totals(fromUtf8.out));
  assert.equal(JSON.parse(fromFile.out).ram.length, 3);
});

// 500,000 HyperPlatform range lines, one 4 KiB page each as a page-granular dump prints them
// (touching, so they merge into a few RAM ranges); every 100th line is broken, which leaves 5,000
// one-page holes: 5,000 errors for the CLI to report and far more than the server may show.
const BIG_LINES = 500_000;
const BROKEN_EVERY = 100;
function bigLog(): string {
  const parts: string[] = new Array(BIG_LINES);
  const h = (n: number) => n.toString(16).padStart(16, '0');
  for (let i = 0; i < BIG_LINES; i++) {
    const start = 0x100000 + i * 0x1000;
    const s = i % BROKEN_EVERY === BROKEN_EVERY - 1 ? h(start).replace(/^0/, 'G') : h(start);
    parts[i] = `07:23:37.223\tDBG\t#2\t4\t7656\tSystem\tPhysical Memory Range: ${s} - ${h(start + 0x1000)}`;
  }
  return parts.join('\n') + '\n';
}

test('500,000 range lines: the CLI plans them, the server diagnostics stay capped', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-bad-'));
  try {
    const text = bigLog();
    const file = path.join(dir, 'big.eptlog');
    fs.writeFileSync(file, text);
    const good = BIG_LINES - BIG_LINES / BROKEN_EVERY;

    const out = path.join(dir, 'plan.json');
    // Seconds on an idle machine; the bounds are for a loaded CI runner.
    const r = cli(['--json', '--output', out, file], { cwd: dir, timeout: 300_000 });
    assert.equal(r.signal, null, `killed after ${r.ms} ms`);
    assert.equal(r.code, 0, r.err.slice(0, 2000));
    assert.equal(r.out, '', 'with --output, nothing on stdout');
    assertCleanStderr(r.err, 'big.eptlog');
    assert.equal(r.err.split('\n').filter((l) => l.includes(': error: start address')).length, BIG_LINES / BROKEN_EVERY);
    const plan = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(plan.ram.length, BIG_LINES / BROKEN_EVERY, 'runs of 99 touching pages, merged');
    assert.equal(plan.totals.ram['4K'], good);
    assert.equal(plan.gaps.length, BIG_LINES / BROKEN_EVERY + 1);
    assert.ok(r.ms < 180_000, `CLI took ${r.ms} ms`);

    const t0 = Date.now();
    const { model, diagnostics } = diagnose(text);
    const ms = Date.now() - t0;
    assert.equal(model.lineCount, BIG_LINES + 1);
    assert.equal(diagnostics.length, 1000, 'capped at the default eptLens.maxDiagnostics');
    assert.equal(diagnostics[999].code, 'too-many-diagnostics');
    assert.match(diagnostics[999].message, /more problems not shown \(eptLens\.maxDiagnostics = 1000\)/);
    assertInside(model, diagnostics, 'big.eptlog');
    assert.ok(ms < 180_000, `server diagnostics took ${ms} ms`);
    const small = diagnose(text, { maxDiagnostics: 10 }).diagnostics;
    assert.equal(small.length, 10);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an MTRR dump with a thousand hostile registers: bounded time, the rest ignored and said', () => {
  const lines = [
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable',
    '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable',
    '[    0.001697] MTRR default type: write-back',
    '[    0.001703] MTRR variable ranges enabled:',
  ];
  for (let i = 0; i < 1000; i++) lines.push(`[    0.001705]   ${i} base 0000000000 mask 5555555000 ${i % 2 ? 'uncachable' : 'write-combining'}`);
  const text = lines.join('\n') + '\n';
  const r = cli(['--json', '-'], { input: text });
  assert.equal(r.code, 0, r.err.slice(0, 2000));
  assertCleanStderr(r.err, 'hostile MTRRs');
  assert.match(r.err, /<stdin>:5:\d+: warning: MTRR 0 mask 0x5555555000 is not contiguous/);
  assert.match(r.err, /warning: MTRR \d+ has a non-contiguous mask matching more separate blocks than are followed/);
  assert.ok(r.ms < 30_000, `CLI took ${r.ms} ms`);
  const t0 = Date.now();
  const { diagnostics } = diagnose(text);
  assert.ok(Date.now() - t0 < 30_000, `server took ${Date.now() - t0} ms`);
  assert.ok(diagnostics.length <= 1000);
  assert.ok(diagnostics.some((d) => d.code === 'mtrr-mask-not-contiguous'));
});

test('no line breaks at all: 64 MB of NUL bytes, and a 3 MB line before a map, stream in bounded time and memory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-bad-'));
  try {
    const zeros = path.join(dir, 'zeros.bin');
    fs.writeFileSync(zeros, Buffer.alloc(64 * 2 ** 20));
    const z = cli([zeros], { cwd: dir });
    assert.equal(z.code, 1, z.err);
    assertCleanStderr(z.err, 'zeros.bin');
    assert.match(z.err, /no memory map found in .*zeros\.bin/);
    assert.ok(z.ms < 30_000, `64 MB without a line break took ${z.ms} ms`);

    for (const [name, eol] of [['long-lf.eptlog', '\n'], ['long-cr.eptlog', '\r'], ['long-crlf.eptlog', '\r\n']]) {
      const file = path.join(dir, name);
      const map = fs.readFileSync(path.join(BAD, 'overlap-duplicate.dmesg'), 'utf8').split('\n').filter(Boolean);
      fs.writeFileSync(file, 'Physical Memory Range: 0 - 1000 ' + 'x'.repeat(3 * 2 ** 20) + eol + map.join(eol) + eol);
      const r = cli([name], { cwd: dir });
      assert.equal(r.code, 0, r.err);
      assertCleanStderr(r.err, name);
      assert.ok(r.err.includes(`ept-plan: ${name}:1:1: warning: line of over 1 MiB: lines over 4,096 characters are not read`), r.err);
      assert.ok(r.err.includes(`ept-plan: ${name}:5:32: error: duplicates the range on line 4`), `${name}: line numbers after the long line\n${r.err}`);
      assert.match(r.out, /Linux dmesg `BIOS-e820` map 2 of 2, lines 3–8, 5 RAM ranges/);
      assert.doesNotMatch(r.out, /map 1 of 2/, 'the map of only an over-long line is not planned');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the CLI writes nothing but stdout and stderr without --output', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-bad-'));
  try {
    for (const { name } of corpus) fs.copyFileSync(path.join(BAD, name), path.join(dir, name));
    const before = fs.readdirSync(dir).sort();
    for (const { name } of corpus) cli(['--json', name], { cwd: dir });
    cli(['--format', 'csv', 'crlf.dmesg'], { cwd: dir });
    assert.deepEqual(fs.readdirSync(dir).sort(), before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
