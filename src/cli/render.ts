// The human-readable plan: one row per gap, then RAM totals, tables, bytes and the comparison; and
// how the CLI names its flags in the problems of analysis/problems.ts.
import type { Terms } from '../analysis/problems';
import type { Plan, StrategyCost } from '../planner/plan';
import { tableTotal } from '../planner/tables';
import type { PageCounts } from '../planner/types';
import { formatCount, formatSize, hex } from '../planner/units';

const pad = (s: string, n: number): string => s.padEnd(n);
/** Most typed pieces per gap, and MTRR conflicts, the text output lists. */
const MAX_LISTED = 16;
const more = (n: number, what: string): string => `    … and ${formatCount(n)} more ${what} (--json lists them all)`;
const lpad = (s: string, n: number): string => s.padStart(n);
const sum = (c: PageCounts): number => c['4K'] + c['2M'] + c['1G'];

function cost(c: StrategyCost): string {
  return `${formatCount(c.leaves)} leaves, ${formatCount(tableTotal(c.tables))} tables (${formatSize(c.bytes)})`;
}

/** How the CLI's messages name its flags. */
export const CLI_TERMS: Terms = {
  limit: 'raise --limit',
  limitPhys: '--limit phys',
  physBits: '--phys-bits',
  noMtrr: '--no-mtrr',
  mtrrFile: 'give --mtrr FILE to use them',
  mtrrDefault: 'set --mtrr-default',
  maxPage: '--max-page',
};


interface RenderContext {
  /** What the map is and where it came from, one line. */
  heading: string;
  /** How memory types were decided, one line. */
  mtrrNote: string;
  /** Warnings and notes about the plan's inputs, one line each (what `--json` carries too). */
  notes?: readonly string[];
  /** 1-based `file:line` for a 0-based global line. */
  where: (line: number) => string;
}

/** Lines per piece of planTextPieces: a piece is one string of them, joined by newlines. */
const PIECE_LINES = 4096;

/**
 * The text plan in pieces of up to PIECE_LINES lines, to be joined by newlines: a map of a million
 * ranges has half a million gap rows, and as one string (two-byte once it holds a '–') with its
 * array of lines it cost the CLI more memory than the map's records.
 */
export function* planTextPieces(plan: Plan, ctx: RenderContext): Generator<string> {
  let out: string[] = [];
  const o = plan.options;
  out.push(ctx.heading);
  out.push(`Identity map of [0x0, ${hex(plan.limit)}) (${formatSize(plan.limit)}), max page ${o.maxPage}, RAM pages ${o.ramPage}; ${ctx.mtrrNote}`);
  for (const n of ctx.notes ?? []) out.push(`  ${n}`);
  out.push('');
  // Column widths from the data (at least the usual ones), so that large counts or long
  // addresses never run into the next column.
  const m = plan.totals.mmio;
  // Two passes over the rows, formatting their cells each time, rather than keeping every cell of
  // every row: a map of a million ranges has half a million gap rows (a span's counts are
  // computed on read).
  type Row = { x: { start: number; end: number; pages: PageCounts }; tail: string; piece: boolean; after?: string };
  function* rows(): Generator<Row> {
    for (const g of plan.gaps) {
      const next = g.before === undefined ? 'limit' : ctx.where(plan.ram[g.before].inputs[0]?.line ?? -1);
      yield { x: g, tail: `${pad(g.memoryType, 8)}${next}`, piece: false };
      if (g.memoryType !== 'mixed') continue;
      // Non-contiguous MTRR masks can cut one gap into tens of thousands of typed pieces: show
      // the first ones; --json lists them all.
      const shown = g.pieces.slice(0, MAX_LISTED);
      for (let i = 0; i < shown.length; i++) {
        const last = i === shown.length - 1 && g.pieces.length > MAX_LISTED;
        yield { x: shown[i], tail: shown[i].memoryType, piece: true, after: last ? more(g.pieces.length - MAX_LISTED, 'typed pieces') : undefined };
      }
    }
  }
  const cells = ({ x }: Row) => ({ start: hex(x.start), end: hex(x.end), size: formatSize(x.end - x.start), k4: formatCount(x.pages['4K']), m2: formatCount(x.pages['2M']), g1: formatCount(x.pages['1G']) });
  const w = { start: 16, end: 16, size: 10, k4: Math.max(8, formatCount(m['4K']).length + 1), m2: Math.max(7, formatCount(m['2M']).length + 1), g1: Math.max(6, formatCount(m['1G']).length + 1) };
  for (const r of rows()) {
    const c = cells(r);
    w.start = Math.max(w.start, c.start.length + 1);
    w.end = Math.max(w.end, c.end.length + 3);
    w.size = Math.max(w.size, c.size.length + 1);
    w.k4 = Math.max(w.k4, c.k4.length + 1);
    w.m2 = Math.max(w.m2, c.m2.length + 1);
    w.g1 = Math.max(w.g1, c.g1.length + 1);
  }
  const counts = (c: PageCounts): string => `${lpad(formatCount(c['4K']), w.k4)}${lpad(formatCount(c['2M']), w.m2)}${lpad(formatCount(c['1G']), w.g1)}`;
  out.push(`  ${pad('gap start', w.start)}${pad('end', w.end)}${lpad('size', w.size)}${lpad('4K', w.k4)}${lpad('2M', w.m2)}${lpad('1G', w.g1)}  type    before`);
  for (const r of rows()) {
    const c = cells(r);
    const rest = `${lpad(c.size, w.size)}${lpad(c.k4, w.k4)}${lpad(c.m2, w.m2)}${lpad(c.g1, w.g1)}  ${r.tail}`;
    out.push(r.piece ? `    ${pad(c.start, w.start)}${pad(c.end, w.end - 2)}${rest}` : `  ${pad(c.start, w.start)}${pad(c.end, w.end)}${rest}`);
    if (r.after) out.push(r.after);
    if (out.length >= PIECE_LINES) {
      yield out.join('\n');
      out = [];
    }
  }
  out.push(`  ${pad(`gaps: ${plan.gaps.length}`, w.start + w.end)}${lpad('', w.size)}${counts(m)}  = ${formatCount(sum(m))} leaves`);
  out.push('');
  const r = plan.totals.ram;
  const ramBytes = plan.ram.reduce((n, x) => n + x.end - x.start, 0);
  out.push(`RAM: ${plan.ram.length} ranges, ${formatSize(ramBytes)}: ${formatCount(r['4K'])}×4K ${formatCount(r['2M'])}×2M ${formatCount(r['1G'])}×1G`);
  for (const b of plan.beyondLimit) out.push(`RAM beyond the limit, not mapped: [${hex(b.start)}, ${hex(b.end)}) (${formatSize(b.end - b.start)})`);
  const t = plan.tables;
  out.push(`Tables: ${t.pml4} PML4 + ${formatCount(t.pdpt)} PDPT + ${formatCount(t.pd)} PD + ${formatCount(t.pt)} PT = ${formatCount(tableTotal(t))} tables, ${formatCount(plan.bytes)} bytes (${formatSize(plan.bytes)})`);
  for (const c of plan.mtrrConflicts.slice(0, MAX_LISTED)) {
    out.push(`MTRR conflict: [${hex(c.start)}, ${hex(c.end)}) is covered by ${c.types.join(' and ')} (registers ${c.registers.join(', ')}): undefined by the SDM, planned as UC`);
  }
  if (plan.mtrrConflicts.length > MAX_LISTED) out.push(more(plan.mtrrConflicts.length - MAX_LISTED, 'MTRR conflicts').trimStart());
  const cmp = plan.comparison;
  out.push('Compared with:');
  out.push(`  this plan         ${cost(cmp.plan)}`);
  out.push(`  4K only           ${cost(cmp.fourKOnly)}   (HyperPlatform)`);
  out.push(`  2M everywhere     ${cost(cmp.twoMEverywhere)}   (hvpp, SimpleVisor, gbhv)`);
  if (cmp.maxPage2M) out.push(`  max page 2M       ${cost(cmp.maxPage2M)}   (CPUs without 1 GiB EPT pages)`);
  out.push(`  MMIO-only tables  ${formatCount(cmp.mmioTables)}: ${cmp.fitsHyperPlatformPrealloc ? 'fit' : 'do NOT fit'} HyperPlatform's 50 pre-allocated table pages`);
  yield out.join('\n');
}
