// Plans for the maps of one document model, computed lazily and cached per map content and
// settings, with the per-line indexes the features need (which RAM range / gap belongs to a line).
import { FORMAT_NAMES, MemoryMap, ramInputs } from '../formats';
import { Gap, Plan, PlanError, RamInput, planMemoryMap } from '../planner';
import type { DocumentModel } from './model';
import { Settings, planKey, planOptions } from './settings';

export interface MapPlan {
  map: MemoryMap;
  /** Undefined when the planner refused the input (`error` says why). */
  plan?: Plan;
  error?: string;
  /** 0-based line → index in plan.ram of the RAM range that line's range belongs to. */
  ramByLine: Map<number, number>;
  /** Indexed like plan.ram: the gap right before that RAM range (undefined when they touch). */
  gapBefore: (Gap | undefined)[];
  /** The gap from the last RAM range to the limit. */
  tail?: Gap;
  /** Whether memory types came from the map's MTRR dump. */
  mtrrApplied: boolean;
  /** RAM ranges the map gave the planner (0: nothing usable, e.g. /proc/iomem read without root). */
  inputCount: number;
}

interface CacheEntry {
  inputs: RamInput[];
  planned: MapPlan;
}

/** At most this many plans per document, and at most this many RAM inputs over all of them (plans of big maps are big). */
const MAX_CACHE = 16;
const MAX_CACHED_INPUTS = 200_000;

/** Two 32-bit FNV-1a style hashes over the numbers: a compact content key for big maps. */
function hashNumbers(values: Iterable<number>): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x12345678;
  let n = 0;
  for (const v of values) {
    const lo = v % 0x100000000;
    const hi = Math.floor(v / 0x100000000);
    h1 = Math.imul(h1 ^ lo, 0x01000193) >>> 0;
    h1 = Math.imul(h1 ^ hi, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ (lo + 0x9e3779b9), 0x85ebca6b) >>> 0;
    h2 = Math.imul(h2 ^ (hi + n), 0xc2b2ae35) >>> 0;
    n++;
  }
  return `${n}:${h1.toString(36)}:${h2.toString(36)}`;
}

function* inputNumbers(inputs: readonly RamInput[]): Iterable<number> {
  for (const r of inputs) {
    yield r.start;
    yield r.end;
  }
}

export function mapTitle(map: MemoryMap): string {
  const ram = map.ranges.filter((r) => r.ram).length;
  return `${FORMAT_NAMES[map.format].replace(/`/g, '')} map, ${ram} RAM range${ram === 1 ? '' : 's'} (lines ${map.firstLine + 1}–${map.lastLine + 1})`;
}

export class Analysis {
  private cache = new Map<string, CacheEntry>();
  private cachedInputs = 0;
  /** The last plan per map object (maps are rebuilt when the structure changes), keyed by settings. */
  private byMap = new WeakMap<MemoryMap, { key: string; planned: MapPlan }>();

  constructor(readonly model: DocumentModel) {}

  maps(): MemoryMap[] {
    return this.model.maps().doc.maps;
  }

  /** The map a line belongs to: the one containing it, else the closest before it, else the first. */
  mapForLine(line: number): MemoryMap | undefined {
    const maps = this.maps();
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

  /**
   * Whether lines not scanned yet can still change this map: every map is settled once the whole
   * document is scanned; before that all but the last map of the scanned part are.
   */
  isSettled(map: MemoryMap | undefined): boolean {
    if (this.model.complete) return true;
    if (!map) return false;
    const maps = this.maps();
    return maps[maps.length - 1] !== map;
  }

  /** Maps whose lines intersect [from, to]. */
  mapsInLines(from: number, to: number): MemoryMap[] {
    return this.maps().filter((m) => m.lastLine >= from && m.firstLine <= to);
  }

  planFor(map: MemoryMap, settings: Settings): MapPlan {
    const sk = planKey(settings);
    const last = this.byMap.get(map);
    if (last && last.key === sk) return last.planned;
    const planned = this.planForContent(map, settings);
    this.byMap.set(map, { key: sk, planned });
    return planned;
  }

  private planForContent(map: MemoryMap, settings: Settings): MapPlan {
    const inputs = ramInputs(map);
    const mtrr = settings.mmioMemoryType === 'mtrr' ? map.mtrr?.state : undefined;
    const key = `${planKey(settings)}|${map.format}|${hashNumbers(inputNumbers(inputs))}|${mtrr ? JSON.stringify(mtrr, (k, v) => (k === 'line' ? undefined : v)) : '-'}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key); // most recently used last
      this.cache.set(key, hit);
      // Same content; lines may have moved. The plan's inputs are the cached objects, in order.
      let moved = false;
      for (let i = 0; i < inputs.length; i++) {
        if (hit.inputs[i].line !== inputs[i].line) {
          hit.inputs[i].line = inputs[i].line;
          moved = true;
        }
      }
      hit.planned.map = map;
      if (moved) hit.planned.ramByLine = indexLines(hit.planned.plan);
      return hit.planned;
    }
    let planned: MapPlan;
    try {
      const plan = planMemoryMap(inputs, { ...planOptions(settings), mtrr });
      const gapBefore: (Gap | undefined)[] = new Array(plan.ram.length);
      let tail: Gap | undefined;
      for (const g of plan.gaps) {
        if (g.before === undefined) tail = g;
        else gapBefore[g.before] = g;
      }
      planned = { map, plan, ramByLine: indexLines(plan), gapBefore, tail, mtrrApplied: !!mtrr, inputCount: inputs.length };
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      planned = { map, error: e.message, ramByLine: new Map(), gapBefore: [], mtrrApplied: false, inputCount: inputs.length };
    }
    this.cache.set(key, { inputs, planned });
    this.cachedInputs += inputs.length + 1;
    // Evict the oldest plans (never the one just made) while over budget.
    for (const [k, e] of this.cache) {
      if (this.cache.size <= 1 || (this.cache.size <= MAX_CACHE && this.cachedInputs <= MAX_CACHED_INPUTS)) break;
      this.cache.delete(k);
      this.cachedInputs -= e.inputs.length + 1;
    }
    return planned;
  }
}

function indexLines(plan: Plan | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (!plan) return out;
  plan.ram.forEach((r, i) => {
    for (const input of r.inputs) if (input.line !== undefined) out.set(input.line, i);
  });
  return out;
}
