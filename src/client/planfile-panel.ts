// The Plan Log File result as a page (summary, folded maps, each distinct plan) in a webview
// titled `EPT plan — <file>`. The server renders the page; the panel supplies the nonce and
// cspSource, and opens the log at a line the page asks for (validated: the page is untrusted).
import * as vscode from 'vscode';
import { parseReportMessage } from '../protocol/webview';

const nonce = (): string => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));

export interface PlanFilePanel {
  panel: vscode.WebviewPanel;
  /** Fresh CSP inputs for the server's page. */
  csp: () => { nonce: string; cspSource: string };
  show: (title: string, html: string, lineCount: number) => void;
}

export function openPlanFilePanel(context: vscode.ExtensionContext, uri: vscode.Uri, log: (m: string) => void): PlanFilePanel {
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  const name = uri.path.split('/').pop() ?? uri.path;
  const panel = vscode.window.createWebviewPanel('eptLens.planFile', `EPT plan — ${name}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
    enableScripts: true, enableCommandUris: false, enableForms: false, localResourceRoots: [media],
  });
  panel.iconPath = vscode.Uri.joinPath(media, 'icon.png');
  let lines = 0;
  const sub = panel.webview.onDidReceiveMessage(async (raw: unknown) => {
    const m = parseReportMessage(raw, lines);
    if (!m || m.type !== 'reveal') return;
    try {
      const pos = new vscode.Position(m.line, 0);
      await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(pos, pos), preview: false });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log(`[plan log file] ${msg}`);
      void vscode.window.showWarningMessage(`EPT Lens: cannot open ${name} at line ${m.line + 1}: ${msg}`);
    }
  });
  panel.onDidDispose(() => sub.dispose());
  return {
    panel,
    csp: () => ({ nonce: nonce(), cspSource: panel.webview.cspSource }),
    show: (title, html, lineCount) => {
      lines = lineCount;
      panel.title = title;
      panel.webview.html = html;
    },
  };
}
