// Windows Internals' MemInfo `-r` (MemInfo.cpp PfiDumpPfnRanges):
//   printf("Physical Memory Range: %p to %p (%lld pages, %lld KB)\n", BasePage << PAGE_SHIFT,
//          (BasePage + PageCount) << PAGE_SHIFT, PageCount, (PageCount << PAGE_SHIFT) >> 10)
// e.g. `Physical Memory Range: 0000000000001000 to 000000000009F000 (158 pages, 632 KB)`: the
// ranges of MmGetPhysicalMemoryRanges, end exclusive. HyperPlatform prints the same key with ` - `.
import { makeRange } from './range-record';
import { type MalformedRecord, type RangeRecord, malformedRange } from './records';

const LINE = /^Physical Memory Range: ([0-9A-Za-z]+) to ([0-9A-Za-z]+)(?: \((\d+) pages)?/;

/** Whether the `Physical Memory Range:` at `key` is MemInfo's `X to Y` rather than HyperPlatform's `X - Y`. */
export const isMemInfoRange = (text: string, key: number): boolean => text.startsWith(' to ', text.indexOf(' ', key + 23));

export function readMemInfo(text: string, line: number, key: number): RangeRecord | MalformedRecord {
  const msg = text.slice(key);
  const m = LINE.exec(msg);
  if (!m) {
    return malformedRange(line, 'meminfo', '`Physical Memory Range: START to END (N pages, M KB)` (hex)', { start: key, end: text.length });
  }
  const startAt = key + 23;
  const endAt = startAt + m[1].length + 4;
  const rec = makeRange({ format: 'meminfo', line, startText: m[1], startAt, endText: m[2], endAt, inclusive: false, typeName: 'RAM', ram: true });
  if (rec.kind === 'range' && m[3] !== undefined && (rec.end - rec.start) / 4096 !== Number(m[3])) {
    const at = key + m[0].length - ' pages'.length - m[3].length;
    // A new list: a record without problems shares one empty list (range-record.ts).
    rec.problems = [...rec.problems, {
      code: 'meminfo-page-count',
      message: `MemInfo says ${m[3]} pages, but the range holds ${(rec.end - rec.start) / 4096}: the line was edited or cut`,
      severity: 'warning',
      field: { start: at, end: at + m[3].length },
    }];
  }
  return rec;
}
