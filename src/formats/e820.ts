// Linux firmware memory map in dmesg: `BIOS-e820: [mem 0x…-0x…] usable` (inclusive end; older
// kernels print `BIOS-e820: 0000000000000000 - 000000000009f000 (usable)`, exclusive). Only
// `BIOS-e820:` lines form the map; `e820: update/remove` lines are edits the kernel made later.
import { parseAddress } from './hex';
import { makeRange } from './range-record';
import type { BoundaryRecord, E820EditRecord, MalformedRecord, RangeRecord } from './records';

// `(.*)` and trimEnd, not `(.*?)\s*$`: the lazy form retries the trailing blanks from every
// position, O(n^2) on a line ending in thousands of blanks and then a letter.
const ENTRY = /^BIOS-e820: \[mem ([0-9A-Za-z]+)-([0-9A-Za-z]+)\] ?(.*)$/;
const OLD_ENTRY = /^BIOS-e820: ([0-9A-Za-z]+) - ([0-9A-Za-z]+) \((.*?)\)\s*$/;
const EDIT = /^e820: (update|remove|reserve RAM buffer) \[mem ([0-9A-Za-z]+)-([0-9A-Za-z]+)\]/;

export function readE820(text: string, line: number, at: number): RangeRecord | MalformedRecord | E820EditRecord | BoundaryRecord | undefined {
  const c = text.charCodeAt(at);
  if (c === 0x42 /* B */ && text.startsWith('BIOS-e820:', at)) {
    const msg = text.slice(at);
    const m = ENTRY.exec(msg) ?? OLD_ENTRY.exec(msg);
    if (!m) {
      return {
        kind: 'malformed',
        line,
        format: 'e820',
        problems: [{ code: 'malformed-range', message: 'expected `BIOS-e820: [mem 0xSTART-0xEND] type`', severity: 'error', field: { start: at, end: text.length } }],
      };
    }
    const inclusive = m[0].includes('[mem');
    const startAt = at + m[0].indexOf(m[1]);
    const endAt = at + m[0].indexOf(m[2], startAt - at + m[1].length);
    const typeName = m[3].trimEnd();
    const typeAt = at + m[0].lastIndexOf(typeName);
    return makeRange({ format: 'e820', line, startText: m[1], startAt, endText: m[2], endAt, inclusive, typeName, typeAt, ram: typeName === 'usable' });
  }
  if (c === 0x65 /* e */ && text.startsWith('e820: ', at)) {
    if (text.includes('BIOS-provided physical RAM map', at)) return { kind: 'boundary', line, reason: 'BIOS-provided physical RAM map' };
    const msg = text.slice(at);
    const m = EDIT.exec(msg);
    if (!m) return undefined;
    const startAt = at + m[0].indexOf(m[2]);
    const endAt = startAt + m[2].length + 1;
    const s = parseAddress(m[2], { start: startAt, end: startAt + m[2].length }, 'start');
    const e = parseAddress(m[3], { start: endAt, end: endAt + m[3].length }, 'end');
    if (!s.ok || !e.ok) return undefined;
    return {
      kind: 'e820-edit',
      line,
      action: m[1],
      start: s.value,
      end: e.value + 1,
      fields: { start: { start: startAt, end: startAt + m[2].length }, end: { start: endAt, end: endAt + m[3].length } },
    };
  }
  if (text.startsWith('Linux version ', at)) return { kind: 'boundary', line, reason: 'Linux version (a new boot)' };
  return undefined;
}
