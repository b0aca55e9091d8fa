// What the editor does not tell the user about log files on its own:
// - a `.log`/`.txt` file that looks like a memory map or a KVM trace opened as Log or Plain Text:
//   a one-time offer to switch, "Always for this pattern" writing files.associations;
// - a file switched with Open as EPT/MMIO Log stays switched when it is opened again;
// - over 50 MB VS Code never hands a file to extensions: a notification pointing to Plan Log File;
// - over 20 MB it is not tokenized and shows no code lens or hints: the status item says why and how to change it.
import * as vscode from 'vscode';
import { associationPattern, sniffLog } from '../formats/sniff';

const LANGUAGE = 'ept-log';
const SYNC_LIMIT = 50 * 1024 * 1024;
const TOKENIZE_LIMIT = 20 * 1024 * 1024;
const SWITCHED = 'eptLens.switchedUris';
const DECLINED = 'eptLens.declinedPatterns';
const SNIFFED_LANGUAGES = new Set(['log', 'plaintext']);

export function watchFiles(context: vscode.ExtensionContext, log: (m: string) => void): { remember(uri: vscode.Uri): void } {
  const offered = new Set<string>();
  const warnedLarge = new Set<string>();
  const large = vscode.window.createStatusBarItem('eptLens.largeFile', vscode.StatusBarAlignment.Right, 99);
  large.name = 'EPT Lens large file';
  large.command = 'eptLens.largeFileHelp';
  // The same word in the language status (the `{}` popup, as vscode-eslint reports its state), with a
  // warning mark: the status-bar item is what the eye finds, this is where VS Code users look.
  let largeStatus: vscode.LanguageStatusItem | undefined;
  context.subscriptions.push(large, { dispose: () => largeStatus?.dispose() });

  const switched = (): string[] => context.workspaceState.get<string[]>(SWITCHED, []);
  const remember = (uri: vscode.Uri): void => {
    const list = switched().filter((u) => u !== uri.toString());
    list.push(uri.toString());
    void context.workspaceState.update(SWITCHED, list.slice(-200));
  };

  async function onOpen(doc: vscode.TextDocument): Promise<void> {
    if (doc.languageId === LANGUAGE || doc.uri.scheme === 'ept-lens' || doc.uri.scheme === 'output') return;
    if (switched().includes(doc.uri.toString())) {
      await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE);
      return;
    }
    if (!SNIFFED_LANGUAGES.has(doc.languageId) || !/\.(log|txt)$/i.test(doc.uri.path)) return;
    const pattern = associationPattern(doc.uri.path);
    if (offered.has(doc.uri.toString())) return;
    const name = doc.uri.path.split('/').pop();
    if (context.globalState.get<string[]>(DECLINED, []).includes(pattern)) {
      log(`${name}: no offer, "${pattern}" was declined`);
      return;
    }
    const what = sniffLog(doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 400), 0)));
    log(`${name} (${doc.languageId}): ${what ? `looks like ${what}, offering EPT/MMIO Log` : 'not a memory map or trace'}`);
    if (!what) return;
    offered.add(doc.uri.toString());
    const open = 'Open as EPT/MMIO Log';
    const always = `Always for ${pattern}`;
    const never = 'Not for these files';
    const pick = await vscode.window.showInformationMessage(`EPT Lens: ${name} looks like ${what}. Open it as EPT/MMIO Log for plans, hints and hovers?`, open, always, never);
    if (pick === open || pick === always) {
      remember(doc.uri);
      await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE);
    }
    if (pick === always) {
      const cfg = vscode.workspace.getConfiguration('files');
      const assoc = { ...(cfg.get<Record<string, string>>('associations') ?? {}), [pattern]: LANGUAGE };
      await cfg.update('associations', assoc, vscode.ConfigurationTarget.Global);
      log(`files.associations: "${pattern}": "${LANGUAGE}" (user settings)`);
    }
    if (pick === never) await context.globalState.update(DECLINED, [...context.globalState.get<string[]>(DECLINED, []), pattern]);
  }

  async function sizeOf(uri: vscode.Uri): Promise<number | undefined> {
    try {
      return (await vscode.workspace.fs.stat(uri)).size;
    } catch {
      return undefined;
    }
  }

  /** Tabs whose file is too large to reach the extension (no TextDocument for it). */
  async function checkTabs(): Promise<void> {
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (!(tab.input instanceof vscode.TabInputText)) continue;
        const uri = tab.input.uri;
        const key = uri.toString();
        if (warnedLarge.has(key) || vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) continue;
        const size = await sizeOf(uri);
        if (size === undefined || size <= SYNC_LIMIT) continue;
        warnedLarge.add(key);
        const name = uri.path.split('/').pop();
        log(`${name}: ${mb(size)}, over the editor's sync limit: pointing to Plan Log File`);
        const button = 'Plan Log File';
        const pick = await vscode.window.showWarningMessage(
          `EPT Lens: ${name} is ${mb(size)}: VS Code does not pass files over 50 MB to extensions, so it has no hints, hovers or plan here. Plan Log File reads it from disk, any size.`,
          button,
        );
        if (pick === button) await vscode.commands.executeCommand('eptLens.planLogFile', uri);
      }
    }
  }

  async function updateLarge(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    const size = doc && doc.languageId === LANGUAGE && doc.uri.scheme === 'file' ? await sizeOf(doc.uri) : undefined;
    const optimized = doc ? vscode.workspace.getConfiguration('editor', { languageId: LANGUAGE, uri: doc.uri }).get<boolean>('largeFileOptimizations', true) : true;
    if (size === undefined || size <= TOKENIZE_LIMIT || !optimized || vscode.window.activeTextEditor?.document !== doc) {
      large.hide();
      largeStatus?.dispose();
      largeStatus = undefined;
      return;
    }
    largeStatus ??= vscode.languages.createLanguageStatusItem('eptLens.largeFile', { language: LANGUAGE });
    largeStatus.name = 'EPT Lens large file';
    largeStatus.severity = vscode.LanguageStatusSeverity.Warning;
    largeStatus.text = `${mb(size)}: no colours, lens or hints`;
    largeStatus.detail = 'editor.largeFileOptimizations is on over 20 MB';
    largeStatus.command = { title: 'Turn on for EPT/MMIO logs', command: 'eptLens.largeFileHelp' };
    large.text = `$(info) ${mb(size)}: no colours, lens or hints`;
    large.tooltip = new vscode.MarkdownString(
      `**EPT Lens**: VS Code turns colours, code lenses, inline hints and hovers off in files over 20 MB (\`editor.largeFileOptimizations\`). **Plan Log File** plans it from disk.\n\nClick to turn the optimisation off for EPT/MMIO logs (\`"[ept-log]": {"editor.largeFileOptimizations": false}\`), then reopen the file. Files over 50 MB never reach extensions: use **Plan Log File**.`,
    );
    large.show();
  }

  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => void onOpen(d)),
    vscode.window.tabGroups.onDidChangeTabs(() => void checkTabs()),
    vscode.window.onDidChangeActiveTextEditor(() => void updateLarge()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('editor.largeFileOptimizations')) void updateLarge();
    }),
    vscode.commands.registerCommand('eptLens.largeFileHelp', async () => {
      const turnOff = 'Colour EPT/MMIO logs of any size';
      const pick = await vscode.window.showInformationMessage(
        'EPT Lens: files over 20 MB have no colours, code lenses, inline hints or hovers while editor.largeFileOptimizations is on. Turning it off for EPT/MMIO logs uses more memory for big files; reopen the file afterwards.',
        turnOff,
      );
      if (pick !== turnOff) return false;
      await vscode.workspace.getConfiguration('editor', { languageId: LANGUAGE }).update('largeFileOptimizations', false, vscode.ConfigurationTarget.Global, true);
      return true;
    }),
  );
  for (const d of vscode.workspace.textDocuments) void onOpen(d);
  void checkTabs();
  void updateLarge();
  return { remember };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
