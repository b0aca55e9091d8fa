// The protocol trace channel. The language client traces only while its channel's log level is
// Trace, which users can't see from eptLens.trace.server; this channel's level follows that
// setting instead (off → Info, messages/verbose → Trace), so the setting alone turns tracing on.
// Lines go to a plain output channel with one timestamp each.
import * as vscode from 'vscode';

export function traceChannel(name: string): vscode.LogOutputChannel & vscode.Disposable {
  const out = vscode.window.createOutputChannel(name);
  const changed = new vscode.EventEmitter<vscode.LogLevel>();
  const levelOf = (): vscode.LogLevel =>
    (vscode.workspace.getConfiguration('eptLens').get<string>('trace.server') ?? 'off') === 'off' ? vscode.LogLevel.Info : vscode.LogLevel.Trace;
  let level = levelOf();
  const sub = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('eptLens.trace.server')) return;
    level = levelOf();
    changed.fire(level);
    if (level === vscode.LogLevel.Trace) out.show(true);
  });
  const stamp = (m: string | Error): void => out.appendLine(`${new Date().toISOString().slice(11, 23)} ${m instanceof Error ? m.stack ?? m.message : m}`);
  return {
    name,
    get logLevel() {
      return level;
    },
    onDidChangeLogLevel: changed.event,
    trace: stamp,
    debug: stamp,
    info: stamp,
    warn: stamp,
    error: stamp,
    append: (v) => out.append(v),
    appendLine: (v) => out.appendLine(v),
    replace: (v) => out.replace(v),
    clear: () => out.clear(),
    show: (preserveFocus?: boolean) => out.show(preserveFocus),
    hide: () => out.hide(),
    dispose: () => {
      sub.dispose();
      changed.dispose();
      out.dispose();
    },
  } as vscode.LogOutputChannel & vscode.Disposable;
}
