// The same server over --node-ipc, the transport the VS Code client uses (TransportKind.ipc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { IPCMessageReader, IPCMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { DidOpenTextDocumentNotification, InitializeRequest, InlayHintRequest } from 'vscode-languageserver-protocol';
import { fixture } from '../support/fixtures';
import { SERVER, label } from './lsp';

test('--node-ipc: initialize, didOpen, inlay hints, shutdown', { timeout: 30_000 }, async () => {
  const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: ['--expose-gc'] });
  const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ limit: '64G' })));
  conn.listen();
  try {
    const init = await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
    assert.deepEqual(init.capabilities.inlayHintProvider, { resolveProvider: true });
    const uri = 'file:///ipc/laptop.log';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ept-log', version: 1, text: fixture('hyperplatform-laptop-8gb.log') } });
    const hs = (await conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } })) ?? [];
    assert.equal(label(hs[3]), 'gap 388 KiB → 97×4K');
    assert.equal(label(hs[hs.length - 1]), 'tail 133×2M 54×1G', 'settings came from workspace/configuration');
    await conn.sendRequest('shutdown');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await conn.sendNotification('exit');
    assert.equal(await exited, 0);
  } finally {
    conn.dispose();
    if (child.exitCode === null) child.kill();
  }
});
