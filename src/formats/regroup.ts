// Regrouping after an edit that only replaced range lines by range lines (typing in an address):
// the maps stay as groupMaps made them but for those records, so the grouping is patched instead
// of redone over every record (a 300k-line map took 300 ms per keystroke). Pure.
import { type MapDocument, type MemoryMap, RANGE_NOTE_CODES, carryLowest, rangeNotes } from './maps';
import type { MapRecord, RangeRecord } from './records';

/** One line whose record an edit replaced. */
export interface RecordSwap {
  old: MapRecord | undefined;
  now: MapRecord | undefined;
}

/** How a map of the patched grouping came from one of the previous grouping. */
export interface MapEdit {
  from: MemoryMap;
  /** Indices in `ranges` (the same in both maps) whose record was replaced. */
  at: number[];
}

export interface Regrouped {
  doc: MapDocument;
  records: MapRecord[];
  edits: Map<MemoryMap, MapEdit>;
}

/** A one-line top-level range: the only kind whose replacement can leave the grouping as it was. */
const plain = (r: MapRecord | undefined): r is RangeRecord =>
  r?.kind === 'range' && r.depth === 0 && r.firstLine === undefined && r.lastLine === undefined && r.spread === undefined;

/** Index of the first of `n` items in line order whose line (`lineOf`) is >= `line`. */
function atLine(n: number, lineOf: (i: number) => number, line: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lineOf(mid) < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The grouping of `prev`'s records with `swaps` applied, or undefined when a swap could change how
 * maps are cut. A range whose neighbour lines are ranges of its map can't start a map (groupMaps'
 * rule 3 needs lines in between) nor make the next one start one, so only its map's own notes
 * (rangeNotes) change; the dumps' and the boot's stay as they were.
 */
export function regroupSwapped(prev: { doc: MapDocument; records: readonly MapRecord[] }, swaps: readonly RecordSwap[]): Regrouped | undefined {
  const maps = prev.doc.maps.slice();
  const records = [...prev.records];
  const edits = new Map<MemoryMap, MapEdit>();
  /** Per index in `maps`: its ranges being patched, and the swapped indices. */
  const patched = new Map<number, { ranges: RangeRecord[]; at: number[] }>();
  for (const { old, now } of swaps) {
    if (old === now) continue;
    if (!plain(old) || !plain(now) || old.format !== now.format || old.line !== now.line) return undefined;
    const line = old.line;
    const mi = atLine(maps.length, (k) => prev.doc.maps[k].lastLine, line);
    const map = prev.doc.maps[mi];
    if (!map || map.format !== old.format) return undefined;
    const i = atLine(map.ranges.length, (k) => map.ranges[k].line, line);
    const before = map.ranges[i - 1];
    const after = map.ranges[i + 1];
    if (map.ranges[i] !== old || before?.line !== line - 1 || after?.line !== line + 1 || before.depth !== 0 || after.depth !== 0) return undefined;
    let p = patched.get(mi);
    if (!p) patched.set(mi, (p = { ranges: [...map.ranges], at: [] }));
    p.ranges[i] = now;
    p.at.push(i);
    const ri = atLine(records.length, (k) => records[k].line, line);
    if (records[ri] !== old) return undefined;
    records[ri] = now;
  }
  for (const [mi, { ranges, at }] of patched) {
    const from = prev.doc.maps[mi];
    const map: MemoryMap = { ...from, ranges };
    at.sort((a, b) => a - b);
    carryLowest(from, map, at);
    map.notes = [...rangeNotes(map), ...from.notes.filter((n) => !RANGE_NOTE_CODES.has(n.code))];
    maps[mi] = map;
    edits.set(map, { from, at });
  }
  return { doc: { ...prev.doc, maps }, records, edits };
}
