// The plan report webview: one panel per log document, beside it. The page itself is rendered by
// the server (eptLens/report → {html, title}); the panel only supplies a fresh nonce and the
// webview's cspSource, re-requests on edits (debounced) and on eptLens.* setting changes, and
// handles the page's messages after validating them: reveal a line in the log, export the plan
// (eptLens/export → save dialog or clipboard). No planner code runs in the extension host.
import * as vscode from 'vscode';
import {
  EXPORT_FORMAT_INFO, type ExportFormat, type ExportParams, ExportRequest, type ExportResult, type ReportParams, ReportRequest, type ReportResult,
} from '../protocol/requests';
import { parseReportMessage } from '../protocol/webview';

/** What the panel needs of the language client (LanguageClient satisfies it). */
interface ReportClient {
  sendRequest(type: typeof ReportRequest, params: ReportParams): Promise<ReportResult>;
  sendRequest(type: typeof ExportRequest, params: ExportParams): Promise<ExportResult>;
}

const REPORT_VIEW_TYPE = 'eptLens.planReport';
const REFRESH_DELAY_MS = 300;

interface ShowReportOptions {
  /** The extension's context (media folder, subscriptions). */
  context: vscode.ExtensionContext;
  /** The running language client (waits for it to be ready). */
  client: () => Promise<ReportClient>;
  /** The ept-log document to report on. */
  document: vscode.TextDocument;
  /** 0-based line that picks the map (the cursor). */
  line?: number;
  /** Map index (from the code lens); wins over `line`. */
  map?: number;
  /** Where to log failures. */
  log?: (message: string) => void;
}

/** crypto.getRandomValues: the same in Node and in a web worker. */
const nonce = (): string => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A minimal page for errors the server could not render (server down, document closed). */
function messagePage(cspSource: string, title: string, message: string): string {
  const n = nonce();
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${n}';">
<style nonce="${n}">body{font-family:var(--vscode-font-family);font-size:var(--vscode-font-size);color:var(--vscode-editor-foreground);background:var(--vscode-editor-background);padding:12px 16px}
p{padding:6px 10px;border-left:3px solid var(--vscode-editorWarning-foreground)}</style>
<title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

class PlanReportPanel implements vscode.Disposable {
  private static readonly panels = new Map<string, PlanReportPanel>();

  /** Opens (or reveals and retargets) the report for a document. */
  static show(opts: ShowReportOptions): PlanReportPanel {
    const key = opts.document.uri.toString();
    const existing = PlanReportPanel.panels.get(key);
    if (existing) {
      existing.line = opts.line;
      existing.map = opts.map;
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      void existing.refresh();
      return existing;
    }
    const panel = new PlanReportPanel(opts);
    PlanReportPanel.panels.set(key, panel);
    return panel;
  }

  /** The open report of a document, if any (tests, commands). */
  static of(uri: vscode.Uri): PlanReportPanel | undefined {
    return PlanReportPanel.panels.get(uri.toString());
  }

  readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly uri: vscode.Uri;
  private line?: number;
  private map?: number;
  private timer?: ReturnType<typeof setTimeout>;
  private generation = 0;
  private disposed = false;
  /** Resolves when the latest refresh has set the page (tests). */
  lastRefresh: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: ShowReportOptions) {
    this.uri = opts.document.uri;
    this.line = opts.line;
    this.map = opts.map;
    const media = vscode.Uri.joinPath(opts.context.extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel(
      REPORT_VIEW_TYPE,
      `EPT Plan: ${opts.document.uri.path.split('/').pop()}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        enableCommandUris: false,
        enableForms: false,
        localResourceRoots: [media],
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(media, 'icon.png');
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === this.uri.toString() && e.contentChanges.length) this.schedule();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('eptLens', this.uri)) this.schedule();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.toString() === this.uri.toString()) this.showMessage('The log was closed; open it again to update this report.');
      }),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (d.uri.toString() === this.uri.toString()) this.schedule();
      }),
    );
    opts.context.subscriptions.push(this);
    this.panel.webview.html = messagePage(this.panel.webview.cspSource, 'EPT Plan', 'Planning…');
    void this.refresh();
  }

  private schedule(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, REFRESH_DELAY_MS);
  }

  /** Forgets the map and line it was opened on: the document's chosen (else default) map shows. */
  retarget(): void {
    this.map = undefined;
    this.line = undefined;
  }

  private where(): { line?: number; map?: number } {
    return { ...(this.map !== undefined ? { map: this.map } : {}), ...(this.line !== undefined ? { line: this.line } : {}) };
  }

  /** Asks the server for the page and sets it; a stale answer (an edit came in since) is dropped. */
  refresh(): Promise<void> {
    const gen = ++this.generation;
    this.lastRefresh = (async () => {
      const webview = this.panel.webview;
      const params: ReportParams = { uri: this.uri.toString(), ...this.where(), nonce: nonce(), cspSource: webview.cspSource };
      try {
        const client = await this.opts.client();
        const r = await client.sendRequest(ReportRequest, params);
        if (this.disposed || gen !== this.generation) return;
        if (typeof r?.html !== 'string') throw new Error('the server sent no report');
        this.panel.title = typeof r.title === 'string' && r.title ? r.title : this.panel.title;
        webview.html = r.html;
      } catch (e) {
        if (this.disposed || gen !== this.generation) return;
        const msg = e instanceof Error ? e.message : String(e);
        this.opts.log?.(`[plan report] ${msg}`);
        this.showMessage(`No report: ${msg}`);
      }
    })();
    return this.lastRefresh;
  }

  private showMessage(message: string): void {
    if (this.disposed) return;
    this.generation++;
    this.panel.webview.html = messagePage(this.panel.webview.cspSource, this.panel.title, message);
  }

  private async document(): Promise<vscode.TextDocument> {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri.toString()) ?? vscode.workspace.openTextDocument(this.uri);
  }

  private async onMessage(raw: unknown): Promise<void> {
    try {
      const doc = await this.document();
      const m = parseReportMessage(raw, doc.lineCount);
      if (!m) {
        this.opts.log?.(`[plan report] ignored a malformed message from the webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
        return;
      }
      if (m.type === 'reveal') await this.reveal(doc, m.line);
      else await this.export(doc, m.format, m.action);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.opts.log?.(`[plan report] ${msg}`);
      void vscode.window.showErrorMessage(`EPT Lens: ${msg}`);
    }
  }

  /** Moves the log editor's cursor to the line (opening the log beside the report if needed). */
  private async reveal(doc: vscode.TextDocument, line: number): Promise<void> {
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString());
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
      preview: false,
    });
    const pos = new vscode.Position(line, 0);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async export(doc: vscode.TextDocument, format: ExportFormat, action: 'save' | 'copy'): Promise<void> {
    const client = await this.opts.client();
    const params: ExportParams = { uri: doc.uri.toString(), ...this.where(), format };
    const r = await client.sendRequest(ExportRequest, params);
    if (typeof r?.text !== 'string') throw new Error('the server sent no export');
    const info = EXPORT_FORMAT_INFO[format];
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(r.text);
      vscode.window.setStatusBarMessage(`EPT Lens: plan copied as ${info.label}`, 3000);
      return;
    }
    const filename = typeof r.filename === 'string' && /^[^/\\]+$/.test(r.filename) ? r.filename : `ept-plan.${info.extension}`;
    const folder = doc.uri.scheme === 'file' ? vscode.Uri.joinPath(doc.uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `EPT Lens: Save the plan as ${info.label}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, filename) : undefined,
      filters: { [info.label]: [info.extension] },
      saveLabel: 'Save plan',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(r.text));
    const open = await vscode.window.showInformationMessage(`EPT Lens: plan saved to ${target.path.split('/').pop()}`, 'Open');
    if (open === 'Open') await vscode.window.showTextDocument(target, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (PlanReportPanel.panels.get(this.uri.toString()) === this) PlanReportPanel.panels.delete(this.uri.toString());
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/**
 * Renders a document's open report again (a map chosen or an MTRR file paired for it). `follow`:
 * drop the map the report was opened on (a code lens's index), so the chosen map shows.
 */
export function refreshPlanReport(uri: vscode.Uri, follow = false): Promise<void> {
  const p = PlanReportPanel.of(uri);
  if (!p) return Promise.resolve();
  if (follow) p.retarget();
  return p.refresh();
}

/** The showPlanReport command: opens the report for `document` (the map at `line`, or index `map`). */
export function showPlanReport(opts: ShowReportOptions): { uri: string; title: string } {
  const p = PlanReportPanel.show(opts);
  return { uri: opts.document.uri.toString(), title: p.panel.title };
}
