// `npm run bench`: every performance figure of EPT Lens with its baseline measured in the same
// run (the machine is shared and noisy: medians and ratios, never single times).
// Inputs are generated deterministically (seeded) under $TMPDIR/ept-lens-bench and reused while
// the generator is unchanged. One line per figure: name, median, baseline median, ratio, target,
// met / NOT met. Needs the bundles (`npm run build`).
//
//   node benchmarks/run.mjs                 CLI at 256 MiB, planner, server, tokenization
//   node benchmarks/run.mjs --full          also the CLI at 1 GiB (flat RSS check)
//   node benchmarks/run.mjs --only=cli,planner,server,web,tokenize,dimensions,scan,scale   a subset
//   node benchmarks/run.mjs --runs=N        runs per measurement (default 3 for the CLI, more elsewhere)
//   node benchmarks/run.mjs --json=FILE     also write every measurement as JSON
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { fragmentedRam, writeMixedLog } from './gen.mjs';
import { benchWebServer } from './web-server.mjs';
import { common } from '../build.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const full = args.includes('--full');
const only = flag('only')?.split(',');
const runsArg = flag('runs') ? Number(flag('runs')) : undefined;
const jsonOut = flag('json');
const want = (s) => !only || only.includes(s);

const CLI = path.join(root, 'dist', 'cli.js');
const SERVER = path.join(root, 'dist', 'server.js');
const MiB = 2 ** 20;
const dataDir = path.join(os.tmpdir(), 'ept-lens-bench');
fs.mkdirSync(dataDir, { recursive: true });
const results = [];

// ---------------------------------------------------------------- helpers
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`);
const fmtMB = (b) => `${(b / 1e6).toFixed(0)} MB`;

/** Prints the one line of a figure and records it. */
function figure(name, { value, fmt = fmtMs, baseline, baselineName, ratio, target, met, note }) {
  const r = ratio ?? (baseline ? value / baseline : undefined);
  const parts = [name.padEnd(34), `median ${fmt(value)}`.padEnd(18)];
  parts.push(baseline !== undefined ? `${baselineName} ${fmt(baseline)}`.padEnd(30) : ''.padEnd(30));
  parts.push(r !== undefined ? `ratio ${r.toFixed(2)}`.padEnd(12) : ''.padEnd(12));
  parts.push(`target ${target}`.padEnd(26));
  parts.push(met === undefined ? '' : met ? 'met' : 'NOT met');
  if (note) parts.push(`  (${note})`);
  console.log(parts.join(' ').trimEnd());
  results.push({ name, value, baseline, baselineName, ratio: r, target, met, note });
}

/** The generator's own source is part of the cache key: change it and the inputs are remade. */
const genHash = crypto.createHash('sha1').update(fs.readFileSync(path.join(root, 'benchmarks', 'gen.mjs'))).digest('hex').slice(0, 8);
function mixedLog(bytes) {
  const file = path.join(dataDir, `mixed-${bytes}-${genHash}.log`);
  const meta = `${file}.json`;
  if (!fs.existsSync(meta)) {
    const t0 = performance.now();
    const info = writeMixedLog(file, bytes);
    fs.writeFileSync(meta, JSON.stringify(info));
    console.log(`# generated ${path.basename(file)}: ${info.lines} lines, ${info.mapLines} map/MTRR lines (${((info.mapLines / info.lines) * 100).toFixed(2)}%), ${info.maps} maps, in ${fmtMs(performance.now() - t0)}`);
  }
  return { file, ...JSON.parse(fs.readFileSync(meta, 'utf8')) };
}

/** `node dist/server.js --stdio` with the flags and environment the extension's client starts it with. */
async function spawnServer(extraArgs = []) {
  const { SERVER_PROCESS } = await lib();
  return spawn(process.execPath, [...SERVER_PROCESS.execArgv, ...extraArgs, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...SERVER_PROCESS.env } });
}

/** Bundles the pure modules the in-process baselines call. */
let modules;
async function lib() {
  if (modules) return modules;
  const esbuild = await import('esbuild');
  const out = path.join(dataDir, `lib-${process.pid}.cjs`);
  await esbuild.build({
    stdin: {
      contents: `export { planMemoryMap } from './src/planner';
        export { scanText, scanLine, newScanState, splitLines, groupMaps } from './src/formats';
        export { forEachLine } from './src/formats/lines';
        export { scanStream } from './src/analysis/scan-stream';
        export { DocumentModel } from './src/server/model';
        export { SERVER_PROCESS } from './src/client/server-process';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    logLevel: 'warning',
    loader: common.loader, // the byte prefilter's .wasm
  });
  modules = require(out);
  fs.rmSync(out, { force: true });
  return modules;
}

let timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
if (!timeBin && process.getuid?.() === 0) {
  // GNU time reports peak RSS; install it when we can (Debian's `time` package).
  spawnSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'ignore' });
  if (fs.existsSync('/usr/bin/time')) timeBin = '/usr/bin/time';
}

/** Runs a command with its output to a pipe; wall ms, CPU ms (user+sys) and peak RSS bytes. */
function measure(cmd, cmdArgs) {
  const argv = timeBin ? [timeBin, '-f', '%e %U %S %M', cmd, ...cmdArgs] : [cmd, ...cmdArgs];
  const t0 = performance.now();
  // Output to a pipe, never /dev/null: GNU grep stops at the first match when it sees /dev/null.
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'latin1', maxBuffer: 1 << 30 });
  const wall = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${cmdArgs.join(' ')}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  let cpu;
  let rss;
  if (timeBin) {
    const last = r.stderr.trimEnd().split('\n').pop().split(' ').map(Number);
    cpu = (last[1] + last[2]) * 1000;
    rss = last[3] * 1024;
  }
  return { wall, cpu, rss, stdout: r.stdout };
}

// ---------------------------------------------------------------- 1. CLI throughput
async function benchCli() {
  const sizes = full ? [256, 1024] : [256];
  const runs = runsArg ?? 3;
  const rssBySize = {};
  for (const size of sizes) {
    const log = mixedLog(size * MiB);
    console.log(`# CLI input ${size} MiB: ${log.lines} lines, ${log.mapLines} map/MTRR lines (${((log.mapLines / log.lines) * 100).toFixed(2)}%), ${log.maps} maps`);
    spawnSync('sh', ['-c', 'cat "$0" > /dev/null', log.file]); // page cache warm for both
    const g = [];
    const c = [];
    for (let i = 0; i < runs; i++) {
      // Interleaved so that load from other processes hits both alike.
      g.push(measure('grep', ['-c', 'Physical Memory Range', log.file]));
      c.push(measure(process.execPath, [CLI, log.file]));
    }
    const gw = median(g.map((x) => x.wall));
    const cw = median(c.map((x) => x.wall));
    figure(`cli.${size}MiB wall`, { value: cw, baseline: gw, baselineName: 'grep -c', target: '<= 2x grep', met: cw <= 2 * gw });
    if (timeBin) {
      const gc = median(g.map((x) => x.cpu));
      const cc = median(c.map((x) => x.cpu));
      figure(`cli.${size}MiB cpu (user+sys)`, { value: cc, baseline: gc, baselineName: 'grep -c', target: '<= 2x grep', met: cc <= 2 * gc, note: 'less sensitive to load than wall time' });
      const rss = median(c.map((x) => x.rss));
      rssBySize[size] = rss;
      figure(`cli.${size}MiB peak RSS`, { value: rss, fmt: fmtMB, target: '< 150 MB', met: rss < 150e6 });
    }
    // Where the CLI's time goes: the streaming scan alone, in-process (no planning, no output).
    const { scanStream } = await lib();
    const s = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      let recs = 0;
      await scanStream(fs.createReadStream(log.file, { highWaterMark: 1 << 20 }), { onRecord: () => recs++ });
      s.push(performance.now() - t0);
    }
    const sm = median(s);
    figure(`cli.${size}MiB scan only`, { value: sm, baseline: gw, baselineName: 'grep -c', target: '(part of the wall time)', note: `scanStream (prefiltered) in-process: ${((size * MiB) / 1e6 / (sm / 1000)).toFixed(0)} MB/s` });
  }
  if (rssBySize[256] && rssBySize[1024]) {
    const r = rssBySize[1024] / rssBySize[256];
    figure('cli.peak RSS 1GiB / 256MiB', { value: r, fmt: (x) => x.toFixed(2), ratio: r, target: 'flat (< 1.25)', met: r < 1.25 && rssBySize[1024] < 150e6 });
  }
}

// ---------------------------------------------------------------- 2. Planner scaling
async function benchPlanner() {
  const { planMemoryMap } = await lib();
  const runs = runsArg ?? 7;
  const per = [];
  for (const n of [1_000, 10_000, 100_000]) {
    const ram = fragmentedRam(n);
    planMemoryMap(ram, {}); // warm up
    const p = [];
    const s = [];
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      const plan = planMemoryMap(ram, {});
      p.push(performance.now() - t0);
      if (plan.ram.length !== n) throw new Error(`planner merged ranges: ${plan.ram.length} of ${n}`);
      t0 = performance.now();
      [...ram].sort((a, b) => a.start - b.start);
      s.push(performance.now() - t0);
    }
    const pm = median(p);
    const sm = median(s);
    per.push({ n, pm });
    figure(`planner.${n / 1000}k ranges`, {
      value: pm,
      baseline: sm,
      baselineName: 'sort',
      target: n === 100_000 ? '< 100 ms' : '(n log n)',
      met: n === 100_000 ? pm < 100 : undefined,
      note: `${((pm * 1e6) / (n * Math.log2(n))).toFixed(1)} ns per n·log2 n`,
    });
  }
  const g = per[2].pm / per[1].pm;
  const nlogn = (1e5 * Math.log2(1e5)) / (1e4 * Math.log2(1e4));
  figure('planner.growth 10k -> 100k', { value: g, fmt: (x) => `${x.toFixed(1)}x`, ratio: g / nlogn, target: `~${nlogn.toFixed(1)}x (n log n)`, met: g < nlogn * 2, note: 'ratio = growth / n·log n growth' });

  // Already-sorted input skips the sort: the same 100k ranges in address order.
  const sortedRam = [...fragmentedRam(100_000)].sort((a, b) => a.start - b.start);
  const shuffledRam = fragmentedRam(100_000);
  const so = [];
  const sh = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    planMemoryMap(sortedRam, {});
    so.push(performance.now() - t0);
    t0 = performance.now();
    planMemoryMap(shuffledRam, {});
    sh.push(performance.now() - t0);
  }
  // The plan's counts come without span objects; a caller that reads every span (the CLI's
  // --json, the report) builds them on first read: planning plus reading each span's counts.
  const withSpans = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const plan = planMemoryMap(shuffledRam, {});
    let leaves = 0;
    for (const s of plan.ram) leaves += s.pages['4K'] + s.inputs.length;
    for (const s of plan.gaps) leaves += s.pages['4K'] + s.pages['2M'] + s.pages['1G'];
    withSpans.push(performance.now() - t0);
    if (!(leaves > 0)) throw new Error('no leaves');
  }
  figure('planner.100k + every span read', { value: median(withSpans), baseline: median(sh), baselineName: 'plan only', target: '(reported)', note: 'spans, their counts and inputs built on first read' });
  figure('planner.100k sorted input', { value: median(so), baseline: median(sh), baselineName: 'shuffled', target: '< shuffled (no sort)', met: median(so) < median(sh) });

  // 1M ranges, each in its own process for its peak RSS; the baseline process only generates them.
  const bundle = path.join(dataDir, `planner-${process.pid}.cjs`);
  const esbuild = await import('esbuild');
  await esbuild.build({ stdin: { contents: `export { planMemoryMap } from './src/planner';`, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning' });
  const child = path.join(root, 'benchmarks', 'planner-child.mjs');
  try {
    const big = { gen: [], shuffled: [], sorted: [] };
    for (let i = 0; i < Math.min(runs, 3); i++) {
      for (const order of ['gen', 'shuffled', 'sorted']) {
        const m = measure(process.execPath, [child, bundle, '1000000', order]);
        const [ms, spansMs] = m.stdout.trim().split(' ').map(Number);
        big[order].push({ ms, spansMs, rss: m.rss });
      }
    }
    const ms = median(big.shuffled.map((x) => x.ms));
    figure('planner.1M shuffled ranges', { value: ms, baseline: per[2].pm, baselineName: '100k', ratio: ms / per[2].pm, target: '< 1.5 s', met: ms < 1500, note: `growth over 10x the ranges ${(ms / per[2].pm).toFixed(1)}x` });
    figure('planner.1M spans read', { value: median(big.shuffled.map((x) => x.spansMs)), baseline: ms, baselineName: 'planning', target: '(reported)', note: 'after planning: 1M RAM and 1M gap spans built, each one\'s counts read' });
    figure('planner.1M sorted ranges', { value: median(big.sorted.map((x) => x.ms)), baseline: ms, baselineName: 'shuffled', target: '< 1.5 s', met: median(big.sorted.map((x) => x.ms)) < 1500 });
    if (timeBin) {
      const rss = median(big.shuffled.map((x) => x.rss));
      const gen = median(big.gen.map((x) => x.rss));
      figure('planner.1M peak RSS', { value: rss, fmt: fmtMB, baseline: gen, baselineName: 'generating the input', target: '< 500 MB', met: rss < 500e6, note: `the planner's share ${fmtMB(rss - gen)}, every RAM and gap span read after planning included` });
    }
  } finally {
    fs.rmSync(bundle, { force: true });
  }
}

// ---------------------------------------------------------------- 3. Language server
async function benchServer() {
  const { StreamMessageReader, StreamMessageWriter, createProtocolConnection } = require('vscode-languageserver-protocol/node');
  const { scanText, DocumentModel } = await lib();
  const bytes = 50_000_000; // under VS Code's 50 MiB sync limit
  const log = mixedLog(bytes);
  const text = fs.readFileSync(log.file, 'latin1').slice(0, bytes);
  const docLines = text.split('\n');
  console.log(`# server document: ${(text.length / 1e6).toFixed(1)} MB, ${docLines.length} lines`);

  // EPT_BENCH_SERVER_PROF=DIR: CPU profile of the server (written when it exits).
  const prof = process.env.EPT_BENCH_SERVER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.EPT_BENCH_SERVER_PROF}`] : [];
  const proc = await spawnServer(prof);
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  conn.onRequest(() => null); // registrations, refreshes, progress: accept everything
  conn.onNotification(() => undefined);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: {} });
  conn.sendNotification('initialized', {});
  const status = (key) => {
    const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  };
  const hints = (uri, from, to) => conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: from, character: 0 }, end: { line: to, character: 0 } } });

  // Baseline: an empty request round trip (hover on an empty document).
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///empty.eptlog', languageId: 'ept-log', version: 1, text: '' } });
  const rt = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///empty.eptlog' }, position: { line: 0, character: 0 } });
    rt.push(performance.now() - t0);
  }
  const roundTrip = median(rt);

  // didOpen -> first inlay hints for lines 0-100 (a new document each run).
  const runs = runsArg ?? 3;
  const open = [];
  let uri;
  let rssOne;
  for (let i = 0; i < runs; i++) {
    if (uri) conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    uri = `file:///bench-${i}.eptlog`;
    const t0 = performance.now();
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ept-log', version: 1, text } });
    const h = await hints(uri, 0, 100);
    open.push(performance.now() - t0);
    if (!Array.isArray(h)) throw new Error('no inlay hints');
    if (i === 0) {
      await new Promise((r) => setTimeout(r, 500)); // let the background scan and diagnostics finish
      rssOne = status('VmRSS');
    }
  }
  // The transport alone: didOpen, then an empty request, which the server answers only after it
  // has read, parsed and handled the 50 MB notification (messages are handled in order).
  const transport = [];
  for (let i = 0; i < runs; i++) {
    const u = `file:///transport-${i}.eptlog`;
    const t0 = performance.now();
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'ept-log', version: 1, text } });
    await conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///empty.eptlog' }, position: { line: 0, character: 0 } });
    transport.push(performance.now() - t0);
    conn.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
  }
  const scan = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    scanText(text);
    scan.push(performance.now() - t0);
  }
  const openMs = median(open);
  figure('server.open -> first hints', { value: openMs, baseline: median(scan), baselineName: 'scanText in-process', target: '< 300 ms', met: openMs < 300, note: 'includes sending 50 MB of JSON' });
  const tm = median(transport);
  figure('server.open -> empty round trip', { value: tm, baseline: median(scan), baselineName: 'scanText in-process', target: '(part of open)', note: 'JSON + pipe + didOpen handler, no hints' });

  // One-line edits in the middle: a memory-range line (the map is regrouped and re-planned) and
  // a plain trace line; then inlay hints for the visible range around it.
  const mid = Math.floor(docLines.length / 2);
  let rangeLine = mid;
  while (!docLines[rangeLine].includes('Physical Memory Range:') && !docLines[rangeLine].includes('BIOS-e820: [mem')) rangeLine++;
  let version = 1;
  const editTimes = { range: [], plain: [] };
  const edits = runsArg ? runsArg * 4 : 20;
  for (let i = 0; i < edits; i++) {
    for (const kind of ['range', 'plain']) {
      const line = kind === 'range' ? rangeLine : mid;
      const t = docLines[line];
      // Toggle the last character: the end address changes, the line stays a range line.
      const last = t.length - 1;
      const ch = kind === 'range' ? (t.endsWith('usable') ? null : t[last]) : t[last];
      let edit;
      if (ch === null) edit = { at: t.length, text: i % 2 ? '' : ' ', del: i % 2 ? 1 : 0 };
      else edit = { at: last, text: i % 2 ? ch : ch === '0' ? '1' : '0', del: 1 };
      const start = { line, character: edit.del && edit.text === '' ? edit.at - 1 : edit.at };
      const end = { line, character: start.character + edit.del };
      const t0 = performance.now();
      conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start, end }, text: edit.text }] });
      await hints(uri, Math.max(0, line - 30), line + 60);
      editTimes[kind].push(performance.now() - t0);
    }
  }
  const er = median(editTimes.range);
  const ep = median(editTimes.plain);
  figure('server.edit range line -> hints', { value: er, baseline: roundTrip, baselineName: 'empty round trip', target: '< 20 ms', met: er < 20 });
  figure('server.edit plain line -> hints', { value: ep, baseline: roundTrip, baselineName: 'empty round trip', target: '< 20 ms', met: ep < 20 });

  // Hover on the start address of that range line.
  const addrAt = docLines[rangeLine].search(/(?<=Range: |\[mem 0x)[0-9a-f]/);
  const hv = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    const h = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: rangeLine, character: addrAt + 2 } });
    hv.push(performance.now() - t0);
    if (i === 0 && !h) console.log('# warning: the hover returned nothing');
  }
  const hm = median(hv);
  figure('server.hover', { value: hm, baseline: roundTrip, baselineName: 'empty round trip', target: '< 2 ms', met: hm < 2 });

  const rss = status('VmRSS');
  const hwm = status('VmHWM');
  figure('server.RSS (50 MB document)', { value: rssOne, fmt: fmtMB, ratio: rssOne / bytes, target: '< 4x document (200 MB)', met: rssOne < 4 * bytes, note: `one document open; after ${runs} open/close cycles and the edits ${fmtMB(rss)}, peak ${fmtMB(hwm)} = ${(hwm / bytes).toFixed(1)}x` });

  // In-process: the document model alone (no JSON, no IPC), for the report.
  const m0 = performance.now();
  const model = new DocumentModel('file:///m', 1, text, true);
  model.maps();
  const modelMs = performance.now() - m0;
  figure('server.model build in-process', { value: modelMs, baseline: median(scan), baselineName: 'scanText in-process', target: '(part of open)' });

  await conn.sendRequest('shutdown');
  conn.sendNotification('exit');
  await new Promise((r) => { proc.once('exit', r); setTimeout(r, 5000); });
  conn.dispose();
  proc.kill();
}

/** One boot of a long-lived machine's dmesg: its e820 map and MTRR dump (the boots dimension). */
const boot = (i) => [
  `[    0.000000] Linux version 6.1.${i}`,
  '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
  '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable',
  '[    0.001697] MTRR default type: write-back',
  '[    0.001698] MTRR variable ranges enabled:',
  '[    0.001699]   0 base 00C0000000 mask 7FC0000000 uncachable',
].join('\n');

// ---------------------------------------------------------------- 5. Growth per input dimension
// Each row: the time at n and at 10n, and the growth (about 10x is linear; the issue-13 target).
async function benchDimensions() {
  const { forEachLine, scanText, groupMaps } = await lib();
  const runs = runsArg ?? 3;
  const cpuMs = (f) => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const grow = (name, small, big, unit, note) => {
    const g = big / small;
    figure(`growth.${name}`, { value: big, baseline: small, baselineName: `1/10 the ${unit}`, ratio: g, target: '~10x (< 15x)', met: g < 15, note });
  };
  // Boots: a dmesg of n boots, each an e820 map and its MTRR dump, through the CLI.
  const boots = {};
  for (const n of [1000, 10000]) {
    const file = path.join(dataDir, `boots-${n}.dmesg`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, Array.from({ length: n }, (_, i) => boot(i)).join('\n') + '\n');
    boots[n] = median(Array.from({ length: runs }, () => measure(process.execPath, [CLI, '--json', file]).cpu ?? NaN));
  }
  grow('boots (CLI CPU, 1k -> 10k boots)', boots[1000], boots[10000], 'boots', 'was cubic: 10k boots took 44 s');
  // MTRR dumps: one boot, n dumps after its map (all but the first are noted), grouped in-process.
  const dumps = {};
  for (const n of [1000, 10000]) {
    const text = [boot(0), ...Array.from({ length: n }, () => '\n[    1.0] x\n[    1.0] x\n[    1.0] MTRR default type: write-back')].join('');
    const recs = scanText(text);
    dumps[n] = median(Array.from({ length: runs }, () => cpuMs(() => groupMaps(recs))));
  }
  grow('MTRR dumps (grouping, 1k -> 10k)', dumps[1000], dumps[10000], 'dumps');
  // Line length: forEachLine over the same bytes in 80-byte and in 1 MiB lines.
  const splitCpu = async (len, total) => {
    const chunk = Buffer.alloc(MiB, 0x61);
    for (let i = len; i < MiB; i += len + 1) chunk[i] = 10;
    const c0 = process.cpuUsage();
    await forEachLine((async function* () { for (let b = 0; b < total; b += MiB) yield chunk; })(), () => undefined);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const shortMs = [];
  const longMs = [];
  const longSmall = [];
  for (let i = 0; i < runs; i++) {
    shortMs.push(await splitCpu(80, 64 * MiB));
    longMs.push(await splitCpu(MiB - 1, 64 * MiB));
    longSmall.push(await splitCpu(MiB - 1, 6.4 * MiB));
  }
  const lm = median(longMs);
  const sm = median(shortMs);
  figure('lines.64MiB of 1 MiB lines', { value: lm, baseline: sm, baselineName: '80-byte lines', target: '~1x normal input (< 2x)', met: lm < 2 * sm, note: 'forEachLine CPU; was quadratic (10.7 s vs 0.9 s per GB)' });
  grow('line length (1 MiB lines, 6.4 -> 64 MiB)', median(longSmall), lm, 'bytes');
  // Lines: the mixed log's first 3.2 and 32 MiB, scanned in-process (every line, as the editor does).
  const mixed = fs.readFileSync(mixedLog(64 * MiB).file, 'latin1');
  const head = (bytes) => mixed.slice(0, mixed.lastIndexOf('\n', bytes) + 1);
  const scans = {};
  scanText(head(3.2 * MiB)); // warm: the first scan also compiles the readers
  for (const [k, bytes] of [['small', 3.2 * MiB], ['big', 32 * MiB]]) {
    const text = head(bytes);
    scans[k] = median(Array.from({ length: runs }, () => cpuMs(() => scanText(text))));
  }
  grow('lines (scanText, 3.2 -> 32 MiB of mixed log)', scans.small, scans.big, 'lines');
  // MTRR registers: one map of 10k RAM ranges typed by 25 and by 250 variable MTRRs (2 MiB UC
  // blocks every 4 MiB), through the CLI.
  const hex = (x, w) => x.toString(16).padStart(w, '0');
  const regs = {};
  for (const n of [25, 250]) {
    const file = path.join(dataDir, `registers-${n}.dmesg`);
    if (!fs.existsSync(file)) {
      const ram = [...fragmentedRam(10000)].sort((a, b) => a.start - b.start);
      const lines = [
        ...ram.map((r) => `[    0.000000] BIOS-e820: [mem 0x${hex(r.start, 16)}-0x${hex(r.end - 1, 16)}] usable`),
        '[    0.001697] MTRR default type: write-back',
        '[    0.001698] MTRR variable ranges enabled:',
        ...Array.from({ length: n }, (_, i) => `[    0.001699]   ${i} base ${hex(i * 4 * MiB, 10).toUpperCase()} mask FFFFE00000 uncachable`),
      ];
      fs.writeFileSync(file, lines.join('\n') + '\n');
    }
    regs[n] = median(Array.from({ length: runs }, () => measure(process.execPath, [CLI, '--json', file]).cpu ?? NaN));
  }
  grow('MTRR registers (CLI CPU, 25 -> 250 over 10k ranges)', regs[25], regs[250], 'registers', 'includes the CLI start-up');
  // Diagnostics: 10k and 100k malformed e820 lines, each reported, through the CLI.
  const diags = {};
  for (const n of [10000, 100000]) {
    const file = path.join(dataDir, `malformed-${n}.dmesg`);
    if (!fs.existsSync(file)) {
      const lines = ['[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable'];
      for (let i = 0; i < n; i++) lines.push(`[    0.000000] BIOS-e820: [mem 0x${hex(0x100000 + i * 0x2000, 16)}-0xZZ${i}] usable`);
      fs.writeFileSync(file, lines.join('\n') + '\n');
    }
    diags[n] = median(Array.from({ length: runs }, () => measure(process.execPath, [CLI, file]).cpu ?? NaN));
  }
  grow('diagnostics (CLI CPU, 10k -> 100k malformed lines)', diags[10000], diags[100000], 'problems', 'includes the CLI start-up');
  // Changes in one didChange (a Replace All that breaks lines): 1k and 10k line-inserting changes
  // at spread lines of a 300k-line document, applied by the editor model in-process.
  const { DocumentModel } = await lib();
  const doc = Array.from({ length: 300000 }, (_, i) => `line ${i}`).join('\n');
  const edits = {};
  for (const n of [1000, 10000]) {
    const changes = Array.from({ length: n }, (_, i) => {
      const line = (i * 7919) % 290000;
      return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: 'x\n' };
    });
    edits[n] = median(Array.from({ length: runs }, () => {
      const model = new DocumentModel('file:///changes', 1, doc, false);
      return cpuMs(() => model.applyChanges(changes, 2));
    }));
  }
  grow('changes in one didChange (1k -> 10k, 300k lines)', edits[1000], edits[10000], 'changes', 'line-inserting changes; was 0.43 s -> 4.1 s, each one splicing the whole line store');
}

// ---------------------------------------------------------------- 4. Tokenization
async function benchTokenize() {
  const { run } = await import('./tokenize.mjs');
  const lines = [];
  const r = await run({ log: (s) => lines.push(s), ...(runsArg ? { runs: runsArg } : {}) });
  figure('tokenize.200k lines', {
    value: r.grammar.medianMs,
    baseline: r['one-rule'].medianMs,
    baselineName: 'one-rule grammar',
    ratio: r.ratio,
    target: '>= 0.5 (speed vs one-rule)',
    met: r.ratio >= 0.5,
    note: `${Math.round(r.grammar.linesPerSecond / 1000)}k vs ${Math.round(r['one-rule'].linesPerSecond / 1000)}k lines/s; ratio = speed, not time`,
  });
}

// ---------------------------------------------------------------- 8. Envelope A/B (issue 11)
// The scan before the envelope layer (prefix.ts, removed in 6f4db96) against today's, on the same
// lines in one process. The baseline is bundled from git history into $TMPDIR, so no copy of the
// old code lives in the tree; it needs a git checkout with that commit.
const PRE_ENVELOPE = '6f4db96^';
async function preEnvelopeScan() {
  const dir = path.join(dataDir, `pre-envelope-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  try {
    const tar = spawnSync('sh', ['-c', 'git -C "$0" archive "$1" src | tar -x -C "$2"', root, PRE_ENVELOPE, dir]);
    if (tar.status !== 0) return undefined;
    const esbuild = await import('esbuild');
    const out = path.join(dir, 'old.cjs');
    await esbuild.build({
      stdin: { contents: "export { scanLine, newScanState } from './src/formats'; export { DocumentModel } from './src/server/model';", resolveDir: dir, loader: 'ts' },
      bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'warning',
    });
    return require(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchScan() {
  const old = await preEnvelopeScan();
  if (!old) {
    console.log(`# scan A/B skipped: ${PRE_ENVELOPE} is not in this checkout's history`);
    return;
  }
  const { scanLine, newScanState } = await lib();
  const text = fs.readFileSync(mixedLog(64 * MiB).file, 'latin1');
  const lines = text.split('\n');
  // Kinds of line as the generator writes them, so a slow kind is not hidden by the average.
  const kind = (l) => (l.charCodeAt(0) === 0x5b ? 'dmesg' : /^\d\d:\d\d:\d\d\.\d{3}\t/.test(l) ? 'HyperPlatform' : /^ +\S.*-\d+ +\[\d+\]/.test(l) ? 'trace-cmd' : 'other');
  const groups = { all: lines };
  for (const l of lines) (groups[kind(l)] ??= []).push(l);
  const runs = runsArg ?? 7;
  const pass = (fn, st, ls) => {
    const state = st();
    let n = 0;
    const t0 = performance.now();
    for (let i = 0; i < ls.length; i++) if (fn(ls[i], i, state)) n++;
    return { ms: performance.now() - t0, n };
  };
  for (const [name, ls] of Object.entries(groups)) {
    const a = [];
    const b = [];
    let na;
    let nb;
    for (let i = 0; i < runs; i++) {
      // Interleaved, best of N: the machine is shared.
      const x = pass(old.scanLine, old.newScanState, ls);
      const y = pass(scanLine, newScanState, ls);
      a.push(x.ms);
      b.push(y.ms);
      na = x.n;
      nb = y.n;
    }
    const best = (xs) => Math.min(...xs);
    const r = best(b) / best(a);
    figure(`scan.envelope ${name}`, {
      value: best(b), baseline: best(a), baselineName: 'pre-envelope', ratio: r,
      target: 'not slower (<= 1.05x)', met: r <= 1.05,
      note: `${ls.length.toLocaleString('en-US')} lines, best of ${runs}; records ${nb} (pre-envelope ${na})`,
    });
  }
  // The streaming path the CLI and Plan Log File use: bytes in, records out. The prefiltered scan
  // (formats/candidates.ts) against the pre-envelope scan of every line, both through today's
  // forEachLine on the same bytes in memory, and against today's scan of every line.
  const { forEachLine, scanStream } = await lib();
  const bytes = Buffer.from(text, 'latin1');
  const chunks = async function* () {
    for (let at = 0; at < bytes.length; at += MiB) yield bytes.subarray(at, at + MiB);
  };
  const oldStream = async () => {
    const state = old.newScanState();
    let n = 0;
    const t0 = performance.now();
    await forEachLine(chunks(), (t, i) => { if (old.scanLine(t, i, state)) n++; });
    return { ms: performance.now() - t0, n };
  };
  const newStream = async (everyLine) => {
    let n = 0;
    const t0 = performance.now();
    await scanStream(chunks(), { onRecord: () => n++, everyLine });
    return { ms: performance.now() - t0, n };
  };
  const o = [];
  const f = [];
  const p = [];
  let counts;
  for (let i = 0; i < runs; i++) {
    const x = await oldStream();
    const y = await newStream(true);
    const z = await newStream(false);
    o.push(x.ms);
    f.push(y.ms);
    p.push(z.ms);
    counts = `records ${z.n} (every line ${y.n}, pre-envelope ${x.n})`;
  }
  const best = (xs) => Math.min(...xs);
  figure('scan.stream prefiltered', {
    value: best(p), baseline: best(o), baselineName: 'pre-envelope', ratio: best(p) / best(o),
    target: 'not slower (<= 1.05x)', met: best(p) / best(o) <= 1.05,
    note: `64 MiB in memory, best of ${runs}; every line with the envelope ${fmtMs(best(f))}; ${counts}`,
  });
  // The editor's model as the server opens a document: the text kept once, then scanned in slices
  // by scanAll (prefiltered in scanSome), against the pre-envelope scan of the same lines.
  // The baseline is the pre-envelope DocumentModel doing the same (its line store, snapshots and
  // yields included); the bare pre-envelope per-line pass over pre-split lines is in the note.
  const { DocumentModel } = await lib();
  const modelScan = async (Model, ...extra) => {
    const t0 = performance.now();
    const m = new Model('file:///bench.log', 1, text, false, ...extra);
    await m.scanAll();
    return { ms: performance.now() - t0, n: m.maps().records.length };
  };
  const om = [];
  const old2 = [];
  const mp = [];
  const me = [];
  let mcounts;
  for (let i = 0; i < runs; i++) {
    const w = await modelScan(old.DocumentModel);
    const x = pass(old.scanLine, old.newScanState, lines);
    const y = await modelScan(DocumentModel, false);
    const z = await modelScan(DocumentModel, true);
    om.push(w.ms);
    old2.push(x.ms);
    mp.push(y.ms);
    me.push(z.ms);
    mcounts = `records ${y.n} (every line ${z.n}, pre-envelope model ${w.n})`;
  }
  figure('scan.model prefiltered', {
    value: best(mp), baseline: best(om), baselineName: 'pre-envelope model', ratio: best(mp) / best(om),
    target: 'not slower (<= 1.05x)', met: best(mp) / best(om) <= 1.05,
    note: `DocumentModel + scanAll over the same ${lines.length.toLocaleString('en-US')} lines, best of ${runs}; every line ${fmtMs(best(me))}; ` +
      `the bare pre-envelope per-line pass over pre-split lines ${fmtMs(best(old2))} (${(best(mp) / best(old2)).toFixed(2)}x); ${mcounts}`,
  });
}

/**
 * What the reader waits for: the report page of 16k ranges loaded in Chromium (parsed, its script
 * run, laid out), against the page of 1.6k. Skipped without Debian's Chromium.
 */
async function reportInBrowser(small, large, runs) {
  const exe = process.env.EPT_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(exe)) {
    console.log(`# report page load skipped: no ${exe}`);
    return;
  }
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const load = async (html) => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const t0 = performance.now();
      await page.setContent(html, { waitUntil: 'load' });
      // One frame after load: the first layout of what the page built.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      const ms = performance.now() - t0;
      await page.close();
      return ms;
    };
    const a = [];
    const b = [];
    for (let i = 0; i < runs; i++) {
      a.push(await load(small));
      b.push(await load(large));
    }
    const v = median(b);
    figure('report.16k page ready in Chromium', { value: v, baseline: median(a), baselineName: 'the 1.6k page', ratio: v / median(a), target: '< 1 s', met: v < 1000, note: `load event and a frame, ${(large.length / 1e6).toFixed(1)} MB of HTML; the span tables add rows as the reader scrolls` });
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- 9. Report and server at scale (issue 13)
// Over LSP against `node dist/server.js --stdio`, as the editor drives it: the report of 16k RAM
// ranges, a 16 MiB document of 300k ranges (hover while it scans, a keystroke), 10k boots, and RSS
// of a 50 MB document. Baselines are an empty round trip and the same request at 1/10 the size.
async function startServer() {
  const { StreamMessageReader, StreamMessageWriter, createProtocolConnection } = require('vscode-languageserver-protocol/node');
  const proc = await spawnServer();
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const diagnostics = new Map(); // uri -> resolvers waiting for its next publishDiagnostics
  conn.onRequest(() => null);
  conn.onNotification((method, params) => {
    if (method !== 'textDocument/publishDiagnostics') return;
    const waiting = diagnostics.get(params.uri);
    if (waiting) { diagnostics.delete(params.uri); for (const w of waiting) w(params); }
  });
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: {} });
  conn.sendNotification('initialized', {});
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///empty.eptlog', languageId: 'ept-log', version: 1, text: '' } });
  const empty = () => conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///empty.eptlog' }, position: { line: 0, character: 0 } });
  const rt = [];
  for (let i = 0; i < 30; i++) { const t0 = performance.now(); await empty(); rt.push(performance.now() - t0); }
  return {
    conn, proc, roundTrip: median(rt), empty,
    nextDiagnostics: (uri) => new Promise((r) => { const l = diagnostics.get(uri) ?? []; l.push(r); diagnostics.set(uri, l); }),
    open: (uri, text) => conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ept-log', version: 1, text } }),
    close: (uri) => conn.sendNotification('textDocument/didClose', { textDocument: { uri } }),
    hover: (uri, line, character) => conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }),
    hints: (uri, from, to) => conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: from, character: 0 }, end: { line: to, character: 0 } } }),
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]) * 1024,
    async stop() {
      await conn.sendRequest('shutdown').catch(() => {});
      conn.sendNotification('exit');
      await new Promise((r) => { proc.once('exit', r); setTimeout(r, 5000); });
      conn.dispose();
      proc.kill();
    },
  };
}

/**
 * A dmesg e820 map of n usable ranges (4 KiB to a few MiB, gaps between), one line each, in address
 * order; without printk timestamps (printk.time=0) 300k ranges are 17.7 MiB, near the issue's 16.9.
 */
function e820Lines(n, stamp = '') {
  const lines = [`${stamp}BIOS-provided physical RAM map:`];
  const hex = (x) => `0x${x.toString(16).padStart(16, '0')}`;
  for (const r of [...fragmentedRam(n)].sort((a, b) => a.start - b.start)) lines.push(`${stamp}BIOS-e820: [mem ${hex(r.start)}-${hex(r.end - 1)}] usable`);
  return lines;
}

async function benchScale() {
  const runs = runsArg ?? 3;
  const s = await startServer();
  try {
    // Report: 1.6k and 16k RAM ranges, each through eptLens/report (plan, 11 policies, HTML).
    const report = {};
    let html16k = '';
    let html1600 = '';
    for (const n of [1600, 16000]) {
      const uri = `file:///report-${n}.dmesg`;
      s.open(uri, e820Lines(n, '[    0.000000] ').join('\n') + '\n');
      await s.hints(uri, 0, 50);
      const times = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = await s.conn.sendRequest('eptLens/report', { uri, nonce: 'abcdefghijklmnop1234', cspSource: 'vscode-webview://bench' });
        times.push(performance.now() - t0);
        if (n === 16000) html16k = r.html;
        else html1600 = r.html;
      }
      report[n] = median(times);
      s.close(uri);
    }
    const groups = (html16k.match(/class="seg group"/g) ?? []).length;
    const grouped = /are drawn in groups<\/li>/.test(html16k);
    figure('report.16k RAM ranges', { value: report[16000], baseline: s.roundTrip, baselineName: 'empty round trip', target: '< 1 s', met: report[16000] < 1000, note: `eptLens/report over LSP; address map ${grouped ? `grouped (${groups} groups)` : 'NOT grouped'}; ${(html16k.length / 1e6).toFixed(1)} MB of HTML` });
    const g = report[16000] / report[1600];
    figure('growth.report (1.6k -> 16k ranges)', { value: report[16000], baseline: report[1600], baselineName: '1/10 the ranges', ratio: g, target: '~10x (< 15x)', met: g < 15, note: 'was quadratic: 16k took 173 s' });
    await reportInBrowser(html1600, html16k, runs);

    // 300k ranges, ~16 MiB: hover on line 10 right after didOpen (the scan is running), then
    // the time to the document's first diagnostics, then one-character edits on a range line.
    const big = e820Lines(300000);
    const bigText = big.join('\n') + '\n';
    const uri = 'file:///ranges-300k.dmesg';
    const diag = s.nextDiagnostics(uri);
    const t0 = performance.now();
    s.open(uri, bigText);
    // Baseline: an empty request right behind the didOpen waits for the 17 MiB message to be moved
    // and parsed; the hovers after it are what the scan costs a request.
    const e0 = performance.now();
    await s.empty();
    const afterOpen = performance.now() - e0;
    const early = [];
    for (let i = 0; i < 5; i++) {
      const h0 = performance.now();
      await s.hover(uri, 10 + i, 40);
      early.push(performance.now() - h0);
    }
    await diag;
    const toDiag = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 500));
    const rssOpen = s.rss();
    const hm = Math.max(...early);
    figure('server.300k ranges: hover while scanning', { value: hm, baseline: afterOpen, baselineName: 'empty request after didOpen', target: '< 50 ms', met: hm < 50, note: `worst of 5 right after didOpen of ${(bigText.length / MiB).toFixed(1)} MiB (${early.map(fmtMs).join(', ')}); first diagnostics after ${fmtMs(toDiag)}` });
    const line = Math.floor(big.length / 2);
    const text = big[line];
    const at = text.lastIndexOf(']') - 1; // last hex digit of the end address
    const keys = [];
    let version = 1;
    for (let i = 0; i < runs * 4; i++) {
      const ch = text[at] === 'f' ? (i % 2 ? 'f' : 'e') : (i % 2 ? text[at] : 'f');
      const k0 = performance.now();
      s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: { line, character: at }, end: { line, character: at + 1 } }, text: ch }] });
      await s.hints(uri, line - 30, line + 30);
      keys.push(performance.now() - k0);
    }
    const km = median(keys);
    figure('server.300k ranges: keystroke -> hints', { value: km, baseline: s.roundTrip, baselineName: 'empty round trip', target: '< 50 ms', met: km < 50, note: `median of ${keys.length}, worst ${fmtMs(Math.max(...keys))}; one digit of an end address on line ${line}` });
    // The diagnostics of the whole document run 200 ms after the last keystroke: hovers sent
    // back to back from then until they are published wait at most one of their steps.
    const during = [];
    for (let i = 0; i < runs; i++) {
      const ch = i % 2 ? text[at] : text[at] === 'f' ? 'e' : 'f';
      const published = s.nextDiagnostics(uri);
      let done = false;
      void published.then(() => (done = true));
      s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: { line, character: at }, end: { line, character: at + 1 } }, text: ch }] });
      await new Promise((r) => setTimeout(r, 190));
      for (let k = 0; !done && k < 200; k++) {
        const h0 = performance.now();
        await s.hover(uri, line + (k % 7), 40);
        during.push(performance.now() - h0);
      }
      await published;
    }
    const dw = Math.max(...during);
    figure('server.300k ranges: hover while diagnostics run', { value: dw, baseline: s.roundTrip, baselineName: 'empty round trip', target: '< 50 ms', met: dw < 50, note: `worst of ${during.length} hovers sent from 190 ms after a keystroke until its diagnostics came (median ${fmtMs(median(during))}); the diagnostics let requests through once 2 ms of work are done, at the end of a step` });
    await new Promise((r) => setTimeout(r, 500));
    figure('server.RSS (300k ranges)', { value: rssOpen, fmt: fmtMB, ratio: rssOpen / bigText.length, target: '(was 574 MB at 16.9 MiB)', note: `${(rssOpen / bigText.length).toFixed(1)}x the document after open; ${fmtMB(s.rss())} after the edits` });
    s.close(uri);
  } finally {
    await s.stop();
  }

  // 10k boots (2.3 MB): didOpen -> first diagnostics, on a fresh server; 1k boots as the baseline.
  const b = await startServer();
  try {
    const open = {};
    for (const n of [1000, 10000]) {
      const text = Array.from({ length: n }, (_, i) => boot(i)).join('\n') + '\n';
      const times = [];
      for (let i = 0; i < runs; i++) {
        const uri = `file:///boots-${n}-${i}.dmesg`;
        const diag = b.nextDiagnostics(uri);
        const t0 = performance.now();
        b.open(uri, text);
        await b.hints(uri, 0, 100);
        await diag;
        times.push(performance.now() - t0);
        b.close(uri);
      }
      open[n] = median(times);
    }
    figure('server.10k boots open', { value: open[10000], baseline: open[1000], baselineName: '1k boots', target: '< 1 s', met: open[10000] < 1000, note: 'didOpen -> first hints and diagnostics; was 44 s' });
  } finally {
    await b.stop();
  }

  // RSS with a 50 MB document (the mixed log, as benchServer uses), a fresh server.
  const m = await startServer();
  try {
    const bytes = 50_000_000;
    const text = fs.readFileSync(mixedLog(bytes).file, 'latin1').slice(0, bytes);
    const before = m.rss();
    const uri = 'file:///rss-50mb.eptlog';
    const diag = m.nextDiagnostics(uri);
    m.open(uri, text);
    await m.hints(uri, 0, 100);
    await diag;
    await new Promise((r) => setTimeout(r, 1000));
    const rss = m.rss();
    figure('server.RSS (50 MB document)', { value: rss, fmt: fmtMB, ratio: rss / bytes, target: '< 3.5x document', met: rss < 3.5 * bytes, note: `idle server ${fmtMB(before)}; after open, diagnostics and 1 s` });
  } finally {
    await m.stop();
  }
}

// ---------------------------------------------------------------- main
// Measure the current sources: rebuild the bundles first (about a second).
if (!args.includes('--no-build')) {
  const b = spawnSync(process.execPath, [path.join(root, 'build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) throw new Error('build failed');
}
for (const f of [CLI, SERVER]) if (!fs.existsSync(f)) throw new Error(`${f} missing: run npm run build first`);
const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? os.cpus()[0]?.model;
console.log(`# machine: ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; inputs in ${dataDir}`);
const t0 = performance.now();
if (want('cli')) await benchCli();
if (want('planner')) await benchPlanner();
if (want('server')) await benchServer();
if (want('web')) {
  const bytes = 10_000_000;
  await benchWebServer({ root, text: fs.readFileSync(mixedLog(bytes).file, 'latin1').slice(0, bytes), runs: runsArg ?? 3, median, figure });
}
if (want('tokenize')) await benchTokenize();
if (want('dimensions')) await benchDimensions();
if (want('scan')) await benchScan();
if (want('scale')) await benchScale();
console.log(`# done in ${fmtMs(performance.now() - t0)}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${results.filter((r) => r.met === false).length} target(s) not met`);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ machine: { cores: os.cpus().length, cpu, node: process.version }, results }, null, 2));
