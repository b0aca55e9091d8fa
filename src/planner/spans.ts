// The plan's span objects (one per RAM range and per gap), built when a caller first reads
// `plan.ram` / `plan.gaps`: the totals and tables come from typed arrays, and many callers (the
// editor's lenses and diagnostics, a plan made only to compare) never read a span. A span's
// counts, typed pieces, leaf runs and inputs are in turn built when first read.
import type { MemoryType, PageCounts, PageSize } from './types';
import { zeroCounts } from './types';
import { MergedRam, RamInput, mergedInputs } from './normalize';
import { forEachRun } from './cover';
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
  /** The one type of every span of a kind (no MTRRs), or each span's entry in `typeOf…`. */
  ramType: MemoryType;
  gapType: MemoryType;
  /** With MTRRs: per span, the index of its type in `TYPE_CODES`, or MIXED (see `mixed…`). */
  ramTypes?: Uint8Array;
  gapTypes?: Uint8Array;
  mixedRam?: Map<number, MixedSpan>;
  mixedGaps?: Map<number, MixedSpan>;
}

export const TYPE_CODES: readonly MemoryType[] = ['UC', 'WC', 'WT', 'WP', 'WB'];
export const MIXED = 255;
export const typeCode = (t: MemoryType): number => TYPE_CODES.indexOf(t);

class CoveredSpan implements Span {
  private cached?: TypedLeafRun[];
  constructor(
    readonly start: number,
    readonly end: number,
    /** The counts; undefined for a span of one type, whose counts are computed on first use. */
    private counts: PageCounts | undefined,
    readonly memoryType: MemoryType | 'mixed',
    /** The typed pieces; undefined for a span of one type, whose one piece is built on first use. */
    private typed: TypedPiece[] | undefined,
    /** Largest page used for this span. */
    private readonly cap: PageSize,
  ) {}

  // Built on first use: an object per span that most callers never read was a third of the
  // planner's garbage-collection work at 1M ranges. The cover is O(1) arithmetic to redo.
  get pages(): PageCounts {
    if (!this.counts) {
      const c = zeroCounts();
      forEachRun(this.start, this.end, this.cap, (_s, _e, size, count) => (c[size] += count));
      this.counts = c;
    }
    return this.counts;
  }

  get pieces(): TypedPiece[] {
    return (this.typed ??= [{ start: this.start, end: this.end, memoryType: this.memoryType as MemoryType, pages: this.pages }]);
  }

  get runs(): TypedLeafRun[] {
    if (!this.cached) {
      const out: TypedLeafRun[] = [];
      for (const p of this.pieces) {
        forEachRun(p.start, p.end, this.cap, (start, end, size, count) => out.push({ start, end, size, count, memoryType: p.memoryType }));
      }
      this.cached = out;
    }
    return this.cached;
  }
}

// One class per kind, fields set in the constructor: one object shape each.
class CoveredRam extends CoveredSpan implements PlannedRam {
  private merged?: RamInput[];
  constructor(start: number, end: number, pages: PageCounts | undefined, memoryType: MemoryType | 'mixed', pieces: TypedPiece[] | undefined, cap: PageSize, private readonly source: SpanSource, private readonly index: number) {
    super(start, end, pages, memoryType, pieces, cap);
  }

  /** The inputs merged into this range, in input order (a list per range only when read). */
  get inputs(): RamInput[] {
    return (this.merged ??= mergedInputs(this.source.ram, this.source.inputs, this.index));
  }
}

class CoveredGap extends CoveredSpan implements Gap {
  constructor(start: number, end: number, pages: PageCounts | undefined, memoryType: MemoryType | 'mixed', pieces: TypedPiece[] | undefined, cap: PageSize, readonly before: number) {
    super(start, end, pages, memoryType, pieces, cap);
  }
}

/** Whether a gap lies before the first RAM range: gap j is then the one before ram[j]. */
const headGap = (ram: MergedRam): boolean => ram.count === 0 || ram.starts[0] > 0;

/**
 * Gaps between merged RAM: one before each range that does not start at 0 (merged ranges never
 * touch, so every range but the first has one), and the tail when RAM stops short of the limit.
 */
export function gapCount(ram: MergedRam, limit: number): number {
  if (ram.count === 0) return 1;
  return ram.count - 1 + (headGap(ram) ? 1 : 0) + (ram.ends[ram.count - 1] < limit ? 1 : 0);
}

/** Calls `each` with the bounds of every gap in address order, and the RAM range after it (`ram.count` for the tail). */
export function forEachGap(ram: MergedRam, limit: number, each: (start: number, end: number, before: number) => void): void {
  const n = gapCount(ram, limit);
  const skip = headGap(ram) ? 0 : 1;
  for (let j = 0; j < n; j++) {
    const before = j + skip;
    each(before === 0 ? 0 : ram.ends[before - 1], before < ram.count ? ram.starts[before] : limit, before);
  }
}

/** The type of span i of a kind, and its pieces when it has several types. */
const mixOf = (codes: Uint8Array | undefined, mixed: Map<number, MixedSpan> | undefined, i: number): MixedSpan | undefined =>
  codes && codes[i] === MIXED ? mixed!.get(i) : undefined;
const typeOf = (codes: Uint8Array | undefined, fallback: MemoryType, mix: MixedSpan | undefined, i: number): MemoryType | 'mixed' =>
  mix ? mix.memoryType : codes ? TYPE_CODES[codes[i]] : fallback;

export function buildRam(src: SpanSource): PlannedRam[] {
  const { ram, ramTypes, mixedRam } = src;
  const out: PlannedRam[] = new Array(ram.count);
  for (let k = 0; k < ram.count; k++) {
    const mix = mixOf(ramTypes, mixedRam, k);
    out[k] = new CoveredRam(ram.starts[k], ram.ends[k], mix?.pages, typeOf(ramTypes, src.ramType, mix, k), mix?.pieces, src.ramPage, src, k);
  }
  return out;
}

export function buildGaps(src: SpanSource): Gap[] {
  const { gapTypes, mixedGaps } = src;
  const out: Gap[] = new Array(gapCount(src.ram, src.limit));
  let j = 0;
  forEachGap(src.ram, src.limit, (start, end, before) => {
    const mix = mixOf(gapTypes, mixedGaps, j);
    const type = typeOf(gapTypes, src.gapType, mix, j);
    // The tail (up to the limit) has no `before`: a plain span, as callers test `before === undefined`.
    out[j++] =
      before < src.ram.count
        ? new CoveredGap(start, end, mix?.pages, type, mix?.pieces, src.maxPage, before)
        : new CoveredSpan(start, end, mix?.pages, type, mix?.pieces, src.maxPage);
  });
  return out;
}
