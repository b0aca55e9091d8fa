// What is wrong with a map as a whole (the per-line problems live on the records).
import { hex } from '../planner/units';
import type { MemoryMap } from './maps';
import type { Field, Severity } from './records';
import { hasError } from './usable';
import { runToEnd, stepCounter } from '../planner/steps';

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
export const checkMapRanges = (map: MemoryMap): LineProblem[] => runToEnd(checkMapRangeSteps(map));

/** checkMapRanges in steps of ITEMS_PER_STEP ranges (steps.ts). */
export function* checkMapRangeSteps(map: MemoryMap): Generator<void, LineProblem[]> {
  const out: LineProblem[] = [];
  // An all-zero /proc/iomem (read without root) has every range 'duplicate': the map's
  // iomem-no-root note already says what is wrong, once.
  if (map.notes.some((n) => n.code === 'iomem-no-root')) return out;
  type R = (typeof map.ranges)[number];
  const where = (r: R): Field => ({ start: r.fields.start.start, end: r.fields.end.end });
  // Overlaps in address order, whatever the order of the lines: one sweep with the range that
  // reaches furthest so far.
  const overlaps: LineProblem[] = [];
  let reach: R | undefined;
  const sweep = (r: R): void => {
    if (reach && r.start < reach.end) {
      const dup = reach.start === r.start && reach.end === r.end;
      const [first, later] = reach.line < r.line ? [reach, r] : [r, reach];
      overlaps.push({
        code: dup ? 'duplicate' : 'overlap',
        message: dup ? `duplicates the range on line ${first.line + 1}` : `overlaps the range on line ${first.line + 1} (${hex(first.start)}–${hex(first.end)})`,
        severity: 'error',
        line: later.line,
        field: where(later),
      });
    }
    if (!reach || r.end > reach.end) reach = r;
  };
  // One pass over the lines; while they are in address order (the usual map, 300k lines checked
  // after every edit) it is the sweep too, and only an unsorted map is sorted for it.
  const ok: R[] = [];
  let sorted = true;
  const due = stepCounter();
  for (const r of map.ranges) {
    if (due()) yield;
    if (r.depth !== 0 || r.end <= r.start || hasError(r)) continue;
    const prev = ok[ok.length - 1];
    if (prev && r.start < prev.start) {
      // `grep "" /sys/firmware/memmap/*/*` lists entries in text order (0, 1, 10, 2, …): not a firmware fault.
      if (map.format !== 'memmap') {
        out.push({
          code: 'unsorted',
          message: `starts below the range on line ${prev.line + 1} (${hex(prev.start)}): the map is not sorted`,
          severity: 'information',
          line: r.line,
          field: where(r),
        });
      }
      sorted = false;
    }
    ok.push(r);
    if (sorted) sweep(r);
  }
  if (!sorted) {
    overlaps.length = 0;
    reach = undefined;
    for (const r of ok.sort((a, b) => a.start - b.start || a.line - b.line)) sweep(r);
  }
  return out.concat(overlaps).sort((a, b) => a.line - b.line);
}
