// Diagnostics: problems the readers found on lines, and the problems analysis/problems.ts finds in
// maps, dumps and plans (the same list the CLI's warnings render), plus what only the editor offers:
// hand annotations that disagree with the plan (with a quick fix), 1G pages the CPU setting forbids,
// eptLens.policy. Capped at eptLens.maxDiagnostics.
import { Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver';
import type { Field, Severity } from '../formats';
import { ramInputs } from '../formats';
import { type MapPlan, type MapProblem, PROBLEM_CODES, dumpProblems, lineProblems, mapProblemSteps, planOptions, planProblems } from '../analysis';
import { PageCounts, formatCount, formatSize, planMemoryMap, runToEnd, stepCounter, tableTotal } from '../planner';
import type { DocAnalysis as Analysis, DocumentModel } from './model';
import { isFirstInput, pagesShort, rangeText } from './describe';
import { type Settings, editorTerms } from './settings';
import { policyDiagnostics } from './policy-diagnostics';

const SOURCE = 'ept-lens';

export const DIAGNOSTIC_CODES = {
  ...PROBLEM_CODES,
  annotationMismatch: 'annotation-mismatch',
  needs1G: 'needs-1g-pages',
  planError: 'plan-error',
  settings: 'settings',
  truncated: 'too-many-diagnostics',
} as const;

/** Our diagnostics always carry plain-text messages (LSP 3.18 also allows Markdown). */
export type EptDiagnostic = Diagnostic & { message: string };

/** What the quick fix for an annotation mismatch writes (kept in the diagnostic's data): the counts only, at the version they were computed for. */
export interface AnnotationFixData {
  newText: string;
  range: Range;
  version: number;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

const at = (line: number, f: Field) => ({ start: { line, character: f.start }, end: { line, character: f.end } });

/** How the editor's messages name the settings. */
const terms = editorTerms;

/** `97 4KB-entries and 1 2MB-entry`: the counts written back in the log's own style. */
export function annotationText(pages: PageCounts): string {
  const parts: string[] = [];
  const unit = { '4K': '4KB', '2M': '2MB', '1G': '1GB' } as const;
  for (const s of ['4K', '2M', '1G'] as const) if (pages[s]) parts.push(`${pages[s]} ${unit[s]}-${pages[s] === 1 ? 'entry' : 'entries'}`);
  return parts.length ? parts.join(' and ') : '0 4KB-entries';
}

/** Every diagnostic of the document at once (tests, and what the server's steps add up to). */
export const computeDiagnostics = (analysis: Analysis, settings: Settings): EptDiagnostic[] => runToEnd(diagnosticSteps(analysis, settings));

/**
 * computeDiagnostics in steps: it yields after each part that grows with a map (its checks, its
 * plan, the plan's problems) and every ITEMS_PER_STEP records or ranges, so that the server can answer
 * hovers and keystrokes in between (a map of 300k ranges takes 50-110 ms in all, in 50 steps), and
 * stop when the document changes (runInSteps). Returns the diagnostics.
 */
export function* diagnosticSteps(analysis: Analysis, settings: Settings): Generator<void, EptDiagnostic[]> {
  const cap = settings.maxDiagnostics;
  const out: EptDiagnostic[] = [];
  let dropped = 0;
  const push = (d: EptDiagnostic): boolean => {
    if (out.length >= cap) {
      dropped++;
      return false;
    }
    out.push({ source: SOURCE, ...d });
    return true;
  };
  if (cap === 0) return out;
  const model = analysis.model;
  for (const p of settings.problems) push({ range: at(0, { start: 0, end: 0 }), severity: DiagnosticSeverity.Warning, code: DIAGNOSTIC_CODES.settings, message: p });

  const { doc, records } = model.maps();
  // 1. Problems the readers found on single lines.
  const pushAll = (ps: readonly MapProblem[]): boolean => ps.every((p) => push(diagnostic(model, p)));
  const due = stepCounter();
  for (const r of records) {
    if (!pushAll(lineProblems(r))) break;
    if (due()) yield;
  }
  // 2. What MTRR dumps could not tell (no default type in /proc/mtrr, no fixed ranges).
  for (const d of doc.dumps) pushAll(dumpProblems(d, settings.physAddrBits, terms(settings)));
  // 3. Per map.
  for (const map of doc.maps) {
    yield;
    pushAll(yield* mapProblemSteps(map));
    yield;
    const mp = analysis.planFor(map, settings);
    if (!mp.plan) {
      push({ range: lineRange(model, map.firstLine), severity: DiagnosticSeverity.Error, code: DIAGNOSTIC_CODES.planError, message: `cannot plan this map: ${mp.error}` });
      continue;
    }
    yield;
    yield* planDiagnostics(analysis, settings, mp, push);
    if (settings.policy) policyDiagnostics(settings.policy, map, mp.plan, (l) => lineRange(model, l), push, mp.pairedMtrr === undefined ? mp.mtrrDump?.firstLine : undefined);
  }
  if (dropped > 0 && out.length > 0) {
    out[out.length - 1] = {
      source: SOURCE,
      range: out[out.length - 1].range,
      severity: DiagnosticSeverity.Information,
      code: DIAGNOSTIC_CODES.truncated,
      message: `${formatCount(dropped + 1)} more problems not shown (eptLens.maxDiagnostics = ${cap})`,
    };
  }
  return out;
}

function lineRange(model: DocumentModel, line: number) {
  const l = Math.max(0, Math.min(line, model.lineCount - 1));
  return { start: { line: l, character: 0 }, end: { line: l, character: model.lineAt(l).length } };
}

/** A problem on its field, else on its whole line. */
function diagnostic(model: DocumentModel, p: MapProblem): EptDiagnostic {
  return { range: p.field ? at(p.line, p.field) : lineRange(model, p.line), severity: SEVERITY[p.severity], code: p.code, message: p.message };
}

/**
 * A problem of a paired MTRR file (an overlap, a truncated mask) is on a line of that file, not of
 * the document: said on the map's first line, naming the file's line, as the CLI names `--mtrr FILE`'s.
 */
function inDocument(p: MapProblem, mp: MapPlan): MapProblem {
  if (!p.inDump || mp.pairedMtrr === undefined) return p;
  return { code: p.code, severity: p.severity, message: `${mp.pairedMtrr}:${p.line + 1}: ${p.message}`, line: mp.map.firstLine };
}

function* planDiagnostics(analysis: Analysis, settings: Settings, mp: MapPlan, push: (d: EptDiagnostic) => boolean): Generator<void> {
  const plan = mp.plan!;
  const map = mp.map;
  // The limit past MAXPHYADDR, RAM past the limit, MTRR conflicts and truncated masks: the list the CLI's warnings render.
  for (const p of planProblems(map, plan, mp.mtrrDump, terms(settings))) if (!push(diagnostic(analysis.model, inDocument(p, mp)))) return;
  yield;
  // Hand annotations.
  const due = stepCounter();
  for (const r of map.ranges) {
    if (due()) yield;
    if (!r.annotation) continue;
    const idx = mp.ramByLine.get(r.line);
    if (idx === undefined) continue;
    const claimed: PageCounts = { '4K': r.annotation.claimed['4K'] ?? 0, '2M': r.annotation.claimed['2M'] ?? 0, '1G': r.annotation.claimed['1G'] ?? 0 };
    const gap = isFirstInput(mp, r) ? mp.gapBefore[idx] : undefined;
    const planned: PageCounts = gap ? gap.pages : { '4K': 0, '2M': 0, '1G': 0 };
    if (claimed['4K'] === planned['4K'] && claimed['2M'] === planned['2M'] && claimed['1G'] === planned['1G']) continue;
    const message = gap
      ? `claims ${pagesShort(claimed)}; the gap ${rangeText(gap.start, gap.end)} needs ${pagesShort(planned)}`
      : `claims ${pagesShort(claimed)}; there is no gap before this range`;
    const data: AnnotationFixData = { newText: annotationText(planned), range: at(r.line, r.annotation.counts), version: analysis.model.version };
    if (!push({ range: at(r.line, r.annotation.field), severity: DiagnosticSeverity.Warning, code: DIAGNOSTIC_CODES.annotationMismatch, message, data })) return;
  }
  // 1G pages would help but the CPU setting forbids them.
  if (settings.maxPage !== '1G') {
    yield;
    const with1G = planMemoryMap(ramInputs(map), planOptions({ ...settings, maxPage: '1G' }, mp.mtrrDump?.state));
    const g1 = with1G.totals.mmio['1G'] + with1G.totals.ram['1G'];
    if (g1 > 0) {
      const leaves = (p: typeof plan) => p.comparison.plan.leaves;
      // A Hint (dots under the start, listed in Problems), not a squiggle over a line the user can't fix.
      push({
        range: lineRange(analysis.model, map.firstLine),
        severity: DiagnosticSeverity.Hint,
        code: DIAGNOSTIC_CODES.needs1G,
        message:
          `eptLens.maxPage is ${settings.maxPage}: with 1 GiB pages this map would use ${formatCount(g1)}×1G, ` +
          `${formatCount(leaves(plan) - leaves(with1G))} fewer leaves and ${formatCount(tableTotal(plan.tables) - tableTotal(with1G.tables))} fewer tables ` +
          `(${formatSize(plan.bytes)} → ${formatSize(with1G.bytes)})`,
      });
    }
  }
}
