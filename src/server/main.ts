// The EPT Lens language server: a thin adapter between LSP and the pure feature functions.
// Transport from the command line (`--stdio`, `--node-ipc`, `--socket=N`), incremental sync, one
// model per open document, settings per document via workspace/configuration, every request
// guarded so an exception answers that request with an error and nothing else.
import {
  CancellationToken,
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  ErrorCodes,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  WorkDoneProgress,
  createConnection,
} from 'vscode-languageserver/node';
import { Analysis } from './analysis';
import { CommandError, decode, findAddress, planText, summary } from './commands';
import { computeDiagnostics } from './diagnostics';
import { HintData, hintTooltip, inlayHints } from './hints';
import { hover } from './hover';
import { DocumentModel } from './model';
import { codeActions, codeLenses, documentSymbols, foldingRanges } from './outline';
import { Cancelled, planFile } from './planfile';
import {
  DecodeParams, FindAddressParams, PlanFileParams, PlanParams, Requests, SummaryParams,
} from './protocol';
import { RawSettings, Settings, resolveSettings } from './settings';
import { analysisReportSource, registerReportRequests } from './report/requests';

const connection = createConnection(ProposedFeatures.all);

interface DocState {
  model: DocumentModel;
  analysis: Analysis;
  closed: boolean;
  scanning?: Promise<void>;
  diagTimer?: NodeJS.Timeout;
  /** Set when a request was answered from a partly scanned document: refresh when the scan ends. */
  answeredPartly?: boolean;
}

const docs = new Map<string, DocState>();
const settingsCache = new Map<string, Promise<Settings>>();
let pushedSettings: RawSettings | undefined;
let caps = { configuration: false, inlayRefresh: false, lensRefresh: false, configRegistration: false };

const DIAGNOSTICS_DELAY = 200;
/** Documents at least this big trigger a full GC once scanned, when the runtime allows it. */
const GC_AFTER_BYTES = 8 * 2 ** 20;
let lastGc = 0;

/**
 * Opening a big document leaves the transport's buffers and the parsed message as garbage several
 * times the document's size; V8 keeps that heap (and the RSS) until a full GC. The client starts
 * the server with --expose-gc so it can collect right after the scan; elsewhere this is a no-op.
 */
function collectGarbage(bytes: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc || bytes < GC_AFTER_BYTES || Date.now() - lastGc < 5000) return;
  setImmediate(() => {
    const t0 = Date.now();
    lastGc = t0;
    gc();
    log(`full GC after a ${(bytes / 2 ** 20).toFixed(0)} MiB document: ${Date.now() - t0} ms, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  });
}

// The client's log channel stamps every line; a second timestamp here would only be noise.
function log(message: string): void {
  connection.console.log(message);
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack}` : ''}` : String(e);
}

/** Runs a request handler; an exception becomes an LSP error for this request only. */
function guard<P, R>(name: string, fn: (params: P, token: CancellationToken) => Promise<R> | R) {
  return async (params: P, token: CancellationToken): Promise<R | ResponseError<void>> => {
    try {
      const result = await fn(params, token);
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
      return result;
    } catch (e) {
      if (e instanceof ResponseError) return e;
      if (e instanceof Cancelled) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
      if (e instanceof CommandError) return new ResponseError(ErrorCodes.InvalidParams, e.message);
      connection.console.error(`${name} failed: ${errorText(e)}`);
      return new ResponseError(LSPErrorCodes.RequestFailed, `EPT Lens: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

function getSettings(uri: string): Promise<Settings> {
  let s = settingsCache.get(uri);
  if (!s) {
    s = (async () => {
      if (!caps.configuration) return resolveSettings(pushedSettings);
      try {
        const raw = (await connection.workspace.getConfiguration({ scopeUri: uri, section: 'eptLens' })) as RawSettings | null;
        return resolveSettings(raw);
      } catch (e) {
        log(`workspace/configuration failed, using defaults: ${errorText(e)}`);
        return resolveSettings(undefined);
      }
    })();
    settingsCache.set(uri, s);
  }
  return s;
}

/** The document's state once it is fully scanned (large documents are scanned in chunks). */
async function ready(uri: string): Promise<DocState> {
  const st = docs.get(uri);
  if (!st) throw new ResponseError(ErrorCodes.InvalidParams, `document not open: ${uri}`);
  // Loop: an edit that replaces the whole text while we wait starts a new scan.
  while (!st.model.complete) {
    if (st.closed) throw new ResponseError(LSPErrorCodes.ContentModified, `document closed: ${uri}`);
    st.scanning ??= scanInBackground(st);
    await st.scanning;
  }
  return st;
}

async function scanInBackground(st: DocState): Promise<void> {
  const t0 = Date.now();
  try {
    await st.model.scanAll(() => st.closed);
  } finally {
    st.scanning = undefined;
  }
  if (st.closed) return;
  log(`${st.model.uri}: ${st.model.lineCount} lines scanned in the background in ${Date.now() - t0} ms`);
  collectGarbage(st.model.byteSize);
  if (st.answeredPartly) {
    st.answeredPartly = false;
    refreshViews();
  }
}

function scheduleDiagnostics(st: DocState, delay = DIAGNOSTICS_DELAY): void {
  if (st.diagTimer) clearTimeout(st.diagTimer);
  st.diagTimer = setTimeout(() => {
    st.diagTimer = undefined;
    void publishDiagnostics(st);
  }, delay);
}

async function publishDiagnostics(st: DocState): Promise<void> {
  const uri = st.model.uri;
  try {
    await ready(uri);
    if (st.closed) return;
    const version = st.model.version;
    const settings = await getSettings(uri);
    if (st.closed || st.model.version !== version) return;
    const t0 = Date.now();
    const diagnostics = computeDiagnostics(st.analysis, settings);
    await connection.sendDiagnostics({ uri, version, diagnostics });
    await connection.sendNotification('eptLens/planChanged', { uri, version });
    const ms = Date.now() - t0;
    if (ms > 100) log(`diagnostics for ${uri}: ${diagnostics.length} in ${ms} ms`);
  } catch (e) {
    connection.console.error(`diagnostics for ${uri} failed: ${errorText(e)}`);
  }
}

function refreshViews(): void {
  if (caps.inlayRefresh) connection.languages.inlayHint.refresh().catch((e) => log(`inlay hint refresh: ${errorText(e)}`));
  if (caps.lensRefresh) connection.sendRequest(CodeLensRefreshRequest.type).catch((e) => log(`code lens refresh: ${errorText(e)}`));
}

function refreshAll(): void {
  refreshViews();
  for (const st of docs.values()) scheduleDiagnostics(st, 0);
}

connection.onInitialize((params) => {
  const c = params.capabilities;
  caps = {
    configuration: !!c.workspace?.configuration,
    inlayRefresh: !!c.workspace?.inlayHint?.refreshSupport,
    lensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    configRegistration: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
  };
  pushedSettings = (params.initializationOptions as { settings?: RawSettings } | undefined)?.settings;
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

connection.onInitialized(() => {
  if (caps.configRegistration) {
    connection.client.register(DidChangeConfigurationNotification.type, { section: 'eptLens' }).catch((e) => log(`register: ${errorText(e)}`));
  }
});

connection.onDidChangeConfiguration((params) => {
  const pushed = (params.settings as { eptLens?: RawSettings } | null | undefined)?.eptLens;
  if (pushed) pushedSettings = pushed;
  settingsCache.clear();
  refreshAll();
});

connection.onDidOpenTextDocument((params) => {
  const { uri, version, text } = params.textDocument;
  const t0 = Date.now();
  const old = docs.get(uri);
  if (old) old.closed = true;
  const model = new DocumentModel(uri, version, text, false);
  const st: DocState = { model, analysis: new Analysis(model), closed: false };
  docs.set(uri, st);
  void getSettings(uri); // fetched while the document is scanned
  if (model.complete) collectGarbage(text.length);
  if (!model.complete) {
    log(`${uri}: ${(text.length / 2 ** 20).toFixed(1)} MiB, ${model.lineCount} lines split in ${Date.now() - t0} ms; scanning in the background`);
    void ready(uri).catch(() => undefined);
  }
  scheduleDiagnostics(st, 0);
});

connection.onDidChangeTextDocument((params) => {
  const st = docs.get(params.textDocument.uri);
  if (!st) return;
  try {
    st.model.applyChanges(params.contentChanges, params.textDocument.version);
  } catch (e) {
    connection.console.error(`applying an edit to ${params.textDocument.uri} failed, re-reading: ${errorText(e)}`);
  }
  scheduleDiagnostics(st);
});

connection.onDidCloseTextDocument((params) => {
  const uri = params.textDocument.uri;
  const st = docs.get(uri);
  if (st) {
    st.closed = true;
    if (st.diagTimer) clearTimeout(st.diagTimer);
  }
  docs.delete(uri);
  settingsCache.delete(uri);
  void connection.sendDiagnostics({ uri, diagnostics: [] });
});

connection.languages.inlayHint.on(
  guard('inlay hints', async (params, token) => {
    const uri = params.textDocument.uri;
    const st = docs.get(uri);
    if (!st) throw new ResponseError(ErrorCodes.InvalidParams, `document not open: ${uri}`);
    const settings = await getSettings(uri);
    if (!st.model.complete) {
      // Answer from the scanned part now (maps it can't change) and refresh when the scan ends.
      st.model.scanTo(Math.min(params.range.end.line, st.model.lineCount - 1));
      if (!st.model.complete) {
        st.answeredPartly = true;
        st.scanning ??= scanInBackground(st);
      }
    }
    return inlayHints(st.analysis, settings, params.range, () => token.isCancellationRequested);
  }),
);

connection.languages.inlayHint.resolve(
  guard('inlay hint resolve', async (hint) => {
    const data = hint.data as HintData | undefined;
    const st = data && docs.get(data.uri);
    if (!data || !st) return hint;
    await ready(data.uri);
    if (st.model.version !== data.version) return hint;
    const tooltip = hintTooltip(st.analysis, await getSettings(data.uri), data);
    return tooltip ? { ...hint, tooltip } : hint;
  }),
);

connection.onHover(
  guard('hover', async (params) => {
    const st = await ready(params.textDocument.uri);
    return hover(st.analysis, await getSettings(st.model.uri), params.position);
  }),
);

connection.onCodeLens(
  guard('code lens', async (params) => {
    const st = await ready(params.textDocument.uri);
    return codeLenses(st.analysis, await getSettings(st.model.uri));
  }),
);

connection.onDocumentSymbol(
  guard('document symbols', async (params) => {
    const st = await ready(params.textDocument.uri);
    return documentSymbols(st.analysis, await getSettings(st.model.uri));
  }),
);

connection.onFoldingRanges(
  guard('folding ranges', async (params) => {
    const st = await ready(params.textDocument.uri);
    return foldingRanges(st.analysis);
  }),
);

connection.onCodeAction(
  guard('code actions', (params) => codeActions(params.textDocument.uri, params.context.diagnostics)),
);

connection.onRequest(
  Requests.plan,
  guard('plan', async (params: PlanParams) => {
    const st = await ready(params.uri);
    return planText(st.analysis, await getSettings(params.uri), params);
  }),
);

connection.onRequest(
  Requests.summary,
  guard('summary', async (params: SummaryParams) => {
    const st = await ready(params.uri);
    return summary(st.analysis, await getSettings(params.uri));
  }),
);

connection.onRequest(
  Requests.findAddress,
  guard('go to address', async (params: FindAddressParams) => {
    const st = await ready(params.uri);
    return findAddress(st.analysis, await getSettings(params.uri), String(params.address ?? ''));
  }),
);

connection.onRequest(Requests.decode, guard('decode', (params: DecodeParams) => decode(params)));

// The plan report (eptLens/report, eptLens/export).
registerReportRequests(connection, analysisReportSource(async (uri) => {
  const st = await ready(uri);
  return { analysis: st.analysis, settings: await getSettings(uri) };
}), guard);

connection.onRequest(
  Requests.planFile,
  guard('plan log file', async (params: PlanFileParams, token) => {
    if (typeof params?.uri !== 'string') throw new CommandError('planFile needs a file uri or path');
    const settings = await getSettings(params.uri);
    const progressToken = params.workDoneToken;
    let lastReport = 0;
    const t0 = Date.now();
    if (progressToken !== undefined) {
      void connection.sendProgress(WorkDoneProgress.type, progressToken, { kind: 'begin', title: 'EPT Lens: planning', cancellable: true, percentage: 0 });
    }
    try {
      return await planFile(
        params.uri,
        settings,
        (bytes, total) => {
          const now = Date.now();
          if (progressToken === undefined || now - lastReport < 100) return;
          lastReport = now;
          const mbs = bytes / 2 ** 20 / Math.max(0.001, (now - t0) / 1000);
          const percentage = total ? Math.min(100, Math.round((bytes / total) * 100)) : undefined;
          void connection.sendProgress(WorkDoneProgress.type, progressToken, {
            kind: 'report',
            percentage,
            message: `${(bytes / 2 ** 20).toFixed(0)} of ${(total / 2 ** 20).toFixed(0)} MiB, ${mbs.toFixed(0)} MB/s`,
          });
        },
        () => token.isCancellationRequested,
      );
    } finally {
      if (progressToken !== undefined) void connection.sendProgress(WorkDoneProgress.type, progressToken, { kind: 'end' });
    }
  }),
);

if (process.env.EPT_LENS_SELFTEST === '1') {
  // Lets the protocol tests check that an exception in one request answers that request only.
  connection.onRequest(
    'eptLens/selfTest',
    guard('self test', (params: { throw?: boolean }) => {
      if (params?.throw) throw new Error('self test: deliberate exception');
      {
        const m = process.memoryUsage();
        return { ok: true, documents: docs.size, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
      }
    }),
  );
}

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${errorText(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${errorText(e)}`));

connection.listen();
