// Identical maps of a log folded into one entry (Plan Log File on a log of thousands of boots of
// the same machine): one content key per map, then an exact comparison with the first map of the
// same key. Linear in the ranges.
import { type MemoryMap, type RangeRecord, hasError } from '../formats';
import { ContentHash, mtrrKey } from './content-key';

export interface MapGroup {
  /** The first map with this content: the one planned and shown. */
  first: MemoryMap;
  /** Every map with this content, in file order (first included). */
  maps: MemoryMap[];
}

/** Everything of a range line a plan of its map depends on (not its line number). */
const rangeFlags = (r: RangeRecord): number => (r.ram ? 1 : 0) | (hasError(r) ? 2 : 0) | (r.depth << 2);

function mapKey(m: MemoryMap, mtrr: string): string {
  const h = new ContentHash().text(m.format);
  for (const r of m.ranges) h.num(r.start).num(r.end).num(rangeFlags(r)).text(r.typeName);
  for (const n of m.notes) h.text(n.code);
  return h.text(mtrr).digest();
}

function sameMap(a: MemoryMap, b: MemoryMap): boolean {
  if (a.format !== b.format || a.ranges.length !== b.ranges.length || a.notes.length !== b.notes.length) return false;
  for (let i = 0; i < a.ranges.length; i++) {
    const x = a.ranges[i];
    const y = b.ranges[i];
    if (x.start !== y.start || x.end !== y.end || x.typeName !== y.typeName || rangeFlags(x) !== rangeFlags(y)) return false;
  }
  return a.notes.every((n, i) => n.code === b.notes[i].code);
}

/** Groups maps with identical content, groups in the order their first map appears. */
export function foldMaps(maps: readonly MemoryMap[]): MapGroup[] {
  const byKey = new Map<string, { group: MapGroup; mtrr: string }[]>();
  const groups: MapGroup[] = [];
  for (const m of maps) {
    const mtrr = mtrrKey(m.mtrr?.state);
    const key = mapKey(m, mtrr);
    const bucket = byKey.get(key);
    const hit = bucket?.find((c) => c.mtrr === mtrr && sameMap(c.group.first, m));
    if (hit) {
      hit.group.maps.push(m);
      continue;
    }
    const group = { first: m, maps: [m] };
    groups.push(group);
    if (bucket) bucket.push({ group, mtrr });
    else byKey.set(key, [{ group, mtrr }]);
  }
  return groups;
}
