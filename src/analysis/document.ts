// Plans for the maps of one document, computed lazily and cached per map content and settings.
// Cached plans are immutable and line-free (see map-plan.ts): a map gets its own lines bound to
// the shared plan, so two maps with the same ranges never see each other's lines.
import type { MapDocument, MapEdit, MapRecord, MemoryMap, MtrrDump } from '../formats';
import type { RamInput } from '../planner';
import { FORMAT_NAMES, ramInputs } from '../formats';
import { mapAtLine } from './choose';
import { type CorePlan, type MapPlan, type MtrrChoice, bindPlan, carryPlan, planCore } from './map-plan';
import { ContentHash, mtrrKey } from './content-key';
import { type PlanSettings, planKey } from './options';

/** What the analysis reads of a document: its maps, and whether all of it is scanned yet. */
interface MapSource {
  readonly complete: boolean;
  /** `reach`: the caller asks about lines up to this one (a grouping made during the scan that covers it will do). */
  maps(reach?: number): { doc: MapDocument; records: MapRecord[] };
  /** How a map of the current grouping came from one before an edit (a document model that regroups in place). */
  editOf?(map: MemoryMap): MapEdit | undefined;
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

/** RAM range lines of a map, nested iomem ones too: what its title counts. */
export const ramRangeCount = (map: MemoryMap): number => map.ranges.reduce((n, r) => (r.ram ? n + 1 : n), 0);

export function mapTitle(map: MemoryMap): string {
  const ram = ramRangeCount(map);
  return `${FORMAT_NAMES[map.format].replace(/`/g, '')} map, ${ram} RAM range${ram === 1 ? '' : 's'} (lines ${map.firstLine + 1}–${map.lastLine + 1})`;
}

/** MTRRs from a file of their own paired with a document (the editor's Use MTRRs from File…). */
export interface PairedMtrr {
  dump: MtrrDump;
  /** The file's name, as messages say it. */
  name: string;
}

export class Analysis<M extends MapSource = MapSource> {
  private cache = new Map<string, { core: CorePlan; inputs: readonly RamInput[]; size: number }>();
  private cachedInputs = 0;
  /** The bound plan per map object (maps are rebuilt when the structure changes), keyed by settings. */
  private byMap = new WeakMap<MemoryMap, { key: string; planned: MapPlan }>();
  private paired?: PairedMtrr;
  /** Bumps when the pairing changes: bound plans keyed on it are stale. */
  private pairing = 0;

  constructor(readonly model: M) {}

  /**
   * Plans every map with the MTRRs of `p`, ahead of the map's own dump, as `ept-plan --mtrr FILE`
   * does for every map of its input; undefined: each map's own again.
   */
  setPairedMtrr(p: PairedMtrr | undefined): void {
    this.paired = p;
    this.pairing++;
  }

  get pairedMtrr(): PairedMtrr | undefined {
    return this.paired;
  }

  /** The dump a map is planned with when the settings use MTRRs. */
  mtrrOf(map: MemoryMap): MtrrChoice {
    return this.paired ? { dump: this.paired.dump, paired: this.paired.name } : { dump: map.mtrr };
  }

  maps(): MemoryMap[] {
    return this.model.maps().doc.maps;
  }

  /** The map a line belongs to: the one containing it, else the closest before it, else the first. */
  mapForLine(line: number): MemoryMap | undefined {
    return mapAtLine(this.model.maps(line).doc.maps, line);
  }

  /**
   * Whether lines not scanned yet can still change this map: every map is settled once the whole
   * document is scanned; before that all but the last map of the scanned part are.
   */
  isSettled(map: MemoryMap | undefined): boolean {
    if (this.model.complete) return true;
    if (!map) return false;
    const maps = this.model.maps(map.lastLine).doc.maps;
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
    const sk = `${planKey(settings)}|${this.pairing}`;
    const last = this.byMap.get(map);
    if (last && last.key === sk) return last.planned;
    // Typing in a RAM line's address: carry the plan of the map as it was before the edit.
    const edit = this.model.editOf?.(map);
    const before = edit && this.byMap.get(edit.from);
    const carried = before && before.key === sk ? carryPlan(before.planned, map, edit) : undefined;
    if (carried) {
      this.byMap.set(map, { key: sk, planned: carried });
      return carried;
    }
    const inputs = ramInputs(map);
    const mtrr = this.mtrrOf(map);
    const planned = bindPlan(this.coreFor(inputs, settings, mtrr.dump, map), map, inputs, mtrr);
    this.byMap.set(map, { key: sk, planned });
    return planned;
  }

  private coreFor(inputs: readonly RamInput[], settings: PlanSettings, dump: MtrrDump | undefined, map: MemoryMap): CorePlan {
    const edges = new ContentHash();
    for (const r of inputs) edges.num(r.start).num(r.end);
    const key = `${planKey(settings)}|${map.format}|${edges.digest()}|${mtrrKey(settings.useMtrr ? dump?.state : undefined)}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      if (sameEdges(hit.inputs, inputs)) {
        this.cache.set(key, hit); // most recently used last
        return hit.core;
      }
      this.cachedInputs -= hit.size; // a key collision: the new map takes the slot
    }
    const core = planCore(inputs, settings, dump);
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
