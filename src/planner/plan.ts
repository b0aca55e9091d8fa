// The exact EPT identity-map plan for one memory map: RAM ranges in, leaves per page size per
// gap, tables, bytes and memory types out.
import { MemoryType, PAGE_BYTES, PML4E_BYTES, PageCounts, PageSize, Range, zeroCounts } from './types';
import { RamInput, clipMerged, mergeRam } from './normalize';
import { LEVEL_SIZES, LeafRun, forEachRun, levelCounts, levelOf } from './cover';
import { MIXED, SpanSource, buildGaps, buildRam, gapCount, gapSkip, keepSource, typeCode } from './spans';
import { MemoryTypeMap, MtrrConflict, MtrrState, TypedSegment, buildMemoryTypeMap, typedPieces } from './mtrr';
import { RunOwner, TableCounter, TableCounts, tableTotal } from './tables';
import { Tally } from './tally';
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

export interface PlannedRam extends Span {
  inputs: RamInput[];
}

export interface Gap extends Span {
  /** Index in `ram` of the RAM range right after this gap; undefined for the tail up to the limit. */
  before?: number;
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

/**
 * Plans the identity map of [0, limit). Gaps (everything not RAM) take the largest aligned page
 * that fits and, with MTRRs, has one memory type; RAM the same capped at `ramPage`.
 */
export function planMemoryMap(ramInputs: readonly RamInput[], options: PlanOptions = {}): Plan {
  const opts = resolve(options);
  const { limit } = opts;
  const merged = mergeRam(ramInputs, true);
  if (merged.invalid >= 0) {
    const r = ramInputs[merged.invalid];
    throw new PlanError(`invalid RAM range [${r.start}, ${r.end})`);
  }
  const beyond = clipMerged(merged, limit);

  let typeMap: MemoryTypeMap | undefined;
  if (opts.mtrr) typeMap = buildMemoryTypeMap(opts.mtrr, limit, opts.physAddrBits);
  const types: Record<RunOwner, TypedSegment[]> = {
    ram: typeMap?.segments ?? [{ start: 0, end: limit, type: 'WB' }],
    gap: typeMap?.segments ?? [{ start: 0, end: limit, type: 'UC' }],
  };
  // One type everywhere (no MTRRs, or one type over the whole map): no span has its own.
  const typed = types.ram.length > 1;
  const src: SpanSource = {
    inputs: ramInputs,
    ram: merged,
    limit,
    ramPage: opts.ramPage,
    maxPage: opts.maxPage,
    gapSkip: gapSkip(merged),
    kinds: {
      ram: { one: types.ram[0].type, ...(typed ? { codes: new Uint8Array(merged.count), mixed: new Map() } : {}) },
      gap: { one: types.gap[0].type, ...(typed ? { codes: new Uint8Array(gapCount(merged, limit)), mixed: new Map() } : {}) },
    },
  };

  // The plan's own tables, and in the same pass the plan a CPU without 1 GiB pages would need.
  const tally = new Tally(levelOf(opts.ramPage), levelOf(opts.maxPage));
  const feed = (start: number, end: number, owner: RunOwner, pages?: PageCounts): void => tally.feed(start, end, owner === 'ram', pages);

  /** Covers span i of its kind: cut where the memory type changes, its type recorded for `src`. */
  const cover = (start: number, end: number, owner: RunOwner, i: number): void => {
    const kind = src.kinds[owner];
    const codes = kind.codes!;
    const segments = typedPieces(types[owner], start, end);
    if (segments.length === 1) {
      codes[i] = typeCode(segments[0].type);
      return feed(start, end, owner);
    }
    const pages = zeroCounts();
    const pieces: TypedPiece[] = [];
    for (const seg of segments) {
      const own = zeroCounts();
      feed(seg.start, seg.end, owner, own);
      for (const size of LEVEL_SIZES) pages[size] += own[size];
      pieces.push({ start: seg.start, end: seg.end, memoryType: seg.type, pages: own });
    }
    const first = pieces[0]?.memoryType;
    const memoryType = first !== undefined && pieces.every((p) => p.memoryType === first) ? first : 'mixed';
    codes[i] = MIXED;
    kind.mixed!.set(i, { pages, pieces, memoryType });
  };

  // Gaps and RAM in address order (the table counters need it); gaps numbered as `buildGaps` numbers them.
  let cursor = 0;
  let gap = 0;
  for (let i = 0; i < merged.count; i++) {
    // Without types, `feed` directly: small enough to be inlined, so the addresses stay unboxed.
    if (merged.starts[i] > cursor) {
      if (typed) cover(cursor, merged.starts[i], 'gap', gap);
      else feed(cursor, merged.starts[i], 'gap');
      gap++;
    }
    if (typed) cover(merged.starts[i], merged.ends[i], 'ram', i);
    else feed(merged.starts[i], merged.ends[i], 'ram');
    cursor = merged.ends[i];
  }
  if (limit > cursor) {
    if (typed) cover(cursor, limit, 'gap', gap);
    else feed(cursor, limit, 'gap');
  }

  const totals = { mmio: levelCounts(tally.mmio), ram: levelCounts(tally.ram) };
  const { tables, gapOnly } = tally.counter.result();
  const bytes = tableTotal(tables) * PAGE_BYTES['4K'];
  const comparison: Comparison = {
    plan: { leaves: leafTotal(totals.mmio) + leafTotal(totals.ram), tables, bytes },
    fourKOnly: uniformCost(limit, '4K'),
    twoMEverywhere: uniformCost(limit, '2M'),
    mmioTables: gapOnly,
    fitsHyperPlatformPrealloc: gapOnly <= HYPERPLATFORM_PREALLOCATED,
  };
  if (tally.alt) {
    const t = tally.alt.counter.result().tables;
    comparison.maxPage2M = { leaves: tally.alt.leaves, tables: t, bytes: tableTotal(t) * PAGE_BYTES['4K'] };
  }
  let ram: PlannedRam[] | undefined;
  let gaps: Gap[] | undefined;
  return keepSource({
    options: opts,
    limit,
    // Built on first read, then the same arrays every time (callers compare spans by identity).
    get ram() {
      return (ram ??= buildRam(src));
    },
    get gaps() {
      return (gaps ??= buildGaps(src));
    },
    totals,
    tables,
    bytes,
    beyondLimit: beyond,
    mtrrConflicts: typeMap?.conflicts ?? [],
    mtrrTruncated: typeMap?.truncated ?? [],
    comparison,
  }, src);
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
