// ksm (asamy/ksm, ksm.c ksm_init) after its `ksm: CPU %d: %s: ` prefix (KSM_DEBUG):
//   KSM_DEBUG("EPT/VPID caps: 0x%016llX\n", vpid);
//   KSM_DEBUG("%d physical memory ranges\n", k->range_count);
//   KSM_DEBUG("Range: 0x%016llX -> 0x%016llX\n", k->ranges[i].start, k->ranges[i].end);
//   KSM_DEBUG("%d MTRR ranges (%d default type)\n", k->mtrr_count, k->mtrr_def);
//   KSM_DEBUG("MTRR Range: 0x%016llX -> 0x%016llX fixed: %d type: %d\n", start, end, fixed, type);
// The end is inclusive on Linux (mm_cache_ram_ranges reads System RAM resources, whose ends are
// the last byte, like 0x9FBFF) and exclusive on Windows (MmGetPhysicalMemoryRanges: base + pages,
// 4 KiB aligned); ksm's MTRR list was inclusive before asamy/ksm#25 and exclusive after. So the
// log decides, per line: an end that is 4 KiB aligned is exclusive, any other end is the last byte.
import { memoryTypeFromNumber } from '../planner/decode/memory-types';
import { memoryTypeFromText, mtrrRange } from './mtrr-range';
import { makeRange } from './range-record';
import type { EptCapsRecord, MalformedRecord, MtrrDefaultRecord, MtrrRangeRecord, RangeRecord } from './records';

/** Every line this reader reads starts with ksm's prefix. */
export const KSM_KEYS = ['ksm: '];
const PREFIX = /^ksm: CPU \d+: [\w$]+: /;
// The address fields keep their `0x`: the editor hovers the whole number the grammar colours.
const RANGE = /^Range: (0x[0-9A-Fa-f]+) -> (0x[0-9A-Fa-f]+)\s*$/;
const MTRR = /^MTRR Range: (0x[0-9A-Fa-f]+) -> (0x[0-9A-Fa-f]+) fixed: (\d+) type: (\d+)\s*$/;
const CAPS = /^EPT\/VPID caps: (0x[0-9A-Fa-f]{1,16})\b/;
const COUNT = /^\d+ MTRR ranges \((\d+) default type\)/;

/** ksm prints ends either way; see the header. */
const endIsExclusive = (hex: string): boolean => /000$/.test(hex);

export function readKsm(text: string, line: number, at: number, end = text.length): RangeRecord | MalformedRecord | MtrrRangeRecord | MtrrDefaultRecord | EptCapsRecord | undefined {
  const p = PREFIX.exec(text.slice(at, end));
  if (!p) return undefined;
  const from = at + p[0].length;
  const msg = text.slice(from, end);
  const r = RANGE.exec(msg);
  if (r) {
    const startAt = from + 'Range: '.length;
    const endAt = startAt + r[1].length + ' -> '.length;
    return makeRange({ format: 'ksm', line, startText: r[1], startAt, endText: r[2], endAt, inclusive: !endIsExclusive(r[2]), typeName: 'RAM', ram: true });
  }
  const m = MTRR.exec(msg);
  if (m) {
    const startAt = from + 'MTRR Range: '.length;
    const endAt = startAt + m[1].length + ' -> '.length;
    const typeAt = from + m[0].lastIndexOf(m[4]);
    return mtrrRange({
      source: 'ksm', line, fixed: m[3] !== '0', startText: m[1], startAt, endText: m[2], endAt,
      inclusive: !endIsExclusive(m[2]), type: memoryTypeFromText(m[4]), typeText: m[4], typeAt,
    });
  }
  const caps = CAPS.exec(msg);
  if (caps) {
    const capsAt = from + caps[0].length - caps[1].length;
    return { kind: 'ept-caps', line, valueText: caps[1], field: { start: capsAt, end: capsAt + caps[1].length } };
  }
  const c = COUNT.exec(msg);
  const type = c ? memoryTypeFromNumber(Number(c[1])) : undefined;
  if (c && type) {
    const typeAt = from + c[0].lastIndexOf(c[1]);
    return { kind: 'mtrr-default', line, type, field: { start: typeAt, end: typeAt + c[1].length }, problems: [] };
  }
  return undefined;
}

