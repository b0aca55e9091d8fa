// SeaBIOS's e820 table (src/e820map.c dump_map), as the firmware hands it to the guest: printed on
// QEMU's debug console (`-chardev …,id=seabios -device isa-debugcon,iobase=0x402`) and, in a Xen
// HVM guest, on Xen's console behind the guest's prefix (`(XEN) HVM4: `, later Xen `(d4) `):
//   e820 map has 8 items:
//     3: 0000000000100000 - 000000007f7ff000 = 1 RAM
// dprintf("  %d: %016llx - %016llx = %d %s\n", i, start, start + size, type, e820_type_name(type)):
// the end is exclusive, and the type is e820's number with SeaBIOS's name for it (RAM, RESERVED,
// ACPI, NVS, UNUSABLE, UNKNOWN). RAM is type 1, as in every e820 map.
import type { Envelope } from './envelope';
import { makeRange } from './range-record';
import type { MalformedRecord, RangeRecord } from './records';

/** Every entry line ends in its type number and name: the stream scan skips lines holding none of these. */
export const SEABIOS_KEYS = [' = 1 RAM', ' = 2 RESERVED', ' = 3 ACPI', ' = 4 NVS', ' = 5 UNUSABLE', ' UNKNOWN'];
// Anchored and bounded, so a hostile line costs linear time; the guest prefix Xen's console adds
// (`HVM4: `, `(d4) `) is SeaBIOS's line's, not an envelope any other reader needs.
const ENTRY = /^(?:HVM\d{1,5}: +|\(d\d{1,5}\) +)?\d{1,3}: ([0-9A-Fa-f]{16}) - ([0-9A-Fa-f]{16}) = (\d{1,3}) ([A-Z]{1,12})$/;

export function readSeabios(text: string, line: number, env: Envelope): RangeRecord | MalformedRecord | undefined {
  const { at, end } = env;
  // Most lines are rejected here: an entry ends in an upper-case type name.
  const last = text.charCodeAt(end - 1);
  if (last < 0x41 || last > 0x5a) return undefined;
  const msg = text.slice(at, end);
  const m = ENTRY.exec(msg);
  if (!m) return undefined;
  // The entry is the message's tail, of fixed shape: count back from its end (the guest prefix has a `: ` too).
  const startAt = at + msg.length - (m[1].length + 3 + m[2].length + 3 + m[3].length + 1 + m[4].length);
  const endAt = startAt + m[1].length + 3;
  const typeAt = endAt + m[2].length + 3;
  return makeRange({
    format: 'seabios', line, startText: m[1], startAt, endText: m[2], endAt, inclusive: false,
    typeName: `${m[3]} ${m[4]}`, typeAt, ram: m[3] === '1',
  });
}
