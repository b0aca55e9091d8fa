// Short texts shared by hints, hovers, lenses and diagnostics. Pure.
import type { RangeRecord } from '../formats';
import { eptIndices } from '../planner/decode/ept-indices';
import type { Gap, PageCounts, PageSize, Plan, Span, TypedLeafRun } from '../planner';
import { formatCount, formatSize, hex, leafAt, tom2TypesNote } from '../planner';
import { type MapPlan, type MtrrSource, mtrrSourceNote } from '../analysis';
import { type Settings, editorTerms } from './settings';

/**
 * Text from the log as plain text inside Markdown: every character Markdown could read as syntax
 * (links, images, emphasis, code, HTML) is escaped, line breaks become spaces. A type name such as
 * `![x](https://…)` shows as written and loads nothing (escaping `:` also keeps URLs from being auto-linked).
 */
export const plainText = (s: string): string => s.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&:/]/g, (c) => `\\${c}`);

/** VS Code cuts inlay hint labels at 43 characters by default. */
const MAX_HINT = 43;

/** `97×4K`, `408×2M 1×1G`; `0 leaves` when empty. */
export function pagesShort(p: PageCounts): string {
  const parts: string[] = [];
  for (const s of ['4K', '2M', '1G'] as const) if (p[s]) parts.push(`${formatCount(p[s])}×${s}`);
  return parts.length ? parts.join(' ') : '0 leaves';
}

export const fit = (s: string, max = MAX_HINT): string => (s.length <= max ? s : s.slice(0, max - 1) + '…');

/** `gap 388 KiB → 97×4K` (or `tail …` for the gap up to the limit); `terse` drops the size. */
export function gapLabel(g: Gap, terse = false): string {
  const word = g.before === undefined ? 'tail' : 'gap';
  return terse ? `${word} ${pagesShort(g.pages)}` : `${word} ${formatSize(g.end - g.start)} → ${pagesShort(g.pages)}`;
}

/**
 * Labels that share a line, joined so VS Code never has to cut them: its 43-character limit is
 * for all the hints of a line together. `terse` forms are tried before cutting.
 */
export function fitLine(full: readonly string[], terse: readonly string[] = full): string[] {
  const total = (ls: readonly string[]) => ls.reduce((n, l) => n + l.length, 0) + ls.length - 1;
  if (total(full) <= MAX_HINT) return [...full];
  if (total(terse) <= MAX_HINT) return [...terse];
  return terse.map((l) => fit(l, Math.floor((MAX_HINT - terse.length + 1) / terse.length)));
}

/**
 * Markdown from lines: a blank line between blocks, one line break inside lists and tables, and an
 * explicit break (two trailing spaces) between other adjacent lines, so nothing runs together.
 */
export function markdown(lines: readonly string[]): string {
  const kind = (l: string): string => (l === '' ? 'blank' : /^\s*([-*]|\d+\.) /.test(l) ? 'list' : l.startsWith('|') ? 'table' : /^(#|---$)/.test(l) ? 'block' : 'text');
  let out = '';
  let prev = 'blank';
  for (const l of lines) {
    const k = kind(l);
    if (out !== '') {
      if (k === 'blank' || prev === 'blank') out += '\n';
      else if (k === prev && (k === 'list' || k === 'table')) out += '\n';
      else if (k === 'text' && prev === 'text') out += '  \n';
      else out += '\n\n';
    }
    if (!(k === 'blank' && (prev === 'blank' || out === ''))) out += l;
    prev = k;
  }
  return out.replace(/\n+$/, '');
}

export const rangeText = (start: number, end: number): string => `${hex(start)}–${hex(end)}`;

export function typeText(s: Span): string {
  if (s.memoryType !== 'mixed') return s.memoryType;
  const seen: string[] = [];
  for (const p of s.pieces) if (!seen.includes(p.memoryType)) seen.push(p.memoryType);
  return `mixed (${seen.join(', ')})`;
}

/** Markdown lines: a span's size, leaves and type, then its leaf runs as a table. */
export function spanBreakdown(s: Span): string[] {
  const out: string[] = [];
  out.push(`${formatSize(s.end - s.start)} → **${pagesShort(s.pages)}**, ${typeText(s)}`);
  if (s.runs.length) {
    out.push('', '| leaves | from | to | type |', '| ---: | --- | --- | --- |');
    for (const r of s.runs.slice(0, 12)) out.push(`| ${formatCount(r.count)}×${r.size} | \`${hex(r.start)}\` | \`${hex(r.end)}\` | ${r.memoryType} |`);
    if (s.runs.length > 12) out.push(`| … | ${s.runs.length - 12} more runs | | |`);
  }
  return out;
}

/** The leaf containing `addr`: its base, size, type. */
function leafOf(run: TypedLeafRun, addr: number): { base: number; size: PageSize; type: string } {
  const bytes = run.size === '4K' ? 0x1000 : run.size === '2M' ? 0x200000 : 0x40000000;
  return { base: addr - (addr % bytes), size: run.size, type: run.memoryType };
}

/** `PML4[0] → PDPT[3] → PD[503] (2M leaf), offset 0xb0`: the walk down to the leaf that maps the address. */
function walkText(addr: number, size?: PageSize): string {
  const i = eptIndices(addr);
  const steps = [`PML4[${i.pml4}]`, `PDPT[${i.pdpt}]`];
  if (size !== '1G') steps.push(`PD[${i.pd}]`);
  if (size === undefined || size === '4K') steps.push(`PT[${i.pt}]`);
  const offset = size === '1G' ? i.offset1G : size === '2M' ? i.offset2M : i.offset4K;
  return `${steps.join(' → ')}${size ? ` (${size} leaf)` : ''}, offset \`${hex(offset)}\``;
}

/** Where an address lands in a plan: `MMIO · 2M leaf UC`, `RAM · 4K leaf WB`, `beyond limit`. */
export function landingShort(mp: MapPlan | undefined, addr: number): string | undefined {
  const plan = mp?.plan;
  if (!plan) return undefined;
  if (addr >= plan.limit) return 'beyond limit';
  const at = leafAt(plan, addr);
  if (!at) return undefined;
  return `${at.kind === 'gap' ? 'MMIO' : 'RAM'} · ${at.run.size} leaf ${at.run.memoryType}`;
}

/** Where a memory map for a trace comes from, for documents that have none. */
export const NO_MAP_HINT =
  '_No memory map in this document. Paste the guest\'s e820 map (`dmesg | grep -i e820`) or its `/proc/iomem` (read as root) above the trace to see RAM, gaps and leaves; QEMU\'s monitor command `info mtree` shows the same layout from the host._';

/** Markdown lines explaining an address against a plan. */
export function addressMarkdown(mp: MapPlan | undefined, addr: number, lineOf: (ramIndex: number) => number | undefined): string[] {
  const out: string[] = [];
  const plan: Plan | undefined = mp?.plan;
  if (!plan) {
    out.push(`**${hex(addr)}**${mp?.error ? ` — no plan: ${mp.error}` : ' — no memory map in this document'}`);
    out.push(`- EPT walk: ${walkText(addr)}`);
    if (!mp) out.push('', NO_MAP_HINT);
    return out;
  }
  if (addr >= plan.limit) {
    out.push(`**${hex(addr)}** lies past the identity-map limit ${hex(plan.limit)} (${formatSize(plan.limit)}): not mapped`);
    out.push(`- EPT walk: ${walkText(addr)}`);
    return out;
  }
  const at = leafAt(plan, addr);
  if (!at) {
    out.push(`**${hex(addr)}**: not covered`);
    return out;
  }
  const span = at.span;
  if (at.kind === 'ram') {
    const idx = plan.ram.indexOf(span as Plan['ram'][number]);
    const line = lineOf(idx);
    out.push(`**${hex(addr)}** is **RAM**: \`${rangeText(span.start, span.end)}\` (${formatSize(span.end - span.start)}${line !== undefined ? `, line ${line + 1}` : ''})`);
  } else {
    const g = span as Gap;
    const where = g.before === undefined ? 'the tail up to the limit' : `before line ${(lineOf(g.before) ?? -1) + 1}`;
    out.push(`**${hex(addr)}** is in a **gap** (MMIO / not RAM): \`${rangeText(g.start, g.end)}\` (${formatSize(g.end - g.start)}, ${where}) → ${pagesShort(g.pages)}`);
  }
  const leaf = leafOf(at.run, addr);
  out.push(`- mapped by a **${leaf.size} leaf** at \`${hex(leaf.base)}\`, memory type **${leaf.type}**`);
  out.push(`- EPT walk: ${walkText(addr, leaf.size)}`);
  return out;
}

/** True when this range line is the first (lowest) input of its merged RAM range. */
export function isFirstInput(mp: MapPlan, r: RangeRecord): boolean {
  const idx = mp.ramByLine.get(r.line);
  if (idx === undefined || !mp.plan) return false;
  return mp.plan.ram[idx].inputs[0]?.line === r.line;
}


/** Where a map's memory types came from, for mtrrSourceNote: its own dump's line, else the paired file. */
export function mtrrSourceOf(mp: MapPlan, settings: Settings): MtrrSource {
  if (!settings.useMtrr) return { ignored: true };
  if (!mp.mtrrDump) return {};
  return { dump: mp.mtrrDump, where: mp.pairedMtrr !== undefined ? `${mp.pairedMtrr}, paired with this log` : `line ${mp.mtrrDump.firstLine + 1}` };
}

/**
 * `memory types from the MTRR dump at line 12, AMD TOM2: [4 GiB, TOM2) WB`: how the plan's memory
 * types were decided (status tooltip, report header), a paired file named.
 */
export function mtrrSourceText(mp: MapPlan, settings: Settings): string {
  const applied = mp.plan?.options.mtrr;
  return `${mtrrSourceNote(mtrrSourceOf(mp, settings), editorTerms(settings))}${applied ? tom2TypesNote(applied, mp.plan!.limit) : ''}`;
}

/** mtrrSourceText as a sentence (hint tooltips, range hovers). */
export function mtrrSourceSentence(mp: MapPlan, settings: Settings): string {
  const note = mtrrSourceText(mp, settings);
  return `${note[0].toUpperCase()}${note.slice(1)}`;
}
