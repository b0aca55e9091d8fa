// Xen's e820 at boot: `(XEN)  [0000000000000000, 000000000009fbff] (usable)` (inclusive) and
// the older `(XEN)  0000000000000000 - 0000000000058000 (usable)` (exclusive). The `(XEN)` and
// any console_timestamps stamp (`(XEN) [0000001b4a3297f3] `) are the envelope's.
import { makeE820Range } from './e820-types';
import type { Envelope } from './envelope';
import type { MalformedRecord, RangeRecord } from './records';

/** Xen's console prefix, which the envelope marks (`env.xen`): no line without it is this reader's. */
export const XEN_KEYS = ['(XEN)'];
const NEW = /^\[([0-9A-Za-z]+), ([0-9A-Za-z]+)\] \((.*?)\)/;
const OLD = /^([0-9A-Za-z]+) - ([0-9A-Za-z]+) \((.*?)\)/;

export function readXen(text: string, line: number, env: Envelope): RangeRecord | MalformedRecord | undefined {
  if (!env.xen) return undefined;
  const { at } = env;
  const msg = text.slice(at, env.end);
  const m = NEW.exec(msg) ?? OLD.exec(msg);
  if (!m) return undefined;
  const inclusive = msg.charCodeAt(0) === 0x5b;
  const startAt = at + (inclusive ? 1 : 0);
  const endAt = startAt + m[1].length + (inclusive ? 2 : 3);
  const typeAt = endAt + m[2].length + (inclusive ? 3 : 2);
  return makeE820Range({ format: 'xen', line, startText: m[1], startAt, endText: m[2], endAt, inclusive, typeName: m[3], typeAt });
}
