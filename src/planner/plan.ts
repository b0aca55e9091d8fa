// The exact EPT identity-map plan for one memory map: RAM ranges in, leaves per page size per
// gap, tables, bytes and memory types out.
import { MemoryType, PAGE_BYTES, PML4E_BYTES, PageCounts, PageSize, Range, zeroCounts } from './types';
import { RamInput, clipToLimit, normalizeRam } from './normalize';
import { LeafRun, RunSink, forEachRun } from './cover';
import { MemoryTypeMap, MtrrConflict, MtrrState, TypedSegment, buildMemoryTypeMap, typedPieces } from './mtrr';
import { RunOwner, TableCounter, TableCounts, tableTotal } from './tables';
import { PhysBitsSource, isPhysBits, resolvePhysBits } from './phys-bits';

export const DEFAULT_LIMIT = PML4E_BYTES; // 512 GiB
/** HyperPlatform pre-allocates this many table pages for MMIO mapped lazily on EPT violations. */
export const HYPERPLATFORM_PREALLOCATED = 50;

export interface PlanOptions {
  /** End of the identity map (exclusive), 4 KiB aligned, or `phys`: 2^MAXPHYADDR. Default 512 GiB. */
  limit?: number | 'phys';
  /** MAXPHYADDR when the user knows it; else the MTRR dump's mask width, else 52. */
  physAddrBits?: number;
  /** Largest page the CPU allows (IA32_VMX_EPT_VPID_CAP bits 16/17). Default 1G. */
  maxPage?: PageSize;
  /** Largest page for RAM. Default 4K (page-granular access control). */
  ramPage?: PageSize;
  /** When given, leaves never straddle a memory-type change and carry the MTRR type. */
  mtrr?: MtrrState;
}

export interface ResolvedOptions {
  limit: number;
  maxPage: PageSize;
  ramPage: PageSize;
  mtrr?: MtrrState;
  /** MAXPHYADDR the plan used (variable MTRRs match nothing above 2^physAddrBits). */
  physAddrBits: number;
  physAddrBitsFrom: PhysBitsSource;
}

export interface TypedLeafRun extends LeafRun {
  memoryType: MemoryType;
}

export interface TypedPiece extends Range {
  memoryType: MemoryType;
  pages: PageCounts;
}

/** A covered span: one RAM range or one gap between them. */
export interface Span extends Range {
  pages: PageCounts;
  /** The type of the whole span, or 'mixed' (see `pieces`). */
  memoryType: MemoryType | 'mixed';
  pieces: TypedPiece[];
  /** The leaf runs, in address order (built on first use: most spans never need them). */
  readonly runs: TypedLeafRun[];
}

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

export interface PlannedRam extends Span {
  inputs: RamInput[];
}

export interface Gap extends Span {
  /** Index in `ram` of the RAM range right after this gap; undefined for the tail up to the limit. */
  before?: number;
}

// One class per kind, fields set in the constructor: one object shape each, where adding
// `before` / `inputs` afterwards (Object.assign) made every span change shape.
class CoveredRam extends CoveredSpan implements PlannedRam {
  constructor(start: number, end: number, pages: PageCounts | undefined, memoryType: MemoryType | 'mixed', pieces: TypedPiece[] | undefined, cap: PageSize, readonly inputs: RamInput[]) {
    super(start, end, pages, memoryType, pieces, cap);
  }
}

class CoveredGap extends CoveredSpan implements Gap {
  constructor(start: number, end: number, pages: PageCounts | undefined, memoryType: MemoryType | 'mixed', pieces: TypedPiece[] | undefined, cap: PageSize, readonly before: number) {
    super(start, end, pages, memoryType, pieces, cap);
  }
}

export interface StrategyCost {
  leaves: number;
  tables: TableCounts;
  bytes: number;
}

export interface Comparison {
  plan: StrategyCost;
  /** Every page 4K over [0, limit): what HyperPlatform builds. */
  fourKOnly: StrategyCost;
  /** Every page 2M over [0, limit): hvpp, SimpleVisor, gbhv. */
  twoMEverywhere: StrategyCost;
  /** This plan on a CPU without 1 GiB EPT pages (absent when maxPage is already below 1G). */
  maxPage2M?: StrategyCost;
  /** Tables only gap leaves need: what HyperPlatform would allocate lazily for MMIO. */
  mmioTables: number;
  fitsHyperPlatformPrealloc: boolean;
}

export interface Plan {
  options: ResolvedOptions;
  limit: number;
  ram: PlannedRam[];
  gaps: Gap[];
  totals: { mmio: PageCounts; ram: PageCounts };
  tables: TableCounts;
  bytes: number;
  /** RAM past the limit, clipped from the plan. */
  beyondLimit: Range[];
  mtrrConflicts: MtrrConflict[];
  /** MTRR registers whose matching set was cut short (pathological non-contiguous masks). */
  mtrrTruncated: number[];
  comparison: Comparison;
}

export class PlanError extends Error {}

function resolve(options: PlanOptions): ResolvedOptions {
  if (options.physAddrBits !== undefined && !isPhysBits(options.physAddrBits)) {
    throw new PlanError(`MAXPHYADDR must be an integer from 32 to 52, got ${options.physAddrBits}`);
  }
  const phys = resolvePhysBits(options.physAddrBits, options.mtrr);
  const limit = options.limit === 'phys' ? 2 ** phys.bits : options.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit <= 0 || limit % PAGE_BYTES['4K'] !== 0 || limit > 2 ** 52) {
    throw new PlanError(`limit must be a positive multiple of 4 KiB up to 2^52, got ${limit}`);
  }
  const maxPage = options.maxPage ?? '1G';
  const requestedRam = options.ramPage ?? '4K';
  // RAM pages can't be larger than what the CPU allows.
  const ramPage = PAGE_BYTES[requestedRam] > PAGE_BYTES[maxPage] ? maxPage : requestedRam;
  return { limit, maxPage, ramPage, mtrr: options.mtrr, physAddrBits: phys.bits, physAddrBitsFrom: phys.from };
}

const leafTotal = (c: PageCounts): number => c['4K'] + c['2M'] + c['1G'];

/** Cost of mapping [0, limit) with one page size everywhere. */
function uniformCost(limit: number, size: PageSize): StrategyCost {
  const counter = new TableCounter();
  let leaves = 0;
  forEachRun(0, limit, size, (s, e, sz, count) => {
    counter.add(s, e, sz, 'gap');
    leaves += count;
  });
  const { tables } = counter.result();
  return { leaves, tables, bytes: tableTotal(tables) * PAGE_BYTES['4K'] };
}

/** One span of the right class (a module function: no closure per span). */
function make(start: number, end: number, pages: PageCounts | undefined, memoryType: MemoryType | 'mixed', pieces: TypedPiece[] | undefined, cap: PageSize, before?: number, inputs?: RamInput[]): CoveredSpan {
  if (inputs) return new CoveredRam(start, end, pages, memoryType, pieces, cap, inputs);
  if (before !== undefined) return new CoveredGap(start, end, pages, memoryType, pieces, cap, before);
  return new CoveredSpan(start, end, pages, memoryType, pieces, cap);
}

const smaller = (a: PageSize, b: PageSize): PageSize => (PAGE_BYTES[a] <= PAGE_BYTES[b] ? a : b);

/**
 * Plans the identity map of [0, limit). Gaps (everything not RAM) take the largest aligned page
 * that fits and, with MTRRs, has one memory type; RAM the same capped at `ramPage`.
 */
export function planMemoryMap(ramInputs: readonly RamInput[], options: PlanOptions = {}): Plan {
  const opts = resolve(options);
  const { limit } = opts;
  for (const r of ramInputs) {
    if (!Number.isSafeInteger(r.start) || !Number.isSafeInteger(r.end) || r.start < 0 || r.end < r.start) {
      throw new PlanError(`invalid RAM range [${r.start}, ${r.end})`);
    }
  }
  const { inside, beyond } = clipToLimit(normalizeRam(ramInputs), limit);

  let typeMap: MemoryTypeMap | undefined;
  if (opts.mtrr) typeMap = buildMemoryTypeMap(opts.mtrr, limit, opts.physAddrBits);
  const types: Record<RunOwner, TypedSegment[]> = {
    ram: typeMap?.segments ?? [{ start: 0, end: limit, type: 'WB' }],
    gap: typeMap?.segments ?? [{ start: 0, end: limit, type: 'UC' }],
  };

  // The plan's own tables, and in the same pass the plan a CPU without 1 GiB pages would need.
  const counter = new TableCounter();
  const alt = opts.maxPage === '1G' ? { counter: new TableCounter(), leaves: 0 } : undefined;
  const totals = { mmio: zeroCounts(), ram: zeroCounts() };

  // The run callbacks exist once per plan, not as two closures per span: they add to the counts
  // the `acc…` variables point at.
  let accOwner: RunOwner = 'gap';
  const scratch = zeroCounts(); // where counts nobody keeps go
  let accPages = scratch;
  let accSpan: PageCounts | undefined;
  let accTotal = totals.mmio;
  const onRun: RunSink = (s, e, size, count) => {
    accPages[size] += count;
    if (accSpan) accSpan[size] += count;
    accTotal[size] += count;
    counter.add(s, e, size, accOwner);
  };
  const onAltRun: RunSink = (s, e, size, count) => {
    alt!.counter.add(s, e, size, accOwner);
    alt!.leaves += count;
  };

  /** Covers [start, end): its counts and typed pieces, runs fed to the table counters. */
  const cover = (start: number, end: number, owner: RunOwner, before?: number, inputs?: RamInput[]): CoveredSpan => {
    const cap = owner === 'ram' ? opts.ramPage : opts.maxPage;
    const altCap = smaller(cap, '2M');
    accOwner = owner;
    accTotal = owner === 'ram' ? totals.ram : totals.mmio;
    const map = types[owner];
    // One memory type everywhere (no MTRRs): one piece, nothing to cut.
    const segments = map.length === 1 ? undefined : typedPieces(map, start, end);
    if (!segments || segments.length === 1) {
      // Only the totals and tables need this span's runs now; its counts wait for `pages`.
      accPages = scratch;
      accSpan = undefined;
      forEachRun(start, end, cap, onRun);
      if (alt) forEachRun(start, end, altCap, onAltRun);
      const type = segments ? segments[0].type : map[0].type;
      return make(start, end, undefined, type, undefined, cap, before, inputs);
    }
    const pages = zeroCounts();
    const pieces: TypedPiece[] = [];
    accSpan = pages;
    for (const seg of segments) {
      accPages = zeroCounts();
      forEachRun(seg.start, seg.end, cap, onRun);
      if (alt) forEachRun(seg.start, seg.end, altCap, onAltRun);
      pieces.push({ start: seg.start, end: seg.end, memoryType: seg.type, pages: accPages });
    }
    const first = pieces[0]?.memoryType;
    const memoryType = first !== undefined && pieces.every((p) => p.memoryType === first) ? first : 'mixed';
    return make(start, end, pages, memoryType, pieces, cap, before, inputs);
  };

  const ram: PlannedRam[] = [];
  const gaps: Gap[] = [];
  let cursor = 0;
  for (let i = 0; i < inside.length; i++) {
    const r = inside[i];
    if (r.start > cursor) gaps.push(cover(cursor, r.start, 'gap', i));
    ram.push(cover(r.start, r.end, 'ram', undefined, r.inputs) as CoveredRam);
    cursor = r.end;
  }
  if (limit > cursor) gaps.push(cover(cursor, limit, 'gap'));

  const { tables, gapOnly } = counter.result();
  const bytes = tableTotal(tables) * PAGE_BYTES['4K'];
  const comparison: Comparison = {
    plan: { leaves: leafTotal(totals.mmio) + leafTotal(totals.ram), tables, bytes },
    fourKOnly: uniformCost(limit, '4K'),
    twoMEverywhere: uniformCost(limit, '2M'),
    mmioTables: gapOnly,
    fitsHyperPlatformPrealloc: gapOnly <= HYPERPLATFORM_PREALLOCATED,
  };
  if (alt) {
    const t = alt.counter.result().tables;
    comparison.maxPage2M = { leaves: alt.leaves, tables: t, bytes: tableTotal(t) * PAGE_BYTES['4K'] };
  }
  return {
    options: opts,
    limit,
    ram,
    gaps,
    totals,
    tables,
    bytes,
    beyondLimit: beyond,
    mtrrConflicts: typeMap?.conflicts ?? [],
    mtrrTruncated: typeMap?.truncated ?? [],
    comparison,
  };
}

/** The leaf run that maps `addr`, and whether it is RAM or a gap (binary search). */
export function leafAt(plan: Plan, addr: number): { run: TypedLeafRun; span: Span; kind: 'ram' | 'gap' } | undefined {
  if (addr < 0 || addr >= plan.limit) return undefined;
  const find = <T extends Span>(spans: readonly T[]): T | undefined => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid].end <= addr) lo = mid + 1;
      else if (spans[mid].start > addr) hi = mid - 1;
      else return spans[mid];
    }
    return undefined;
  };
  const ram = find(plan.ram);
  const span: Span | undefined = ram ?? find(plan.gaps);
  if (!span) return undefined;
  const run = span.runs.find((r) => r.start <= addr && addr < r.end);
  return run && { run, span, kind: ram ? 'ram' : 'gap' };
}
