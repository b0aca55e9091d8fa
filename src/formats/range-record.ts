// Builds a RangeRecord from the two address fields of a line, checking what can be wrong with them.
import { parseAddress } from './hex';
import { ownString } from './own-string';
import type { Field, MalformedRecord, MapFormat, Problem, RangeRecord } from './records';

/** A line's two address fields as printed: their text and column, and how the end reads. */
export interface EdgeTexts {
  startText: string;
  startAt: number;
  endText: string;
  endAt: number;
  /** True when the source prints the last byte (e820, iomem), false for an exclusive end. */
  inclusive: boolean;
  /** The second field prints a size, not an end (2.4's `SIZE @ START`, mtrr_cleanup's `range: 2GB`). */
  endIsSize?: boolean;
}

export interface RangeParts extends EdgeTexts {
  format: MapFormat;
  line: number;
  typeName: string;
  typeAt?: number;
  /** Absent for the e820 family, whose caller decides it from the type name (makeE820Range). */
  ram?: boolean;
  depth?: number;
}

const field = (at: number, text: string): Field => ({ start: at, end: at + text.length });

export function makeRange(p: RangeParts, ram = p.ram ?? false): RangeRecord | MalformedRecord {
  const startField = field(p.startAt, p.startText);
  const endField = field(p.endAt, p.endText);
  const s = parseAddress(p.startText, startField, 'start address');
  const e = parseAddress(p.endText, endField, 'end address');
  const problems: Problem[] = [];
  if (!s.ok) problems.push(s.problem);
  if (!e.ok) problems.push(e.problem);
  if (!s.ok || !e.ok) return { kind: 'malformed', line: p.line, format: p.format, problems };
  const start = s.value;
  const end = p.endIsSize ? start + e.value : p.inclusive ? e.value + 1 : e.value;
  const whole: Field = { start: Math.min(startField.start, endField.start), end: Math.max(startField.end, endField.end) };
  if (end < start) {
    problems.push({
      code: 'end-before-start',
      message: `end 0x${e.value.toString(16)} is before start 0x${start.toString(16)}`,
      severity: 'error',
      field: whole,
    });
  } else if (end === start) {
    problems.push({ code: 'empty-range', message: 'zero-length range: it maps nothing', severity: 'warning', field: whole });
  }
  return {
    kind: 'range',
    format: p.format,
    line: p.line,
    start,
    end,
    ram,
    typeName: ownString(p.typeName),
    fields: { start: startField, end: endField, type: p.typeAt === undefined ? undefined : field(p.typeAt, p.typeName) },
    endPrints: p.endIsSize ? 'size' : p.inclusive ? 'last' : 'next',
    depth: p.depth ?? 0,
    problems,
  };
}
