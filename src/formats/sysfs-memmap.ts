// /sys/firmware/memmap as `grep "" /sys/firmware/memmap/*/*` prints it: one field per line,
//   /sys/firmware/memmap/0/end:0x9fbff
//   /sys/firmware/memmap/0/start:0x0
//   /sys/firmware/memmap/0/type:System RAM
// (drivers/firmware/memmap.c: start/end as `0x%llx`, end inclusive; the firmware's own e820 map,
// before the kernel edits it). The glob sorts entries as text (0, 1, 10, 11, 2, …). An entry
// becomes a range on the line that completes it; its fields point at that line's value, and
// `spread` says where each value is (the editor hovers the start and end on their own lines).
import { parseAddress } from './hex';
import { makeRange } from './range-record';
import type { Field, LineField, MalformedRecord, RangeRecord } from './records';

/** The entry whose lines are being read: its directory and what it has said so far. */
export interface MemmapEntry {
  index: string;
  firstLine: number;
  start?: string;
  end?: string;
  type?: string;
  /** Where each value said so far is. */
  at?: Partial<Record<'start' | 'end' | 'type', LineField>>;
}

const KEY = '/sys/firmware/memmap/';
/** Every line of the listing names its file. */
export const SYSFS_MEMMAP_KEYS = [KEY];
const LINE = /^\/sys\/firmware\/memmap\/(\d+)\/(start|end|type):(.*)$/;

export function readSysfsMemmap(
  text: string,
  line: number,
  at: number,
  pending: MemmapEntry | undefined,
  end = text.length,
): { pending?: MemmapEntry; record?: RangeRecord | MalformedRecord } {
  if (!text.startsWith(KEY, at)) return { pending: undefined, record: pending && incomplete(pending, line - 1) };
  const m = LINE.exec(text.slice(at, end));
  if (!m) return { pending, record: undefined };
  const valueAt = at + m[0].length - m[3].length;
  const value = m[2] === 'type' ? m[3].trimEnd() : m[3].trim();
  const field: Field = { start: valueAt, end: valueAt + value.length };
  if (m[2] !== 'type') {
    const checked = parseAddress(value, field, `memmap ${m[2]}`);
    if (!checked.ok) return { pending: undefined, record: { kind: 'malformed', line, format: 'memmap', problems: [checked.problem] } };
  }
  // A new directory: the one before ended, complete or not.
  const previous = pending && pending.index !== m[1] ? pending : undefined;
  const base: MemmapEntry = previous || !pending ? { index: m[1], firstLine: line } : pending;
  const entry: MemmapEntry = { ...base, [m[2]]: value, at: { ...base.at, [m[2]]: { line, field } } };
  if (previous) return { pending: entry, record: incomplete(previous, line - 1) };
  if (entry.start === undefined || entry.end === undefined || entry.type === undefined) return { pending: entry };
  const rec = makeRange({
    format: 'memmap',
    line,
    startText: entry.start,
    startAt: valueAt,
    endText: entry.end,
    endAt: valueAt,
    inclusive: true,
    typeName: entry.type,
    ram: entry.type === 'System RAM',
  });
  if (rec.kind === 'range') {
    rec.fields = { start: field, end: field, type: m[2] === 'type' ? field : undefined };
    rec.firstLine = entry.firstLine;
    const { start, end, type } = entry.at ?? {};
    if (start && end && type) rec.spread = { start, end, type };
  }
  return { pending: undefined, record: rec };
}

function incomplete(e: MemmapEntry, line: number): MalformedRecord {
  const missing = (['start', 'end', 'type'] as const).filter((k) => e[k] === undefined).join(' and ');
  return {
    kind: 'malformed',
    line,
    format: 'memmap',
    problems: [{ code: 'memmap-incomplete', message: `/sys/firmware/memmap/${e.index} has no ${missing} line: the entry is not used`, severity: 'error', field: { start: 0, end: 0 } }],
  };
}
