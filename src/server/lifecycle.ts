// The life of open documents: open, change, close; the background scan of big documents; settings
// per document (one refresh path: workspace/didChangeConfiguration clears them, then each document
// asks workspace/configuration again); diagnostics scheduling and the planChanged notification.
import {
  CodeLensRefreshRequest, type Connection, type DidChangeTextDocumentParams, type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
} from 'vscode-languageserver';
import { Analysis, type PairedMtrr } from '../analysis';
import { PlanChangedNotification } from '../protocol/requests';
import { diagnosticSteps } from './diagnostics';
import { DocumentGone, RequestError } from './errors';
import { errorText } from './guard';
import { DocumentModel, type TextChange } from './model';
import { summary } from './requests';
import { type RawSettings, type Settings, resolveSettings } from './settings';
import { runInSteps } from './yield';

interface DocState {
  model: DocumentModel;
  analysis: Analysis<DocumentModel>;
  closed: boolean;
  scanning?: Promise<void>;
  diagTimer?: NodeJS.Timeout;
  /** Set when a request was answered from a partly scanned document: refresh when the scan ends. */
  answeredPartly?: boolean;
  /** Why the model no longer matches the client's text (an edit could not be applied). */
  outOfSync?: string;
}

interface ClientCaps {
  configuration: boolean;
  inlayRefresh: boolean;
  lensRefresh: boolean;
}

const DIAGNOSTICS_DELAY = 200;
/** Documents at least this big trigger a full GC once scanned, when the runtime allows it. */
const GC_AFTER_BYTES = 8 * 2 ** 20;

/** Checks an LSP content change list before any of it is applied: all of it applies, or none. */
function checkChanges(changes: unknown): TextChange[] {
  if (!Array.isArray(changes)) throw new RequestError('contentChanges must be an array');
  const pos = (p: unknown): boolean => {
    const o = p as { line?: unknown; character?: unknown } | null;
    return !!o && Number.isInteger(o.line) && (o.line as number) >= 0 && Number.isInteger(o.character) && (o.character as number) >= 0;
  };
  for (const [i, c] of changes.entries()) {
    if (typeof c !== 'object' || c === null || typeof c.text !== 'string') throw new RequestError(`change ${i} has no text`);
    if (c.range !== undefined && !(c.range && pos(c.range.start) && pos(c.range.end))) throw new RequestError(`change ${i} has a malformed range`);
  }
  return changes as TextChange[];
}

export class Documents {
  private readonly docs = new Map<string, DocState>();
  private readonly settings = new Map<string, Promise<Settings>>();
  /**
   * What the user chose per document URI (Choose Memory Map…, Use MTRRs from File…), kept across
   * close and reopen; the client remembers both too and re-sends them after a restart.
   */
  private readonly chosen = new Map<string, number>();
  private readonly paired = new Map<string, PairedMtrr>();
  private pushed: RawSettings | undefined;
  private lastGc = 0;
  caps: ClientCaps = { configuration: false, inlayRefresh: false, lensRefresh: false };

  constructor(private readonly connection: Connection, private readonly log: (message: string) => void) {}

  get size(): number {
    return this.docs.size;
  }

  /** Settings the client sent in initializationOptions (clients without workspace/configuration). */
  setPushedSettings(raw: RawSettings | undefined): void {
    this.pushed = raw;
  }

  getSettings(uri: string): Promise<Settings> {
    let s = this.settings.get(uri);
    if (!s) {
      s = (async () => {
        if (!this.caps.configuration) return resolveSettings(this.pushed);
        try {
          const raw = (await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'eptLens' })) as RawSettings | null;
          return resolveSettings(raw);
        } catch (e) {
          this.log(`workspace/configuration failed, using defaults: ${errorText(e)}`);
          return resolveSettings(undefined);
        }
      })();
      this.settings.set(uri, s);
    }
    return s;
  }

  /** workspace/didChangeConfiguration: the one way settings are refreshed. */
  settingsChanged(settings: unknown): void {
    const pushed = (settings as { eptLens?: RawSettings } | null | undefined)?.eptLens;
    if (pushed) this.pushed = pushed;
    this.settings.clear();
    this.refreshViews();
    for (const st of this.docs.values()) this.scheduleDiagnostics(st, 0);
  }

  has(uri: string): boolean {
    return this.docs.has(uri);
  }

  /** The map chosen for a document, if any. */
  chosenMap(uri: string): number | undefined {
    return this.chosen.get(uri);
  }

  /** Remembers (or with null forgets) the map chosen for a document; its summary is pushed again. */
  chooseMap(uri: string, map: number | null): void {
    if (map === null) this.chosen.delete(uri);
    else this.chosen.set(uri, map);
    const st = this.docs.get(uri);
    if (st) this.scheduleDiagnostics(st, 0);
  }

  /** Plans a document with a paired MTRR file (undefined: its own MTRRs again); the views follow. */
  pairMtrr(uri: string, p: PairedMtrr | undefined): void {
    const old = this.paired.get(uri);
    // The client re-sends a pairing on every reopen: the same file again changes nothing.
    if (p && old && old.name === p.name && JSON.stringify(old.dump.state) === JSON.stringify(p.dump.state)) return;
    if (!p && !old) return;
    if (p) this.paired.set(uri, p);
    else this.paired.delete(uri);
    const st = this.docs.get(uri);
    if (!st) return;
    st.analysis.setPairedMtrr(p);
    this.refreshViews();
    this.scheduleDiagnostics(st, 0);
  }

  /** The open document, scanned or not. */
  get(uri: string): DocState {
    const st = this.docs.get(uri);
    if (!st) throw new RequestError(`document not open: ${uri}`);
    if (st.outOfSync) throw new DocumentGone(`${uri} is out of sync (${st.outOfSync}): close and reopen it`);
    return st;
  }

  /** The document's state once it is fully scanned (large documents are scanned in chunks). */
  async ready(uri: string): Promise<DocState> {
    const st = this.get(uri);
    // Loop: an edit that replaces the whole text while we wait starts a new scan.
    while (!st.model.complete) {
      if (st.closed) throw new DocumentGone(`document closed: ${uri}`);
      st.scanning ??= this.scanInBackground(st);
      await st.scanning;
    }
    if (st.closed) throw new DocumentGone(`document closed: ${uri}`);
    return st;
  }

  /** A request answered from the scanned part: scan the rest and refresh the views after. */
  answeredPartly(st: DocState): void {
    if (st.model.complete) return;
    st.answeredPartly = true;
    st.scanning ??= this.scanInBackground(st);
  }

  open(params: DidOpenTextDocumentParams): void {
    const { uri, version, text } = params.textDocument;
    const t0 = Date.now();
    const old = this.docs.get(uri);
    if (old) old.closed = true;
    const model = new DocumentModel(uri, version, text, false);
    const st: DocState = { model, analysis: new Analysis(model), closed: false };
    st.analysis.setPairedMtrr(this.paired.get(uri));
    this.docs.set(uri, st);
    void this.getSettings(uri); // fetched while the document is scanned
    if (model.complete) this.collectGarbage(text.length);
    else {
      this.log(`${uri}: ${(text.length / 2 ** 20).toFixed(1)} MiB, ${model.lineCount} lines split in ${Date.now() - t0} ms; scanning in the background`);
      void this.ready(uri).catch(() => undefined);
    }
    this.scheduleDiagnostics(st, 0);
  }

  change(params: DidChangeTextDocumentParams): void {
    const uri = params?.textDocument?.uri;
    const st = typeof uri === 'string' ? this.docs.get(uri) : undefined;
    if (!st) return;
    try {
      const changes = checkChanges(params.contentChanges);
      // A full replacement brings the model back in sync whatever happened before.
      if (st.outOfSync && changes.some((c) => !c.range)) st.outOfSync = undefined;
      if (!st.outOfSync) st.model.applyChanges(changes, params.textDocument.version);
    } catch (e) {
      // The client's text and ours now differ and LSP has no way to ask for the text again: say
      // so, answer nothing from the stale text, and wait for a full replacement or a reopen.
      st.outOfSync = `an edit to version ${params.textDocument.version} could not be applied: ${e instanceof Error ? e.message : String(e)}`;
      this.connection.console.error(`${uri}: ${st.outOfSync}; the document is not analysed until it is reopened`);
      void this.connection.sendDiagnostics({
        uri,
        diagnostics: [{
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: 1,
          source: 'ept-lens',
          code: 'out-of-sync',
          message: `EPT Lens: ${st.outOfSync}. Close and reopen the document to analyse it again.`,
        }],
      });
      return;
    }
    this.scheduleDiagnostics(st);
  }

  close(params: DidCloseTextDocumentParams): void {
    const uri = params.textDocument.uri;
    const st = this.docs.get(uri);
    if (st) {
      st.closed = true;
      if (st.diagTimer) clearTimeout(st.diagTimer);
    }
    this.docs.delete(uri);
    this.settings.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async scanInBackground(st: DocState): Promise<void> {
    const t0 = Date.now();
    try {
      await st.model.scanAll(() => st.closed);
    } finally {
      st.scanning = undefined;
    }
    if (st.closed) return;
    this.log(`${st.model.uri}: ${st.model.lineCount} lines scanned in the background in ${Date.now() - t0} ms`);
    this.collectGarbage(st.model.byteSize);
    if (st.answeredPartly) {
      st.answeredPartly = false;
      this.refreshViews();
    }
  }

  private scheduleDiagnostics(st: DocState, delay = DIAGNOSTICS_DELAY): void {
    if (st.diagTimer) clearTimeout(st.diagTimer);
    st.diagTimer = setTimeout(() => {
      st.diagTimer = undefined;
      void this.publishDiagnostics(st);
    }, delay);
  }

  private async publishDiagnostics(st: DocState): Promise<void> {
    const uri = st.model.uri;
    try {
      await this.ready(uri);
      const version = st.model.version;
      const settings = await this.getSettings(uri);
      if (st.closed || st.outOfSync || st.model.version !== version) return;
      const t0 = Date.now();
      // In steps: a hover or keystroke waits for one step, not the whole document. A change on
      // the way drops them (the change schedules diagnostics again).
      const diagnostics = await runInSteps(diagnosticSteps(st.analysis, settings), () => st.closed || !!st.outOfSync || st.model.version !== version);
      if (!diagnostics) return;
      await this.connection.sendDiagnostics({ uri, version, diagnostics });
      await this.connection.sendNotification(PlanChangedNotification, { uri, version, summary: summary({ analysis: st.analysis, settings, chosen: this.chosen.get(uri) }) });
      const ms = Date.now() - t0;
      if (ms > 100) this.log(`diagnostics for ${uri}: ${diagnostics.length} in ${ms} ms`);
    } catch (e) {
      if (e instanceof DocumentGone) return;
      this.connection.console.error(`diagnostics for ${uri} failed: ${errorText(e)}`);
    }
  }

  private refreshViews(): void {
    if (this.caps.inlayRefresh) this.connection.languages.inlayHint.refresh().catch((e) => this.log(`inlay hint refresh: ${errorText(e)}`));
    if (this.caps.lensRefresh) this.connection.sendRequest(CodeLensRefreshRequest.type).catch((e) => this.log(`code lens refresh: ${errorText(e)}`));
  }

  /**
   * Opening a big document leaves the transport's buffers and the parsed message as garbage several
   * times the document's size; V8 keeps that heap (and the RSS) until a full GC. The client starts
   * the server with --expose-gc so it can collect right after the scan; elsewhere this is a no-op.
   */
  private collectGarbage(bytes: number): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc || bytes < GC_AFTER_BYTES || Date.now() - this.lastGc < 5000) return;
    setImmediate(() => {
      const t0 = Date.now();
      this.lastGc = t0;
      gc();
      this.log(`full GC after a ${(bytes / 2 ** 20).toFixed(0)} MiB document: ${Date.now() - t0} ms, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
    });
  }
}
