// The language server on Node (dist/server.js): the transport from the command line (`--stdio`,
// `--node-ipc`, `--socket=N`), Plan Log File streaming from disk, and process-wide error logging.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import * as P from './params';
import { errorText } from './guard';
import { planFile } from './planfile-node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);

startServer(connection, {
  planFile,
  extend: (conn, guard, documents) => {
    if (process.env.EPT_LENS_SELFTEST !== '1') return;
    // Lets the protocol tests check that an exception in one request answers that request only.
    conn.onRequest(
      'eptLens/selfTest',
      guard('self test', P.anyParams, (params) => {
        if ((params as { throw?: boolean } | null)?.throw) throw new Error('self test: deliberate exception');
        const m = process.memoryUsage();
        return { ok: true, documents: documents(), rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
      }),
    );
  },
});

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${errorText(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${errorText(e)}`));
