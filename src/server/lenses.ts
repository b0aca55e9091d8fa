// Code lenses: the plan totals above each map, and Copy as JSON. Pure.
import { CodeLens } from 'vscode-languageserver';
import { isUsable } from '../analysis';
import type { DocAnalysis as Analysis } from './model';
import { formatCount, formatSize, tableTotal } from '../planner';
import { pagesShort } from './describe';
import { traceLensTitle, traceMarkdown, traceSummary } from './trace-summary';
import type { Settings } from './settings';

/** Client commands the lenses run; their arguments are `[uri, mapIndex]`. */
const LENS_COMMANDS = { report: 'eptLens.showPlanReport', copyJson: 'eptLens.copyPlanJson', trace: 'eptLens.showTraceSummary' } as const;

/** `EPT plan: 2,083,348 leaves · 4,078 tables (15.9 MiB) · gaps 373×4K 541×2M 503×1G`: whole-plan totals first, then what the gaps take. */
export function lensTitle(analysis: Analysis, settings: Settings, mapIndex: number): string {
  const map = analysis.maps()[mapIndex];
  const mp = analysis.planFor(map, settings);
  if (!mp.plan) return `EPT plan: ${mp.error}`;
  if (!isUsable(map) || mp.inputCount === 0) return `EPT plan: no usable RAM ranges in this map${map.notes.some((n) => n.code === 'iomem-no-root') ? ' (/proc/iomem read without root)' : ''}`;
  const p = mp.plan;
  const m = p.totals.mmio;
  return `EPT plan: ${formatCount(p.comparison.plan.leaves)} leaves · ${formatCount(tableTotal(p.tables))} tables (${formatSize(p.bytes)}) · gaps ${pagesShort(m)}`;
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
