// Quick fixes: rewrite a wrong hand annotation's counts to the planned ones. Only the count text
// changes (a note written after it stays), and the edit names the document version the counts
// were computed for, so the client drops it when the text has moved on. Pure.
import { CodeAction, CodeActionKind, Diagnostic } from 'vscode-languageserver';
import { AnnotationFixData, DIAGNOSTIC_CODES } from './diagnostics';

function fixData(d: Diagnostic): AnnotationFixData | undefined {
  const data = d.data as Partial<AnnotationFixData> | undefined;
  const r = data?.range;
  const ok = (p: unknown): boolean => !!p && Number.isInteger((p as { line: unknown }).line) && Number.isInteger((p as { character: unknown }).character);
  if (!data || typeof data.newText !== 'string' || !Number.isInteger(data.version) || !r || !ok(r.start) || !ok(r.end)) return undefined;
  return data as AnnotationFixData;
}

export function codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.code !== DIAGNOSTIC_CODES.annotationMismatch) continue;
    const data = fixData(d);
    if (!data) continue;
    out.push({
      title: `Rewrite the annotation's counts as "${data.newText}"`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { documentChanges: [{ textDocument: { uri, version: data.version }, edits: [{ range: data.range, newText: data.newText }] }] },
    });
  }
  return out;
}
