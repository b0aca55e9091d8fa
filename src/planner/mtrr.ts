// The MTRR memory-type map: which effective type each physical address gets (Intel SDM vol. 3
// §12.11 "Memory Type Range Registers"), as a list of typed segments over [0, limit).
import { MemoryType, Range } from './types';
import { hex } from './units';

export interface MtrrVariableRange {
  /** Register number (reg00 → 0). */
  index: number;
  base: number;
  /** PHYSMASK without the valid bit: a range matches where `addr & mask == base & mask`. */
  mask: number;
  type: MemoryType;
  line?: number;
}

export interface MtrrFixedRange extends Range {
  type: MemoryType;
  line?: number;
}

/**
 * A variable MTRR known only as the typed range a hypervisor printed (hvpp, gbhv, ksm and Linux's
 * mtrr_cleanup list ranges, not PHYSBASE/PHYSMASK pairs). It combines with the other variable
 * ranges by the same rule; `index` numbers it in its list.
 */
export interface MtrrTypedRange extends Range {
  index: number;
  type: MemoryType;
  line?: number;
}

export interface MtrrState {
  /** IA32_MTRR_DEF_TYPE.E: when clear, all memory is UC. */
  enabled: boolean;
  defaultType: MemoryType;
  /** False when the source had no default type (/proc/mtrr) and `defaultType` was assumed. */
  defaultTypeKnown: boolean;
  fixedEnabled: boolean;
  fixed: MtrrFixedRange[];
  variable: MtrrVariableRange[];
  /** Variable MTRRs given as explicit ranges (see MtrrTypedRange); absent for base/mask dumps. */
  ranges?: MtrrTypedRange[];
  /** MAXPHYADDR as the source shows it (the widest mask printed), when it does. */
  physAddrBits?: number;
  /** AMD TOP_MEM2 as Linux printed it (`TOM2: …`): [4 GiB, end) is WB (see `tom2Range`). */
  tom2?: MtrrTom2;
}

/** AMD's TOP_MEM2 (MSR C001_001D): the end of the DRAM above 4 GiB. */
export interface MtrrTom2 {
  end: number;
  line?: number;
}

export interface TypedSegment extends Range {
  type: MemoryType;
}

/** Where overlapping variable ranges have no defined combined type (the planner then uses UC). */
export interface MtrrConflict extends Range {
  types: MemoryType[];
  registers: number[];
}

export interface MemoryTypeMap {
  segments: TypedSegment[];
  conflicts: MtrrConflict[];
  /** Set when a mask's matching set had to be cut short (non-contiguous masks alias widely). */
  truncated: number[];
}

const FIXED_END = 0x100000;
const PAGE = 0x1000;
const GIB4 = 2 ** 32;
const TOP_BIT = 51;
/** The architectural maximum of MAXPHYADDR; assumed when neither the dump nor the user says. */
export const MAX_PHYS_BITS = 52;
/**
 * Non-contiguous masks can match millions of small blocks; past this a register is truncated.
 * The budget is shared by all the variable ranges of one map, so a hostile dump with hundreds of
 * such registers costs no more than one (each block becomes typed segments, pieces and runs).
 */
export const MAX_BLOCKS = 1 << 12;
const MIN_BLOCKS = 16;

const bitSet = (n: number, bit: number): boolean => Math.floor(n / 2 ** bit) % 2 === 1;

/**
 * PHYSMASK as the CPU applies it: bits at and above MAXPHYADDR don't exist in the register and
 * count as ones (Linux `get_mtrr_size`: `mask |= phys_hi_rsvd << 32`; KVM `mask |= ~0ULL <<
 * maxphyaddr`), so a range never repeats above 2^MAXPHYADDR. Bits below 12 don't exist either.
 */
function effectiveMask(mask: number, physBits: number): number {
  const low = mask % 2 ** physBits;
  return low - (low % PAGE) + (2 ** MAX_PHYS_BITS - 2 ** physBits);
}

/**
 * The address ranges inside [0, limit) that one variable range matches: the addresses below
 * 2^physBits with `addr & mask == base & mask`. Works for any mask, not only contiguous ones, and
 * never assumes `base` is aligned to the mask size: real Hyper-V guests program base 0x100000000
 * with a 64 GiB mask, which covers [0, 64 GiB).
 */
export function variableRangeBlocks(
  base: number,
  mask: number,
  limit: number,
  maxBlocks = MAX_BLOCKS,
  physBits = MAX_PHYS_BITS,
): { blocks: Range[]; truncated: boolean } {
  const blocks: Range[] = [];
  let truncated = false;
  mask = effectiveMask(mask, physBits);
  base %= 2 ** physBits;
  base -= base % PAGE;
  const visit = (prefix: number, bit: number): void => {
    if (prefix >= limit || truncated) return;
    if (mask % 2 ** (bit + 1) === 0) {
      // No mask bits at or below `bit`: the whole block matches.
      const end = Math.min(prefix + 2 ** (bit + 1), limit);
      const last = blocks[blocks.length - 1];
      if (last && last.end === prefix) last.end = end;
      else if (blocks.length >= maxBlocks) truncated = true;
      else blocks.push({ start: prefix, end });
      return;
    }
    const half = 2 ** bit;
    if (bitSet(mask, bit)) visit(prefix + (bitSet(base, bit) ? half : 0), bit - 1);
    else {
      visit(prefix, bit - 1);
      visit(prefix + half, bit - 1);
    }
  };
  visit(0, TOP_BIT);
  return { blocks, truncated };
}

/**
 * A mask is contiguous when, taken as ones above MAXPHYADDR, its set bits run unbroken from its
 * lowest one (bit 12 or above) to the top: then it matches one block below 2^physBits.
 */
export function isContiguousMask(mask: number, physBits = MAX_PHYS_BITS): boolean {
  if (mask % 2 ** physBits <= 0) return false;
  const m = effectiveMask(mask, physBits);
  let low = 12;
  while (low <= TOP_BIT && !bitSet(m, low)) low++;
  for (let bit = low; bit <= TOP_BIT; bit++) if (!bitSet(m, bit)) return false;
  return true;
}

/** The SDM's rule for overlapping variable ranges; undefined when the SDM leaves it undefined. */
export function combineTypes(types: readonly MemoryType[]): MemoryType | undefined {
  const set = new Set(types);
  if (set.size === 1) return types[0];
  if (set.has('UC')) return 'UC';
  if (set.size === 2 && set.has('WT') && set.has('WB')) return 'WT';
  return undefined;
}

/**
 * The range Linux types WB on AMD whatever the variable MTRRs say: [4 GiB, TOM2), empty when TOM2
 * is at or below 4 GiB. Linux sets `mtrr_tom2` (and prints `TOM2: %016llx aka %lldM`) only when
 * cleanup.c `amd_special_default_mtrr` finds SYSCFG MtrrTom2En and Tom2ForceMemTypeWB both set,
 * so a TOM2 line after the variable list means the rule applies (arch/x86/pci/amd_bus.c prints
 * the same text at PCI init on MtrrTom2En alone; the reader ignores that one). How Linux applies
 * it (generic.c):
 * - 6.5 and later: `map_add_var` adds [4G, mtrr_tom2) WB to the cache map as a `fixed` entry
 *   before the variable MTRRs, and `add_map_entry` never changes a fixed entry: WB wins over every
 *   variable range there, UC ones included; only the default type and variable ranges are beaten
 *   (the fixed ranges stop at 1 MiB).
 * - 4.2 to 6.4: `mtrr_type_lookup` sets MTRR_TYPE_WRBACK after the variable lookup when
 *   `start >= 1ULL<<32 && end < mtrr_tom2`: the same rule for a page.
 * - up to 4.1: `__mtrr_type_lookup` returned UC early when two matching variable ranges combined
 *   to UC, before its TOM2 check; a single UC range was overridden as above. The planner follows
 *   current Linux, which overrides both.
 * AMD's manuals describe the bit as changing only the default type (variable MTRRs still
 * override it); the project follows Linux's reading.
 */
export function tom2Range(tom2: MtrrTom2 | undefined, limit: number): Range | undefined {
  if (!tom2) return undefined;
  const end = Math.min(tom2.end - (tom2.end % PAGE), limit);
  return end > GIB4 ? { start: GIB4, end } : undefined;
}

/** `memory types from the MTRRs`, plus the TOM2 range when the rule typed one WB (export headers). */
export function mtrrTypesNote(mtrr: MtrrState | undefined, limit: number, without: string): string {
  if (!mtrr) return without;
  const wb = tom2Range(mtrr.tom2, limit);
  return wb ? `memory types from the MTRRs, AMD TOM2: [${hex(wb.start)}, ${hex(wb.end)}) WB` : 'memory types from the MTRRs';
}

/**
 * Builds the typed segments covering [0, limit), adjacent equal types merged. Above 2^physBits
 * no variable range matches (the default type applies there).
 */
export function buildMemoryTypeMap(mtrr: MtrrState, limit: number, physBits = mtrr.physAddrBits ?? MAX_PHYS_BITS): MemoryTypeMap {
  if (!mtrr.enabled) return { segments: [{ start: 0, end: limit, type: 'UC' }], conflicts: [], truncated: [] };
  const truncated: number[] = [];
  let budget = MAX_BLOCKS;
  const regs = mtrr.variable.map((v) => {
    // Every register keeps a few blocks, so an ordinary range after a pathological one still counts.
    const r = variableRangeBlocks(v.base, v.mask, limit, Math.max(budget, MIN_BLOCKS), physBits);
    budget = Math.max(0, budget - r.blocks.length);
    if (r.truncated) truncated.push(v.index);
    return { reg: v, blocks: r.blocks, next: 0 };
  });
  for (const t of mtrr.ranges ?? []) {
    const end = Math.min(t.end, limit);
    if (end > t.start) regs.push({ reg: { index: t.index, base: t.start, mask: 0, type: t.type, line: t.line }, blocks: [{ start: t.start, end }], next: 0 });
  }
  // Fixed ranges are 4 KiB multiples in hardware; a dump saying otherwise is rounded outward so
  // that every typed segment (and every leaf cut at it) stays 4 KiB aligned.
  const fixed = mtrr.fixedEnabled
    ? mtrr.fixed
      .filter((f) => f.start < FIXED_END && f.end > f.start)
      .map((f) => ({ ...f, start: f.start - (f.start % PAGE), end: Math.min(FIXED_END, Math.ceil(f.end / PAGE) * PAGE) }))
      .sort((a, b) => a.start - b.start)
    : [];

  const wb = tom2Range(mtrr.tom2, limit);
  const cuts = new Set<number>([0, limit]);
  if (wb) cuts.add(wb.start).add(wb.end);
  for (const r of regs) for (const b of r.blocks) cuts.add(b.start).add(b.end);
  for (const f of fixed) {
    cuts.add(Math.min(f.start, limit)).add(Math.min(f.end, FIXED_END, limit));
  }
  const points = [...cuts].filter((p) => p <= limit).sort((a, b) => a - b);

  const segments: TypedSegment[] = [];
  const conflicts: MtrrConflict[] = [];
  let fixedIdx = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i];
    const end = points[i + 1];
    let type: MemoryType | undefined;
    if (start < FIXED_END) {
      while (fixedIdx < fixed.length && fixed[fixedIdx].end <= start) fixedIdx++;
      const f = fixed[fixedIdx];
      if (f && f.start <= start) type = f.type;
    }
    // Segments never straddle the TOM2 range's ends (they are cuts): one test per segment.
    if (type === undefined && wb && start >= wb.start && start < wb.end) type = 'WB';
    if (type === undefined) {
      const hits: MtrrVariableRange[] = [];
      for (const r of regs) {
        while (r.next < r.blocks.length && r.blocks[r.next].end <= start) r.next++;
        const b = r.blocks[r.next];
        if (b && b.start <= start) hits.push(r.reg);
      }
      if (hits.length === 0) type = mtrr.defaultType;
      else {
        const types = hits.map((h) => h.type);
        type = combineTypes(types);
        if (type === undefined) {
          type = 'UC';
          const last = conflicts[conflicts.length - 1];
          if (last && last.end === start) last.end = end;
          else conflicts.push({ start, end, types: [...new Set(types)], registers: hits.map((h) => h.index) });
        }
      }
    }
    const last = segments[segments.length - 1];
    if (last && last.type === type && last.end === start) last.end = end;
    else segments.push({ start, end, type });
  }
  return { segments, conflicts, truncated };
}

/** Splits [start, end) into typed pieces according to the map (binary search, then walk). */
export function typedPieces(map: readonly TypedSegment[], start: number, end: number): TypedSegment[] {
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[mid].start <= start) lo = mid;
    else hi = mid - 1;
  }
  const out: TypedSegment[] = [];
  for (let i = lo; i < map.length && map[i].start < end; i++) {
    const s = Math.max(start, map[i].start);
    const e = Math.min(end, map[i].end);
    if (e > s) out.push({ start: s, end: e, type: map[i].type });
  }
  return out;
}

/** The effective type of one address. */
export function typeAt(map: readonly TypedSegment[], addr: number): MemoryType | undefined {
  return typedPieces(map, addr, addr + 1)[0]?.type;
}
