// Inlay hints, right after the field they explain: on a memory-range line after its end address
// (the plan for the gap that line belongs to, the tail on the last RAM line), on KVM /
// HyperPlatform event lines after the decoded field. Only lines inside the requested range are
// looked at; tooltips are filled in by resolve.
import type { InlayHint, MarkupContent, Range } from 'vscode-languageserver';
import type { MemoryMap, RangeRecord } from '../formats';
import { hasError } from '../formats';
import { parseEventLine } from '../formats/events';
import { formatSize, hex } from '../planner';
import { gapLines, type MapPlan, ramLineOf } from '../analysis';
import type { DocAnalysis as Analysis } from './model';
import { fitLine, gapLabel, isFirstInput, markdown, mtrrSourceSentence, rangeText, spanBreakdown } from './describe';
import { eventAnchor, eventLabel, eventMarkdown } from './events';
import type { Settings } from './settings';

type HintKind = 'gap' | 'tail' | 'range' | 'event';

export interface HintData {
  uri: string;
  version: number;
  line: number;
  kind: HintKind;
  /** Index in plan.gaps (gap and tail hints). */
  gap?: number;
}

/** Event lines scanned per request at most (VS Code asks for the visible lines plus a margin). */
const MAX_EVENT_LINES = 20_000;

const usable = (r: RangeRecord): boolean => r.ram && r.depth === 0 && !hasError(r);

/** Index of the first range of the map on or after `line` (ranges are in line order). */
function firstRangeAt(map: MemoryMap, line: number): number {
  let lo = 0;
  let hi = map.ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map.ranges[mid].line < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What a RAM-range line says besides its gap: beyond the limit, or merged into an earlier line. */
function rangeLabel(mp: MapPlan, r: RangeRecord): string | undefined {
  const plan = mp.plan;
  if (!plan || !usable(r) || r.end <= r.start) return undefined;
  if (r.start >= plan.limit) return `beyond the ${formatSize(plan.limit)} limit`;
  const idx = mp.ramByLine.get(r.line);
  if (idx === undefined || isFirstInput(mp, r)) return undefined;
  const first = ramLineOf(mp, idx);
  return first === undefined ? 'merged' : `merged with line ${first + 1}`;
}

interface Pending {
  line: number;
  full: string;
  terse: string;
  data: HintData;
}

export function inlayHints(
  analysis: Analysis,
  settings: Settings,
  range: Range,
  isCancelled: () => boolean = () => false,
): InlayHint[] {
  if (!settings.inlayHints) return [];
  const model = analysis.model;
  const from = Math.max(0, range.start.line);
  const to = Math.min(model.lineCount - 1, range.end.line);
  const pending: Pending[] = [];
  const data = (line: number, kind: HintKind, gap?: number): HintData =>
    gap === undefined ? { uri: model.uri, version: model.version, line, kind } : { uri: model.uri, version: model.version, line, kind, gap };
  const recordLines = new Set<number>();
  for (const map of analysis.mapsInLines(from, to)) {
    // While a large document is still being scanned, only maps later lines can't change.
    if (!analysis.isSettled(map)) continue;
    const mp = analysis.planFor(map, settings);
    for (let i = firstRangeAt(map, from); i < map.ranges.length && map.ranges[i].line <= to; i++) {
      const r = map.ranges[i];
      recordLines.add(r.line);
      const label = rangeLabel(mp, r);
      if (label) pending.push({ line: r.line, full: label, terse: label, data: data(r.line, 'range') });
    }
    if (!mp.plan || mp.inputCount === 0) continue;
    const gaps = mp.plan.gaps;
    const { line: gapLine, byLine } = gapLines(mp);
    let lo = 0;
    let hi = byLine.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (gapLine[byLine[mid]] < from) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < byLine.length && gapLine[byLine[k]] <= to; k++) {
      const gi = byLine[k];
      const g = gaps[gi];
      const line = gapLine[gi];
      pending.push({ line, full: gapLabel(g), terse: gapLabel(g, true), data: data(line, g.before === undefined ? 'tail' : 'gap', gi) });
    }
  }
  const eventEnd = Math.min(to, from + MAX_EVENT_LINES, model.scannedLines - 1);
  const eventAt = new Map<number, number>();
  for (let line = from; line <= eventEnd; line++) {
    if ((line & 0xfff) === 0 && isCancelled()) break;
    if (recordLines.has(line)) continue;
    const text = model.lineAt(line);
    if (text.length > 4096) continue;
    const ev = parseEventLine(text, line);
    if (!ev) continue;
    if (!analysis.isSettled(analysis.mapForLine(line))) continue;
    const label = eventLabel(analysis, settings, ev);
    if (!label) continue;
    const at = eventAnchor(ev);
    if (at) eventAt.set(line, at.end);
    pending.push({ line, full: label, terse: label, data: data(line, 'event') });
  }
  // One line's hints together stay within VS Code's per-line cut.
  pending.sort((a, b) => a.line - b.line);
  const out: InlayHint[] = [];
  for (let i = 0; i < pending.length; ) {
    let j = i;
    while (j < pending.length && pending[j].line === pending[i].line) j++;
    const group = pending.slice(i, j);
    const line = group[0].line;
    const labels = fitLine(group.map((p) => p.full), group.map((p) => p.terse));
    const character = eventAt.get(line) ?? anchorOf(analysis, line);
    group.forEach((p, k) => out.push({ position: { line, character }, label: labels[k], paddingLeft: true, data: p.data }));
    i = j;
  }
  return out;
}

/** Right after a range line's end address (the text after it is type names and notes). */
function anchorOf(analysis: Analysis, line: number): number {
  const rec = analysis.model.recordAt(line);
  return rec?.kind === 'range' ? rec.fields.end.end : analysis.model.lineAt(line).length;
}

/** `_Memory types from the MTRR dump at line 12; limit 512 GiB, max page 1G._`: the MTRR source names a paired file. */
const tooltipSettings = (mp: MapPlan, settings: Settings): string =>
  `_${mtrrSourceSentence(mp, settings)}; limit ${formatSize(mp.plan!.limit)}, max page ${mp.plan!.options.maxPage}._`;

/** The tooltip of a hint, computed when VS Code asks for it (inlayHint/resolve). */
export function hintTooltip(analysis: Analysis, settings: Settings, data: HintData): MarkupContent | undefined {
  const model = analysis.model;
  if (data.line < 0 || data.line >= model.lineCount) return undefined;
  const lines: string[] = [];
  if (data.kind === 'event') {
    const ev = parseEventLine(model.lineAt(data.line), data.line);
    if (!ev) return undefined;
    lines.push(...eventMarkdown(analysis, settings, ev));
  } else {
    const map = analysis.maps().find((m) => m.firstLine <= data.line && data.line <= m.lastLine);
    if (!map) return undefined;
    const mp = analysis.planFor(map, settings);
    if (!mp.plan) return undefined;
    if (data.kind === 'range') {
      const idx = mp.ramByLine.get(data.line);
      const ram = idx === undefined ? undefined : mp.plan.ram[idx];
      if (!ram) return undefined;
      lines.push(`### RAM \`${rangeText(ram.start, ram.end)}\``, '', ...spanBreakdown(ram));
    } else {
      const g = data.gap === undefined ? undefined : mp.plan.gaps[data.gap];
      if (!g) return undefined;
      if (g.before === undefined) lines.push(`### Tail \`${rangeText(g.start, g.end)}\``, '', `From the last RAM range up to the limit ${hex(mp.plan.limit)} (${formatSize(mp.plan.limit)}).`, '');
      else lines.push(`### Gap \`${rangeText(g.start, g.end)}\``, '', 'Not RAM: mapped with the largest pages that fit (MMIO, holes, PCI windows).', '');
      lines.push(...spanBreakdown(g));
    }
    lines.push('', tooltipSettings(mp, settings));
  }
  return { kind: 'markdown', value: markdown(lines) };
}
