// Code lenses: the plan totals above each map, and Copy as JSON. Pure.
import { CodeLens } from 'vscode-languageserver';
import type { MemoryMap } from '../formats';
import { isUsable } from '../analysis';
import type { DocAnalysis as Analysis } from './model';
import { formatCount, formatSize, tableTotal } from '../planner';
import { pagesShort } from './describe';
import { traceLensTitle, traceMarkdown, traceSummary } from './trace-summary';
import type { Settings } from './settings';

/** Client commands the lenses run; their arguments are `[uri, mapIndex]`. */
const LENS_COMMANDS = { report: 'eptLens.showPlanReport', copyJson: 'eptLens.copyPlanJson', trace: 'eptLens.showTraceSummary' } as const;

/**
 * `2,083,348 leaves · 4,078 tables (15.9 MiB) · gaps 373×4K 541×2M 503×1G`: whole-plan totals
 * first, then what the gaps take; or why the map has no plan (`planned` false). The code lens and
 * the Choose Memory Map list say it alike.
 */
export function planTotals(analysis: Analysis, settings: Settings, map: MemoryMap): { text: string; planned: boolean } {
  const mp = analysis.planFor(map, settings);
  if (!mp.plan) return { text: mp.error ?? 'no plan', planned: false };
  if (!isUsable(map) || mp.inputCount === 0) return { text: `no usable RAM ranges in this map${map.notes.some((n) => n.code === 'iomem-no-root') ? ' (/proc/iomem read without root)' : ''}`, planned: false };
  const p = mp.plan;
  const m = p.totals.mmio;
  return { text: `${formatCount(p.comparison.plan.leaves)} leaves · ${formatCount(tableTotal(p.tables))} tables (${formatSize(p.bytes)}) · gaps ${pagesShort(m)}`, planned: true };
}

/** `EPT plan: 2,083,348 leaves · 4,078 tables (15.9 MiB) · gaps 373×4K 541×2M 503×1G`. */
export function lensTitle(analysis: Analysis, settings: Settings, mapIndex: number): string {
  return `EPT plan: ${planTotals(analysis, settings, analysis.maps()[mapIndex]).text}`;
}

export function codeLenses(analysis: Analysis, settings: Settings): CodeLens[] {
  const uri = analysis.model.uri;
  const out: CodeLens[] = [];
  analysis.maps().forEach((map, i) => {
    const range = { start: { line: map.firstLine, character: 0 }, end: { line: map.firstLine, character: 0 } };
    out.push({ range, command: { title: lensTitle(analysis, settings, i), command: LENS_COMMANDS.report, arguments: [uri, i] } });
    out.push({ range, command: { title: 'Copy as JSON', command: LENS_COMMANDS.copyJson, arguments: [uri, i] } });
  });
  // A KVM trace: exits by reason and GPAs by region, on its first event line; the page goes along.
  const trace = traceSummary(analysis, settings);
  if (trace) {
    const range = { start: { line: trace.firstLine, character: 0 }, end: { line: trace.firstLine, character: 0 } };
    const name = decodeURIComponent(uri.replace(/[?#].*$/, '').split('/').pop() || uri);
    out.push({ range, command: { title: traceLensTitle(trace), command: LENS_COMMANDS.trace, arguments: [traceMarkdown(trace, name), `KVM trace summary — ${name}`] } });
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line);
}
