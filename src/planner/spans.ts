// The plan's span objects (one per RAM range and per gap), built when a caller first reads
// `plan.ram` / `plan.gaps`: the totals and tables come from typed arrays, and many callers (the
// editor's lenses and diagnostics, a plan made only to compare) never read a span. A span's
// counts, typed pieces, leaf runs and inputs are in turn built when first read.
import type { MemoryType, PageCounts, PageSize } from './types';
import { MergedRam, RamInput, mergedInputs } from './normalize';
import { coverCounts, forEachRun } from './cover';
import type { Gap, PlannedRam, Span, TypedLeafRun, TypedPiece } from './plan';

/** A span of several memory types: its counts and pieces, computed while planning. */
export interface MixedSpan {
  pages: PageCounts;
  pieces: TypedPiece[];
  memoryType: MemoryType | 'mixed';
}

/** What the planning pass leaves for building spans on demand. */
export interface SpanSource {
  inputs: readonly RamInput[];
  /** The RAM inside the limit (its last range clipped). */
  ram: MergedRam;
  limit: number;
  ramPage: PageSize;
  maxPage: PageSize;
  /** `gapSkip(ram)`: gap j lies before ram[j + gapSkip]. */
  gapSkip: number;
  /** The memory types of the RAM spans and of the gaps. */
  kinds: { ram: SpanKind; gap: SpanKind };
}

/** The memory types of the spans of one kind. */
export interface SpanKind {
  /** The one type of every span (no MTRRs, or one type over the whole map). */
  one: MemoryType;
  /** Otherwise, per span, the index of its type in `TYPE_CODES`, or MIXED (see `mixed`). */
  codes?: Uint8Array;
  mixed?: Map<number, MixedSpan>;
}

export const TYPE_CODES: readonly MemoryType[] = ['UC', 'WC', 'WT', 'WP', 'WB'];
export const MIXED = 255;
export const typeCode = (t: MemoryType): number => TYPE_CODES.indexOf(t);

// A span is a view: its source and its index, every field read from the typed arrays or computed
// on read (the cover is O(1) arithmetic to redo). Spans that kept their own bounds (boxed
// doubles), counts and inputs were retained objects: reading every span of 100k ranges cost 5x
// the plan, most of it garbage collection.
abstract class CoveredSpan implements Span {
  constructor(
    /** Index among the spans of its kind. */
    protected readonly i: number,
  ) {}

  abstract get start(): number;
  abstract get end(): number;
  /** Largest page used for this span. */
  protected abstract get cap(): PageSize;
  protected abstract get kind(): SpanKind;

  /** Counts and pieces when the span has several memory types (with MTRRs only). */
  protected get mix(): MixedSpan | undefined {
    const k = this.kind;
    return k.codes?.[this.i] === MIXED ? k.mixed!.get(this.i) : undefined;
  }

  get memoryType(): MemoryType | 'mixed' {
    const { one, codes } = this.kind;
    if (!codes) return one;
    return codes[this.i] === MIXED ? this.mix!.memoryType : TYPE_CODES[codes[this.i]];
  }

  get pages(): PageCounts {
    return this.mix?.pages ?? coverCounts(this.start, this.end, this.cap);
  }

  get pieces(): TypedPiece[] {
    return this.mix?.pieces ?? [{ start: this.start, end: this.end, memoryType: this.memoryType as MemoryType, pages: this.pages }];
  }

  get runs(): TypedLeafRun[] {
    const out: TypedLeafRun[] = [];
    for (const p of this.pieces) {
      forEachRun(p.start, p.end, this.cap, (start, end, size, count) => out.push({ start, end, size, count, memoryType: p.memoryType }));
    }
    return out;
  }
}

class CoveredRam extends CoveredSpan implements PlannedRam {
  constructor(
    protected readonly src: SpanSource,
    i: number,
  ) {
    super(i);
  }
  get start(): number {
    return this.src.ram.starts[this.i];
  }
  get end(): number {
    return this.src.ram.ends[this.i];
  }
  protected get cap(): PageSize {
    return this.src.ramPage;
  }
  protected get kind(): SpanKind {
    return this.src.kinds.ram;
  }
  /** The inputs merged into this range, in input order. */
  get inputs(): RamInput[] {
    return mergedInputs(this.src.ram, this.src.inputs, this.i);
  }
}

/** The tail gap, from the last RAM range to the limit: no `before` (callers test `'before' in`). */
class CoveredTail extends CoveredSpan {
  constructor(
    protected readonly src: SpanSource,
    i: number,
  ) {
    super(i);
  }
  /** Index in `ram` of the range after this gap (`ram.count` for the tail). */
  protected get next(): number {
    return this.i + this.src.gapSkip;
  }
  get start(): number {
    return this.next === 0 ? 0 : this.src.ram.ends[this.next - 1];
  }
  get end(): number {
    return this.next < this.src.ram.count ? this.src.ram.starts[this.next] : this.src.limit;
  }
  protected get cap(): PageSize {
    return this.src.maxPage;
  }
  protected get kind(): SpanKind {
    return this.src.kinds.gap;
  }
}

class CoveredGap extends CoveredTail implements Gap {
  get before(): number {
    return this.next;
  }
}

/** 0 when a gap lies before the first RAM range (gap j is then the one before ram[j]), else 1. */
export const gapSkip = (ram: MergedRam): number => (ram.count === 0 || ram.starts[0] > 0 ? 0 : 1);

/**
 * Gaps between merged RAM: one before each range that does not start at 0 (merged ranges never
 * touch, so every range but the first has one), and the tail when RAM stops short of the limit.
 */
export function gapCount(ram: MergedRam, limit: number): number {
  if (ram.count === 0) return 1;
  return ram.count - gapSkip(ram) + (ram.ends[ram.count - 1] < limit ? 1 : 0);
}

export function buildRam(src: SpanSource): PlannedRam[] {
  const out: PlannedRam[] = new Array(src.ram.count);
  for (let k = 0; k < src.ram.count; k++) out[k] = new CoveredRam(src, k);
  return out;
}

export function buildGaps(src: SpanSource): Gap[] {
  const n = gapCount(src.ram, src.limit);
  const out: Gap[] = new Array(n);
  for (let j = 0; j < n; j++) out[j] = j + src.gapSkip < src.ram.count ? new CoveredGap(src, j) : new CoveredTail(src, j);
  return out;
}

/**
 * A span of a plan carried over an edit (replan.ts): it keeps its own bounds, so the few spans an
 * edit remade hold no reference to that plan's whole arrays (the next edit's plan replaces them).
 * One memory type per kind: edits are carried only in plans without MTRR types.
 */
class OwnRam extends CoveredSpan implements PlannedRam {
  constructor(
    readonly start: number,
    readonly end: number,
    protected readonly cap: PageSize,
    protected readonly kind: SpanKind,
    readonly inputs: RamInput[],
  ) {
    super(0);
  }
}

class OwnTail extends CoveredSpan {
  constructor(
    readonly start: number,
    readonly end: number,
    protected readonly cap: PageSize,
    protected readonly kind: SpanKind,
  ) {
    super(0);
  }
}

class OwnGap extends OwnTail implements Gap {
  constructor(start: number, end: number, cap: PageSize, kind: SpanKind, readonly before: number) {
    super(start, end, cap, kind);
  }
}

/** RAM span k of `src` as an own-bounds span (`kind` untyped), its inputs read through `input`. */
export function ownRam(src: SpanSource, k: number, input: (i: number) => RamInput): PlannedRam {
  const inputs: RamInput[] = [];
  for (let j = src.ram.first[k]; j < src.ram.first[k + 1]; j++) inputs.push(input(src.ram.order[j]));
  return new OwnRam(src.ram.starts[k], src.ram.ends[k], src.ramPage, src.kinds.ram, inputs);
}

/** Gap j of `src` as an own-bounds span. */
export function ownGap(src: SpanSource, j: number): Gap {
  const next = j + src.gapSkip;
  const start = next === 0 ? 0 : src.ram.ends[next - 1];
  if (next >= src.ram.count) return new OwnTail(start, src.limit, src.maxPage, src.kinds.gap);
  return new OwnGap(start, src.ram.starts[next], src.maxPage, src.kinds.gap, next);
}

// The planning pass's leftovers per plan, for carrying a plan over an edit of its inputs (replan.ts).
const sources = new WeakMap<object, SpanSource>();
export const keepSource = <P extends object>(plan: P, src: SpanSource): P => (sources.set(plan, src), plan);
export const sourceOf = (plan: object): SpanSource | undefined => sources.get(plan);
