// The web worker build (vscode.dev, github.dev, code-server's web extension host): the language
// server runs in this same worker, spoken to over a MessageChannel. code-server and VS Code Server
// refuse workers created by remotely served web extensions (microsoft/vscode#168942,
// coder/code-server#5869), and one worker is enough for a server that yields between chunks.
import { BaseLanguageClient, BrowserMessageReader, BrowserMessageWriter, type LanguageClientOptions, type MessageTransports } from 'vscode-languageclient/browser';
import { startBrowserServer } from '../server/browser';
import type { Transport } from './transport';

class InWorkerClient extends BaseLanguageClient {
  protected createMessageTransports(): Promise<MessageTransports> {
    // A fresh channel and server per start, so Restart Server really restarts.
    const channel = new MessageChannel();
    startBrowserServer(channel.port2);
    return Promise.resolve({ reader: new BrowserMessageReader(channel.port1), writer: new BrowserMessageWriter(channel.port1) });
  }
}

export const transport: Transport = {
  where: "the extension's web worker",
  createClient: (_context, options: LanguageClientOptions) => new InWorkerClient('eptLens', 'EPT Lens', options),
  serverReadsFiles: false,
  // A MessagePort clones a Uint8Array as it is.
  content: (bytes) => bytes,
  maxContentBytes: 256 * 2 ** 20,
};
