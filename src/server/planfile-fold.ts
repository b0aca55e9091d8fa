// Identical maps of a log folded into one entry (Plan Log File on a log of thousands of boots of
// the same machine): one hash of each map's content, then an exact comparison with the first map
// of the same hash, so a hash collision can never merge two different maps. Linear in the ranges.
import type { MemoryMap, RangeRecord } from '../formats';

export interface MapGroup {
  /** The first map with this content: the one planned and shown. */
  first: MemoryMap;
  /** Every map with this content, in file order (first included). */
  maps: MemoryMap[];
}

/** The MTRR state a map is planned with, without line numbers (they differ between identical boots). */
const mtrrKey = (m: MemoryMap): string => (m.mtrr ? JSON.stringify(m.mtrr.state, (k, v) => (k === 'line' ? undefined : v)) : '-');

/** Whether a range line can take part in a plan (errors drop it; see isUsable). */
const usableRange = (r: RangeRecord): boolean => !r.problems.some((p) => p.severity === 'error');

/** Two 32-bit FNV-1a style hashes over everything a plan of the map depends on. */
function hashMap(m: MemoryMap, mtrr: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  const mix = (v: number): void => {
    const lo = v % 0x100000000;
    const hi = Math.floor(v / 0x100000000);
    h1 = Math.imul(h1 ^ lo, 0x01000193) >>> 0;
    h1 = Math.imul(h1 ^ hi, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ (lo + 0x7f4a7c15), 0x85ebca6b) >>> 0;
    h2 = Math.imul(h2 ^ hi, 0xc2b2ae35) >>> 0;
  };
  const text = (s: string): void => {
    for (let i = 0; i < s.length; i++) mix(s.charCodeAt(i));
  };
  text(m.format);
  for (const r of m.ranges) {
    mix(r.start);
    mix(r.end);
    mix((r.ram ? 1 : 0) | (usableRange(r) ? 2 : 0) | (r.depth << 2));
    text(r.typeName);
  }
  for (const n of m.notes) text(n.code);
  text(mtrr);
  return `${m.ranges.length}:${h1.toString(36)}:${h2.toString(36)}`;
}

/** The exact check behind a hash match. */
function sameMap(a: MemoryMap, b: MemoryMap, mtrrA: string, mtrrB: string): boolean {
  if (a.format !== b.format || a.ranges.length !== b.ranges.length || a.notes.length !== b.notes.length || mtrrA !== mtrrB) return false;
  for (let i = 0; i < a.ranges.length; i++) {
    const x = a.ranges[i];
    const y = b.ranges[i];
    if (x.start !== y.start || x.end !== y.end || x.ram !== y.ram || x.depth !== y.depth || x.typeName !== y.typeName || usableRange(x) !== usableRange(y)) return false;
  }
  for (let i = 0; i < a.notes.length; i++) if (a.notes[i].code !== b.notes[i].code) return false;
  return true;
}

/** Groups maps with identical content, groups in the order their first map appears. */
export function foldMaps(maps: readonly MemoryMap[]): MapGroup[] {
  const byHash = new Map<string, { group: MapGroup; mtrr: string }[]>();
  const groups: MapGroup[] = [];
  for (const m of maps) {
    const mtrr = mtrrKey(m);
    const h = hashMap(m, mtrr);
    const bucket = byHash.get(h);
    const hit = bucket?.find((c) => sameMap(c.group.first, m, c.mtrr, mtrr));
    if (hit) {
      hit.group.maps.push(m);
      continue;
    }
    const group = { first: m, maps: [m] };
    groups.push(group);
    if (bucket) bucket.push({ group, mtrr });
    else byHash.set(h, [{ group, mtrr }]);
  }
  return groups;
}
