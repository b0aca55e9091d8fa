// Builds an `mtrr-range` record (an MTRR known as a typed address range) from the text of one
// line, checking what can be wrong with it. Shared by the hvpp, gbhv/HyperDbg/airhv, ksm and
// mtrr_cleanup readers.
import { memoryTypeFromNumber, memoryTypeLabel } from '../planner/decode/memory-types';
import type { MemoryType } from '../planner/types';
import { parseAddress } from './hex';
import type { EdgeTexts } from './range-record';
import type { Field, MalformedRecord, MtrrRangeRecord, MtrrRangeSource, Problem } from './records';

/** With `endIsSize`, `endText` is already the computed end: the flag only says how the field reads. */
interface MtrrRangeParts extends EdgeTexts {
  source: MtrrRangeSource;
  line: number;
  fixed: boolean;
  phase?: 'original' | 'new';
  type: MemoryType | undefined;
  typeText: string;
  typeAt: number;
}

const FIXED_END = 0x100000;

/** An MTRR type as a number (`6`, `0x6`): the type, or undefined for reserved encodings (2, 3, 7+). */
export const memoryTypeFromText = (text: string): MemoryType | undefined => memoryTypeFromNumber(numberOf(text));

const numberOf = (text: string): number => (/^0x/i.test(text) ? parseInt(text.slice(2), 16) : Number(text));

export function mtrrRange(p: MtrrRangeParts): MtrrRangeRecord | MalformedRecord {
  const fields = {
    start: { start: p.startAt, end: p.startAt + p.startText.length },
    end: { start: p.endAt, end: p.endAt + p.endText.length },
    type: { start: p.typeAt, end: p.typeAt + p.typeText.length } as Field,
  };
  const s = parseAddress(p.startText, fields.start, 'MTRR range start');
  const e = parseAddress(p.endText, fields.end, 'MTRR range end');
  const problems: Problem[] = [];
  if (!s.ok) problems.push(s.problem);
  if (!e.ok) problems.push(e.problem);
  if (!p.type) {
    const n = numberOf(p.typeText);
    const what = Number.isInteger(n) ? memoryTypeLabel(n) : `'${p.typeText}'`;
    problems.push({ code: 'unknown-memory-type', message: `MTRR type ${what} is not a memory type (reserved): the range is not used`, severity: 'error', field: fields.type });
  }
  if (!s.ok || !e.ok || !p.type) return { kind: 'malformed', line: p.line, format: 'mtrr', problems };
  const start = s.value;
  const end = p.inclusive ? e.value + 1 : e.value;
  if (end <= start) {
    problems.push({ code: 'end-before-start', message: 'MTRR range ends before it starts: not used', severity: 'error', field: { start: fields.start.start, end: fields.end.end } });
  } else if (p.fixed && end > FIXED_END) {
    problems.push({
      code: 'mtrr-fixed-past-1mib',
      message: 'a fixed-range MTRR past 1 MiB does not exist: this list is wrong here (not used)',
      severity: 'warning',
      field: { start: fields.start.start, end: fields.end.end },
    });
  }
  const endPrints = p.endIsSize ? 'size' : p.inclusive ? 'last' : 'next';
  return { kind: 'mtrr-range', line: p.line, source: p.source, fixed: p.fixed, phase: p.phase, start, end, type: p.type, fields, endPrints, problems };
}
