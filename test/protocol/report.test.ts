// The plan report's requests over real LSP: spawns the bundled server (node dist/server.js --stdio),
// opens the laptop log and asks eptLens/report and eptLens/export; edits and settings changes are
// followed; malformed params are refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import type { ExportResult, ReportResult } from '../../src/protocol/requests';

const ROOT = process.env.EPT_LENS_ROOT ?? process.cwd();
const SERVER = path.join(ROOT, 'dist', 'server.js');
const LOG = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'hyperplatform-laptop-8gb.log'), 'utf8');
const URI = 'file:///work/logs/hyperplatform-laptop-8gb.log';
const NONCE = 'cHJvdG9jb2xub25jZTEyMzQ1';
const CSP = 'https://*.vscode-cdn.net';

let proc: ChildProcess;
let conn: MessageConnection;
let version = 1;

const tile = (html: string, id: string): string | undefined => new RegExp(`data-tile="${id}">([^<]*)<`).exec(html)?.[1];
const report = () => conn.sendRequest<ReportResult>('eptLens/report', { uri: URI, nonce: NONCE, cspSource: CSP });

before(async () => {
  assert.ok(fs.existsSync(SERVER), `${SERVER} missing: run node build.mjs`);
  proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification(() => undefined);
  conn.onRequest(() => null);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { settings: {} } });
  await conn.sendNotification('initialized', {});
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'ept-log', version, text: LOG } });
});

after(async () => {
  try {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
  } catch {
    // already gone
  }
  conn?.dispose();
  proc?.kill();
});

test('eptLens/report: the full page with the plan of the laptop log', async () => {
  const r = await report();
  assert.equal(r.title, 'EPT Plan: hyperplatform-laptop-8gb.log');
  assert.match(r.html, /^<!DOCTYPE html>/);
  assert.ok(r.html.includes(`script-src 'nonce-${NONCE}'`));
  assert.equal(tile(r.html, 'gap-4k'), '373');
  assert.equal(tile(r.html, 'gap-2m'), '541');
  assert.equal(tile(r.html, 'gap-1g'), '503');
  assert.equal(tile(r.html, 'tables-pt'), '4,067');
  assert.equal((r.html.match(/<g class="seg /g) ?? []).length, 19);
  // The gap 0x9f000–0x100000 belongs to line 4 (0-based 3), where its hint is.
  assert.equal(JSON.parse(/<script type="application\/json" data-rows="gap">([^<]*)<\/script>/.exec(r.html)![1])[3][0], 3);
});

test('eptLens/export: every format, with a suggested file name', async () => {
  const c = await conn.sendRequest<ExportResult>('eptLens/export', { uri: URI, format: 'c' });
  assert.match(c.text, /#define EPT_PLAN_MMIO_LEAVES_4K 373ULL/);
  assert.equal(c.filename, 'hyperplatform-laptop-8gb.ept-plan.h');
  const json = await conn.sendRequest<ExportResult>('eptLens/export', { uri: URI, format: 'json', line: 3 });
  assert.deepEqual(JSON.parse(json.text).totals.mmio, { '4K': 373, '2M': 541, '1G': 503 });
  const csv = await conn.sendRequest<ExportResult>('eptLens/export', { uri: URI, format: 'csv', map: 0 });
  assert.equal(csv.text.trimEnd().split('\n').length, 20);
  const md = await conn.sendRequest<ExportResult>('eptLens/export', { uri: URI, format: 'md' });
  assert.match(md.text, /\| 4 \| line 4 \| `0x9f000` \| `0x100000` \| 388 KiB \| 97 \| 0 \| 0 \| UC \|/);
});

test('malformed params are refused with InvalidParams', async () => {
  const bad: [string, object][] = [
    ['eptLens/report', { uri: URI, nonce: 'short', cspSource: CSP }],
    ['eptLens/report', { uri: URI, nonce: NONCE, cspSource: "'unsafe-inline' *" }],
    ['eptLens/report', { uri: 42, nonce: NONCE, cspSource: CSP }],
    ['eptLens/report', { uri: URI, line: -1, nonce: NONCE, cspSource: CSP }],
    ['eptLens/export', { uri: URI, format: 'pdf' }],
    ['eptLens/export', { uri: URI, format: 'md', map: 7 }],
  ];
  for (const [method, params] of bad) {
    await assert.rejects(conn.sendRequest(method, params), (e: { code?: number }) => e.code === -32602, `${method} ${JSON.stringify(params)}`);
  }
});

test('the report follows edits and settings', async () => {
  // Delete line 4 (0x100000–0x102000): the gaps around it merge.
  const lines = LOG.split('\n');
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri: URI, version: ++version },
    contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, text: '' }],
  });
  const edited = await report();
  assert.equal((edited.html.match(/<g class="seg /g) ?? []).length, 17);
  assert.notEqual(tile(edited.html, 'gap-4k'), '373');
  // Put it back.
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri: URI, version: ++version },
    contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: lines[3] + '\n' }],
  });
  assert.equal(tile((await report()).html, 'gap-4k'), '373');
  // maxPage 2M: no 1G leaves.
  await conn.sendNotification('workspace/didChangeConfiguration', { settings: { eptLens: { maxPage: '2M' } } });
  const twoM = await report();
  assert.equal(tile(twoM.html, 'gap-1g'), '0');
  await conn.sendNotification('workspace/didChangeConfiguration', { settings: { eptLens: { maxPage: '1G' } } });
  assert.equal(tile((await report()).html, 'gap-1g'), '503');
});

test('a document without a memory map gets a message page, not an error', async () => {
  const uri = 'untitled:Untitled-1';
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ept-log', version: 1, text: 'nothing here\n' } });
  const r = await conn.sendRequest<ReportResult>('eptLens/report', { uri, nonce: NONCE, cspSource: CSP });
  assert.match(r.html, /No memory map in this document/);
  assert.doesNotMatch(r.html, /<script/);
  await assert.rejects(conn.sendRequest('eptLens/export', { uri, format: 'json' }), (e: { code?: number }) => e.code === -32602);
});

test('a dmesg that starts after boot: the report and the export say its boot lines are gone, as the CLI does', async () => {
  const uri = 'untitled:Untitled-2';
  const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'linuxhw-dell-r410-6.0-ring-buffer-wrapped.dmesg'), 'utf8');
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ept-log', version: 1, text } });
  const r = await conn.sendRequest<ReportResult>('eptLens/report', { uri, nonce: NONCE, cspSource: CSP });
  assert.match(r.html, /No memory map in this document: the log starts 21 days after boot \(line 2, \[1819496\.893649\]\)/);
  await assert.rejects(conn.sendRequest('eptLens/export', { uri, format: 'json' }), (e: { message?: string }) => /ring buffer dropped them/.test(e.message ?? ''));
});
