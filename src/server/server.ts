// The EPT Lens language server: a thin adapter between LSP and the pure feature functions, on any
// connection (main.ts: Node, over --stdio/--node-ipc/--socket; browser.ts: a MessagePort in the
// extension's web worker). Incremental sync, one model per open document (lifecycle.ts), every
// request through the one guard (guard.ts).
import { CodeActionKind, type Connection, InlayHintRequest, TextDocumentSyncKind, WorkDoneProgress } from 'vscode-languageserver';
import {
  ChooseMapRequest, DecodeRequest, ExportRequest, FindAddressRequest, MapListRequest, PairMtrrRequest, PlanFileRequest, PlanRequest,
  ReportRequest, SummaryRequest,
} from '../protocol/requests';
import { codeActions } from './code-actions';
import { createGuard } from './guard';
import { HintData, hintTooltip, inlayHints } from './hints';
import { hover } from './hover';
import { codeLenses } from './lenses';
import { RequestError } from './errors';
import { Documents } from './lifecycle';
import * as P from './params';
import { type PageOptions, planChunks, slices, type Progress } from './planfile';
import { type DocContext, decode, exportSteps, findAddress, mapListSteps, readPairedMtrr, reportSteps, summary } from './requests';
import { runInSteps } from './yield';
import type { RawSettings } from './settings';
import { documentSymbols, foldingRanges } from './symbols';

/** What differs between the Node and the browser server. */
interface ServerHost {
  /** Streams a file the server can read itself (Node: file: URIs); absent where it can read none. */
  planFile?: (uri: string, settings: import('./settings').Settings, onProgress: Progress, isCancelled: () => boolean, page?: PageOptions) => Promise<import('../protocol/requests').PlanFileResult>;
  /** Extra requests (the Node host's self test). */
  extend?: (connection: Connection, guard: ReturnType<typeof createGuard>, documents: () => number) => void;
}

export function startServer(connection: Connection, host: ServerHost = {}): void {
  // The client's log channel stamps every line: a second timestamp here would only be noise.
  const log = (message: string): void => connection.console.log(message);
  const docs = new Documents(connection, log);
  let initialized = false;
  const guard = createGuard({ initialized: () => initialized, error: (m) => connection.console.error(m) });

  /** A fully scanned document with its settings. */
  async function context(uri: string): Promise<DocContext> {
    const st = await docs.ready(uri);
    return { analysis: st.analysis, settings: await docs.getSettings(uri), chosen: docs.chosenMap(uri) };
  }

  connection.onInitialize((params) => {
    const c = params.capabilities;
    docs.caps = {
      configuration: !!c.workspace?.configuration,
      inlayRefresh: !!c.workspace?.inlayHint?.refreshSupport,
      lensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    };
    docs.setPushedSettings((params.initializationOptions as { settings?: RawSettings } | undefined)?.settings);
    initialized = true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        inlayHintProvider: { resolveProvider: true },
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: { label: 'EPT Lens' },
        foldingRangeProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'EPT Lens', version: '0.1.0' },
    };
  });

  // Notifications before initialize are dropped (LSP: only `exit` is allowed then).
  connection.onDidChangeConfiguration((params) => {
    if (initialized) docs.settingsChanged(params?.settings);
  });
  /** A notification's params checked like a request's; malformed ones are said and ignored (there is no one to answer). */
  const checked = <T>(method: string, check: (raw: unknown) => T, raw: unknown): T | undefined => {
    try {
      return check(raw);
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      connection.console.error(`ignored a malformed ${method}: ${e.message}`);
      return undefined;
    }
  };
  connection.onDidOpenTextDocument((raw) => {
    const params = initialized ? checked('textDocument/didOpen', P.openParams, raw) : undefined;
    if (params) docs.open(params);
  });
  connection.onDidChangeTextDocument((params) => {
    if (initialized) docs.change(params);
  });
  connection.onDidCloseTextDocument((raw) => {
    const params = initialized ? checked('textDocument/didClose', P.documentParams, raw) : undefined;
    if (params) docs.close(params);
  });

  connection.onRequest(
    InlayHintRequest.type,
    guard('inlay hints', P.rangeParams, async (params, token) => {
      const uri = params.textDocument.uri;
      const st = docs.get(uri);
      const settings = await docs.getSettings(uri);
      if (!st.model.complete) {
        // Answer from the scanned part now (maps it can't change) and refresh when the scan ends.
        st.model.scanFor(params.range.end.line);
        docs.answeredPartly(st);
      }
      return inlayHints(st.analysis, settings, params.range, () => token.isCancellationRequested);
    }),
  );

  connection.languages.inlayHint.resolve(
    guard('inlay hint resolve', P.inlayHintParams, async (hint) => {
      const data = hint.data as HintData | undefined;
      if (!data || typeof data.uri !== 'string' || !Number.isInteger(data.line)) return hint;
      const { analysis, settings } = await context(data.uri);
      if (analysis.model.version !== data.version) return hint;
      const tooltip = hintTooltip(analysis, settings, data);
      return tooltip ? { ...hint, tooltip } : hint;
    }),
  );

  connection.onHover(
    guard('hover', P.positionParams, async (params) => {
      const uri = params.textDocument.uri;
      const st = docs.get(uri);
      if (!st.model.complete) {
        // Answer from what is known while the scan runs: scan up to the hovered line, and give
        // maps the scan can still change no plan rather than waiting for (and planning) all of it.
        const settings = await docs.getSettings(uri);
        if (!st.closed && !st.model.complete) {
          st.model.scanTo(Math.min(params.position.line, st.model.lineCount - 1));
          docs.answeredPartly(st);
          return hover(st.analysis.whileScanning(), settings, params.position);
        }
      }
      const { analysis, settings } = await context(uri);
      return hover(analysis, settings, params.position);
    }),
  );

  connection.onCodeLens(
    guard('code lens', P.documentParams, async (params) => {
      const { analysis, settings } = await context(params.textDocument.uri);
      return codeLenses(analysis, settings);
    }),
  );

  connection.onDocumentSymbol(
    guard('document symbols', P.documentParams, async (params) => {
      const { analysis, settings } = await context(params.textDocument.uri);
      return documentSymbols(analysis, settings);
    }),
  );

  connection.onFoldingRanges(
    guard('folding ranges', P.documentParams, async (params) => foldingRanges((await context(params.textDocument.uri)).analysis)),
  );

  connection.onCodeAction(guard('code actions', P.codeActionParams, (params) => codeActions(params.textDocument.uri, params.context.diagnostics)));

  // In steps: a report of a map of 300k ranges, or the plans of every map of 10k boots, take
  // seconds, and other requests go on meanwhile.
  connection.onRequest(ExportRequest, guard('export plan', P.exportParams, async (p) => runInSteps(exportSteps(await context(p.uri), p))));
  connection.onRequest(PlanRequest, guard('plan', P.planParams, async (p) => runInSteps(exportSteps(await context(p.uri), p))));
  connection.onRequest(ReportRequest, guard('plan report', P.reportParams, async (p) => runInSteps(reportSteps(await context(p.uri), p))));
  connection.onRequest(SummaryRequest, guard('summary', P.uriParams, async (p) => summary(await context(p.uri))));
  connection.onRequest(FindAddressRequest, guard('go to address', P.findAddressParams, async (p) => findAddress(await context(p.uri), p.address)));
  connection.onRequest(DecodeRequest, guard('decode', P.decodeParams, (p) => decode(p)));
  connection.onRequest(MapListRequest, guard('list maps', P.uriParams, async (p) => runInSteps(mapListSteps(await context(p.uri)))));
  connection.onRequest(
    ChooseMapRequest,
    guard('choose map', P.chooseMapParams, async (p) => {
      // A choice re-sent for a document not open (yet) is kept as it is; an open one is checked.
      if (!docs.has(p.uri)) {
        docs.chooseMap(p.uri, p.map);
        return null;
      }
      const ctx = await context(p.uri);
      const count = ctx.analysis.maps().length;
      if (p.map !== null && p.map >= count) throw new RequestError(`no map ${p.map} in this document (it has ${count})`);
      docs.chooseMap(p.uri, p.map);
      return summary({ ...ctx, chosen: p.map ?? undefined });
    }),
  );
  connection.onRequest(
    PairMtrrRequest,
    guard('pair MTRR file', P.pairMtrrParams, async (p) => {
      if (p.text === undefined) {
        docs.pairMtrr(p.uri, undefined);
        return { paired: false, problems: [] };
      }
      const { paired, result } = readPairedMtrr(p.name ?? 'the MTRR file', p.text, await docs.getSettings(p.uri));
      docs.pairMtrr(p.uri, paired);
      return result;
    }),
  );

  connection.onRequest(
    PlanFileRequest,
    guard('plan log file', P.planFileParams, async (params, token) => {
      const settings = await docs.getSettings(params.uri);
      const progressToken = params.workDoneToken;
      let lastReport = 0;
      if (progressToken !== undefined) {
        void connection.sendProgress(WorkDoneProgress.type, progressToken, { kind: 'begin', title: 'EPT Lens: planning', cancellable: true, percentage: 0 });
      }
      try {
        const onProgress: Progress = (step) => {
          const now = Date.now();
          // Throttled, but the last step always goes out: the bar ends at 100%.
          if (progressToken === undefined || (!step.final && now - lastReport < 100)) return;
          lastReport = now;
          void connection.sendProgress(WorkDoneProgress.type, progressToken, { kind: 'report', percentage: step.percentage, message: step.message });
        };
        const cancelled = (): boolean => token.isCancellationRequested;
        const page = params.nonce !== undefined && params.cspSource !== undefined ? { nonce: params.nonce, cspSource: params.cspSource } : undefined;
        // Bytes the client read through vscode.workspace.fs (the browser, virtual file systems), else the host's own reader.
        if (params.content) return await planChunks({ uri: params.uri, chunks: slices(params.content), total: params.content.length }, settings, onProgress, cancelled, page);
        if (!host.planFile) throw new RequestError(`this server can't read '${params.uri.slice(0, 100)}' itself: the client must send its content`);
        return await host.planFile(params.uri, settings, onProgress, cancelled, page);
      } finally {
        if (progressToken !== undefined) void connection.sendProgress(WorkDoneProgress.type, progressToken, { kind: 'end' });
      }
    }),
  );

  host.extend?.(connection, guard, () => docs.size);
  connection.listen();
}
