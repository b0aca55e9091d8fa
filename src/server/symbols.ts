// Document symbols (one per map, gaps as children at the line each gap belongs to; MTRR dumps) and
// folding ranges. Pure.
import { DocumentSymbol, FoldingRange, SymbolKind } from 'vscode-languageserver';
import { DUMP_SOURCES, type MtrrDump } from '../formats';
import { formatSize } from '../planner';
import { gapLineOf, mapTitle } from '../analysis';
import { pagesShort, rangeText } from './describe';
import type { DocAnalysis as Analysis, DocumentModel } from './model';
import type { Settings } from './settings';

/** Symbols past this many gaps per map are left out (folding and outline stay usable). */
const MAX_GAP_SYMBOLS = 5000;

const lineEnd = (model: DocumentModel, line: number) => ({ line, character: model.lineAt(line).length });

export function documentSymbols(analysis: Analysis, settings: Settings): DocumentSymbol[] {
  const model = analysis.model;
  const { doc } = analysis.model.maps();
  const out: DocumentSymbol[] = [];
  for (const map of doc.maps) {
    const mp = analysis.planFor(map, settings);
    const children: DocumentSymbol[] = [];
    if (mp.plan) {
      const gapLine = gapLineOf(mp);
      for (const [i, g] of mp.plan.gaps.entries()) {
        if (children.length >= MAX_GAP_SYMBOLS) break;
        const line = gapLine(i) ?? map.lastLine;
        const range = { start: { line, character: 0 }, end: lineEnd(model, line) };
        children.push({
          name: `${g.before === undefined ? 'tail' : 'gap'} ${rangeText(g.start, g.end)}`,
          detail: `${formatSize(g.end - g.start)} → ${pagesShort(g.pages)}`,
          kind: SymbolKind.Field,
          range,
          selectionRange: range,
        });
      }
    }
    const range = { start: { line: map.firstLine, character: 0 }, end: lineEnd(model, map.lastLine) };
    out.push({
      name: mapTitle(map),
      detail: mp.plan ? `${pagesShort(mp.plan.totals.mmio)} for gaps` : mp.error,
      kind: SymbolKind.Namespace,
      range,
      selectionRange: { start: range.start, end: lineEnd(model, map.firstLine) },
      children,
    });
  }
  for (const d of doc.dumps) {
    const range = { start: { line: d.firstLine, character: 0 }, end: lineEnd(model, d.lastLine) };
    out.push({ name: dumpTitle(d), kind: SymbolKind.Enum, range, selectionRange: { start: range.start, end: lineEnd(model, d.firstLine) } });
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line);
  return out;
}

/** `MTRRs (/proc/mtrr): 8 variable ranges, default UC (assumed)`: the outline's name of a dump, and what pairing a file says it found. */
export function dumpTitle(d: MtrrDump): string {
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
