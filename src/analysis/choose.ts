// Which maps of a log are worth planning, and which one a request means when it names none.
// One rule for the CLI, the editor, the report and Plan Log File (see README "Memory maps in one file").
import type { MemoryMap } from '../formats';
import { hasError, readWithoutRoot } from '../formats';

/** A map worth planning: at least one range line without errors, and not an all-zero iomem (usableRanges' rule, without building the list). */
export const isUsable = (m: MemoryMap): boolean => !readWithoutRoot(m) && m.ranges.some((r) => !hasError(r));

/** What the map's error notes say (why nothing in it is usable), with their lines; '' when none. */
export const errorNotes = (m: MemoryMap): string =>
  m.notes.filter((n) => n.severity === 'error').map((n) => `${n.message} (line ${n.line + 1})`).join('; ');

/** The map containing `line`, else the closest one before it, else the first. Maps are in line order. */
export function mapAtLine(maps: readonly MemoryMap[], line: number): MemoryMap | undefined {
  let lo = 0;
  let hi = maps.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (maps[mid].firstLine <= line) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best >= 0 ? maps[best] : maps[0];
}

export class NoSuchMap extends Error {}

export interface Choice {
  /** 0-based index of the map. */
  map?: number;
  /** 0-based line (the cursor): the map at that line. */
  line?: number;
}

/**
 * The map a request means: by index; else the map at `line`; else the default, the last usable
 * map (the latest boot or driver load), else the last map. Undefined when there is no map.
 */
export function chooseMap(maps: readonly MemoryMap[], choice: Choice = {}): MemoryMap | undefined {
  if (choice.map !== undefined) {
    if (!Number.isInteger(choice.map) || choice.map < 0 || choice.map >= maps.length) {
      throw new NoSuchMap(`no map ${choice.map} in this document (it has ${maps.length})`);
    }
    return maps[choice.map];
  }
  if (choice.line !== undefined && maps.length > 1) return mapAtLine(maps, choice.line);
  for (let i = maps.length - 1; i >= 0; i--) if (isUsable(maps[i])) return maps[i];
  return maps[maps.length - 1];
}
