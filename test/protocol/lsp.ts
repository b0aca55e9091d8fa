// A small LSP client for the protocol tests: spawns the bundled server (`node dist/server.js
// --stdio`), speaks JSON-RPC with vscode-languageserver-protocol, answers the server's requests
// (workspace/configuration from a settings object, refresh requests, registrations) and records
// notifications so tests can wait for them.
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import {
  createMessageConnection,
  MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import {
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializeRequest,
  InitializeResult,
  InitializedNotification,
  InlayHint,
  InlayHintRequest,
  PublishDiagnosticsParams,
  PublishDiagnosticsNotification,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { ROOT } from '../support/fixtures';

export const SERVER = path.join(ROOT, 'dist', 'server.js');

export interface Client {
  conn: MessageConnection;
  init: InitializeResult;
  proc: ChildProcess;
  settings: Record<string, unknown>;
  refreshes: { inlayHint: number; codeLens: number };
  logs: string[];
  /** `$/progress` values by token. */
  progress: Map<string | number, { kind: string }[]>;
  stderr: string[];
  diagnostics: Map<string, PublishDiagnosticsParams>;
  /** Resolves with the next diagnostics for `uri` that satisfy `accept`. */
  waitDiagnostics(uri: string, accept?: (p: PublishDiagnosticsParams) => boolean, ms?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void;
  configure(settings: Record<string, unknown>): void;
  hints(uri: string, fromLine?: number, toLine?: number): Promise<InlayHint[]>;
  request<R>(method: string, params: unknown): Promise<R>;
  close(): Promise<void>;
}

export const label = (h: InlayHint): string => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));

export async function startServer(settings: Record<string, unknown> = {}, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Client> {
  const proc = spawn(process.execPath, [...nodeArgs, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stderr: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const c: Partial<Client> = { conn, proc, settings: { ...settings }, refreshes: { inlayHint: 0, codeLens: 0 }, logs: [], stderr, diagnostics: new Map(), progress: new Map() };
  const waiters: { uri: string; accept: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  conn.onRequest('workspace/configuration', (p: { items: { section?: string; scopeUri?: string }[] }) =>
    p.items.map((i) => (i.section === 'eptLens' ? c.settings : null)),
  );
  conn.onRequest('workspace/inlayHint/refresh', () => {
    c.refreshes!.inlayHint++;
    return null;
  });
  conn.onRequest('workspace/codeLens/refresh', () => {
    c.refreshes!.codeLens++;
    return null;
  });
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification('$/progress', (p: { token: string | number; value: { kind: string } }) => {
    const list = c.progress!.get(p.token) ?? [];
    list.push(p.value);
    c.progress!.set(p.token, list);
  });
  conn.onNotification('window/logMessage', (p: { message: string }) => {
    c.logs!.push(p.message);
  });
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    c.diagnostics!.set(p.uri, p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].uri === p.uri && waiters[i].accept(p)) {
        waiters[i].resolve(p);
        waiters.splice(i, 1);
      }
    }
  });
  conn.listen();
  c.init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        inlayHint: { refreshSupport: true },
        codeLens: { refreshSupport: true },
      },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        inlayHint: { resolveSupport: { properties: ['tooltip'] } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        publishDiagnostics: { versionSupport: true },
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
      },
      window: { workDoneProgress: true },
    },
  });
  await conn.sendNotification(InitializedNotification.type, {});
  const lineCounts = new Map<string, number>();
  Object.assign(c, {
    waitDiagnostics(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true, ms = 10_000) {
      const have = c.diagnostics!.get(uri);
      if (have && accept(have)) return Promise.resolve(have);
      return new Promise<PublishDiagnosticsParams>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${ms} ms; last: ${JSON.stringify(c.diagnostics!.get(uri)?.diagnostics.map((d) => `${d.range.start.line}: ${d.message}`))}`)), ms);
        waiters.push({ uri, accept, resolve: (p) => { clearTimeout(t); resolve(p); } });
      });
    },
    open(uri: string, text: string, version = 1) {
      lineCounts.set(uri, text.split(/\r\n|\r|\n/).length);
      void conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'ept-log', version, text } });
    },
    change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]) {
      c.diagnostics!.delete(uri);
      void conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    },
    configure(settings: Record<string, unknown>) {
      c.settings = { ...settings };
      void conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { eptLens: c.settings } });
    },
    hints(uri: string, fromLine = 0, toLine = 1_000_000) {
      return conn.sendRequest(InlayHintRequest.type, {
        textDocument: { uri },
        range: { start: { line: fromLine, character: 0 }, end: { line: toLine, character: 0 } },
      }).then((h) => h ?? []);
    },
    request<R>(method: string, params: unknown) {
      return conn.sendRequest(method, params) as Promise<R>;
    },
    async close() {
      try {
        await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        void conn.sendNotification('exit');
      } catch {
        /* already gone */
      }
      conn.dispose();
      await new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        const t = setTimeout(() => { proc.kill(); resolve(); }, 2000);
        proc.once('exit', () => { clearTimeout(t); resolve(); });
      });
    },
  });
  return c as Client;
}
