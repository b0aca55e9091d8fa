// Plans for the maps of one document, computed lazily and cached per map content and settings.
// Cached plans are immutable and line-free (see map-plan.ts): a map gets its own lines bound to
// the shared plan, so two maps with the same ranges never see each other's lines.
import type { MapDocument, MapRecord, MemoryMap } from '../formats';
import type { RamInput } from '../planner';
import { FORMAT_NAMES, ramInputs } from '../formats';
import { mapAtLine } from './choose';
import { type CorePlan, type MapPlan, bindPlan, planCore } from './map-plan';
import { ContentHash, mtrrKey } from './content-key';
import { type PlanSettings, planKey } from './options';

/** What the analysis reads of a document: its maps, and whether all of it is scanned yet. */
interface MapSource {
  readonly complete: boolean;
  maps(): { doc: MapDocument; records: MapRecord[] };
}

/** At most this many plans per document, and at most this many RAM inputs over all of them (plans of big maps are big). */
const MAX_CACHE = 16;
const MAX_CACHED_INPUTS = 200_000;

/** Whether two maps' RAM inputs have the same edges: the exact check behind a content-key hit. */
function sameEdges(a: readonly RamInput[], b: readonly RamInput[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].start !== b[i].start || a[i].end !== b[i].end) return false;
  return true;
}

export function mapTitle(map: MemoryMap): string {
  const ram = map.ranges.filter((r) => r.ram).length;
  return `${FORMAT_NAMES[map.format].replace(/`/g, '')} map, ${ram} RAM range${ram === 1 ? '' : 's'} (lines ${map.firstLine + 1}–${map.lastLine + 1})`;
}

export class Analysis<M extends MapSource = MapSource> {
  private cache = new Map<string, { core: CorePlan; inputs: readonly RamInput[]; size: number }>();
  private cachedInputs = 0;
  /** The bound plan per map object (maps are rebuilt when the structure changes), keyed by settings. */
  private byMap = new WeakMap<MemoryMap, { key: string; planned: MapPlan }>();

  constructor(readonly model: M) {}

  maps(): MemoryMap[] {
    return this.model.maps().doc.maps;
  }

  /** The map a line belongs to: the one containing it, else the closest before it, else the first. */
  mapForLine(line: number): MemoryMap | undefined {
    return mapAtLine(this.maps(), line);
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

  /**
   * A view of this analysis for answers given while the document is still being scanned: a map the
   * rest of the scan can still change gets no plan (planning it now would block the scan and be
   * thrown away), only a `MapPlan` whose `error` says so; settled maps plan as usual.
   */
  whileScanning(): this {
    if (this.model.complete) return this;
    const view = Object.create(this) as this;
    view.planFor = (map: MemoryMap, settings: PlanSettings): MapPlan =>
      this.isSettled(map) ? this.planFor(map, settings) : unsettledPlan(map);
    return view;
  }

  planFor(map: MemoryMap, settings: PlanSettings): MapPlan {
    const sk = planKey(settings);
    const last = this.byMap.get(map);
    if (last && last.key === sk) return last.planned;
    const inputs = ramInputs(map);
    const planned = bindPlan(this.coreFor(map, inputs, settings), map, inputs);
    this.byMap.set(map, { key: sk, planned });
    return planned;
  }

  private coreFor(map: MemoryMap, inputs: readonly RamInput[], settings: PlanSettings): CorePlan {
    const edges = new ContentHash();
    for (const r of inputs) edges.num(r.start).num(r.end);
    const key = `${planKey(settings)}|${map.format}|${edges.digest()}|${mtrrKey(settings.useMtrr ? map.mtrr?.state : undefined)}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      if (sameEdges(hit.inputs, inputs)) {
        this.cache.set(key, hit); // most recently used last
        return hit.core;
      }
      this.cachedInputs -= hit.size; // a key collision: the new map takes the slot
    }
    const core = planCore(inputs, settings, map);
    const size = inputs.length + 1;
    this.cache.set(key, { core, inputs, size });
    this.cachedInputs += size;
    // Evict the oldest plans (never the one just made) while over budget.
    for (const [k, e] of this.cache) {
      if (this.cache.size <= 1 || (this.cache.size <= MAX_CACHE && this.cachedInputs <= MAX_CACHED_INPUTS)) break;
      this.cache.delete(k);
      this.cachedInputs -= e.size;
    }
    return core;
  }
}

/** What a map the scan has not finished yet shows instead of a plan. */
function unsettledPlan(map: MemoryMap): MapPlan {
  return { map, error: 'the document is still being scanned', gapBefore: [], mtrrApplied: false, inputCount: 0, ramByLine: new Map() };
}
