// The plan of one memory map, bound to that map's own lines. Plans are computed line-free (each
// input's `line` is its index among the map's RAM inputs) so that two maps with the same content
// can share one immutable plan; binding it to a map puts that map's document lines back. Pure.
import type { MapEdit, MemoryMap, MtrrDump } from '../formats';
import { hasError, ramInputs, readWithoutRoot } from '../formats';
import type { Gap, InputSwap, Plan, PlannedRam, RamInput } from '../planner';
import { PlanError, planMemoryMap, replanSwapped } from '../planner';
import { type PlanSettings, planOptions } from './options';
import { carryGapLines } from './span-lines';

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
  /** The MTRR dump the memory types came from (undefined when none was applied). */
  readonly mtrrDump?: MtrrDump;
  /** The name of the MTRR file paired with the document, when the types came from it (its lines are the file's). */
  readonly pairedMtrr?: string;
}

/** Where a map's MTRRs come from: a file paired with the document, else the map's own dump. */
export interface MtrrChoice {
  dump?: MtrrDump;
  /** Set when `dump` is a paired file's: its name. */
  paired?: string;
}

/** Plans RAM inputs (with any `line`s) line-free. */
export function planCore(inputs: readonly RamInput[], settings: PlanSettings, mtrr: MtrrDump | undefined): CorePlan {
  const indexed = inputs.map((r, i) => ({ start: r.start, end: r.end, line: i }));
  const opts = planOptions(settings, mtrr?.state);
  const mtrrApplied = opts.mtrr !== undefined;
  try {
    const plan = planMemoryMap(indexed, opts);
    const gapBefore: (Gap | undefined)[] = new Array<Gap | undefined>(plan.ram.length).fill(undefined); // not holey: a carried copy has no holes either
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

/** What a bound plan was made of: carrying it over an edit (carryPlan) starts from these. */
const bindings = new WeakMap<MapPlan, { core: CorePlan; lines: Int32Array }>();

/** RAM span `i` of a core plan with the line of each input (-1: none); `setLine` learns each line's span. */
function bindRam(r: PlannedRam, i: number, lines: Int32Array, setLine: (line: number, i: number) => void): PlannedRam {
  const bound = r.inputs.map((x) => {
    const line = lines[x.line!] < 0 ? undefined : lines[x.line!];
    if (line !== undefined) setLine(line, i);
    return { start: x.start, end: x.end, line };
  });
  return new BoundRam(r, bound);
}

/** The core plan with the lines of `inputs` (the map's RAM inputs, in the order it was planned from). */
export function bindPlan(core: CorePlan, map: MemoryMap, inputs: readonly RamInput[], mtrr: MtrrChoice = { dump: map.mtrr }): MapPlan {
  const ramByLine = new Map<number, number>();
  const source = core.mtrrApplied && mtrr.dump ? { mtrrDump: mtrr.dump, ...(mtrr.paired !== undefined ? { pairedMtrr: mtrr.paired } : {}) } : {};
  if (!core.plan) return { ...core, map, ramByLine, ...source };
  const setLine = (line: number, i: number): void => void ramByLine.set(line, i);
  // The input lines as numbers: carryPlan shares them (an edit it carries moves no line).
  const lines = Int32Array.from(inputs, (x) => x.line ?? -1);
  const ram: PlannedRam[] = core.plan.ram.map((r, i) => bindRam(r, i, lines, setLine));
  const planned: MapPlan = { ...core, map, plan: { ...core.plan, ram }, ramByLine, ...source };
  bindings.set(planned, { core, lines });
  return planned;
}

/** Index of the first input on or after `line` (a map's inputs are in line order but mtree's). */
function inputAt(lines: Int32Array, line: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid] < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The plan of `map`, made from `last` (the plan of `edit.from` with the same settings) when the
 * edit only gave RAM lines new addresses: the planner carries the plan over (replanSwapped) and
 * only the spans it remade are bound again; an edit of non-RAM lines alone keeps the plan. Undefined
 * when it can't: then plan afresh.
 */
export function carryPlan(last: MapPlan, map: MemoryMap, edit: MapEdit): MapPlan | undefined {
  const was = bindings.get(last);
  if (!was?.core.plan || !last.plan || map.format === 'mtree' || readWithoutRoot(map) || readWithoutRoot(edit.from)) return undefined;
  const swaps: InputSwap[] = [];
  for (const i of edit.at) {
    const before = edit.from.ranges[i];
    const now = map.ranges[i];
    // A line that is not RAM before or after is no input: the plan is the same (its known MMIO is read from the map).
    if (!before.ram && !now.ram) continue;
    if (!before.ram || !now.ram || hasError(before) || hasError(now)) return undefined;
    const k = inputAt(was.lines, before.line);
    if (was.lines[k] !== before.line) return undefined;
    swaps.push({ index: k, start: now.start, end: now.end });
  }
  if (swaps.length === 0) {
    // Not the gap lines (span-lines.ts): a non-RAM line is the anchor of the gap it lies in.
    const same: MapPlan = { ...last, map };
    bindings.set(same, was);
    return same;
  }
  const carried = replanSwapped(was.core.plan, swaps);
  if (!carried) return undefined;
  const plan = carried.plan;
  Object.freeze(plan.ram);
  Object.freeze(plan.gaps);
  const gapBefore = [...was.core.gapBefore];
  let tail = was.core.tail;
  for (let j = carried.gaps[0]; j <= carried.gaps[1]; j++) {
    const g = plan.gaps[j];
    if (g.before === undefined) tail = g;
    else gapBefore[g.before] = g;
  }
  const core: CorePlan = Object.freeze({ plan: Object.freeze(plan), gapBefore: Object.freeze(gapBefore), tail, mtrrApplied: was.core.mtrrApplied, inputCount: was.core.inputCount });
  // The lines of the remade spans: the old map (shared, never changed) unless one moved to another span.
  const moved: [number, number][] = [];
  const ram = [...last.plan.ram];
  for (let k = carried.ram[0]; k <= carried.ram[1]; k++) {
    ram[k] = bindRam(plan.ram[k], k, was.lines, (line, i) => {
      if (last.ramByLine.get(line) !== i) moved.push([line, i]);
    });
  }
  let ramByLine = last.ramByLine;
  if (moved.length) {
    const copy = new Map(ramByLine);
    for (const [line, i] of moved) copy.set(line, i);
    ramByLine = copy;
  }
  const source = { ...(last.mtrrDump ? { mtrrDump: last.mtrrDump } : {}), ...(last.pairedMtrr !== undefined ? { pairedMtrr: last.pairedMtrr } : {}) };
  const planned: MapPlan = { ...core, map, plan: { ...plan, ram }, ramByLine, ...source };
  bindings.set(planned, { core, lines: was.lines });
  carryGapLines(last, planned, carried.gaps[0], carried.gaps[1]);
  return planned;
}

/** The plan of one map, uncached (the CLI and Plan Log File plan each map once). */
export function planMap(map: MemoryMap, settings: PlanSettings): MapPlan {
  const inputs = ramInputs(map);
  return bindPlan(planCore(inputs, settings, map.mtrr), map, inputs);
}
