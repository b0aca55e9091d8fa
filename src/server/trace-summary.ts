// A KVM trace at a glance: exits by reason, and the guest-physical addresses of MMIO and EPT-fault
// events by the region of the plan they land in (which RAM range or gap, which leaf). Shown as a
// code lens on the first event line and as a Markdown page. Pure; one pass over the lines.
import { parseEventLine } from '../formats/events';
import { exitReason } from '../planner/decode/exit-reasons';
import { formatCount, hex, leafAt } from '../planner';
import { planKey } from '../analysis';
import type { DocAnalysis as Analysis } from './model';
import { NO_MAP_HINT, rangeText } from './describe';
import { eventAddress } from './events';
import type { Settings } from './settings';
import type { ReportTrace as TraceTables } from '../report/html';

interface TraceSummary {
  /** 0-based line of the first KVM event. */
  firstLine: number;
  exits: number;
  /** Reason → count, most frequent first. */
  byReason: [string, number][];
  /** Events with a guest-physical address. */
  addressed: number;
  /** `gap 0xfe000000–0x100000000 · 1G leaf UC` → count, most frequent first. */
  byRegion: [string, number][];
  hasMap: boolean;
}

/** Lines scanned at most (a trace summary is a glance, not a database). */
const MAX_SUMMARY_LINES = 2_000_000;

const cache = new WeakMap<Analysis, { key: string; summary: TraceSummary | undefined }>();

export function traceSummary(analysis: Analysis, settings: Settings): TraceSummary | undefined {
  const model = analysis.model;
  const key = `${model.version}|${model.scannedLines}|${planKey(settings)}`;
  const hit = cache.get(analysis);
  if (hit && hit.key === key) return hit.summary;
  let firstLine = -1;
  let exits = 0;
  let addressed = 0;
  const reasons = new Map<string, number>();
  const regions = new Map<string, number>();
  const end = Math.min(model.scannedLines, MAX_SUMMARY_LINES);
  for (let line = 0; line < end; line++) {
    const text = model.lineAt(line);
    if (text.length > 4096 || text.indexOf('kvm_') < 0) continue;
    const ev = parseEventLine(text, line);
    if (!ev || !ev.kind.startsWith('kvm_')) continue;
    if (firstLine < 0) firstLine = line;
    if (ev.kind === 'kvm_exit') {
      exits++;
      const name = exitReason(ev.reason.value)?.name ?? ev.reason.value;
      reasons.set(name, (reasons.get(name) ?? 0) + 1);
    }
    if (ev.kind !== 'kvm_mmio' && ev.kind !== 'kvm_page_fault') continue;
    const addr = eventAddress(ev);
    if (addr === undefined) continue;
    addressed++;
    const region = regionOf(analysis, settings, line, addr);
    regions.set(region, (regions.get(region) ?? 0) + 1);
  }
  const byCount = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const summary = firstLine < 0 ? undefined : { firstLine, exits, byReason: byCount(reasons), addressed, byRegion: byCount(regions), hasMap: analysis.maps().length > 0 };
  cache.set(analysis, { key, summary });
  return summary;
}

function regionOf(analysis: Analysis, settings: Settings, line: number, addr: number): string {
  const map = analysis.mapForLine(line);
  const plan = map ? analysis.planFor(map, settings).plan : undefined;
  if (!plan) return 'no plan';
  if (addr >= plan.limit) return `beyond the limit ${hex(plan.limit)}`;
  const at = leafAt(plan, addr);
  if (!at) return 'not covered';
  return `${at.kind === 'gap' ? 'gap' : 'RAM'} ${rangeText(at.span.start, at.span.end)} · ${at.run.size} leaf ${at.run.memoryType}`;
}

/** `KVM trace: 6 exits (EPT_VIOLATION 2, HLT 1, …) · 5 GPAs in 3 gaps/ranges`. */
export function traceLensTitle(s: TraceSummary): string {
  const top = s.byReason.slice(0, 3).map(([r, n]) => `${r} ${formatCount(n)}`).join(', ');
  const more = s.byReason.length > 3 ? ', …' : '';
  const gpas = !s.hasMap
    ? `${formatCount(s.addressed)} GPAs, no memory map (add dmesg e820 or /proc/iomem)`
    : `${formatCount(s.addressed)} GPAs in ${formatCount(s.byRegion.length)} region${s.byRegion.length === 1 ? '' : 's'}`;
  return `KVM trace: ${formatCount(s.exits)} exits${top ? ` (${top}${more})` : ''} · ${gpas}`;
}

/** The summary's tables, one rule for the Markdown page and the report's section. */
export function traceTables(s: TraceSummary): TraceTables {
  return {
    exits: s.exits,
    firstLine: s.firstLine,
    addressed: s.addressed,
    noMapHint: s.hasMap ? undefined : NO_MAP_HINT,
    reasons: s.byReason.map(([reason, exits]) => {
      const info = exitReason(reason);
      return { reason, number: info ? String(info.number) : '?', exits, meaning: info ? info.meaning : '' };
    }),
    regions: s.byRegion.map(([r, events]) => {
      const [where, leaf] = r.split(' · ');
      return { where, leaf: leaf ?? '', events };
    }),
  };
}

export function traceMarkdown(s: TraceSummary, name: string): string {
  const t = traceTables(s);
  const out = [`# KVM trace summary — ${name}`, '', `${formatCount(t.exits)} exits from line ${t.firstLine + 1}; ${formatCount(t.addressed)} events with a guest-physical address (kvm_mmio, kvm_page_fault).`, ''];
  out.push('## Exits by reason', '', '| reason | number | exits | what |', '| --- | ---: | ---: | --- |');
  for (const r of t.reasons) out.push(`| ${r.reason} | ${r.number} | ${formatCount(r.exits)} | ${r.meaning} |`);
  out.push('', '## Guest-physical addresses by region', '');
  if (t.noMapHint) out.push(t.noMapHint, '');
  if (t.regions.length) {
    out.push('| region | leaf | events |', '| --- | --- | ---: |');
    for (const r of t.regions) out.push(`| ${r.where} | ${r.leaf} | ${formatCount(r.events)} |`);
  }
  return out.join('\n') + '\n';
}
