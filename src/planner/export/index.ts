// One entry point for every export format of a plan (CLI `--format`, server requests, report).
import type { Plan } from '../plan';
import { planToCHeader } from './c-header';
import { planToCsv } from './csv';
import { planToJson } from './json';
import { planToMarkdown } from './markdown';

export type ExportFormat = 'json' | 'md' | 'csv' | 'c';

export interface ExportOptions {
  /** Title for Markdown, source line for the C header comment. */
  title?: string;
  /** How a 0-based log line is shown in Markdown. */
  lineLabel?: (line0: number) => string;
  /** The 0-based line of gap `index`, in Markdown (see MarkdownOptions). */
  gapLine?: (index: number) => number | undefined;
  /** C header: static pool sizing (see CHeaderOptions). */
  sizing?: { highestAddress: number };
  /**
   * Markdown and C header: where the memory types came from (`memory types from the /proc/mtrr
   * dump at x.mtrr, paired with this log`), said in place of the plan's own "from the MTRRs".
   */
  mtrrSource?: string;
}

export function exportPlan(plan: Plan, format: ExportFormat, opts: ExportOptions = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify(planToJson(plan), null, 2) + '\n';
    case 'md':
      return planToMarkdown(plan, opts);
    case 'csv':
      return planToCsv(plan);
    case 'c':
      return planToCHeader(plan, { title: opts.title, sizing: opts.sizing, mtrrSource: opts.mtrrSource });
    default:
      throw new Error(`unknown export format ${String(format)}`);
  }
}

export { planToJson, planToMarkdown, planToCsv, planToCHeader };
export { planJsonPieces } from './json';
export { sizingDefines } from './c-header';
export { CSV_HEADER } from './csv';
export type { MarkdownOptions } from './markdown';
export type { CHeaderOptions } from './c-header';
