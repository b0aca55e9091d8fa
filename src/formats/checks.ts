// What is wrong with a map as a whole (the per-line problems live on the records).
import { hex } from '../planner/units';
import type { MemoryMap } from './maps';
import type { Field, Severity } from './records';

export interface LineProblem {
  code: string;
  message: string;
  severity: Severity;
  line: number;
  field: Field;
}

/**
 * Overlapping and duplicate RAM ranges are errors (the firmware or the log is wrong, and the
 * plan merges them); a range that starts below the one before is only unsorted.
 */
export function checkMapRanges(map: MemoryMap): LineProblem[] {
  const out: LineProblem[] = [];
  const ram = map.ranges.filter((r) => r.depth === 0 && !r.problems.some((p) => p.severity === 'error'));
  let prev: (typeof ram)[number] | undefined;
  let maxEnd = -1;
  let maxEndLine = -1;
  for (const r of ram) {
    const where: Field = { start: r.fields.start.start, end: r.fields.end.end };
    if (prev && r.start < prev.start) {
      out.push({
        code: 'unsorted',
        message: `starts below the range on line ${prev.line + 1} (${hex(prev.start)}): the map is not sorted`,
        severity: 'information',
        line: r.line,
        field: where,
      });
    }
    if (r.end > r.start && r.start < maxEnd) {
      const dup = prev && prev.start === r.start && prev.end === r.end;
      out.push({
        code: dup ? 'duplicate' : 'overlap',
        message: dup
          ? `duplicates the range on line ${prev!.line + 1}`
          : `overlaps the range on line ${maxEndLine + 1} (which ends at ${hex(maxEnd)})`,
        severity: 'error',
        line: r.line,
        field: where,
      });
    }
    if (r.end > maxEnd) {
      maxEnd = r.end;
      maxEndLine = r.line;
    }
    prev = r;
  }
  return out;
}
