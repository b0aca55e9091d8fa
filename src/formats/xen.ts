// Xen's e820 at boot: `(XEN)  [0000000000000000, 000000000009fbff] (usable)` (inclusive) and
// the older `(XEN)  0000000000000000 - 0000000000058000 (usable)` (exclusive).
import { makeRange } from './range-record';
import type { MalformedRecord, RangeRecord } from './records';

const NEW = /^\(XEN\)\s+\[([0-9A-Za-z]+), ([0-9A-Za-z]+)\] \((.*?)\)/;
const OLD = /^\(XEN\)\s+([0-9A-Za-z]+) - ([0-9A-Za-z]+) \((.*?)\)/;

export function readXen(text: string, line: number, at: number): RangeRecord | MalformedRecord | undefined {
  if (!text.startsWith('(XEN)', at)) return undefined;
  const msg = at === 0 ? text : text.slice(at);
  const m = NEW.exec(msg) ?? OLD.exec(msg);
  if (!m) return undefined;
  const inclusive = m[0].includes('[');
  const startAt = at + m[0].indexOf(m[1], 5);
  const endAt = at + m[0].indexOf(m[2], startAt - at + m[1].length);
  const typeAt = at + m[0].lastIndexOf(m[3]);
  return makeRange({ format: 'xen', line, startText: m[1], startAt, endText: m[2], endAt, inclusive, typeName: m[3], typeAt, ram: m[3] === 'usable' });
}
