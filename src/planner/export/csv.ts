// The plan as CSV: one row per gap and RAM range in address order. Pure (plan → string).
// Columns: kind,start,end,size_bytes,pages_4k,pages_2m,pages_1g,memory_type
// Addresses are 0x hex (end exclusive), counts are plain integers, a gap whose leaves carry more
// than one memory type says "mixed" (the JSON export lists its pieces).
import type { Plan, Span } from '../plan';
import { hex } from '../units';

export const CSV_HEADER = 'kind,start,end,size_bytes,pages_4k,pages_2m,pages_1g,memory_type';

export function planToCsv(plan: Plan): string {
  const spans: { kind: 'ram' | 'gap'; s: Span }[] = [
    ...plan.ram.map((s) => ({ kind: 'ram' as const, s })),
    ...plan.gaps.map((s) => ({ kind: 'gap' as const, s })),
  ].sort((a, b) => a.s.start - b.s.start);
  const rows = [CSV_HEADER];
  for (const { kind, s } of spans) {
    rows.push([kind, hex(s.start), hex(s.end), s.end - s.start, s.pages['4K'], s.pages['2M'], s.pages['1G'], s.memoryType].join(','));
  }
  return rows.join('\n') + '\n';
}
