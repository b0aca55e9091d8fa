// ept-plan as a user runs it: the bundled dist/cli.js on the real samples.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, fixturePath } from '../support/fixtures';

/** A fresh directory under the system's temporary one, removed when the file's tests end. */
const tempDirs: string[] = [];
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-plan-'));
  tempDirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const CLI = path.join(ROOT, 'dist', 'cli.js');

function run(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const json = (args: string[]) => {
  const r = run(['--json', ...args]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
};

test('--json on the laptop log: the contract shape and the exact figures', () => {
  const j = json([fixturePath('hyperplatform-laptop-8gb.log')]);
  assert.equal(j.limit, '0x8000000000');
  assert.deepEqual({ start: j.ram[0].start, end: j.ram[0].end, line: j.ram[0].line }, { start: '0x15000', end: '0x58000', line: 1 });
  assert.deepEqual(j.gaps[0], { start: '0x0', end: '0x15000', pages: { '4K': 21, '2M': 0, '1G': 0 }, memoryType: 'UC' });
  assert.deepEqual(j.totals, { mmio: { '4K': 373, '2M': 541, '1G': 503 }, ram: { '4K': 2081931, '2M': 0, '1G': 0 } });
  assert.deepEqual(j.tables, { pml4: 1, pdpt: 1, pd: 9, pt: 4067 });
  assert.equal(j.bytes, 16703488);
});

test('Surface Pro 7: its own MTRR dump by default, --no-mtrr without; mixed gaps list typed pieces', () => {
  const withMtrr = json([fixturePath('surface-pro-7.dmesg')]);
  assert.deepEqual(withMtrr.totals.mmio, { '4K': 371, '2M': 714, '1G': 495 });
  const mixed = withMtrr.gaps.find((g: { start: string }) => g.start === '0x7c000000');
  assert.equal(mixed.memoryType, 'mixed');
  assert.deepEqual(mixed.pieces.map((p: { memoryType: string }) => p.memoryType), ['WB', 'UC']);
  const text = run([fixturePath('surface-pro-7.dmesg')]);
  assert.match(text.out, /memory types from the MTRR dump at .*surface-pro-7\.dmesg line 48/);
  const without = json(['--no-mtrr', fixturePath('surface-pro-7.dmesg')]);
  assert.deepEqual(without.totals.mmio, { '4K': 371, '2M': 202, '1G': 496 });
});

test('every sample with a memory map plans; /proc/iomem with /proc/mtrr from a second file', () => {
  for (const f of ['hyperplatform-issue29.log', 'thinkpad-x240.dmesg', 'desktop-i7-2600.iomem']) {
    const r = run([fixturePath(f)]);
    assert.equal(r.code, 0, `${f}: ${r.err}`);
    assert.match(r.out, /Tables: 1 PML4/);
  }
  const both = run([fixturePath('desktop-i7-2600.iomem'), fixturePath('desktop-i7-2600.mtrr')]);
  assert.match(both.out, /MTRR dump at .*desktop-i7-2600\.mtrr line 2 \(default type UC assumed/);
  const wb = json(['--mtrr', fixturePath('desktop-i7-2600.mtrr'), '--mtrr-default', 'WB', fixturePath('desktop-i7-2600.iomem')]);
  assert.equal(wb.gaps[wb.gaps.length - 1].memoryType, 'mixed', 'reg06 (UC) cuts the WB default above RAM');
});

test('standard input, CRLF and UTF-16 give the same plan', () => {
  const text = fs.readFileSync(fixturePath('hyperplatform-laptop-8gb.log'), 'utf8');
  const base = run(['--json', '-'], text);
  const crlf = run(['--json', '-'], text.replace(/\n/g, '\r\n'));
  const utf16 = run(['--json', '-'], Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  assert.equal(base.code, 0, base.err);
  assert.deepEqual(JSON.parse(crlf.out).totals, JSON.parse(base.out).totals);
  assert.deepEqual(JSON.parse(utf16.out).totals, JSON.parse(base.out).totals);
});

test('options: --limit 1T, --max-page 2M, --ram-page 2M, export formats', () => {
  const big = json(['--limit', '1T', fixturePath('hyperplatform-laptop-8gb.log')]);
  assert.equal(big.tables.pdpt, 2);
  assert.equal(big.totals.mmio['1G'], 503 + 512);
  const no1g = json(['--max-page', '2M', fixturePath('hyperplatform-laptop-8gb.log')]);
  assert.equal(no1g.totals.mmio['1G'], 0);
  const ram2m = json(['--ram-page', '2M', fixturePath('hyperplatform-laptop-8gb.log')]);
  assert.ok(ram2m.totals.ram['2M'] > 0);
  for (const f of ['md', 'csv', 'c']) {
    const r = run(['--format', f, fixturePath('hyperplatform-laptop-8gb.log')]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.length > 100);
  }
});

test('text tables: columns sized from the data never run together (--max-page 4K: 131,664,384 leaves in one gap)', () => {
  for (const args of [['--max-page', '4K'], ['--max-page', '2M'], ['--max-page', '4K', '--limit', '0x10000000000000']]) {
    const r = run([...args, fixturePath('hyperplatform-laptop-8gb.log')]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    const header = lines.findIndex((l) => l.startsWith('  gap start'));
    const rows = lines.slice(header + 1, lines.findIndex((l) => l.startsWith('  gaps: ')));
    assert.equal(rows.length, 10);
    // start, end, size and unit, 4K, 2M, 1G, type, then `line N` or `limit`
    for (const row of rows) assert.equal(row.trim().split(/\s+/).length, row.endsWith('limit') ? 9 : 10, row);
    const ends = (l: string) => [...l.matchAll(/\S+/g)].map((m) => m.index! + m[0].length);
    const total = lines.find((l) => l.startsWith('  gaps: '))!;
    // The 4K, 2M and 1G counts end where their headings do, in every row and in the totals.
    const at = ends(lines[header]).slice(4, 7);
    for (const row of [...rows, total]) for (const e of at) assert.ok(ends(row).includes(e), `${row}\n${lines[header]}`);
  }
});

test('a map of 10,000 gaps is printed in pieces: every gap row once, in order, the maps a blank line apart', () => {
  // RAM [k·3 pages, k·3 + 2 pages): a one-page gap before each range but the first; gaps by hand.
  const n = 10_000;
  const page = 0x1000;
  const h = (x: number) => x.toString(16).padStart(16, '0');
  const map = Array.from({ length: n }, (_, k) => `[    0.000000] BIOS-e820: [mem 0x${h(3 * k * page)}-0x${h((3 * k + 2) * page - 1)}] usable`);
  const r = run(['-'], [...map, '[    1.000000] Linux version 6.1.0', ...map].join('\n'));
  assert.equal(r.code, 0, r.err);
  const out = r.out.split('\n');
  const headings = out.flatMap((l, i) => (/map \d of 2, lines/.test(l) ? [i] : []));
  assert.equal(headings.length, 2);
  assert.equal(out[headings[1] - 1], '', 'a blank line between the maps');
  for (const at of headings) {
    const header = out.findIndex((l, i) => i > at && l.startsWith('  gap start'));
    const rows = out.slice(header + 1, out.findIndex((l, i) => i > header && l.startsWith('  gaps: ')));
    const starts = rows.map((l) => Number(l.trim().split(/\s+/)[0]));
    assert.deepEqual(starts.slice(0, n - 1), Array.from({ length: n - 1 }, (_, k) => (3 * k + 2) * page));
    assert.equal(starts.length, n, 'the gaps between the ranges and the one up to the limit');
  }
  assert.equal(r.out.endsWith('tables\n') || r.out.endsWith('pages\n'), true, 'one newline at the end');
});

test('many boots stream map by map: every boot planned with its own MTRR dump, headings count them all', () => {
  const boot = (i: number) => [
    `[    0.000000] Linux version 6.1.${i}`,
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
    `[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x${(0x7fffffff + i * 0x1000).toString(16).padStart(16, '0')}] usable`,
    '[    0.001697] MTRR default type: write-back',
  ];
  const n = 300;
  const r = run(['-'], Array.from({ length: n }, (_, i) => boot(i)).flat().join('\n'));
  assert.equal(r.code, 0, r.err);
  const headings = [...r.out.matchAll(/map (\d+) of (\d+), lines (\d+)–(\d+)/g)];
  assert.deepEqual(headings.map((h) => [Number(h[1]), Number(h[2]), Number(h[3])]), Array.from({ length: n }, (_, i) => [i + 1, n, 4 * i + 2]));
  const dumps = [...r.out.matchAll(/MTRR dump at <stdin> line (\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(dumps, Array.from({ length: n }, (_, i) => 4 * i + 4));
  const j = run(['--json', '--map', '7', '-'], Array.from({ length: n }, (_, i) => boot(i)).flat().join('\n'));
  assert.equal(j.code, 0, j.err);
  assert.deepEqual([JSON.parse(j.out).map, JSON.parse(j.out).maps, JSON.parse(j.out).ram[1].end], [7, n, '0x' + (0x80000000 + 6 * 0x1000).toString(16)]);
});

test('--output writes the file and nothing to stdout', () => {
  const out = path.join(tempDir(), 'plan.json');
  const r = run(['--json', '--output', out, fixturePath('hyperplatform-laptop-8gb.log')]);
  assert.equal(r.code, 0);
  assert.equal(r.out, '');
  assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).bytes, 16703488);
});

test('--output never overwrites an input: the same path, a symlink, a hard link, the --mtrr file, redirected stdin', () => {
  const dir = tempDir();
  const log = path.join(dir, 'x.log');
  const mtrr = path.join(dir, 'x.mtrr');
  const original = fs.readFileSync(fixturePath('hyperplatform-laptop-8gb.log'));
  fs.writeFileSync(log, original);
  const mtrrText = fs.readFileSync(fixturePath('desktop-i7-2600.mtrr'));
  fs.writeFileSync(mtrr, mtrrText);
  fs.symlinkSync(log, path.join(dir, 'link.log'));
  fs.linkSync(log, path.join(dir, 'hard.log'));
  const refused = (r: { code: number | null; err: string }, what: string): void => {
    assert.equal(r.code, 2, `${what}: ${r.err}`);
    assert.match(r.err, /^ept-plan: --output .+: that is the input .+; refusing to overwrite it\n$/, what);
  };
  refused(run(['--output', log, log]), 'the same path');
  refused(run(['-o', path.join(dir, 'link.log'), log]), 'a symlink to the input');
  refused(run(['--output', path.join(dir, '..', path.basename(dir), 'hard.log'), path.join(dir, 'link.log')]), 'a hard link, reached another way');
  refused(run(['--output', mtrr, '--mtrr', mtrr, log]), 'the --mtrr file');
  // Through a directory that does not exist: the kernel can't open it, so it is a write error, not
  // the input reached by folding `none/..` away as text.
  const viaMissing = run(['--output', path.join(dir, 'none') + '/../x.log', log]);
  assert.equal(viaMissing.code, 1, viaMissing.err);
  assert.match(viaMissing.err, /cannot write: no such directory/);
  const stdin = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" --output "${log}" - < "${log}"`], { encoding: 'utf8' });
  refused({ code: stdin.status, err: stdin.stderr }, 'standard input redirected from the output');
  assert.deepEqual(fs.readFileSync(log), original);
  assert.deepEqual(fs.readFileSync(mtrr), mtrrText);
});

test('write errors: one line and exit 1 (a full device, a directory, a missing directory, a closed pipe); no partial file', async () => {
  const log = fixturePath('hyperplatform-laptop-8gb.log');
  const dir = tempDir();
  const full = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" "${log}" > /dev/full`], { encoding: 'utf8' });
  assert.equal(full.status, 1);
  assert.equal(full.stderr, 'ept-plan: standard output: cannot write: no space left on the device\n');
  for (const [target, why] of [['/dev/full', 'no space left on the device'], [dir, 'is a directory'], [path.join(dir, 'none', 'x'), 'no such directory']]) {
    const r = run(['--output', target, log]);
    assert.equal(r.code, 1, target);
    assert.equal(r.err, `ept-plan: ${target}: cannot write: ${why}\n`);
  }
  assert.deepEqual(fs.readdirSync(dir), [], 'no temporary file left behind');
  // The reader is gone before ept-plan writes: EPIPE.
  const child = spawn(process.execPath, [CLI, log], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 1);
  assert.equal(stderr, 'ept-plan: standard output: cannot write: the reader closed the pipe\n');
});

test('--output replaces an existing file only once the plan is complete, keeping its mode', () => {
  const dir = tempDir();
  const out = path.join(dir, 'plan.txt');
  fs.writeFileSync(out, 'old plan\n', { mode: 0o640 });
  const failed = run(['--output', out, fixturePath('kvm-trace.report')]);
  assert.equal(failed.code, 1, 'no memory map');
  assert.equal(fs.readFileSync(out, 'utf8'), 'old plan\n', 'a failed run leaves the old file');
  const ok = run(['--output', out, fixturePath('hyperplatform-laptop-8gb.log')]);
  assert.equal(ok.code, 0, ok.err);
  assert.match(fs.readFileSync(out, 'utf8'), /Tables: 1 PML4/);
  assert.equal(fs.statSync(out).mode & 0o777, 0o640);
  assert.deepEqual(fs.readdirSync(dir), ['plan.txt']);
});

test('errors: one clear line, exit 1 without a map, exit 2 on usage, never a stack trace', () => {
  const none = run([fixturePath('kvm-trace.report')]);
  assert.equal(none.code, 1);
  assert.match(none.err, /no memory map found in .*kvm-trace\.report\. Known formats: HyperPlatform/);
  // A dmesg whose ring buffer had dropped the boot (linuxhw.org logs often are): the cause, not a format list.
  const wrapped = run([fixturePath('linuxhw-dell-r410-6.0-ring-buffer-wrapped.dmesg')]);
  assert.equal(wrapped.code, 1);
  assert.match(wrapped.err, /no memory map found in .*wrapped\.dmesg: the log starts 21 days after boot \(line 2, \[1819496\.893649\]\): .*ring buffer dropped them/);
  assert.doesNotMatch(wrapped.err, /Known formats/);
  const missing = run(['/nonexistent/file.log']);
  assert.equal(missing.code, 1);
  assert.equal(missing.err.trim(), 'ept-plan: /nonexistent/file.log: cannot read: no such file');
  for (const args of [['--max-page', '3M'], ['--limit', 'lots'], ['--frobnicate'], ['--no-mtrr', '--mtrr', 'x']]) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /^ept-plan: .+\nTry 'ept-plan --help'\.\n$/);
  }
  const bad = run(['-'], 'Physical Memory Range: 00000000000150G0 - 0000000000058000\nPhysical Memory Range: 0000000000100000 - 0000000000200000\n');
  assert.equal(bad.code, 0);
  assert.match(bad.err, /<stdin>:1:24: error: start address '00000000000150G0' is not a hex number/);
  for (const r of [none, missing, bad]) assert.doesNotMatch(r.err, /\n\s+at /);
  assert.equal(run(['--help']).code, 0);
  assert.match(run(['--version']).out, /^ept-plan \d+\.\d+\.\d+/);
});

// ---- issue 11: MAXPHYADDR and robust MTRR dumps ----

test('Dell E6510 (36-bit): 523×4K 516×2M 503×1G with 9 PDs, MAXPHYADDR 36 shown, 512 GiB said to be past its 64 GiB', () => {
  const e6510 = fixturePath('real/dell-latitude-e6510-36bit.dmesg');
  const text = run([e6510]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /RAM pages 4K; MAXPHYADDR 36 \(from the MTRR masks\); memory types from the MTRR dump/);
  assert.match(text.out, /gaps: 3 +523 +516 +503 +=/);
  assert.match(text.out, /1 PML4 \+ 1 PDPT \+ 9 PD \+ 4,092 PT/);
  assert.match(text.out, /warning: the identity map's limit 512 GiB is past the 64 GiB physical address space .*--limit phys maps exactly 64 GiB/);
  assert.match(text.err, /dell-latitude-e6510-36bit\.dmesg:32: warning: the identity map's limit 512 GiB is past the 64 GiB physical address space/);
  const j = json([e6510]);
  assert.equal(j.physAddrBits, 36);
  assert.equal(j.physAddrBitsFrom, 'mtrr');
  assert.match(j.warnings[0], /past the 64 GiB physical address space/);
  assert.deepEqual(j.totals.mmio, { '4K': 523, '2M': 516, '1G': 503 });
  const phys = json(['--limit', 'phys', e6510]);
  assert.equal(phys.limit, '0x1000000000');
  assert.equal(phys.warnings, undefined);
  // The user's width wins (and the mismatch is said); with 39 bits the 36-bit masks alias again.
  const wide = run(['--phys-bits', '39', e6510]);
  assert.match(wide.out, /MAXPHYADDR 39 \(as given\)/);
  assert.match(wide.out, /the MTRR masks are 36 bits wide, but --phys-bits 39 is used/);
  for (const args of [['--phys-bits', '31'], ['--phys-bits', '53'], ['--phys-bits', '3x']]) {
    const r = run([...args, e6510]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /--phys-bits: .* is not a physical address width from 32 to 52/);
  }
});

test('Surface Pro 7 with --limit 1T: MAXPHYADDR 39, 1 TiB said to be past 512 GiB; without MTRRs 52 is assumed and nothing is said', () => {
  const r = run(['--limit', '1T', fixturePath('surface-pro-7.dmesg')]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: the identity map's limit 1 TiB is past the 512 GiB physical address space \(MAXPHYADDR 39, from the MTRR masks\)/);
  assert.doesNotMatch(r.out, /mixed[^\n]*\n(?:    [^\n]*\n)*    0x80c0000000/, 'no alias of register 0 at 0x80c0000000');
  const laptop = run(['--limit', '1T', fixturePath('hyperplatform-laptop-8gb.log')]);
  assert.match(laptop.out, /MAXPHYADDR 52 \(assumed: the architectural maximum\)/);
  assert.doesNotMatch(laptop.err, /physical address space/);
});

test('--mtrr FILE: its problems are reported as file:line:col like the main input; the registers after them are used', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-mtrr-'));
  const file = path.join(dir, 'mtrr');
  fs.writeFileSync(file, [
    'reg00: base=0x000000000 (    0MB), size= 2048MB, count=1: write-back',
    'reg01: base=0x0zz000000 ( 2048MB), size= 1024MB, count=1: write-back',
    'reg02: garbage',
    'reg03: base=0x0c0000000 ( 3072MB), size= 1024MB, count=1: write-combining',
  ].join('\n'));
  const r = run(['--mtrr', file, fixturePath('desktop-i7-2600.iomem')]);
  assert.equal(r.code, 0, r.err);
  assert.ok(r.err.includes(`ept-plan: ${file}:2:13: error: MTRR base '0x0zz000000' is not a hex number`), r.err);
  assert.ok(r.err.includes(`ept-plan: ${file}:3:1: error: not an MTRR entry`), r.err);
  assert.match(r.out, / WC /, 'reg03 after the bad lines is used');
  fs.rmSync(dir, { recursive: true });
});

test('every note --json carries is in the text output too: past 256 variable MTRRs; /proc/mtrr without a default type', () => {
  const lines = ['BIOS-e820: [mem 0x0000000000000000-0x000000007fffffff] usable', 'MTRR default type: write-back', 'MTRR variable ranges enabled:'];
  for (let i = 0; i < 300; i++) lines.push(`  ${i} base 0080000000 mask 7FC0000000 uncachable`);
  const input = lines.join('\n') + '\n';
  const j = JSON.parse(run(['--json', '-'], input).out);
  assert.equal(j.mtrrSource.notes.length, 1);
  assert.match(j.mtrrSource.notes[0], /more than 256 variable MTRRs/);
  const text = run(['-'], input).out;
  for (const n of j.mtrrSource.notes) assert.ok(text.includes(n), `text output lacks «${n}»`);
  const proc = run([fixturePath('desktop-i7-2600.iomem'), fixturePath('desktop-i7-2600.mtrr')]);
  const pj = json([fixturePath('desktop-i7-2600.iomem'), fixturePath('desktop-i7-2600.mtrr')]);
  assert.ok(pj.mtrrSource.notes.length >= 2);
  for (const n of pj.mtrrSource.notes) assert.ok(proc.out.includes(n), `text output lacks «${n}»`);
});

test("Linux 6.x 'MTRR map:' summary without registers: an information note says to boot with mtrr=debug", () => {
  const r = run(['-'], [
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable',
    '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable',
    '[    0.004000] MTRR map: 4 entries (3 fixed + 1 variable; max 23), built from 10 variable MTRRs',
  ].join('\n'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /<stdin>:3: information: this kernel printed only an MTRR summary .*boot with mtrr=debug .*or give \/proc\/mtrr/);
  assert.match(r.out, /no MTRRs found: gaps UC, RAM WB/);
});

test('ksm EPT/VPID caps without 1 GiB pages (VMware, ksm#19): a warning on the caps value naming the 1G leaves and --max-page 2M; none with it', () => {
  const log = fixturePath('sources/ksm-issue19-vmware.log');
  const r = run([log]);
  assert.equal(r.code, 0, r.err);
  // RAM ends at 2 GiB: [2 GiB, 512 GiB) is 510 1 GiB leaves, each a misconfiguration on this CPU.
  assert.match(r.err, /ksm-issue19-vmware\.log:3:38: warning: EPT\/VPID caps 0x00000F0106114141 allow EPT pages up to 2M only, but the plan has 510×1G leaves[^\n]*set --max-page 2M/);
  const ok = run(['--max-page', '2M', log]);
  assert.equal(ok.code, 0, ok.err);
  assert.doesNotMatch(ok.err, /EPT\/VPID caps/);
});

test('line splitting through the CLI: 2 MiB lines split by CR, LF and CRLF across chunk edges keep every range line', () => {
  const hp = (s: string, e: string) => `07:23:37.223\tDBG\t#2\t4\t7656\tSystem\tPhysical Memory Range: ${s} - ${e}`;
  const long = 'x'.repeat(2 << 20);
  for (const eol of ['\n', '\r\n', '\r']) {
    const text = [hp('0000000000001000', '000000000009f000'), long, hp('0000000000100000', '0000000080000000'), long + '\r' + long, hp('0000000100000000', '0000000180000000'), ''].join(eol);
    const r = run(['--json', '-'], text);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).ram.map((x: { start: string; line: number }) => [x.start, x.line]), [['0x1000', 1], ['0x100000', 3], ['0x100000000', 6]]);
  }
});

test('AMD TOM2: the plan header says the rule was applied; --json has mtrr.tom2 and RAM above 4 GiB typed WB', () => {
  const file = path.join(ROOT, 'test', 'fixtures', 'real', 'linuxhw-3nod-tgs215db-phenom-ii-4.1-tom2-ram-at-4g-plus-4k.dmesg');
  const text = run([file]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out.split('\n')[1], /; AMD TOM2 0x150000000 \(line 50\): \[0x100000000, 0x150000000\) WB whatever the variable MTRRs say/);
  const j = json([file]);
  assert.deepEqual(j.mtrr.tom2, { start: '0x100000000', end: '0x150000000', line: 50 });
  assert.deepEqual(j.ram.map((r: { start: string; memoryType: string }) => [r.start, r.memoryType]).slice(-1), [['0x100001000', 'WB']]);
  for (const format of ['md', 'c']) assert.match(run(['--format', format, file]).out, /memory types from the MTRR dump at .* line 34; AMD TOM2 0x150000000 \(line 50\): \\?\[0x100000000, 0x150000000\) WB whatever the variable MTRRs say/, format);
});

test('AMD TOM2 from --mtrr FILE: the TOM2 line is named in that file, not in the main input', () => {
  const dump = path.join(ROOT, 'test', 'fixtures', 'real', 'linuxhw-3nod-tgs215db-phenom-ii-4.1-tom2-ram-at-4g-plus-4k.dmesg');
  const r = run([path.join(ROOT, 'examples', 'hyperplatform.eptlog'), '--mtrr', dump]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n')[1], /; AMD TOM2 0x150000000 \(\S+linuxhw-3nod-tgs215db-phenom-ii-4\.1-tom2-ram-at-4g-plus-4k\.dmesg line 50\): /);
});
