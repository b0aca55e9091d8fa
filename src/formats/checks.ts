// What is wrong with a map as a whole (the per-line problems live on the records).
import { hex } from '../planner/units';
import type { MemoryMap } from './maps';
import type { Field, Severity } from './records';
import { hasError } from './usable';

interface LineProblem {
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
  // An all-zero /proc/iomem (read without root) has every range 'duplicate': the map's
  // iomem-no-root note already says what is wrong, once.
  if (map.notes.some((n) => n.code === 'iomem-no-root')) return out;
  const ok = map.ranges.filter((r) => r.depth === 0 && r.end > r.start && !hasError(r));
  const where = (r: (typeof ok)[number]): Field => ({ start: r.fields.start.start, end: r.fields.end.end });
  ok.forEach((r, i) => {
    const prev = ok[i - 1];
    // `grep "" /sys/firmware/memmap/*/*` lists entries in text order (0, 1, 10, 2, …): not a firmware fault.
    if (prev && r.start < prev.start && map.format !== 'memmap') {
      out.push({
        code: 'unsorted',
        message: `starts below the range on line ${prev.line + 1} (${hex(prev.start)}): the map is not sorted`,
        severity: 'information',
        line: r.line,
        field: where(r),
      });
    }
  });
  // Overlaps in address order, whatever the order of the lines.
  const byStart = [...ok].sort((a, b) => a.start - b.start || a.line - b.line);
  let reach: (typeof ok)[number] | undefined;
  for (const r of byStart) {
    if (reach && r.start < reach.end) {
      const dup = reach.start === r.start && reach.end === r.end;
      const [first, later] = reach.line < r.line ? [reach, r] : [r, reach];
      out.push({
        code: dup ? 'duplicate' : 'overlap',
        message: dup ? `duplicates the range on line ${first.line + 1}` : `overlaps the range on line ${first.line + 1} (${hex(first.start)}–${hex(first.end)})`,
        severity: 'error',
        line: later.line,
        field: where(later),
      });
    }
    if (!reach || r.end > reach.end) reach = r;
  }
  return out.sort((a, b) => a.line - b.line);
}
