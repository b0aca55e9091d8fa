// The server's request boundary under hostile or broken clients: requests before initialize,
// malformed parameters (InvalidParams, never a TypeError), an edit that cannot be applied,
// Plan Log File on things that are not regular files, cancellation, and Markdown from the log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol';
import { fixture } from '../support/fixtures';
import { type Client, SERVER, startServer } from './lsp';

const INVALID_PARAMS = -32602;
const code = (want: number) => (e: { code?: number; message?: string }) => {
  assert.equal(e.code, want, `code ${e.code}: ${e.message}`);
  assert.doesNotMatch(e.message ?? '', /TypeError|Cannot read prop|undefined is not/);
  return true;
};

test('requests before initialize get ServerNotInitialized (-32002)', async () => {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.listen();
  try {
    await assert.rejects(conn.sendRequest('eptLens/decode', { what: 'qualification', value: '0x181' }), code(-32002));
    await assert.rejects(conn.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///x' }, position: { line: 0, character: 0 } }), code(-32002));
  } finally {
    conn.dispose();
    proc.kill();
  }
});

describe('a running server', () => {
  let c: Client;
  const URI = 'file:///hostile/laptop.log';
  const laptop = fixture('hyperplatform-laptop-8gb.log').split('\n');
  /** On the start address of line 3's range. */
  const onAddress = { line: 3, character: laptop[3].indexOf('Range: ') + 10 };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-hostile-'));

  before(async () => {
    c = await startServer();
    c.open(URI, fixture('hyperplatform-laptop-8gb.log'));
    await c.waitDiagnostics(URI);
  });
  after(async () => {
    await c.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('malformed parameters: InvalidParams with a message, for every kind of request', async () => {
    const td = { uri: URI };
    const cases: [string, unknown][] = [
      ['textDocument/hover', null],
      ['textDocument/hover', { textDocument: td }],
      ['textDocument/hover', { textDocument: td, position: { line: -1, character: 0 } }],
      ['textDocument/hover', { textDocument: { uri: 42 }, position: { line: 0, character: 0 } }],
      ['textDocument/inlayHint', { textDocument: td }],
      ['textDocument/inlayHint', { textDocument: td, range: { start: { line: 0 }, end: { line: 1, character: 0 } } }],
      ['textDocument/codeLens', {}],
      ['textDocument/documentSymbol', { textDocument: 'x' }],
      ['textDocument/foldingRange', []],
      ['textDocument/codeAction', { textDocument: td, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: {} }],
      ['inlayHint/resolve', 'x'],
      ['eptLens/export', { uri: URI, format: 'pdf' }],
      ['eptLens/export', { uri: URI, format: 'md', map: 7 }],
      ['eptLens/export', { uri: URI, format: 'json', line: 1.5 }],
      ['eptLens/plan', { uri: URI, format: 'csv' }],
      ['eptLens/report', { uri: URI, nonce: 'short', cspSource: 'x' }],
      ['eptLens/summary', { uri: 7 }],
      ['eptLens/findAddress', { uri: URI }],
      ['eptLens/decode', { what: 'nothing', value: '1' }],
      ['eptLens/decode', { what: 'entry', value: '1', level: 9 }],
      ['eptLens/planFile', { uri: 5 }],
      ['eptLens/planFile', { uri: 'relative/path.log' }],
    ];
    for (const [method, params] of cases) {
      await assert.rejects(c.conn.sendRequest(method, params), code(INVALID_PARAMS), `${method} ${JSON.stringify(params)}`);
    }
    // The server still answers well-formed requests.
    const h = await c.conn.sendRequest(HoverRequest.type, { textDocument: td, position: onAddress });
    assert.ok(h);
  });

  test('malformed notifications are ignored and logged: an open document keeps answering, nothing crashes', async () => {
    const td = { uri: URI };
    const notes: [string, unknown][] = [
      ['textDocument/didOpen', null],
      ['textDocument/didOpen', { textDocument: { uri: URI, version: 9 } }],
      ['textDocument/didOpen', { textDocument: { uri: URI, version: 'x', text: '' } }],
      ['textDocument/didClose', null],
      ['textDocument/didClose', { textDocument: { uri: 7 } }],
      // (A didChange that names the document but cannot be applied puts it out of sync: the next test.)
      ['textDocument/didChange', null],
    ];
    for (const [method, params] of notes) c.conn.sendNotification(method, params);
    // The didOpen without a text must not have replaced (or closed) the open document.
    const h = await c.conn.sendRequest(HoverRequest.type, { textDocument: td, position: onAddress });
    assert.match((h as { contents: MarkupContent }).contents.value, /RAM/);
    assert.equal((await c.hints(URI)).length, 10);
  });

  test('an edit that cannot be applied: the server says so and answers nothing from stale text until a full replacement', async () => {
    const uri = 'file:///hostile/edit.log';
    const text = fixture('hyperplatform-laptop-8gb.log');
    c.open(uri, text);
    await c.waitDiagnostics(uri);
    c.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'ok\n' }, { range: { start: { line: 'x' } }, text: 'bad' } as never]);
    const d = await c.waitDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'out-of-sync'));
    assert.match(d.diagnostics[0].message as string, /could not be applied.*reopen/);
    await assert.rejects(c.hints(uri), code(-32801));
    c.change(uri, 3, [{ text }]);
    const back = await c.waitDiagnostics(uri, (p) => p.version === 3);
    assert.ok(!back.diagnostics.some((x) => x.code === 'out-of-sync'));
    assert.equal((await c.hints(uri)).length, 10);
  });

  test('Plan Log File: regular files only, with a clear error for FIFOs, devices and directories', async () => {
    const fifo = path.join(tmp, 'no-writer.fifo');
    const mk = spawnSync('mkfifo', [fifo]);
    const targets: [string, RegExp][] = [[tmp, /is a directory/], ['/dev/zero', /is a device/]];
    if (mk.status === 0) targets.push([fifo, /is a FIFO/]);
    for (const [p, why] of targets) {
      await assert.rejects(c.request('eptLens/planFile', { uri: pathToFileURL(p).href }), (e: { code?: number; message: string }) => {
        assert.equal(e.code, INVALID_PARAMS);
        assert.match(e.message, why);
        return true;
      });
    }
    // After all that, Plan Log File still works (no thread-pool thread is stuck in open()).
    const ok = path.join(tmp, 'ok.log');
    fs.writeFileSync(ok, fixture('hyperplatform-laptop-8gb.log'));
    const r = await c.request<{ markdown: string }>('eptLens/planFile', { uri: pathToFileURL(ok).href });
    assert.match(r.markdown, /\| 373 \|/);
  });

  test('Plan Log File on a /proc/iomem read without root refuses, like the CLI', async () => {
    const p = path.join(tmp, 'noroot.iomem');
    fs.writeFileSync(p, '00000000-00000000 : reserved\n00000000-00000000 : System RAM\n00000000-00000000 : PCI Bus 0000:00\n');
    const r = await c.request<{ markdown: string }>('eptLens/planFile', { uri: pathToFileURL(p).href });
    assert.match(r.markdown, /Not planned: every \/proc\/iomem address is zero/);
    assert.doesNotMatch(r.markdown, /1G|\| RAM \|/);
  });

  test('Plan Log File is cancellable, and other requests are answered while it reads', async () => {
    const big = path.join(tmp, 'big.log');
    const block = 'noise line that is not a memory map record, padded to some length ..........\n'.repeat(10_000);
    fs.writeFileSync(big, block.repeat(40));
    const src = new CancellationTokenSource();
    const pending = c.conn.sendRequest('eptLens/planFile', { uri: pathToFileURL(big).href }, src.token);
    const h = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: onAddress });
    assert.ok(h, 'hover answered while Plan Log File runs');
    src.cancel();
    await assert.rejects(pending, code(-32800));
  });

  test('hover shows Markdown from the log as plain text: no image, no link', async () => {
    const uri = 'file:///hostile/md.dmesg';
    const text = fs.readFileSync(path.join(process.env.EPT_LENS_ROOT ?? process.cwd(), 'test', 'fixtures', 'bad', 'markdown-type-name.dmesg'), 'utf8');
    c.open(uri, text);
    await c.waitDiagnostics(uri);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('!['));
    const h = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: lines[line].indexOf('!') + 1 } });
    const md = (h!.contents as MarkupContent).value;
    assert.match(md, /\\!\\\[x\\\]\\\(https\\:\\\/\\\//, md);
    assert.doesNotMatch(md, /(^|[^\\])[!\]]\(|(^|[^\\])\]|https:\/\//, 'no image, link or bare URL survives');
  });
});
