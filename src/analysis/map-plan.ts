// The plan of one memory map, bound to that map's own lines. Plans are computed line-free (each
// input's `line` is its index among the map's RAM inputs) so that two maps with the same content
// can share one immutable plan; binding it to a map puts that map's document lines back. Pure.
import type { MemoryMap } from '../formats';
import { ramInputs } from '../formats';
import type { Gap, Plan, PlannedRam, RamInput } from '../planner';
import { PlanError, planMemoryMap } from '../planner';
import { type PlanSettings, planOptions } from './options';

/** A plan computed from a map's content alone: shared between maps, never changed. */
export interface CorePlan {
  /** Undefined when the planner refused the input (`error` says why). Input lines are input indices. */
  readonly plan?: Plan;
  readonly error?: string;
  /** Indexed like plan.ram: the gap right before that RAM range (undefined when they touch). */
  readonly gapBefore: readonly (Gap | undefined)[];
  /** The gap from the last RAM range to the limit. */
  readonly tail?: Gap;
  /** Whether memory types came from the map's MTRR dump. */
  readonly mtrrApplied: boolean;
  /** RAM ranges the map gave the planner (0: nothing usable, e.g. /proc/iomem read without root). */
  readonly inputCount: number;
}

export interface MapPlan extends CorePlan {
  map: MemoryMap;
  /** The plan with this map's 0-based document lines on its RAM inputs. */
  readonly plan?: Plan;
  /** 0-based line → index in plan.ram of the RAM range that line's range belongs to. */
  readonly ramByLine: ReadonlyMap<number, number>;
}

/** Plans RAM inputs (with any `line`s) line-free. */
export function planCore(inputs: readonly RamInput[], settings: PlanSettings, map: MemoryMap): CorePlan {
  const indexed = inputs.map((r, i) => ({ start: r.start, end: r.end, line: i }));
  const opts = planOptions(settings, map.mtrr?.state);
  const mtrrApplied = opts.mtrr !== undefined;
  try {
    const plan = planMemoryMap(indexed, opts);
    const gapBefore: (Gap | undefined)[] = new Array(plan.ram.length);
    let tail: Gap | undefined;
    for (const g of plan.gaps) {
      if (g.before === undefined) tail = g;
      else gapBefore[g.before] = g;
    }
    Object.freeze(plan.ram);
    Object.freeze(plan.gaps);
    return Object.freeze({ plan: Object.freeze(plan), gapBefore: Object.freeze(gapBefore), tail, mtrrApplied, inputCount: inputs.length });
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    return Object.freeze({ error: e.message, gapBefore: [], mtrrApplied, inputCount: inputs.length });
  }
}

/**
 * A shared RAM span seen with one map's lines on its inputs; everything else (its lazily built
 * leaf runs too) is read from the shared span. One class, so one object shape for every span: a
 * prototype per span (Object.create) gave V8 a hidden class per range, 300k of them per edit.
 */
class BoundRam implements PlannedRam {
  readonly #span: PlannedRam;
  constructor(span: PlannedRam, readonly inputs: RamInput[]) {
    this.#span = span;
  }
  get start(): number { return this.#span.start; }
  get end(): number { return this.#span.end; }
  get pages(): PlannedRam['pages'] { return this.#span.pages; }
  get memoryType(): PlannedRam['memoryType'] { return this.#span.memoryType; }
  get pieces(): PlannedRam['pieces'] { return this.#span.pieces; }
  get runs(): PlannedRam['runs'] { return this.#span.runs; }
}

/** The core plan with the lines of `inputs` (the map's RAM inputs, in the order it was planned from). */
export function bindPlan(core: CorePlan, map: MemoryMap, inputs: readonly RamInput[]): MapPlan {
  const ramByLine = new Map<number, number>();
  if (!core.plan) return { ...core, map, ramByLine };
  const ram: PlannedRam[] = core.plan.ram.map((r, i) => {
    const bound = r.inputs.map((x) => {
      const line = inputs[x.line!].line;
      if (line !== undefined) ramByLine.set(line, i);
      return { start: x.start, end: x.end, line };
    });
    return new BoundRam(r, bound);
  });
  return { ...core, map, plan: { ...core.plan, ram }, ramByLine };
}

/** The plan of one map, uncached (the CLI and Plan Log File plan each map once). */
export function planMap(map: MemoryMap, settings: PlanSettings): MapPlan {
  const inputs = ramInputs(map);
  return bindPlan(planCore(inputs, settings, map), map, inputs);
}
