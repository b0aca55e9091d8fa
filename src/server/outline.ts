// Code lenses (plan totals above each map), document symbols (one per map, gaps as children; MTRR
// dumps) and folding ranges. Pure.
import { CodeAction, CodeActionKind, CodeLens, Diagnostic, DocumentSymbol, FoldingRange, SymbolKind } from 'vscode-languageserver';
import { DUMP_SOURCES, MtrrDump } from '../formats';
import { formatCount, formatSize } from '../planner';
import type { Analysis } from './analysis';
import { mapTitle } from './analysis';
import { gapLines, pagesShort, rangeText } from './describe';
import { AnnotationFixData, DIAGNOSTIC_CODES } from './diagnostics';
import type { Settings } from './settings';

/** Client commands the lenses run; their arguments are `[uri, mapIndex]`. */
export const LENS_COMMANDS = { report: 'eptLens.showPlanReport', copyJson: 'eptLens.copyPlanJson' } as const;

/** Symbols past this many gaps per map are left out (folding and outline stay usable). */
export const MAX_GAP_SYMBOLS = 5000;

/** `EPT plan: 2,083,348 leaves · 4,078 tables (15.9 MiB) · gaps 373×4K 541×2M 503×1G`: whole-plan totals first, then what the gaps take. */
export function lensTitle(analysis: Analysis, settings: Settings, mapIndex: number): string {
  const map = analysis.maps()[mapIndex];
  const mp = analysis.planFor(map, settings);
  if (!mp.plan) return `EPT plan: ${mp.error}`;
  if (mp.inputCount === 0) return `EPT plan: no usable RAM ranges in this map${map.notes.some((n) => n.code === 'iomem-no-root') ? ' (/proc/iomem read without root)' : ''}`;
  const p = mp.plan;
  const m = p.totals.mmio;
  const tables = p.tables.pml4 + p.tables.pdpt + p.tables.pd + p.tables.pt;
  return `EPT plan: ${formatCount(p.comparison.plan.leaves)} leaves · ${formatCount(tables)} tables (${formatSize(p.bytes)}) · gaps ${pagesShort(m)}`;
}

export function codeLenses(analysis: Analysis, settings: Settings): CodeLens[] {
  const uri = analysis.model.uri;
  const out: CodeLens[] = [];
  analysis.maps().forEach((map, i) => {
    const range = { start: { line: map.firstLine, character: 0 }, end: { line: map.firstLine, character: 0 } };
    out.push({ range, command: { title: lensTitle(analysis, settings, i), command: LENS_COMMANDS.report, arguments: [uri, i] } });
    out.push({ range, command: { title: 'Copy as JSON', command: LENS_COMMANDS.copyJson, arguments: [uri, i] } });
  });
  return out;
}

const lineEnd = (lines: readonly string[], line: number) => ({ line, character: lines[line]?.length ?? 0 });

export function documentSymbols(analysis: Analysis, settings: Settings): DocumentSymbol[] {
  const lines = analysis.model.lines;
  const { doc } = analysis.model.maps();
  const out: DocumentSymbol[] = [];
  for (const map of doc.maps) {
    const mp = analysis.planFor(map, settings);
    const children: DocumentSymbol[] = [];
    if (mp.plan) {
      const gapLine = gapLines(mp).line;
      for (const [gi, g] of mp.plan.gaps.entries()) {
        if (children.length >= MAX_GAP_SYMBOLS) break;
        const line = gapLine[gi] >= 0 ? gapLine[gi] : map.lastLine;
        const range = { start: { line, character: 0 }, end: lineEnd(lines, line) };
        children.push({
          name: `${g.before === undefined ? 'tail' : 'gap'} ${rangeText(g.start, g.end)}`,
          detail: `${formatSize(g.end - g.start)} → ${pagesShort(g.pages)}`,
          kind: SymbolKind.Field,
          range,
          selectionRange: range,
        });
      }
    }
    const range = { start: { line: map.firstLine, character: 0 }, end: lineEnd(lines, map.lastLine) };
    out.push({
      name: mapTitle(map),
      detail: mp.plan ? `${pagesShort(mp.plan.totals.mmio)} for gaps` : mp.error,
      kind: SymbolKind.Namespace,
      range,
      selectionRange: { start: range.start, end: lineEnd(lines, map.firstLine) },
      children,
    });
  }
  for (const d of doc.dumps) {
    const range = { start: { line: d.firstLine, character: 0 }, end: lineEnd(lines, d.lastLine) };
    out.push({ name: dumpTitle(d), kind: SymbolKind.Enum, range, selectionRange: { start: range.start, end: lineEnd(lines, d.firstLine) } });
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line);
  return out;
}

function dumpTitle(d: MtrrDump): string {
  const vars = d.state.variable.length + (d.state.ranges?.length ?? 0);
  const source = d.source === 'proc' ? '/proc/mtrr' : d.source === 'dmesg' ? 'dmesg' : DUMP_SOURCES[d.source];
  return `MTRRs (${source}): ${vars} variable range${vars === 1 ? '' : 's'}, default ${d.state.defaultType}${d.state.defaultTypeKnown ? '' : ' (assumed)'}`;
}

export function foldingRanges(analysis: Analysis): FoldingRange[] {
  const { doc } = analysis.model.maps();
  const out: FoldingRange[] = [];
  for (const m of doc.maps) if (m.lastLine > m.firstLine) out.push({ startLine: m.firstLine, endLine: m.lastLine, kind: 'region' });
  for (const d of doc.dumps) if (d.lastLine > d.firstLine) out.push({ startLine: d.firstLine, endLine: d.lastLine, kind: 'region' });
  return out.sort((a, b) => a.startLine - b.startLine);
}

/** Quick fixes: rewrite a wrong hand annotation to the planned counts. */
export function codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.code !== DIAGNOSTIC_CODES.annotationMismatch) continue;
    const data = d.data as AnnotationFixData | undefined;
    if (!data || typeof data.newText !== 'string') continue;
    out.push({
      title: `Rewrite the annotation as "${data.newText}"`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: d.range, newText: data.newText }] } },
    });
  }
  return out;
}
