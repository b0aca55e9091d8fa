// The planner as it was before its typed-array pass (commit 77673fa: src/planner/tables.ts,
// normalize.ts, cover.ts, plan.ts in one file, unchanged but for the imports), kept as the
// oracle the fast path must equal on any input: test/unit/planner-fast-path.test.ts.
/* eslint-disable */
import { MemoryType, PAGE_BYTES, PML4E_BYTES, PageCounts, PageSize, Range, zeroCounts } from '../../src/planner/types';
import { MemoryTypeMap, MtrrConflict, MtrrState, TypedSegment, buildMemoryTypeMap, typedPieces } from '../../src/planner/mtrr';
import { PhysBitsSource, isPhysBits, resolvePhysBits } from '../../src/planner/phys-bits';

// ---- src/planner/tables.ts as it was
// Paging-structure tables a set of leaves needs (4-level EPT): one PML4; one PDPT per 512 GiB
// region holding any leaf; one PD per 1 GiB region holding a 2M or 4K leaf; one PT per 2 MiB
// region holding a 4K leaf. Counted in one streaming pass over runs in address order, so a plan
// never has to gather its runs into one list.

export interface TableCounts {
  pml4: number;
  pdpt: number;
  pd: number;
  pt: number;
}

export type RunOwner = 'ram' | 'gap';

/** Distinct regions of one size touched by runs fed in address order. */
class RegionCounter {
  total = 0;
  /** Regions whose leaves all belong to gaps: tables RAM alone would not need. */
  gapOnly = 0;
  private cur = -1;
  private curRam = false;

  constructor(private readonly bytes: number) {}

  add(start: number, end: number, owner: RunOwner): void {
    const first = Math.floor(start / this.bytes);
    const last = Math.floor((end - 1) / this.bytes);
    if (first !== this.cur) {
      this.flush();
      this.cur = first;
      this.curRam = false;
    }
    this.curRam ||= owner === 'ram';
    if (last > first) {
      this.flush();
      const interior = last - first - 1;
      this.total += interior;
      if (owner === 'gap') this.gapOnly += interior;
      this.cur = last;
      this.curRam = owner === 'ram';
    }
  }

  flush(): void {
    if (this.cur < 0) return;
    this.total++;
    if (!this.curRam) this.gapOnly++;
    this.cur = -1;
  }
}

export class TableCounter {
  private readonly pt = new RegionCounter(PAGE_BYTES['2M']);
  private readonly pd = new RegionCounter(PAGE_BYTES['1G']);
  private readonly pdpt = new RegionCounter(PML4E_BYTES);
  private any = false;

  /** Feeds one run of leaves; runs must come in address order. */
  add(start: number, end: number, size: PageSize, owner: RunOwner): void {
    this.any = true;
    if (size === '4K') this.pt.add(start, end, owner);
    if (size !== '1G') this.pd.add(start, end, owner);
    this.pdpt.add(start, end, owner);
  }

  /** The tables, and how many of them only gap leaves need. */
  result(): { tables: TableCounts; gapOnly: number } {
    for (const c of [this.pt, this.pd, this.pdpt]) c.flush();
    if (!this.any) return { tables: { pml4: 0, pdpt: 0, pd: 0, pt: 0 }, gapOnly: 0 };
    return {
      tables: { pml4: 1, pdpt: this.pdpt.total, pd: this.pd.total, pt: this.pt.total },
      gapOnly: this.pt.gapOnly + this.pd.gapOnly + this.pdpt.gapOnly,
    };
  }
}

export const tableTotal = (t: TableCounts): number => t.pml4 + t.pdpt + t.pd + t.pt;

// ---- src/planner/normalize.ts as it was
// Turning RAM ranges as logged (any order, overlapping, unaligned) into the sorted, disjoint,
// 4 KiB-aligned set the planner covers.

export interface RamInput extends Range {
  /** 0-based line of the log record this range came from, when it came from text. */
  line?: number;
  /** Where it came from (a file name), for multi-file input. */
  source?: string;
}

export interface NormalizedRange extends Range {
  /** The input ranges merged into this one, in input order. */
  inputs: RamInput[];
}

const PAGE = PAGE_BYTES['4K'];
export const alignDown = (n: number, a: number): number => n - (n % a);
export const alignUp = (n: number, a: number): number => (n % a === 0 ? n : n - (n % a) + a);

/**
 * `order` (indices into `key`, 4 KiB-aligned addresses below 2^52) stably sorted by key: an LSD
 * radix sort of the page numbers, 10 bits a pass, passes whose digit never varies skipped. A
 * typed-array sort with a comparator calls back into JS per comparison and was most of the
 * planner's time on shuffled input.
 */
function sortByKey(order: Int32Array, key: Float64Array): Int32Array {
  const n = order.length;
  // Page numbers below 2^40, in two 20-bit halves (bit operations only see 32 bits).
  const lo = new Int32Array(key.length);
  const hi = new Int32Array(key.length);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const page = key[i] / PAGE;
    lo[i] = page % 0x100000;
    hi[i] = Math.floor(page / 0x100000);
  }
  let src: Int32Array = order;
  let dst: Int32Array = new Int32Array(n);
  const count = new Int32Array(1024);
  for (let pass = 0; pass < 4; pass++) {
    const half = pass < 2 ? lo : hi;
    const shift = pass % 2 ? 10 : 0;
    count.fill(0);
    for (let k = 0; k < n; k++) count[(half[src[k]] >> shift) & 1023]++;
    if (count[(half[src[0]] >> shift) & 1023] === n) continue; // one digit everywhere
    for (let d = 0, at = 0; d < 1024; d++) {
      const c = count[d];
      count[d] = at;
      at += c;
    }
    for (let k = 0; k < n; k++) {
      const i = src[k];
      dst[count[(half[i] >> shift) & 1023]++] = i;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/**
 * Rounds each range outward to 4 KiB (a partial page of RAM is still RAM and must stay at 4K
 * granularity), then merges overlapping and touching ranges. Empty ranges are dropped.
 */
export function normalizeRam(inputs: readonly RamInput[]): NormalizedRange[] {
  // Indices sorted by the rounded start, in typed arrays: no intermediate objects for 1M ranges.
  // Ranges with equal starts merge whatever their order, and each merged range lists its inputs
  // in input order (its indices sorted), so the start alone is the sort key.
  const startKey = new Float64Array(inputs.length);
  let order: Int32Array = new Int32Array(inputs.length);
  let n = 0;
  let sorted = true;
  for (let i = 0; i < inputs.length; i++) {
    const r = inputs[i];
    if (r.end <= r.start) continue;
    startKey[i] = alignDown(r.start, PAGE);
    if (n > 0 && startKey[i] < startKey[order[n - 1]]) sorted = false;
    order[n++] = i;
  }
  order = order.subarray(0, n);
  // Logs print their maps in address order: then there is nothing to sort.
  if (!sorted) order = sortByKey(order, startKey);
  const out: NormalizedRange[] = [];
  let groupStart = 0;
  let last: NormalizedRange | undefined;
  const close = (groupEnd: number): void => {
    if (!last) return;
    if (groupEnd - groupStart === 1) last.inputs = [inputs[order[groupStart]]];
    else last.inputs = Array.from(order.slice(groupStart, groupEnd).sort(), (i) => inputs[i]);
  };
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const start = startKey[i];
    const end = alignUp(inputs[i].end, PAGE);
    if (last && start <= last.end) {
      if (end > last.end) last.end = end;
    } else {
      close(k);
      groupStart = k;
      last = { start, end, inputs: [] };
      out.push(last);
    }
  }
  close(n);
  return out;
}

/** Splits normalized RAM at `limit`: what lies inside the identity map, and what is cut off. */
export function clipToLimit(ram: NormalizedRange[], limit: number): { inside: NormalizedRange[]; beyond: Range[] } {
  const inside: NormalizedRange[] = [];
  const beyond: Range[] = [];
  for (const r of ram) {
    if (r.end <= limit) inside.push(r);
    else if (r.start >= limit) beyond.push({ start: r.start, end: r.end });
    else {
      inside.push({ ...r, end: limit });
      beyond.push({ start: limit, end: r.end });
    }
  }
  return { inside, beyond };
}

// ---- src/planner/cover.ts as it was
// The greedy cover: at each address the largest aligned page that fits. For aligned 4K/2M/1G
// pages this is the unique minimum, and it decomposes into at most five runs
// (4K head, 2M head, 1G middle, 2M tail, 4K tail), so it costs O(1) per interval.

export interface LeafRun extends Range {
  size: PageSize;
  /** Number of leaves: (end - start) / PAGE_BYTES[size]. */
  count: number;
}

export type RunSink = (start: number, end: number, size: PageSize, count: number) => void;

const DESCENDING: PageSize[] = ['1G', '2M', '4K'];

/**
 * Calls `sink` for each run of the cover of [start, end) (both 4 KiB aligned) with pages no
 * larger than `maxPage`, in address order. No allocation: the planner calls this per gap.
 */
export function forEachRun(start: number, end: number, maxPage: PageSize, sink: RunSink): void {
  split(start, end, DESCENDING.indexOf(maxPage), sink);
}

/** The runs as a list. */
export function coverInterval(start: number, end: number, maxPage: PageSize): LeafRun[] {
  const out: LeafRun[] = [];
  forEachRun(start, end, maxPage, (s, e, size, count) => out.push({ start: s, end: e, size, count }));
  return out;
}

function split(start: number, end: number, level: number, sink: RunSink): void {
  if (end <= start) return;
  const size = DESCENDING[level];
  const bytes = PAGE_BYTES[size];
  if (level === DESCENDING.length - 1) {
    sink(start, end, size, (end - start) / bytes);
    return;
  }
  const lo = alignUp(start, bytes);
  const hi = alignDown(end, bytes);
  if (lo >= hi) {
    split(start, end, level + 1, sink);
    return;
  }
  split(start, lo, level + 1, sink);
  sink(lo, hi, size, (hi - lo) / bytes);
  split(hi, end, level + 1, sink);
}

// ---- src/planner/plan.ts as it was
// The exact EPT identity-map plan for one memory map: RAM ranges in, leaves per page size per
// gap, tables, bytes and memory types out.

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
