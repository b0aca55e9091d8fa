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

/**
 * What many range records hold alike is kept once: a dump of a million e820 lines prints a few
 * type names and, line after line, its fields at the same columns. Shared parts are never changed
 * in place: code that moves a record's fields or adds a problem gives it new ones (columns.ts,
 * e820-types.ts, meminfo.ts). Each cache starts over when full, so hostile input cannot grow it.
 */
const SHARED_MAX = 4096;
const typeNames = new Map<string, string>();
const layouts = new Map<string, RangeRecord['fields']>();
/** The problems of every record that has none: frozen, so a push onto it throws instead of spreading. */
const NO_PROBLEMS = Object.freeze([]) as readonly Problem[] as Problem[];

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= SHARED_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

/** Longer type names are not shared: the cache stays small whatever the names are. */
const SHARED_NAME_MAX = 64;

/** The type name as its own string (never a view into the text: ownString), one copy per name. */
function typeNameOf(name: string): string {
  if (name.length > SHARED_NAME_MAX) return ownString(name);
  const known = typeNames.get(name);
  if (known !== undefined) return known;
  const own = ownString(name);
  return remember(typeNames, own, own);
}

function layoutOf(start: Field, end: Field, typeAt: number | undefined, typeName: string): RangeRecord['fields'] {
  const typeEnd = typeAt === undefined ? -1 : typeAt + typeName.length;
  const key = `${start.start},${start.end},${end.start},${end.end},${typeAt ?? -1},${typeEnd}`;
  return layouts.get(key) ?? remember(layouts, key, { start, end, type: typeAt === undefined ? undefined : { start: typeAt, end: typeEnd } });
}

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
    typeName: typeNameOf(p.typeName),
    fields: layoutOf(startField, endField, p.typeAt, p.typeName),
    endPrints: p.endIsSize ? 'size' : p.inclusive ? 'last' : 'next',
    depth: p.depth ?? 0,
    problems: problems.length ? problems : NO_PROBLEMS,
  };
}
