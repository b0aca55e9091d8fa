// The browser build's language server (src/server/browser.ts), bundled for the browser exactly as
// dist/web/extension.js bundles it, spoken to over a MessageChannel as the web client does: the
// web pass of the real-editor tests shows it on screen, this pins its answers without an editor.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { buildWebServerHarness, root } from '../../build.mjs';

const require = createRequire(import.meta.url);
const laptop = fs.readFileSync(path.join(root, 'test', 'fixtures', 'hyperplatform-laptop-8gb.log'), 'utf8');

test('the in-worker server answers over a MessageChannel: hints, hover, Plan Log File from bytes', async () => {
  const web = require(await buildWebServerHarness(path.join(root, 'out', 'test', 'web-server-harness.js')));
  const channel = new MessageChannel();
  web.startBrowserServer(channel.port2);
  const conn = web.createProtocolConnection(new web.BrowserMessageReader(channel.port1), new web.BrowserMessageWriter(channel.port1));
  conn.onRequest(() => null);
  conn.onNotification(() => undefined);
  conn.listen();
  try {
    const init = await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    assert.equal(init.serverInfo.name, 'EPT Lens');
    conn.sendNotification('initialized', {});
    const uri = 'vscode-vfs://github/tandasat/HyperPlatform/laptop.log';
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ept-log', version: 1, text: laptop } });
    const hints = await conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.ok(labels.some((l) => l.includes('97×4K')), `a 97×4K hint for the 0x9f000–0x100000 gap: ${labels.join(' | ')}`);
    const line = laptop.split(/\r?\n/).findIndex((l) => l.includes('0000000000100000 -'));
    const hover = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: laptop.split(/\r?\n/)[line].indexOf('0000000000100000') + 3 } });
    assert.match(JSON.stringify(hover), /PML4/);
    // The browser has no disk: the client sends the bytes (a Uint8Array clones as it is).
    const content = new TextEncoder().encode(laptop);
    const planned = await conn.sendRequest('eptLens/planFile', { uri, content });
    assert.match(planned.markdown, /\| Gaps \(MMIO\) \| 10 \| 504 GiB \| 373 \| 541 \| 503 \| 1,417 \|/);
    assert.equal(planned.bytes, content.length);
    // JSON transports (the Node server and a virtual file system) carry the bytes as base64.
    const viaBase64 = await conn.sendRequest('eptLens/planFile', { uri, content: Buffer.from(content).toString('base64') });
    assert.equal(viaBase64.markdown.replace(/in [\d.]+ s/, ''), planned.markdown.replace(/in [\d.]+ s/, ''));
    await assert.rejects(conn.sendRequest('eptLens/planFile', { uri, content: 42 }), /content must be bytes or a base64 string/);
    // Without bytes it says what is missing instead of reading a path it can't.
    await assert.rejects(conn.sendRequest('eptLens/planFile', { uri: 'file:///etc/hostname' }), /client must send its content/);
  } finally {
    conn.dispose();
    channel.port1.close();
  }
});
