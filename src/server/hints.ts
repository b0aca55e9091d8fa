// Inlay hints: at the end of each RAM-range line the plan for the gap before it, on the map's last
// range line the tail up to the limit, and on KVM / HyperPlatform event lines where the GPA lands.
// Only lines inside the requested range are looked at; tooltips are filled in by resolve.
import type { InlayHint, MarkupContent, Range } from 'vscode-languageserver';
import type { MemoryMap, RangeRecord } from '../formats';
import { EventRecord, parseEventLine } from '../formats/events';
import { EptLevel, decodeEptEntry, describeEptEntry } from '../planner/decode/ept-entry';
import { decodeExitQualification, describeExitQualification } from '../planner/decode/exit-qualification';
import { eptIndices } from '../planner/decode/ept-indices';
import { formatSize, hex } from '../planner';
import { type MapPlan, isUsable } from '../analysis';
import { gapLine } from '../planner/export/markdown';
import type { DocAnalysis as Analysis } from './model';
import {
  accessShort, addressMarkdown, fit, gapLabel, isFirstInput, landingShort, plainText, ramLineOf, rangeText, spanBreakdown,
} from './describe';
import type { Settings } from './settings';

export type HintKind = 'gap' | 'tail' | 'event';

export interface HintData {
  uri: string;
  version: number;
  line: number;
  kind: HintKind;
}

/** Event lines scanned per request at most (VS Code asks for the visible lines plus a margin). */
export const MAX_EVENT_LINES = 20_000;

const usable = (r: RangeRecord): boolean => r.ram && r.depth === 0 && !r.problems.some((p) => p.severity === 'error');

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

/** The label for a RAM-range line, or undefined when the line gets none. */
export function rangeLabel(mp: MapPlan, r: RangeRecord): string | undefined {
  const plan = mp.plan;
  if (!plan || !usable(r) || r.end <= r.start) return undefined;
  if (r.start >= plan.limit) return `beyond the ${formatSize(plan.limit)} limit`;
  const idx = mp.ramByLine.get(r.line);
  if (idx === undefined) return undefined;
  if (!isFirstInput(mp, r)) {
    const first = ramLineOf(mp, idx);
    return first === undefined ? 'merged' : `no gap (merged with line ${first + 1})`;
  }
  const g = mp.gapBefore[idx];
  return g ? gapLabel(g) : 'no gap';
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
  const out: InlayHint[] = [];
  const hint = (line: number, label: string, kind: HintKind): void => {
    out.push({
      position: { line, character: model.lineAt(line).length },
      label: fit(label),
      paddingLeft: true,
      data: { uri: model.uri, version: model.version, line, kind } satisfies HintData,
    });
  };
  const recordLines = new Set<number>();
  for (const map of analysis.mapsInLines(from, to)) {
    // While a large document is still being scanned, only maps later lines can't change.
    if (!analysis.isSettled(map)) continue;
    const mp = analysis.planFor(map, settings);
    // The tail belongs to the line of the last RAM range, as everywhere (gapLine).
    const tailLine = mp.plan && mp.tail ? gapLine(mp.plan, mp.tail) : undefined;
    for (let i = firstRangeAt(map, from); i < map.ranges.length && map.ranges[i].line <= to; i++) {
      const r = map.ranges[i];
      recordLines.add(r.line);
      const label = rangeLabel(mp, r);
      if (label) hint(r.line, label, 'gap');
    }
    if (mp.tail && isUsable(map) && tailLine !== undefined && tailLine >= from && tailLine <= to) hint(tailLine, gapLabel(mp.tail), 'tail');
  }
  const eventEnd = Math.min(to, from + MAX_EVENT_LINES, model.scannedLines - 1);
  for (let line = from; line <= eventEnd; line++) {
    if ((line & 0xfff) === 0 && isCancelled()) break;
    if (recordLines.has(line)) continue;
    const text = model.lineAt(line);
    if (text.length > 4096) continue;
    const ev = parseEventLine(text, line);
    if (!ev) continue;
    if (!analysis.isSettled(analysis.mapForLine(line))) continue;
    const label = eventLabel(analysis, settings, ev);
    if (label) hint(line, label, 'event');
  }
  out.sort((a, b) => a.position.line - b.position.line);
  return out;
}

/** The guest-physical address an event is about, if any. */
export function eventAddress(ev: EventRecord): number | undefined {
  switch (ev.kind) {
    case 'kvm_mmio':
      return ev.gpa.value;
    case 'kvm_page_fault':
      return ev.address?.value;
    case 'kvm_mmu_set_spte':
    case 'kvm_mmu_spte_requested':
      return ev.gfn.value * 0x1000;
    case 'hyperplatform_violation':
      return ev.pa?.value;
    default:
      return undefined;
  }
}

const isViolation = (reason: string): boolean => /EPT_VIOLATION/i.test(reason) || reason === '48';
const isMisconfig = (reason: string): boolean => /EPT_MISCONFIG/i.test(reason) || reason === '49';

export function eventLabel(analysis: Analysis, settings: Settings, ev: EventRecord): string | undefined {
  const where = (addr: number | undefined): string | undefined => {
    if (addr === undefined) return undefined;
    const map = analysis.mapForLine(ev.line);
    const mp = map ? analysis.planFor(map, settings) : undefined;
    if (mp?.plan) return landingShort(mp, addr);
    const i = eptIndices(addr);
    return `EPT ${i.pml4}/${i.pdpt}/${i.pd}/${i.pt}`;
  };
  switch (ev.kind) {
    case 'kvm_mmio': {
      const w = where(ev.gpa.value);
      return fit(`${ev.access.value}${w ? ` · ${w}` : ''}`);
    }
    case 'kvm_exit': {
      const reason = ev.reason.value;
      if (isViolation(reason) && ev.info1) return fit(accessShort(decodeExitQualification(ev.info1.value)));
      if (isMisconfig(reason)) return 'EPT misconfig (KVM emulated MMIO)';
      return undefined;
    }
    case 'kvm_page_fault': {
      const access = accessShort(decodeExitQualification(ev.errorCode.value));
      const w = where(ev.address?.value);
      return fit(w ? `${access} · ${w.replace(' leaf ', ' ')}` : access);
    }
    case 'kvm_mmu_set_spte': {
      const level = ev.level.value;
      if (level < 1 || level > 4) return undefined;
      const e = decodeEptEntry(ev.spte.value, level as EptLevel);
      const perms = `${e.read ? 'r' : '-'}${e.write ? 'w' : '-'}${e.execute ? 'x' : '-'}`;
      const kind = e.leaf ? `${e.pageSize} leaf ${e.memoryType ?? 'bad type'}` : 'table';
      const w = where(eventAddress(ev));
      const misconf = e.misconfigurations.length ? ' · MISCONFIG' : '';
      return fit(`${kind} ${perms}${misconf}${w ? ` · ${w.split(' · ')[0]}` : ''}`);
    }
    case 'hyperplatform_violation': {
      const w = where(ev.pa?.value);
      return w ? fit(`EPT violation · ${w}`) : undefined;
    }
    case 'hyperplatform_preallocated': {
      const map = analysis.mapForLine(ev.line);
      const mp = map ? analysis.planFor(map, settings) : undefined;
      if (!mp?.plan) return undefined;
      return fit(`plan: ${mp.plan.comparison.mmioTables} MMIO-only tables`);
    }
    default:
      return undefined;
  }
}

/** The tooltip of a hint, computed when VS Code asks for it (inlayHint/resolve). */
export function hintTooltip(analysis: Analysis, settings: Settings, data: HintData): MarkupContent | undefined {
  const model = analysis.model;
  if (data.line < 0 || data.line >= model.lineCount) return undefined;
  const lines: string[] = [];
  if (data.kind === 'gap' || data.kind === 'tail') {
    const map = analysis.maps().find((m) => m.firstLine <= data.line && data.line <= m.lastLine);
    if (!map) return undefined;
    const mp = analysis.planFor(map, settings);
    if (!mp.plan) return undefined;
    if (data.kind === 'tail') {
      const g = mp.tail;
      if (!g) return undefined;
      lines.push(`**Tail** \`${rangeText(g.start, g.end)}\` up to the limit ${hex(mp.plan.limit)} (${formatSize(mp.plan.limit)})`, '');
      lines.push(...spanBreakdown(g));
    } else {
      const idx = mp.ramByLine.get(data.line);
      if (idx === undefined) return undefined;
      const g = mp.gapBefore[idx];
      const ram = mp.plan.ram[idx];
      if (g) {
        lines.push(`**Gap before this range** \`${rangeText(g.start, g.end)}\``, '');
        lines.push(...spanBreakdown(g), '');
      } else {
        lines.push('**No gap** before this range', '');
      }
      lines.push(`**RAM** \`${rangeText(ram.start, ram.end)}\` (pages up to ${mp.plan.options.ramPage})`, '');
      lines.push(...spanBreakdown(ram));
    }
    lines.push('', `_${mp.mtrrApplied ? 'Memory types from the MTRR dump of this map' : 'Gaps UC, RAM WB (no MTRRs applied)'}; limit ${formatSize(mp.plan.limit)}, max page ${mp.plan.options.maxPage}._`);
  } else {
    const ev = parseEventLine(model.lineAt(data.line), data.line);
    if (!ev) return undefined;
    lines.push(...eventMarkdown(analysis, settings, ev));
  }
  return { kind: 'markdown', value: lines.join('\n') };
}

/** Markdown for an event line: decoded qualification / entry and where its address lands. */
export function eventMarkdown(analysis: Analysis, settings: Settings, ev: EventRecord): string[] {
  const out: string[] = [];
  if (ev.kind === 'kvm_exit' && ev.info1 && isViolation(ev.reason.value)) out.push(...qualificationLines(ev.info1.value));
  if (ev.kind === 'kvm_exit' && isMisconfig(ev.reason.value)) {
    out.push('**EPT misconfiguration** exit: KVM marks emulated-MMIO pages with deliberately misconfigured entries, so this is usually an MMIO access (see the following `kvm_mmio` line).');
  }
  if (ev.kind === 'kvm_page_fault') out.push(...qualificationLines(ev.errorCode.value));
  if (ev.kind === 'kvm_mmio') out.push(`**MMIO ${plainText(ev.access.value)}** of ${ev.len.value} bytes at \`${hex(ev.gpa.value)}\``);
  if (ev.kind === 'kvm_mmu_set_spte' && ev.level.value >= 1 && ev.level.value <= 4) {
    out.push(...describeEptEntry(decodeEptEntry(ev.spte.value, ev.level.value as EptLevel)));
  }
  const addr = eventAddress(ev);
  if (addr !== undefined) {
    const map = analysis.mapForLine(ev.line);
    const mp = map ? analysis.planFor(map, settings) : undefined;
    if (out.length) out.push('');
    out.push(...addressMarkdown(mp, addr, (i) => (mp ? ramLineOf(mp, i) : undefined)));
  }
  return out;
}

function qualificationLines(v: bigint): string[] {
  return describeExitQualification(decodeExitQualification(v));
}
