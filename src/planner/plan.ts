// The exact EPT identity-map plan for one memory map: RAM ranges in, leaves per page size per
// gap, tables, bytes and memory types out.
import { MemoryType, PAGE_BYTES, PML4E_BYTES, PageCounts, PageSize, Range, zeroCounts } from './types';
import { NormalizedRange, RamInput, clipToLimit, normalizeRam } from './normalize';
import { LeafRun, coverInterval } from './cover';
import { MemoryTypeMap, MtrrConflict, MtrrState, TypedSegment, buildMemoryTypeMap, typedPieces } from './mtrr';
import { OwnedRun, TableCounts, countTables, tableTotal } from './tables';

export const DEFAULT_LIMIT = PML4E_BYTES; // 512 GiB
/** HyperPlatform pre-allocates this many table pages for MMIO mapped lazily on EPT violations. */
export const HYPERPLATFORM_PREALLOCATED = 50;

export interface PlanOptions {
  /** End of the identity map (exclusive), 4 KiB aligned. Default 512 GiB. */
  limit?: number;
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
  runs: TypedLeafRun[];
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
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit <= 0 || limit % PAGE_BYTES['4K'] !== 0 || limit > 2 ** 52) {
    throw new PlanError(`limit must be a positive multiple of 4 KiB up to 2^52, got ${limit}`);
  }
  const maxPage = options.maxPage ?? '1G';
  const requestedRam = options.ramPage ?? '4K';
  // RAM pages can't be larger than what the CPU allows.
  const ramPage = PAGE_BYTES[requestedRam] > PAGE_BYTES[maxPage] ? maxPage : requestedRam;
  return { limit, maxPage, ramPage, mtrr: options.mtrr };
}

function coverTyped(start: number, end: number, maxPage: PageSize, map: readonly TypedSegment[]): Span {
  const pieces: TypedPiece[] = [];
  const runs: TypedLeafRun[] = [];
  const pages = zeroCounts();
  for (const seg of typedPieces(map, start, end)) {
    const piecePages = zeroCounts();
    for (const run of coverInterval(seg.start, seg.end, maxPage)) {
      runs.push({ ...run, memoryType: seg.type });
      piecePages[run.size] += run.count;
      pages[run.size] += run.count;
    }
    pieces.push({ start: seg.start, end: seg.end, memoryType: seg.type, pages: piecePages });
  }
  const memoryType = pieces.every((p) => p.memoryType === pieces[0]?.memoryType) && pieces.length > 0 ? pieces[0].memoryType : 'mixed';
  return { start, end, pages, memoryType, pieces, runs };
}

const leafTotal = (c: PageCounts): number => c['4K'] + c['2M'] + c['1G'];

/** Cost of mapping [0, limit) with one page size everywhere. */
function uniformCost(limit: number, size: PageSize): StrategyCost {
  const runs: OwnedRun[] = coverInterval(0, limit, size).map((r) => ({ ...r, owner: 'gap' }));
  const { tables } = countTables(runs);
  return { leaves: runs.reduce((n, r) => n + r.count, 0), tables, bytes: tableTotal(tables) * PAGE_BYTES['4K'] };
}

/**
 * Plans the identity map of [0, limit). Gaps (everything not RAM) take the largest aligned page
 * that fits and, with MTRRs, has one memory type; RAM the same capped at `ramPage`.
 */
export function planMemoryMap(ramInputs: readonly RamInput[], options: PlanOptions = {}, compare = true): Plan {
  const opts = resolve(options);
  const { limit } = opts;
  for (const r of ramInputs) {
    if (!Number.isSafeInteger(r.start) || !Number.isSafeInteger(r.end) || r.start < 0 || r.end < r.start) {
      throw new PlanError(`invalid RAM range [${r.start}, ${r.end})`);
    }
  }
  const { inside, beyond } = clipToLimit(normalizeRam(ramInputs), limit);

  let typeMap: MemoryTypeMap | undefined;
  if (opts.mtrr) typeMap = buildMemoryTypeMap(opts.mtrr, limit);
  const ramTypes: TypedSegment[] = typeMap?.segments ?? [{ start: 0, end: limit, type: 'WB' }];
  const gapTypes: TypedSegment[] = typeMap?.segments ?? [{ start: 0, end: limit, type: 'UC' }];

  const ram: PlannedRam[] = [];
  const gaps: Gap[] = [];
  const allRuns: OwnedRun[] = [];
  const totals = { mmio: zeroCounts(), ram: zeroCounts() };
  const addGap = (start: number, end: number, before?: number): void => {
    if (end <= start) return;
    const span = coverTyped(start, end, opts.maxPage, gapTypes);
    gaps.push({ ...span, before });
    for (const r of span.runs) {
      allRuns.push({ ...r, owner: 'gap' });
      totals.mmio[r.size] += r.count;
    }
  };
  let cursor = 0;
  inside.forEach((r: NormalizedRange, i) => {
    addGap(cursor, r.start, i);
    const span = coverTyped(r.start, r.end, opts.ramPage, ramTypes);
    ram.push({ ...span, inputs: r.inputs });
    for (const run of span.runs) {
      allRuns.push({ ...run, owner: 'ram' });
      totals.ram[run.size] += run.count;
    }
    cursor = r.end;
  });
  addGap(cursor, limit);

  const { tables, gapOnly } = countTables(allRuns);
  const bytes = tableTotal(tables) * PAGE_BYTES['4K'];
  const planCost: StrategyCost = { leaves: leafTotal(totals.mmio) + leafTotal(totals.ram), tables, bytes };
  const comparison: Comparison = {
    plan: planCost,
    fourKOnly: compare ? uniformCost(limit, '4K') : planCost,
    twoMEverywhere: compare ? uniformCost(limit, '2M') : planCost,
    mmioTables: gapOnly,
    fitsHyperPlatformPrealloc: gapOnly <= HYPERPLATFORM_PREALLOCATED,
  };
  if (compare && opts.maxPage === '1G') {
    const p = planMemoryMap(ramInputs, { ...options, maxPage: '2M' }, false);
    comparison.maxPage2M = p.comparison.plan;
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
