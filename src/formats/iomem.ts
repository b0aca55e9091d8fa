// /proc/iomem: `00100000-cf1f9fff : System RAM`, inclusive ends, two spaces of indent per nesting
// level. Only top-level `System RAM` entries are RAM; RAM edges may be unaligned (`000917ff`).
import type { Envelope } from './envelope';
import { makeRange } from './range-record';
import type { MalformedRecord, RangeRecord } from './records';

// `(.*)` and trimEnd, not `(.*?)\s*$`, which is O(n^2) on thousands of trailing blanks.
/** Every line this reader reads holds this key: the stream scan skips the others (scan.ts). */
export const IOMEM_KEYS = [' : '];
const LINE = /^( *)([0-9a-fA-F][0-9a-zA-Z]*)-([0-9a-zA-Z]+) : (.*)$/;

export function readIomem(text: string, line: number, env: Envelope): RangeRecord | MalformedRecord | undefined {
  // The nesting indent lies between the envelope (`> ` of a mail quote) and the message.
  const from = env.indent;
  const c = text.charCodeAt(from);
  const isHex = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
  if (!isHex && c !== 0x20) return undefined;
  if (text.indexOf(' : ', from) < 0) return undefined;
  const m = LINE.exec(from === 0 && env.end === text.length ? text : text.slice(from, env.end));
  if (!m) return undefined;
  const indent = m[1].length;
  const startAt = from + indent;
  const endAt = startAt + m[2].length + 1;
  const typeName = m[4].trimEnd();
  const typeAt = from + m[0].length - m[4].length;
  const depth = Math.floor(indent / 2);
  return makeRange({
    format: 'iomem',
    line,
    startText: m[2],
    startAt,
    endText: m[3],
    endAt,
    inclusive: true,
    typeName,
    typeAt,
    ram: depth === 0 && typeName === 'System RAM',
    depth,
  });
}
