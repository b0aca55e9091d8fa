// Choose Memory Map… and Use MTRRs from File…: what the user chooses for one document. The client
// only asks and remembers (doc-memory.ts); the server describes the maps (eptLens/maps), applies
// the choice to the report, status item and Copy Plan (eptLens/chooseMap), and plans with the
// paired MTRR file exactly as `ept-plan --mtrr FILE` (eptLens/pairMtrr). The MTRR file is read here
// through vscode.workspace.fs (the web build and virtual file systems too) and sent as text, and
// sent again whenever it changes (in its editor or on disk).
import * as vscode from 'vscode';
import type { BaseLanguageClient as LanguageClient } from 'vscode-languageclient';
import {
  ChooseMapRequest, type MapInfo, MapListRequest, type MapListResult, PairMtrrRequest, type PairMtrrResult, type SummaryResult,
} from '../protocol/requests';
import type { DocumentMemory } from './doc-memory';
import { refreshPlanReport } from './report-panel';
import { showPick } from './inputs';

interface Deps {
  ready: () => Promise<LanguageClient>;
  targetDocument: (arg?: unknown) => Promise<vscode.TextDocument>;
  memory: DocumentMemory;
  log: (message: string) => void;
}

/** What Choose Memory Map… did: the map now used for the document (undefined: the default rule). */
export interface ChooseMapOutcome {
  uri: string;
  chosen?: number;
  /** 0-based line revealed: the first line of the map now used. */
  line?: number;
  summary: SummaryResult | null;
}

/** Largest file taken as an MTRR file: /proc/mtrr is a few hundred bytes, a dmesg dump a few KiB. */
const MAX_MTRR_BYTES = 4 * 2 ** 20;

const baseName = (uri: vscode.Uri): string => uri.path.split('/').pop() || uri.toString();

const AUTO = -1;
interface MapItem extends vscode.QuickPickItem {
  index: number;
}

/** One quick pick row per map: format and lines, RAM ranges, then the boot and the plan's totals. */
function mapItem(m: MapInfo, list: MapListResult): MapItem {
  const marks = [m.index === list.chosen ? 'chosen' : '', m.index === list.defaultMap ? 'default' : ''].filter(Boolean).join(', ');
  return {
    index: m.index,
    label: `${m.index === list.current ? '$(check) ' : ''}Map ${m.index + 1}: ${m.format}`,
    description: `lines ${m.firstLine + 1}–${m.lastLine + 1} · ${m.ramRanges} RAM range${m.ramRanges === 1 ? '' : 's'}${marks ? ` · ${marks}` : ''}`,
    detail: `${m.boot ? `${m.boot.text} · ` : ''}${m.planned ? '' : 'no plan: '}${m.totals}`,
  };
}

export function documentChoices(deps: Deps) {
  const { ready, targetDocument, memory, log } = deps;

  async function reveal(doc: vscode.TextDocument, line: number): Promise<void> {
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: visible?.viewColumn, preview: false });
    const pos = new vscode.Position(Math.min(line, doc.lineCount - 1), 0);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.AtTop);
  }

  /**
   * eptLens.chooseMap(uri?, map?): `map` a 0-based index, or null / 'auto' for the default rule,
   * skips the quick pick (keybindings, tests).
   */
  async function chooseMap(uriArg?: unknown, mapArg?: unknown): Promise<ChooseMapOutcome | undefined> {
    const doc = await targetDocument(uriArg);
    const c = await ready();
    const uri = doc.uri.toString();
    let map: number | null;
    let list: MapListResult | undefined;
    if (typeof mapArg === 'number') map = mapArg;
    else if (mapArg === null || mapArg === 'auto') map = null;
    else {
      list = await c.sendRequest(MapListRequest, { uri });
      if (list.maps.length === 0) {
        void vscode.window.showWarningMessage(`EPT Lens: no memory map in ${baseName(doc.uri)}`);
        return undefined;
      }
      const auto: MapItem = {
        index: AUTO,
        label: `${list.chosen === undefined ? '$(check) ' : ''}Automatic`,
        description: list.defaultMap !== undefined ? `the last usable map (map ${list.defaultMap + 1}), or the one at the cursor` : undefined,
      };
      const items: (MapItem | vscode.QuickPickItem)[] = [auto, { label: `${list.maps.length} maps`, kind: vscode.QuickPickItemKind.Separator }];
      for (const m of list.maps) items.push(mapItem(m, list));
      const qp = vscode.window.createQuickPick<MapItem>();
      qp.title = `EPT Lens: Choose the memory map of ${baseName(doc.uri)}`;
      qp.placeholder = 'The map the report, the status item and Copy Plan use (type to filter by format, line, boot or totals)';
      qp.matchOnDescription = true;
      qp.matchOnDetail = true;
      const rows = items as MapItem[];
      const picked = await showPick(qp, rows, rows.find((i) => i.index === (list!.chosen ?? AUTO)));
      if (!picked) return undefined;
      map = picked.index === AUTO ? null : picked.index;
    }
    const summary = await c.sendRequest(ChooseMapRequest, { uri, map });
    await memory.update(uri, { map: map ?? undefined });
    // Reveal the map now used: the chosen one, else the one the default rule takes.
    const line = summary?.firstLine;
    if (line !== undefined) await reveal(doc, line);
    await refreshPlanReport(doc.uri, true);
    if (summary) vscode.window.setStatusBarMessage(`EPT Lens: ${map === null ? 'automatic map choice' : `map ${map + 1} of ${summary.maps}`}`, 4000);
    return { uri, ...(map !== null ? { chosen: map } : {}), ...(line !== undefined ? { line } : {}), summary };
  }

  /**
   * The MTRR file's text: an open editor's (unsaved edits too), else read through
   * vscode.workspace.fs (so never a path the server reads).
   */
  async function readMtrrText(file: vscode.Uri): Promise<string> {
    // Unsaved edits count while their editor is open. A clean document says what the disk says (and
    // the disk may be newer); a closed one may still hold text the user discarded, dirty for a while.
    const key = file.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && d.isDirty);
    if (open && hasTab(key)) return open.getText();
    const { size, type } = await vscode.workspace.fs.stat(file);
    if (type & vscode.FileType.Directory) throw new Error(`${baseName(file)} is a folder`);
    if (size > MAX_MTRR_BYTES) throw new Error(`${baseName(file)} is ${(size / 2 ** 20).toFixed(1)} MiB: an MTRR file (/proc/mtrr, a dmesg MTRR dump) is a few KiB`);
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  }

  async function sendPairing(c: LanguageClient, doc: vscode.Uri, file: vscode.Uri): Promise<PairMtrrResult> {
    const text = await readMtrrText(file);
    return c.sendRequest(PairMtrrRequest, { uri: doc.toString(), name: baseName(file), text });
  }

  const hasTab = (uri: string): boolean =>
    vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri));

  const toUri = (arg: unknown): vscode.Uri | undefined =>
    arg instanceof vscode.Uri ? arg : typeof arg === 'string' && arg ? (/^[a-z][\w+.-]+:/i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg)) : undefined;

  /**
   * eptLens.pairMtrrFile(mtrrFile?, uri?): plans the document with the MTRRs of `mtrrFile` (an open
   * dialog without it; when the document is already paired, a pick offers to stop first).
   */
  async function pairMtrrFile(fileArg?: unknown, uriArg?: unknown): Promise<PairMtrrResult | undefined> {
    const doc = await targetDocument(uriArg);
    const uri = doc.uri.toString();
    let file = toUri(fileArg);
    if (!file) {
      const current = memory.get(uri).mtrr;
      if (current) {
        const name = baseName(vscode.Uri.parse(current));
        const what = await vscode.window.showQuickPick(
          [{ label: 'Choose another MTRR file…', id: 'file' }, { label: `Stop using ${name}`, description: "plan with the document's own MTRRs", id: 'unpair' }],
          { title: `EPT Lens: ${baseName(doc.uri)} is planned with the MTRRs of ${name}` },
        );
        if (!what) return undefined;
        if (what.id === 'unpair') return unpairMtrrFile(doc.uri);
      }
      const folder = doc.uri.scheme === 'file' ? vscode.Uri.joinPath(doc.uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        defaultUri: folder,
        title: `EPT Lens: MTRRs for ${baseName(doc.uri)} (/proc/mtrr or a dmesg MTRR dump)`,
        openLabel: 'Use MTRRs',
      });
      if (!picked?.length) return undefined;
      file = picked[0];
    }
    const c = await ready();
    const result = await sendPairing(c, doc.uri, file);
    await memory.update(uri, { mtrr: file.toString() });
    follow(file);
    for (const p of result.problems) log(`[MTRR file] ${p}`);
    await refreshPlanReport(doc.uri);
    const n = result.problems.length;
    const more = n ? ` ${n} note${n === 1 ? '' : 's'} on it in the EPT Lens output.` : '';
    void vscode.window.showInformationMessage(`EPT Lens: ${baseName(doc.uri)} is planned with the MTRRs of ${baseName(file)} (${result.dump ?? 'MTRRs'}).${more}`);
    return result;
  }

  /** eptLens.unpairMtrrFile(uri?): the document's own MTRRs (if any) again. */
  async function unpairMtrrFile(uriArg?: unknown): Promise<PairMtrrResult> {
    const doc = await targetDocument(uriArg);
    const c = await ready();
    const result = await c.sendRequest(PairMtrrRequest, { uri: doc.uri.toString() });
    await memory.update(doc.uri.toString(), { mtrr: undefined });
    await refreshPlanReport(doc.uri);
    vscode.window.setStatusBarMessage(`EPT Lens: ${baseName(doc.uri)} is planned with its own MTRRs again`, 4000);
    return result;
  }

  /**
   * Sends what is remembered for a document to a running server: after a (re)start for every open
   * document, and when a document opens. A paired file that can't be read any more is forgotten, said once.
   */
  async function resend(c: LanguageClient, doc: vscode.Uri): Promise<void> {
    const uri = doc.toString();
    const r = memory.get(uri);
    if (r.map !== undefined) await c.sendRequest(ChooseMapRequest, { uri, map: r.map }).catch((e: unknown) => log(`[choose map] ${uri}: ${String(e)}`));
    if (r.mtrr !== undefined) await resendMtrr(c, doc, vscode.Uri.parse(r.mtrr));
  }

  async function resendMtrr(c: LanguageClient, doc: vscode.Uri, file: vscode.Uri): Promise<void> {
    follow(file);
    try {
      const result = await sendPairing(c, doc, file);
      for (const p of result.problems) log(`[MTRR file] ${p}`);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log(`[MTRR file] ${baseName(file)} for ${baseName(doc)}: ${msg}`);
      await memory.update(doc.toString(), { mtrr: undefined });
      void vscode.window.showWarningMessage(`EPT Lens: ${baseName(doc)} is no longer planned with the MTRRs of ${baseName(file)}: ${msg}`);
    }
  }

  // A paired file is followed: an edit in its editor (unsaved too), a change on disk, or closing it
  // with its edits discarded re-plans every open document paired with it, as a reopen would.
  const followed = new Map<string, { watcher: vscode.Disposable; timer?: ReturnType<typeof setTimeout> }>();
  /** Waits this long after the last keystroke in the MTRR file: one re-plan per burst of typing. */
  const FOLLOW_DELAY_MS = 300;

  function follow(file: vscode.Uri): void {
    const key = file.toString();
    if (followed.has(key)) return;
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(file, '..'), baseName(file)));
    const on = (): void => changed(key);
    w.onDidChange(on);
    w.onDidCreate(on);
    w.onDidDelete(on);
    followed.set(key, { watcher: w });
  }

  function changed(key: string): void {
    const f = followed.get(key);
    if (!f) return;
    if (f.timer) clearTimeout(f.timer);
    f.timer = setTimeout(() => {
      f.timer = undefined;
      const docs = vscode.workspace.textDocuments.filter((d) => memory.get(d.uri.toString()).mtrr === key);
      if (docs.length === 0) {
        f.watcher.dispose();
        followed.delete(key);
        return;
      }
      void (async () => {
        const c = await ready();
        for (const d of docs) {
          await resendMtrr(c, d.uri, vscode.Uri.parse(key));
          await refreshPlanReport(d.uri);
        }
        log(`[MTRR file] ${baseName(vscode.Uri.parse(key))} changed: re-planned ${docs.map((d) => baseName(d.uri)).join(', ')}`);
      })().catch((e: unknown) => log(`[MTRR file] ${key}: ${String(e)}`));
    }, FOLLOW_DELAY_MS);
  }

  const listeners = [
    // Without content changes too: closing with "Don't Save" reverts softly, which changes only the
    // dirty state (the text is then read from disk again, see readMtrrText).
    vscode.workspace.onDidChangeTextDocument((e) => changed(e.document.uri.toString())),
    vscode.workspace.onDidCloseTextDocument((d) => changed(d.uri.toString())),
    // The document itself may outlive its tab (with the discarded text, no longer dirty).
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const t of e.closed) if (t.input instanceof vscode.TabInputText) changed(t.input.uri.toString());
    }),
  ];
  const dispose = (): void => {
    for (const l of listeners) l.dispose();
    for (const f of followed.values()) {
      if (f.timer) clearTimeout(f.timer);
      f.watcher.dispose();
    }
    followed.clear();
  };

  return { chooseMap, pairMtrrFile, unpairMtrrFile, resend, dispose };
}
