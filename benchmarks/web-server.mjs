// The language server as the browser build runs it (issue 16): in the extension's own worker,
// over a MessageChannel, against the Node server over stdio on the same document in the same run.
// Here both run under Node (the browser bundle is built for the browser: no Node built-ins), so
// the figure isolates the transport and the in-thread scheduling, not the JS engine.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { buildWebServerHarness } from '../build.mjs';

const require = createRequire(import.meta.url);

const inWorkerBundle = async (root) => require(await buildWebServerHarness(path.join(root, 'out', 'bench', 'web-server.js')));

/** The first line of `text` that holds a memory-map range: where hints and hovers are asked for. */
function firstRangeLine(text) {
  const at = text.search(/Physical Memory Range|BIOS-e820: \[mem/);
  if (at < 0) throw new Error('the benchmark document holds no memory-map range');
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** initialize, then times didOpen -> hints for the 100 lines from the first range and hovers on it, on `conn`. */
async function drive(conn, text, runs, median) {
  const first = firstRangeLine(text);
  conn.onRequest(() => null);
  conn.onNotification(() => undefined);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: {} });
  conn.sendNotification('initialized', {});
  const open = [];
  const hovers = [];
  for (let i = 0; i < runs; i++) {
    const uri = `file:///web-bench-${i}.eptlog`;
    const t0 = performance.now();
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ept-log', version: 1, text } });
    const h = await conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: first, character: 0 }, end: { line: first + 100, character: 0 } } });
    open.push(performance.now() - t0);
    if (!Array.isArray(h) || h.length === 0) throw new Error(`no inlay hints on lines ${first + 1}-${first + 101}`);
    for (let k = 0; k < 20; k++) {
      const t1 = performance.now();
      await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: first, character: 60 } });
      hovers.push(performance.now() - t1);
    }
    conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  return { open: median(open), hover: median(hovers) };
}

export async function benchWebServer({ root, text, runs, median, figure }) {
  const web = await inWorkerBundle(root);
  const channel = new MessageChannel();
  web.startBrowserServer(channel.port2);
  const inWorker = await drive(web.createProtocolConnection(new web.BrowserMessageReader(channel.port1), new web.BrowserMessageWriter(channel.port1)), text, runs, median);
  channel.port1.close();

  const { StreamMessageReader, StreamMessageWriter, createProtocolConnection } = require('vscode-languageserver-protocol/node');
  const proc = spawn(process.execPath, ['--expose-gc', path.join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const node = await drive(createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin)), text, runs, median);
  proc.kill();

  const mb = `${(text.length / 1e6).toFixed(0)} MB`;
  figure(`web server: open ${mb} -> hints`, { value: inWorker.open, baseline: node.open, baselineName: 'Node server (stdio)', target: '≤ 1.5× Node', met: inWorker.open <= 1.5 * node.open, note: 'MessageChannel in one thread' });
  figure('web server: hover', { value: inWorker.hover, baseline: node.hover, baselineName: 'Node server (stdio)', target: '< 2 ms', met: inWorker.hover < 2 });
}

// Alone: node benchmarks/web-server.mjs FILE (any ept-log document)
if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
  const text = fs.readFileSync(process.argv[2], 'latin1');
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const figure = (name, f) => console.log(name.padEnd(34), f.value.toFixed(2), 'ms vs', f.baselineName, f.baseline.toFixed(2), 'ms', f.met ? 'met' : 'NOT met');
  await benchWebServer({ root, text, runs: 3, median, figure });
}
