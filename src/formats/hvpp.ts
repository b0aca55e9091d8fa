// hvpp's dumps (wbenny/hvpp, lib/mm/physical_memory_descriptor.h and lib/mm/mtrr_descriptor.h):
//   hvpp_info("Physical memory ranges (%i)", count_);
//   hvpp_info("  %3i)    [%016" PRIx64 " - %016" PRIx64 "] (%8u kb)", i, begin, end, size / 1024);
//   hvpp_info("Fixed MTRR ranges (%i)", fixed_count);  /  hvpp_info("Variable MTRR ranges (%i)", variable_count_);
//   hvpp_info("  %3i) %s [%016" PRIx64 " - %016" PRIx64 "] (%8u kb)", i, to_string(type), begin, end, size / 1024);
// Ends are exclusive (physical_memory_range{begin, begin + size}). The logger (lib/win32/log.cpp)
// puts TAB-separated time, level, CPU, PID, TID, process and function before the message, so
// the message is what follows the last TAB. Unused MTRR slots print as empty ranges.
import { parseMemoryTypeWord } from '../planner/decode/memory-types';
import { mtrrRange } from './mtrr-range';
import { makeRange } from './range-record';
import type { MalformedRecord, MtrrDisabledRecord, MtrrRangeRecord, RangeRecord } from './records';

export type HvppList = 'none' | 'ram' | 'fixed' | 'variable';

/** The headers that open hvpp's lists: with no list open, no other line is hvpp's (entries are read only inside one). */
export const HVPP_KEYS = ['Physical memory ranges (', 'Fixed MTRR ranges (', 'Variable MTRR ranges ('];
const HEADER = /^(Physical memory|Fixed MTRR|Variable MTRR) ranges \(\d+\)\s*$/;
const ENTRY = /^\s*(\d+)\)\s+(?:([A-Za-z]{1,2})\s+)?\[([0-9a-fA-F]+) - ([0-9a-fA-F]+)\] \(\s*\d+ kb\)\s*$/;

const LISTS: Record<string, HvppList> = { 'Physical memory': 'ram', 'Fixed MTRR': 'fixed', 'Variable MTRR': 'variable' };

type HvppRecord = RangeRecord | MalformedRecord | MtrrRangeRecord | MtrrDisabledRecord;

/** Reads one line; `list` is the list a header line before opened. Only lines ending in `)` can be hvpp's. */
export function readHvpp(text: string, line: number, at: number, list: HvppList, end = text.length): { list: HvppList; record?: HvppRecord } {
  const tab = text.lastIndexOf('\t', end - 1);
  const from = tab >= at ? tab + 1 : at;
  const msg = text.slice(from, end);
  const h = HEADER.exec(msg);
  if (h) return { list: LISTS[h[1]] };
  if (list === 'none') return { list };
  const m = ENTRY.exec(msg);
  if (!m) return { list: 'none' };
  const startAt = from + m[0].indexOf('[') + 1;
  const endAt = startAt + m[3].length + 3;
  if (list === 'ram') {
    return { list, record: makeRange({ format: 'hvpp', line, startText: m[3], startAt, endText: m[4], endAt, inclusive: false, typeName: 'RAM', ram: true }) };
  }
  // An MTRR slot that is not valid keeps its zero range (and no type name).
  if (/^0+$/.test(m[3]) && /^0+$/.test(m[4])) return { list, record: { kind: 'mtrr-disabled-slot', line, index: Number(m[1]) } };
  const typeText = m[2] ?? '';
  const typeAt = m[2] === undefined ? startAt - 1 : from + m[0].indexOf(m[2], m[0].indexOf(')'));
  return {
    list,
    record: mtrrRange({
      source: 'hvpp', line, fixed: list === 'fixed', startText: m[3], startAt, endText: m[4], endAt,
      inclusive: false, type: parseMemoryTypeWord(typeText), typeText, typeAt,
    }),
  };
}
