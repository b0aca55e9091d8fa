// How the extension reaches its language server on the desktop and in code-server's Node extension
// host: dist/server.js in its own Node process over IPC. The browser build swaps in
// transport.browser.ts (build.mjs resolves `*.browser.ts` beside a module first).
import type * as vscode from 'vscode';
import type { BaseLanguageClient, LanguageClientOptions } from 'vscode-languageclient';
import { LanguageClient, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SERVER_PROCESS } from './server-process';

export interface Transport {
  /** Where the server runs, for the output channel. */
  where: string;
  createClient(context: vscode.ExtensionContext, options: LanguageClientOptions): BaseLanguageClient;
  /** Whether the server streams file: URIs from disk itself (else the client sends the bytes). */
  serverReadsFiles: boolean;
  /** Bytes for PlanFileParams.content in the form this transport carries. */
  content(bytes: Uint8Array): Uint8Array | string;
  /** Largest file the client reads into memory for the server. */
  maxContentBytes: number;
}

export const transport: Transport = {
  where: 'a Node process (dist/server.js)',
  createClient(context, options) {
    const serverModule = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_PROCESS.execArgv, env: SERVER_PROCESS.env } },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', ...SERVER_PROCESS.execArgv, '--inspect=6011'], env: SERVER_PROCESS.env } },
    };
    // The id `eptLens` makes the client read `eptLens.trace.server`.
    return new LanguageClient('eptLens', 'EPT Lens', serverOptions, options);
  },
  serverReadsFiles: true,
  // JSON over IPC: base64, so a file from a virtual file system is bounded lower than in the browser.
  content: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  maxContentBytes: 64 * 2 ** 20,
};
