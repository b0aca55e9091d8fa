// Linux's mtrr_cleanup (arch/x86/kernel/cpu/mtrr/cleanup.c print_out_mtrr_range_state):
//   original variable MTRRs
//   reg 0, base: 0GB, range: 4GB, type WB            ("reg %d, base: %ld%cB, range: %ld%cB, type %s")
//   …
//   New variable MTRRs
//   reg 0, base: 0GB, range: 2GB, type WB
// Kernels that print no MTRR dump (RHEL 6 without mtrr.show) still print these. They are the
// variable MTRRs as ranges; the type is UC, WP, WB or `Other` (cleanup.c prints WC and WT so).
import { parseMemoryTypeWord } from '../planner/decode/memory-types';
import { mtrrRange } from './mtrr-range';
import type { MalformedRecord, MtrrRangeRecord } from './records';

export type CleanupList = 'none' | 'original' | 'new';

/** The headers that open mtrr_cleanup's lists: its `reg N, …` lines are read only inside one. */
export const MTRR_CLEANUP_KEYS = ['original variable MTRRs', 'New variable MTRRs'];
const REG = /^reg (\d+), base: (\d+)([KMG])B, range: (\d+)([KMG])B, type (\S+)\s*$/;
const UNIT: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

export function readMtrrCleanup(text: string, line: number, at: number, list: CleanupList, end = text.length): { list: CleanupList; record?: MtrrRangeRecord | MalformedRecord } {
  if (text.startsWith('original variable MTRRs', at)) return { list: 'original' };
  if (text.startsWith('New variable MTRRs', at)) return { list: 'new' };
  if (list === 'none' || !text.startsWith('reg ', at)) return { list: 'none' };
  const m = REG.exec(text.slice(at, end));
  if (!m) return { list: 'none' };
  const base = Number(m[2]) * UNIT[m[3]];
  const size = Number(m[4]) * UNIT[m[5]];
  const startAt = at + m[0].indexOf('base: ') + 6;
  const endAt = at + m[0].indexOf('range: ') + 7;
  const typeAt = at + m[0].lastIndexOf(m[6]);
  const record = mtrrRange({
    source: 'mtrr-cleanup', line, fixed: false, phase: list, startText: base.toString(16), startAt, endText: (base + size).toString(16), endAt,
    inclusive: false, endIsSize: true, type: parseMemoryTypeWord(m[6]), typeText: m[6], typeAt,
  });
  // The addresses were computed from `0GB`/`2GB`: the fields are those words on the line.
  if (record.kind === 'mtrr-range') {
    record.fields.start = { start: startAt, end: startAt + m[2].length + 2 };
    record.fields.end = { start: endAt, end: endAt + m[4].length + 2 };
  }
  return { list, record };
}
