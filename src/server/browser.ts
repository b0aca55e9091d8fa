// The language server in a web worker: the same server on a MessagePort. The extension runs it in
// its own worker (src/client/browser.ts), because code-server and VS Code Server refuse workers
// created by remotely served web extensions. It reads no files itself: Plan Log File gets the
// bytes from the client (vscode.workspace.fs).
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import type { MessagePort } from 'node:worker_threads';
import { startServer } from './server';

export function startBrowserServer(port: MessagePort): void {
  startServer(createConnection(new BrowserMessageReader(port), new BrowserMessageWriter(port)));
}
