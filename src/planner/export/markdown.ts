// The plan as Markdown: a summary, the gap table, the RAM table and the strategy comparison.
// Pure (plan → string); the CLI's `--format md`, the server's "Copy Plan as Markdown" and the
// report's Markdown export all use it.
import type { Gap, Plan, PlannedRam, Span, StrategyCost } from '../plan';
import type { PageCounts } from '../types';
import { formatCount, formatSize, hex } from '../units';
import { mtrrTypesNote } from '../mtrr';

export interface MarkdownOptions {
  /** Heading of the document (default "EPT identity-map plan"). */
  title?: string;
  /** How a 0-based log line is shown (default `line ${line0 + 1}`). */
  lineLabel?: (line0: number) => string;
  /** When given, line labels link there (`file:///…/log#L12` opens the log at that line). */
  lineLink?: (line0: number) => string;
  /** The 0-based line of gap `index` (default: gapLine, which knows only the plan). */
  gapLine?: (index: number) => number | undefined;
  /** Where the memory types came from, said instead of "memory types from the MTRRs" (ExportOptions). */
  mtrrSource?: string;
}

/** 0-based line of a RAM range: its first input that came from text. */
export function ramLine(r: PlannedRam): number | undefined {
  return r.inputs.find((i) => i.line !== undefined)?.line;
}

/**
 * 0-based line a gap belongs to: the line of the RAM range right after it (where the editor shows
 * "the gap before this range"), or for the tail up to the limit, the last line of the last range.
 */
export function gapLine(plan: Plan, g: Gap): number | undefined {
  if (g.before !== undefined) {
    const r = plan.ram[g.before];
    return r ? ramLine(r) : undefined;
  }
  const last = plan.ram[plan.ram.length - 1];
  if (!last) return undefined;
  let line: number | undefined;
  for (const i of last.inputs) if (i.line !== undefined && (line === undefined || i.line > line)) line = i.line;
  return line;
}

/** `97×4K 1×2M`, or `–` when there are no leaves. */
export function pagesText(p: PageCounts): string {
  const parts: string[] = [];
  for (const s of ['4K', '2M', '1G'] as const) if (p[s]) parts.push(`${formatCount(p[s])}×${s}`);
  return parts.length ? parts.join(' ') : '–';
}

/** `UC`, or `mixed (WB, UC)` listing each type once in address order. */
export function memoryTypeText(s: Span): string {
  if (s.memoryType !== 'mixed') return s.memoryType;
  const seen: string[] = [];
  for (const p of s.pieces) if (!seen.includes(p.memoryType)) seen.push(p.memoryType);
  return `mixed (${seen.join(', ')})`;
}

const leafTotal = (p: PageCounts): number => p['4K'] + p['2M'] + p['1G'];
const tablePages = (c: StrategyCost): number => c.tables.pml4 + c.tables.pdpt + c.tables.pd + c.tables.pt;

/** Escapes text for a Markdown table cell or inline text. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => '\\' + c).replace(/\r?\n/g, ' ');
}

function row(cells: (string | number)[]): string {
  return `| ${cells.map(String).join(' | ')} |`;
}

/** One gap or RAM range as a table row: number, line, start, end, size, pages, type. */
function spanRow(n: number, line: string, s: Span): string {
  const p = s.pages;
  return row([n, line, `\`${hex(s.start)}\``, `\`${hex(s.end)}\``, formatSize(s.end - s.start), formatCount(p['4K']), formatCount(p['2M']), formatCount(p['1G']), md(memoryTypeText(s))]);
}

export function planToMarkdown(plan: Plan, opts: MarkdownOptions = {}): string {
  const title = opts.title ?? 'EPT identity-map plan';
  const label = (line: number | undefined): string => {
    if (line === undefined) return '';
    const text = md(opts.lineLabel ? opts.lineLabel(line) : `line ${line + 1}`);
    // Spaces and parentheses would end a Markdown link target.
    return opts.lineLink ? `[${text}](${opts.lineLink(line).replace(/ /g, '%20').replace(/\(/g, '%28').replace(/\)/g, '%29')})` : text;
  };
  const o = plan.options;
  const out: string[] = [];
  out.push(`# ${md(title)}`, '');
  out.push(
    `Identity map of \`${hex(0)}\`–\`${hex(plan.limit)}\` (${formatSize(plan.limit)}) · largest page ${o.maxPage} · ` +
      `RAM pages up to ${o.ramPage} · ${md(opts.mtrrSource ?? mtrrTypesNote(o.mtrr, plan.limit, 'memory types UC for gaps, WB for RAM'))}`,
    '',
  );

  // Summary.
  const ramBytes = plan.ram.reduce((n, r) => n + (r.end - r.start), 0);
  const gapBytes = plan.gaps.reduce((n, g) => n + (g.end - g.start), 0);
  const t = plan.tables;
  out.push('## Summary', '');
  out.push(row(['', 'ranges', 'size', '4K', '2M', '1G', 'leaves']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
  const sumRow = (name: string, n: number, bytes: number, p: PageCounts): string =>
    row([name, formatCount(n), formatSize(bytes), formatCount(p['4K']), formatCount(p['2M']), formatCount(p['1G']), formatCount(leafTotal(p))]);
  out.push(sumRow('Gaps (MMIO)', plan.gaps.length, gapBytes, plan.totals.mmio));
  out.push(sumRow('RAM', plan.ram.length, ramBytes, plan.totals.ram));
  const all: PageCounts = {
    '4K': plan.totals.mmio['4K'] + plan.totals.ram['4K'],
    '2M': plan.totals.mmio['2M'] + plan.totals.ram['2M'],
    '1G': plan.totals.mmio['1G'] + plan.totals.ram['1G'],
  };
  out.push(sumRow('**Total**', plan.gaps.length + plan.ram.length, gapBytes + ramBytes, all));
  out.push('');
  const tableCount = t.pml4 + t.pdpt + t.pd + t.pt;
  out.push(
    `Tables: ${formatCount(t.pml4)} PML4 · ${formatCount(t.pdpt)} PDPT · ${formatCount(t.pd)} PD · ${formatCount(t.pt)} PT = ` +
      `**${formatCount(tableCount)} pages (${formatSize(plan.bytes)})**`,
    '',
  );
  if (plan.gaps.length) {
    const largest = plan.gaps.reduce((a, g) => (g.end - g.start > a.end - a.start ? g : a));
    out.push(`Largest gap: \`${hex(largest.start)}\`–\`${hex(largest.end)}\` (${formatSize(largest.end - largest.start)})`, '');
  }

  // One table per kind of span, rows in address order, each with the log line it comes from.
  const spanTable = <T extends Span>(title: string, empty: string, spans: readonly T[], lineText: (s: T, i: number) => string): void => {
    out.push(title, '');
    if (spans.length === 0) {
      out.push(empty, '');
      return;
    }
    out.push(row(['#', 'line', 'start', 'end', 'size', '4K', '2M', '1G', 'type']));
    out.push(row(['---:', '---', '---', '---', '---:', '---:', '---:', '---:', '---']));
    spans.forEach((sp, i) => out.push(spanRow(i + 1, lineText(sp, i), sp)));
    out.push('');
  };
  spanTable('## Gaps', 'No gaps: RAM covers the whole identity map.', plan.gaps, (g, i) =>
    label(opts.gapLine ? opts.gapLine(i) : gapLine(plan, g)) + (g.before === undefined ? ' (tail)' : ''));
  const mixed = plan.gaps.filter((g) => g.memoryType === 'mixed');
  if (mixed.length) {
    out.push('Gaps with mixed memory types, by piece:', '');
    for (const g of mixed) {
      out.push(`- \`${hex(g.start)}\`–\`${hex(g.end)}\`: ` +
        g.pieces.map((p) => `\`${hex(p.start)}\`–\`${hex(p.end)}\` ${p.memoryType} ${pagesText(p.pages)}`).join('; '));
    }
    out.push('');
  }

  spanTable('## RAM', 'No RAM ranges inside the limit.', plan.ram, (r) => label(ramLine(r)));
  if (plan.beyondLimit.length) {
    out.push(`**RAM beyond the limit** (not mapped): ` +
      plan.beyondLimit.map((r) => `\`${hex(r.start)}\`–\`${hex(r.end)}\` (${formatSize(r.end - r.start)})`).join(', '), '');
  }
  if (plan.mtrrConflicts.length) {
    out.push('**MTRR conflicts** (overlapping variable ranges with undefined precedence; planned as UC):', '');
    for (const c of plan.mtrrConflicts) {
      out.push(`- \`${hex(c.start)}\`–\`${hex(c.end)}\`: ${c.types.join(' + ')} (registers ${c.registers.join(', ')})`);
    }
    out.push('');
  }

  // Comparison.
  const c = plan.comparison;
  out.push('## Strategy comparison', '');
  out.push(row(['strategy', 'leaves', 'table pages', 'table bytes']));
  out.push(row(['---', '---:', '---:', '---:']));
  const cost = (name: string, s: StrategyCost): string => row([name, formatCount(s.leaves), formatCount(tablePages(s)), formatSize(s.bytes)]);
  out.push(cost('**This plan**', c.plan));
  out.push(cost('4K only (HyperPlatform)', c.fourKOnly));
  out.push(cost('2M everywhere (hvpp, SimpleVisor, gbhv)', c.twoMEverywhere));
  if (c.maxPage2M) out.push(cost('This plan, max page 2M', c.maxPage2M));
  out.push('');
  out.push(
    `MMIO-only tables: ${formatCount(c.mmioTables)} — ${c.fitsHyperPlatformPrealloc ? 'fits' : 'does **not** fit'} ` +
      `HyperPlatform's 50 pre-allocated pages.`,
    '',
  );
  return out.join('\n');
}
