// The MTRR list of gbhv and its descendants HyperDbg and airhv, printed while they build their
// EPT memory-type map (gbhv ept.c HvEptBuildMTRRMap, HyperDbg Ept.c EptBuildMtrrMap, airhv):
//   HvUtilLogDebug("MTRR Range: Base=0x%llX End=0x%llX Type=0x%X", PhysicalBaseAddress, PhysicalEndAddress, MemoryType);
// (HyperDbg: `LogInfo("MTRR Range: Base=0x%llx End=0x%llx Type=0x%x", …)`), one line per valid
// variable MTRR, End = Base + size - 1 (inclusive), Type the IA32_MTRR_PHYSBASE type number.
// The lines follow each project's own prefix, e.g. HyperDbg's
// `(07:04:24.042 - core : 3 - vmx-root? no) [+] Information (EptBuildMtrrMap:124) | MTRR Range: …`.
import { memoryTypeFromText, mtrrRange } from './mtrr-range';
import type { MalformedRecord, MtrrRangeRecord } from './records';

/** The scan asks this reader only about lines ending in `=0x` + a digit or two (endsWithTypeNumber). */
export const GBHV_KEYS = ['=0x'];
// The address fields keep their `0x`: the editor hovers the whole number the grammar colours.
const LINE = /MTRR Range: Base=(0x[0-9A-Fa-f]+) End=(0x[0-9A-Fa-f]+) Type=(0x[0-9A-Fa-f]+)\s*$/i;

/** Cheap test for `Type=0xN` or `Type=0xNN` at the end of the line (before trailing blanks). */
export function endsWithTypeNumber(text: string, end = text.length): boolean {
  let e = end;
  while (e > 0 && text.charCodeAt(e - 1) === 0x20) e--;
  const x = text.charCodeAt(e - 2) === 0x78 /* x */ ? e - 2 : text.charCodeAt(e - 3) === 0x78 ? e - 3 : -1;
  return x > 5 && text.charCodeAt(x - 1) === 0x30 /* 0 */ && text.charCodeAt(x - 2) === 0x3d /* = */;
}

export function readGbhvMtrr(text: string, line: number, end = text.length): MtrrRangeRecord | MalformedRecord | undefined {
  const m = LINE.exec(end === text.length ? text : text.slice(0, end));
  if (!m) return undefined;
  const startAt = m.index + m[0].indexOf('Base=') + 5;
  const endAt = m.index + m[0].indexOf('End=') + 4;
  const typeAt = m.index + m[0].indexOf('Type=') + 5;
  return mtrrRange({
    source: 'gbhv', line, fixed: false, startText: m[1], startAt, endText: m[2], endAt,
    inclusive: true, type: memoryTypeFromText(m[3]), typeText: m[3], typeAt,
  });
}
