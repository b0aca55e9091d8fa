// Linux's firmware memory map in dmesg (e820__print_table): `BIOS-e820: [mem 0x…-0x…] usable`
// (inclusive end). The map's name is whoever supplied it: `BIOS-e820`, `BIOS-88`, `BIOS-e801`,
// or `Xen` in a PV dom0/domU (`Xen: [mem …] usable`: the map Xen gives the kernel). Linux 7.0
// names RAM `System RAM` and prints the holes, `BIOS-e820: [gap 0x…-0x…]`. Older forms:
// `BIOS-e820: 0000000000000000 - 000000000009f000 (usable)` (2.6, exclusive end) and
// `BIOS-e820: 000000000009fc00 @ 0000000000000000 (usable)` (2.4: SIZE @ START).
// Only these lines form the map; `e820: update/remove` lines are edits the kernel made later.
// `pci_bus 0000:00: root bus resource [mem 0x…-0x… window]` is the PCI host bridge's MMIO window,
// the range /proc/iomem names `PCI Bus 0000:00`: read as that same non-RAM range (known MMIO for
// coverage), at depth 1 so it joins the boot's e820 map without forming or reordering it.
import { makeE820Range } from './e820-types';
import type { Envelope } from './envelope';
import { parseAddress } from './hex';
import { makeRange } from './range-record';
import { type BoundaryRecord, type E820EditRecord, type MalformedRecord, type RangeRecord, malformedRange } from './records';
import { hasError } from './usable';

// `(.*)` and trimEnd, not `(.*?)\s*$`: the lazy form retries the trailing blanks from every
// position, O(n^2) on a line ending in thousands of blanks and then a letter.
/**
 * Every line this reader reads holds one of these keys (its map entries `BIOS-…: `/`Xen: [`, the
 * kernel's edits, the boot boundaries, the PCI root windows): the stream scan skips the others (scan.ts).
 */
export const E820_KEYS = ['BIOS-', 'Xen: [', 'e820: ', 'Linux version ', 'root bus resource [mem '];
const ENTRY = /^(?:BIOS-e820|BIOS-88|BIOS-e801|Xen): \[(mem|gap) ([0-9A-Za-z]+)-([0-9A-Za-z]+)\] ?(.*)$/;
const OLD_ENTRY = /^(?:BIOS-e820|BIOS-88|BIOS-e801): ([0-9A-Za-z]+) (-|@) ([0-9A-Za-z]+) \((.*?)\)\s*$/;
const EDIT = /^e820: (update|remove|reserve RAM buffer) \[mem ([0-9A-Za-z]+)-([0-9A-Za-z]+)\]/;
const ROOT_WINDOW = /^pci_bus ([0-9A-Fa-f]{4}:[0-9A-Fa-f]{2}): root bus resource \[mem ([0-9A-Za-z]+)-([0-9A-Za-z]+)(?: [^\]]*)?\]/;
/** Review drafts of the 7.0 format printed a size before the name: `  1.9 GB kernel usable RAM`. */
const SIZE_COLUMN = /^\d+(?:\.\d+)? +[KMGT]B +/;

export function readE820(text: string, line: number, env: Envelope): RangeRecord | MalformedRecord | E820EditRecord | BoundaryRecord | undefined {
  const { at, end } = env;
  const c = text.charCodeAt(at);
  if ((c === 0x42 /* B */ && text.startsWith('BIOS-', at)) || (c === 0x58 /* X */ && text.startsWith('Xen: [', at))) {
    const colon = text.indexOf(': ', at);
    if (colon < 0 || colon - at > 9) return undefined;
    const msg = text.slice(at, end);
    const m = ENTRY.exec(msg);
    if (m) {
      const startAt = at + m[0].indexOf('[') + 5;
      const endAt = startAt + m[2].length + 1;
      const gap = m[1] === 'gap';
      let typeName = m[4].trimEnd();
      let typeAt = at + m[0].length - m[4].length;
      const size = SIZE_COLUMN.exec(typeName.trimStart());
      typeAt += typeName.length - typeName.trimStart().length + (size ? size[0].length : 0);
      typeName = size ? typeName.trimStart().slice(size[0].length) : typeName.trimStart();
      if (gap) typeName = 'gap';
      return e820Range(line, m[2], startAt, m[3], endAt, true, typeName, gap ? undefined : typeAt, false);
    }
    const o = text.startsWith('BIOS-e820: ', at) ? OLD_ENTRY.exec(msg) : null;
    if (o) {
      // 2.6: START - END (exclusive); 2.4: SIZE @ START.
      const first = at + 'BIOS-e820: '.length;
      const second = first + o[1].length + 3;
      const typeAt = second + o[3].length + 2;
      return o[2] === '@'
        ? e820Range(line, o[3], second, o[1], first, false, o[4], typeAt, true)
        : e820Range(line, o[1], first, o[3], second, false, o[4], typeAt, false);
    }
    if (!text.startsWith('BIOS-e820:', at) && !text.startsWith('Xen: [mem', at)) return undefined;
    return malformedRange(line, 'e820', '`BIOS-e820: [mem 0xSTART-0xEND] type`', { start: at, end });
  }
  if (c === 0x65 /* e */ && text.startsWith('e820: ', at)) {
    if (text.includes('BIOS-provided physical RAM map', at)) return { kind: 'boundary', line, reason: 'BIOS-provided physical RAM map' };
    const msg = text.slice(at, end);
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
  if (c === 0x70 /* p */ && text.startsWith('pci_bus ', at)) return readRootWindow(text, line, at, end);
  if (text.startsWith('Linux version ', at)) return { kind: 'boundary', line, reason: 'Linux version (a new boot)' };
  return undefined;
}

/** An entry a mailer wrapped at the blank after `[mem`: `BIOS-e820: [mem` and nothing more (scan.ts reads the rest on the next line). */
const CUT_AT_MEM = /^(?:BIOS-e820|BIOS-88|BIOS-e801|Xen): \[mem$/;
export const isCutAtMem = (text: string, env: Envelope): boolean =>
  env.end - env.at <= 16 && text.charCodeAt(env.end - 1) === 0x6d /* m */ && CUT_AT_MEM.test(text.slice(env.at, env.end));

const REST = /^(0x[0-9A-Za-z]+)-(0x[0-9A-Za-z]+)\] ?(.*)$/;

/** The rest of an entry cut at `[mem `: `0xSTART-0xEND] type`, its fields on this line. */
export function readE820Rest(text: string, line: number, env: Envelope): RangeRecord | MalformedRecord | undefined {
  const { at, end } = env;
  if (text.charCodeAt(at) !== 0x30 /* 0 */) return undefined;
  const m = REST.exec(text.slice(at, end));
  if (!m) return undefined;
  const typeName = m[3].trim();
  const typeAt = at + m[0].length - m[3].length + (m[3].length - m[3].trimStart().length);
  return e820Range(line, m[1], at, m[2], at + m[1].length + 1, true, typeName, typeAt, false);
}

function e820Range(
  line: number, startText: string, startAt: number, endText: string, endAt: number,
  inclusive: boolean, typeName: string, typeAt: number | undefined, endIsSize: boolean,
): RangeRecord | MalformedRecord {
  return makeE820Range({ format: 'e820', line, startText, startAt, endText, endAt, inclusive, endIsSize, typeName, typeAt });
}

/** A PCI root bus MMIO window (see the top): `[io …]` and `[bus …]` resources are not memory. */
function readRootWindow(text: string, line: number, at: number, end: number): RangeRecord | undefined {
  const m = ROOT_WINDOW.exec(text.slice(at, end));
  if (!m) return undefined;
  const startAt = at + m[0].indexOf('[mem ') + 5;
  const endAt = startAt + m[2].length + 1;
  const rec = makeRange({ format: 'e820', line, startText: m[2], startAt, endText: m[3], endAt, inclusive: true, typeName: `PCI Bus ${m[1]}`, ram: false, depth: 1 });
  // A window the kernel could not parse is not worth a diagnostic of its own: it is no RAM.
  return rec.kind === 'range' && !hasError(rec) ? rec : undefined;
}
