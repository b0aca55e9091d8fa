// The EPT Lens extension: starts the language server over IPC for ept-log documents, owns the
// palette commands (they ask the server with custom requests), a language status item with the
// active file's plan totals (pushed by the server's eptLens/planChanged), and the output channel
// (trace level from eptLens.trace.server).
import * as vscode from 'vscode';
import { type BaseLanguageClient as LanguageClient, type LanguageClientOptions, State, WorkDoneProgress } from 'vscode-languageclient';
import {
  type DecodeParams, DecodeRequest, type DecodeResult, type ExportParams, ExportRequest, type ExportResult, FindAddressRequest,
  type FindAddressResult, PlanChangedNotification, PlanFileRequest, type PlanFileResult, type SummaryResult,
} from '../protocol/requests';
import { showPlanReport as openPlanReport } from './report-panel';
import { openPlanFilePanel } from './planfile-panel';
import { watchFiles } from './file-watch';
import { traceChannel } from './trace-channel';
import { decodeInput, setLimit, setMaxPage, setMmioMemoryType, setPhysAddressBits, setRamPage } from './inputs';
import { documentChoices } from './doc-choices';
import { DocumentMemory } from './doc-memory';
import { transport } from './transport';

const LANGUAGE = 'ept-log';
let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.LanguageStatusItem;
/** "EPT: map 3 of 12" with Choose Memory Map…: only while the active document holds several maps. */
let mapsStatus: vscode.LanguageStatusItem | undefined;
let files: ReturnType<typeof watchFiles>;
/** The latest summary the server pushed per document URI. */
const summaries = new Map<string, SummaryResult | null>();

export async function activate(context: vscode.ExtensionContext): Promise<{ client: () => LanguageClient | undefined }> {
  output = vscode.window.createOutputChannel('EPT Lens', { log: true });
  const trace = traceChannel('EPT Lens Trace');
  context.subscriptions.push(trace);
  status = vscode.languages.createLanguageStatusItem('eptLens.plan', { language: LANGUAGE });
  status.name = 'EPT Lens plan';
  status.command = { title: 'Show Plan Report', command: 'eptLens.showPlanReport' };
  status.text = 'EPT: planning…';
  context.subscriptions.push(output, status, vscode.workspace.registerTextDocumentContentProvider(SCHEME, virtualProvider));

  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE }],
    synchronize: { configurationSection: 'eptLens' },
    outputChannel: output,
    traceOutputChannel: trace,
  };
  client = transport.createClient(context, clientOptions);
  output.info(`EPT Lens ${String(context.extension.packageJSON.version)} on ${vscode.env.appName} ${vscode.version}: language server in ${transport.where}`);
  context.subscriptions.push(client);
  const choices = documentChoices({ ready, targetDocument, memory: new DocumentMemory(context.workspaceState), log: (m) => output.appendLine(m) });
  context.subscriptions.push(choices);
  client.onDidChangeState((e) => {
    if (e.newState !== State.Running) summaries.clear();
    // A new server knows no choices: send what is remembered for the open documents.
    else for (const d of vscode.workspace.textDocuments) if (d.languageId === LANGUAGE) void choices.resend(client!, d.uri);
    updateStatus();
  });

  const register = (id: string, fn: (...args: any[]) => unknown): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          output.appendLine(`[${id}] ${msg}`);
          void vscode.window.showErrorMessage(`EPT Lens: ${msg}`);
          return undefined;
        }
      }),
    );
  };

  register('eptLens.showPlanReport', (uriArg?: unknown, mapArg?: unknown) => showPlanReport(context, uriArg, mapArg));
  register('eptLens.copyPlanJson', (uri?: unknown, map?: unknown) => copyPlan('json', uri, map));
  register('eptLens.copyPlanMarkdown', (uri?: unknown, map?: unknown) => copyPlan('md', uri, map));
  register('eptLens.setLimit', setLimit);
  register('eptLens.setMaxPage', setMaxPage);
  register('eptLens.setRamPage', setRamPage);
  register('eptLens.setMmioMemoryType', setMmioMemoryType);
  register('eptLens.setPhysAddressBits', setPhysAddressBits);
  register('eptLens.showTraceSummary', (markdown?: unknown, title?: unknown) =>
    typeof markdown === 'string' ? showMarkdown(markdown, typeof title === 'string' ? title : 'KVM trace summary') : undefined);
  register('eptLens.openExample', (name?: unknown) => openExample(context, name));
  register('eptLens.showWalkthrough', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#eptLens.start`, false));
  register('eptLens.decodeEntry', (value?: unknown, level?: unknown) => decodeCommand('entry', value, level));
  register('eptLens.decodeQualification', (value?: unknown) => decodeCommand('qualification', value));
  register('eptLens.goToAddress', goToAddress);
  register('eptLens.openAsEptLog', openAsEptLog);
  register('eptLens.restartServer', restartServer);
  register('eptLens.planLogFile', (uriArg?: unknown) => planLogFile(context, uriArg));
  register('eptLens.chooseMap', choices.chooseMap);
  register('eptLens.pairMtrrFile', choices.pairMtrrFile);
  register('eptLens.unpairMtrrFile', choices.unpairMtrrFile);

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
    vscode.workspace.onDidCloseTextDocument((d) => summaries.delete(d.uri.toString())),
    // A reopened document gets its choices again (the paired file is read afresh).
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (d.languageId === LANGUAGE && client?.state === State.Running) void choices.resend(client, d.uri);
    }),
    { dispose: () => mapsStatus?.dispose() },
    client.onNotification(PlanChangedNotification, (p) => {
      summaries.set(p.uri, p.summary);
      updateStatus();
    }),
  );

  files = watchFiles(context, (m) => output.info(m));

  // Activation on log/plaintext (for the .log offer) must not start a server for every text file:
  // start it when the first ept-log document exists (or a command needs it, see ready()).
  const start = async (why: string): Promise<void> => {
    try {
      if (client!.state !== State.Stopped) return;
      output.info(`starting the language server: ${why}`);
      await client!.start();
    } catch (e) {
      output.appendLine(`the EPT Lens server did not start: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage('EPT Lens: the language server did not start (see the EPT Lens output).');
    }
    updateStatus();
  };
  const first = vscode.workspace.textDocuments.find((d) => d.languageId === LANGUAGE);
  if (first) await start(`${first.uri.path.split('/').pop()} is an EPT/MMIO log`);
  else {
    const waiting = vscode.workspace.onDidOpenTextDocument((d) => {
      if (d.languageId !== LANGUAGE) return;
      waiting.dispose();
      void start(`${d.uri.path.split('/').pop()} opened as an EPT/MMIO log`);
    });
    context.subscriptions.push(waiting);
    updateStatus();
  }
  return { client: () => client };
}

export async function deactivate(): Promise<void> {
  await client?.stop().catch(() => undefined);
}

async function ready(): Promise<LanguageClient> {
  if (!client) throw new Error('the language server is not running');
  if (client.state === State.Starting) await new Promise<void>((resolve) => {
    const d = client!.onDidChangeState((e) => {
      if (e.newState !== State.Starting) {
        d.dispose();
        resolve();
      }
    });
  });
  if (client.state !== State.Running) await client.start();
  return client;
}

/** The ept-log document a command is about: an argument (Uri or string), else the active or a visible editor. */
async function targetDocument(arg?: unknown): Promise<vscode.TextDocument> {
  if (arg instanceof vscode.Uri || (typeof arg === 'string' && /^[a-z][\w+.-]*:/i.test(arg))) {
    const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const doc = open ?? (await vscode.workspace.openTextDocument(uri));
    return doc.languageId === LANGUAGE ? doc : vscode.languages.setTextDocumentLanguage(doc, LANGUAGE);
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === LANGUAGE) return active;
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.languageId === LANGUAGE);
  if (visible) return visible.document;
  throw new Error('open an EPT/MMIO log first (or use "EPT Lens: Open as EPT/MMIO Log")');
}

function cursorLine(doc: vscode.TextDocument): number | undefined {
  const ed = vscode.window.activeTextEditor;
  return ed && ed.document === doc ? ed.selection.active.line : undefined;
}

/** The plan of the map `mapArg`, else the one at the cursor; Markdown without either covers every map. */
async function requestPlan(format: 'json' | 'md', uriArg?: unknown, mapArg?: unknown): Promise<ExportResult> {
  const doc = await targetDocument(uriArg);
  const c = await ready();
  const params: ExportParams = { uri: doc.uri.toString(), format };
  if (typeof mapArg === 'number') params.map = mapArg;
  else {
    const line = cursorLine(doc);
    if (line !== undefined) params.line = line;
    else params.allMaps = format === 'md';
  }
  return c.sendRequest(ExportRequest, params);
}

/** The plan report (a webview beside the log) for the map under the cursor, or map `mapArg` (code lens). */
async function showPlanReport(context: vscode.ExtensionContext, uriArg?: unknown, mapArg?: unknown): Promise<{ uri: string; title: string }> {
  const doc = await targetDocument(uriArg);
  return openPlanReport({
    context,
    client: ready,
    document: doc,
    line: cursorLine(doc),
    map: typeof mapArg === 'number' ? mapArg : undefined,
    log: (m) => output.appendLine(m),
  });
}

/** Read-only Markdown documents (decoded values, plans of files on disk): no "save changes?" on close. */
const SCHEME = 'ept-lens';
const virtualDocs = new Map<string, string>();
let virtualSeq = 0;
const virtualProvider: vscode.TextDocumentContentProvider = {
  provideTextDocumentContent: (uri) => virtualDocs.get(uri.toString()) ?? '',
};

async function showMarkdown(content: string, title = 'EPT Lens'): Promise<vscode.Uri> {
  const name = title.replace(/[\\/:*?"<>|#%]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || 'EPT Lens';
  const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}.md`, query: String(++virtualSeq) });
  virtualDocs.set(uri.toString(), content);
  // Keep the last few; older ones reopen empty.
  if (virtualDocs.size > 20) virtualDocs.delete(virtualDocs.keys().next().value as string);
  const doc = await vscode.workspace.openTextDocument(uri);
  const md = doc.languageId === 'markdown' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  // Rendered, not its source: the built-in Markdown preview, beside the log.
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', md.uri);
    return md.uri;
  } catch {
    await vscode.window.showTextDocument(md, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
    return md.uri;
  }
}

/** Opens one of the bundled examples (walkthrough). */
async function openExample(context: vscode.ExtensionContext, name?: unknown): Promise<string> {
  const file = typeof name === 'string' && /^[\w.-]+$/.test(name) ? name : 'hyperplatform.eptlog';
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(context.extensionUri, 'examples', file));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc.languageId;
}

async function copyPlan(format: 'json' | 'md', uriArg?: unknown, mapArg?: unknown): Promise<string> {
  const plan = await requestPlan(format, uriArg, mapArg);
  await vscode.env.clipboard.writeText(plan.text);
  vscode.window.setStatusBarMessage(`EPT Lens: plan copied as ${format === 'json' ? 'JSON' : 'Markdown'}`, 3000);
  return plan.text;
}

async function decodeCommand(what: 'entry' | 'qualification', value?: unknown, level?: unknown): Promise<DecodeResult | undefined> {
  let v = typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
  if (v === undefined) {
    v = await decodeInput(what);
    if (v === undefined) return undefined;
  }
  // The server reads what was pasted (`600000012345b77 (rwx)`, `IO_INSTRUCTION 0x3f80008`).
  const params: DecodeParams = { what, value: v.trim() };
  if (typeof level === 'number') params.level = level;
  const c = await ready();
  const result = await c.sendRequest(DecodeRequest, params);
  await showMarkdown(result.markdown, result.title);
  return result;
}

async function goToAddress(address?: unknown, uriArg?: unknown): Promise<FindAddressResult | undefined> {
  const doc = await targetDocument(uriArg);
  let a = typeof address === 'string' || typeof address === 'number' ? String(typeof address === 'number' ? '0x' + address.toString(16) : address) : undefined;
  if (a === undefined) {
    a = await vscode.window.showInputBox({ title: 'EPT Lens: Go to address', prompt: 'A physical address: 0xfee00000, fee00000 or 4G' });
    if (a === undefined) return undefined;
  }
  const c = await ready();
  const r = await c.sendRequest(FindAddressRequest, { uri: doc.uri.toString(), address: a });
  if (r.line === undefined) {
    void vscode.window.showWarningMessage(`EPT Lens: ${r.message}`);
    return r;
  }
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const start = new vscode.Position(r.line, r.start ?? 0);
  editor.selection = new vscode.Selection(start, new vscode.Position(r.line, r.end ?? r.start ?? 0));
  editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  vscode.window.setStatusBarMessage(`EPT Lens: ${r.message}`, 5000);
  return r;
}

async function openAsEptLog(uriArg?: unknown): Promise<string | undefined> {
  const doc =
    uriArg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uriArg) : vscode.window.activeTextEditor?.document;
  if (!doc) throw new Error('no document to switch');
  const switched = await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE);
  files.remember(switched.uri);
  await vscode.window.showTextDocument(switched, { preview: false });
  return switched.languageId;
}

async function restartServer(): Promise<void> {
  if (!client) throw new Error('the language server was never started');
  output.info('restarting the EPT Lens server');
  // stop + start: what the Node client's restart() does, and the browser client has no restart().
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'EPT Lens: restarting the server' }, async () => {
    if (client!.isRunning()) await client!.stop();
    await client!.start();
  });
  output.info('the EPT Lens server is running again');
  vscode.window.setStatusBarMessage('$(check) EPT Lens: server restarted', 4000);
}

async function planLogFile(context: vscode.ExtensionContext, uriArg?: unknown): Promise<PlanFileResult | undefined> {
  let uri = uriArg instanceof vscode.Uri ? uriArg : typeof uriArg === 'string' ? (/^[a-z][\w+.-]+:/i.test(uriArg) ? vscode.Uri.parse(uriArg) : vscode.Uri.file(uriArg)) : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'EPT Lens: Plan a log file (any size)', openLabel: 'Plan' });
    if (!picked?.length) return undefined;
    uri = picked[0];
  }
  const c = await ready();
  const content = uri.scheme === 'file' && transport.serverReadsFiles ? undefined : await readForServer(uri);
  // The page's webview first: its cspSource goes into the request, the server renders the page.
  const view = openPlanFilePanel(context, uri, (m) => output.appendLine(m));
  view.show(`EPT plan — ${uri.path.split('/').pop()}`, '<!DOCTYPE html><html><body><p>Planning…</p></body></html>', 0);
  const result = await withDisposeOnError(view.panel, () => vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `EPT Lens: planning ${uri.path.split('/').pop()}`, cancellable: true },
    async (progress, token) => {
      const workDoneToken = `eptLens.planFile.${Date.now()}.${Math.random().toString(36).slice(2)}`;
      let last = 0;
      const sub = c.onProgress(WorkDoneProgress.type, workDoneToken, (p) => {
        if (p.kind === 'end') return;
        const pct = p.percentage ?? last;
        progress.report({ increment: Math.max(0, pct - last), message: p.message });
        last = pct;
      });
      try {
        return await c.sendRequest(PlanFileRequest, { uri: uri!.toString(), workDoneToken, content, ...view.csp() }, token);
      } catch (e) {
        if (token.isCancellationRequested) return undefined; // the user cancelled: nothing to report
        throw e;
      } finally {
        sub.dispose();
      }
    },
  ));
  if (!result) {
    view.panel.dispose();
    return undefined;
  }
  if (typeof result.html === 'string') view.show(result.title, result.html, result.lines);
  else {
    view.panel.dispose();
    await showMarkdown(result.markdown, result.title);
  }
  return result;
}

/** Runs `fn`; when it fails the half-made panel goes away with the error. */
async function withDisposeOnError<T>(panel: vscode.WebviewPanel, fn: () => Thenable<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    panel.dispose();
    throw e;
  }
}

/**
 * The bytes of a file the server can't read itself (the browser, virtual file systems), through
 * vscode.workspace.fs, which reads whole files only: hence the bound.
 */
async function readForServer(uri: vscode.Uri): Promise<Uint8Array | string> {
  const { size, type } = await vscode.workspace.fs.stat(uri);
  if (type & vscode.FileType.Directory) throw new Error(`${uri.path} is a folder`);
  if (size > transport.maxContentBytes) {
    throw new Error(`${uri.path.split('/').pop()} is ${(size / 2 ** 20).toFixed(0)} MiB: here Plan Log File reads files up to ${transport.maxContentBytes / 2 ** 20} MiB (use ept-plan for larger ones)`);
  }
  const bytes = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `EPT Lens: reading ${uri.path.split('/').pop()} (${(size / 2 ** 20).toFixed(1)} MiB)` },
    () => Promise.resolve(vscode.workspace.fs.readFile(uri)),
  );
  return transport.content(bytes);
}

/** Shows the active document's summary, as the server last pushed it. */
function updateStatus(): void {
  const doc = vscode.window.activeTextEditor?.document;
  const s = doc && summaries.get(doc.uri.toString());
  if (!client || client.state !== State.Running) {
    status.text = 'EPT: server not running';
    status.detail = 'EPT Lens: Restart Server';
    status.severity = vscode.LanguageStatusSeverity.Warning;
    return;
  }
  if (s === undefined) {
    status.text = 'EPT: planning…';
    status.detail = undefined;
    status.severity = vscode.LanguageStatusSeverity.Information;
    return;
  }
  status.text = s ? s.text : 'EPT: no memory map';
  status.detail = s ? s.tooltip.split('\n')[0] : 'HyperPlatform, e820, /proc/iomem or Xen range lines';
  status.severity = s?.error ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  updateMapsStatus(s);
}

/** A second item, only for documents of several maps: which one is used, and the way to choose. */
function updateMapsStatus(s: SummaryResult | null | undefined): void {
  if (!s || s.maps < 2 || s.map === undefined) {
    mapsStatus?.dispose();
    mapsStatus = undefined;
    return;
  }
  mapsStatus ??= vscode.languages.createLanguageStatusItem('eptLens.maps', { language: LANGUAGE });
  mapsStatus.name = 'EPT Lens memory map';
  mapsStatus.text = `EPT: map ${s.map + 1} of ${s.maps}`;
  mapsStatus.detail = s.chosen ? 'chosen for this document' : 'the last usable map';
  mapsStatus.command = { title: 'Choose Memory Map…', command: 'eptLens.chooseMap' };
}
