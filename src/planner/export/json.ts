// The plan as JSON: the `ept-plan --json` contract. Addresses are `0x` hex strings, counts are
// numbers, lines are 1-based. A gap's or RAM range's memoryType is its type, or "mixed" with typed pieces.
import type { Gap, Plan, PlannedRam, StrategyCost, TypedPiece } from '../plan';
import type { PageCounts } from '../types';
import { tom2Range } from '../mtrr';
import { hex } from '../units';

export interface PlanJson {
  limit: string;
  maxPage: string;
  ramPage: string;
  /** MAXPHYADDR the plan used, and where it came from (`option`, `mtrr`: the masks' width, `default`: 52). */
  physAddrBits: number;
  physAddrBitsFrom: string;
  /** Each RAM range with its memory type, or "mixed" with typed `pieces` (as for gaps). */
  ram: { start: string; end: string; line?: number; lines?: number[]; source?: string; memoryType: string; pieces?: GapJson['pieces'] }[];
  gaps: GapJson[];
  totals: { mmio: PageCounts; ram: PageCounts };
  tables: Plan['tables'];
  bytes: number;
  beyondLimit: { start: string; end: string }[];
  mtrr?: {
    applied: boolean;
    conflicts: { start: string; end: string; types: string[]; registers: number[] }[];
    /** AMD's TOM2 rule, when the dump has a `TOM2:` line: [start, end) is WB whatever the variable MTRRs say. */
    tom2?: { start: string; end: string; line?: number };
  };
  comparison: {
    fourKOnly: CostJson;
    twoMEverywhere: CostJson;
    maxPage2M?: CostJson;
    mmioTables: number;
    fitsHyperPlatformPrealloc: boolean;
  };
}

interface GapJson {
  start: string;
  end: string;
  pages: PageCounts;
  memoryType: string;
  pieces?: { start: string; end: string; memoryType: string; pages: PageCounts }[];
}

interface CostJson {
  leaves: number;
  tables: Plan['tables'];
  bytes: number;
}

const pieceJson = (p: TypedPiece) => ({ start: hex(p.start), end: hex(p.end), memoryType: p.memoryType, pages: { ...p.pages } });
const costJson = (c: StrategyCost): CostJson => ({ leaves: c.leaves, tables: { ...c.tables }, bytes: c.bytes });

function gapJson(g: Gap): GapJson {
  const out: GapJson = { start: hex(g.start), end: hex(g.end), pages: { ...g.pages }, memoryType: g.memoryType };
  if (g.memoryType === 'mixed') out.pieces = g.pieces.map(pieceJson);
  return out;
}

function ramJson(r: PlannedRam): PlanJson['ram'][number] {
  const lines = r.inputs.filter((i) => i.line !== undefined).map((i) => i.line! + 1);
  const source = r.inputs.find((i) => i.source)?.source;
  return {
    start: hex(r.start),
    end: hex(r.end),
    ...(lines.length ? { line: lines[0] } : {}),
    ...(lines.length > 1 ? { lines } : {}),
    ...(source ? { source } : {}),
    memoryType: r.memoryType,
    ...(r.memoryType === 'mixed' ? { pieces: r.pieces.map(pieceJson) } : {}),
  };
}

/** The TOM2 range the plan typed WB (clipped at the limit), and the 1-based line of `TOM2:`. */
function tom2Json(plan: Plan): { tom2?: { start: string; end: string; line?: number } } {
  const tom2 = plan.options.mtrr?.tom2;
  const wb = tom2Range(tom2, plan.limit);
  if (!wb) return {};
  return { tom2: { start: hex(wb.start), end: hex(wb.end), ...(tom2?.line !== undefined ? { line: tom2.line + 1 } : {}) } };
}

/** An array written an item at a time: `items` converted by `each` only as the text is produced. */
class LazyArray<T> {
  constructor(readonly items: readonly T[], readonly each: (t: T) => unknown) {}
}

/** The plan's JSON fields in contract order, `ram` and `gaps` as arrays or as lazy ones. */
function planFields(plan: Plan, lazy: boolean): Record<string, unknown> {
  return {
    limit: hex(plan.limit),
    maxPage: plan.options.maxPage,
    ramPage: plan.options.ramPage,
    physAddrBits: plan.options.physAddrBits,
    physAddrBitsFrom: plan.options.physAddrBitsFrom,
    ram: lazy ? new LazyArray(plan.ram, ramJson) : plan.ram.map(ramJson),
    gaps: lazy ? new LazyArray(plan.gaps, gapJson) : plan.gaps.map(gapJson),
    totals: { mmio: { ...plan.totals.mmio }, ram: { ...plan.totals.ram } },
    tables: { ...plan.tables },
    bytes: plan.bytes,
    beyondLimit: plan.beyondLimit.map((r) => ({ start: hex(r.start), end: hex(r.end) })),
    ...(plan.options.mtrr
      ? {
          mtrr: {
            applied: true,
            conflicts: plan.mtrrConflicts.map((c) => ({ start: hex(c.start), end: hex(c.end), types: c.types, registers: c.registers })),
            ...tom2Json(plan),
          },
        }
      : {}),
    comparison: {
      fourKOnly: costJson(plan.comparison.fourKOnly),
      twoMEverywhere: costJson(plan.comparison.twoMEverywhere),
      ...(plan.comparison.maxPage2M ? { maxPage2M: costJson(plan.comparison.maxPage2M) } : {}),
      mmioTables: plan.comparison.mmioTables,
      fitsHyperPlatformPrealloc: plan.comparison.fitsHyperPlatformPrealloc,
    },
  };
}

export function planToJson(plan: Plan): PlanJson {
  return planFields(plan, false) as unknown as PlanJson;
}

/** Items per yielded piece: big enough that writes are few, small enough that memory stays flat. */
const BATCH = 2048;
/** What `JSON.stringify({ k: batch }, null, 2)` prints around the batch's items. */
const ITEMS_HEAD = '{\n  "k": [';
const ITEMS_TAIL = '\n  ]\n}';

/**
 * Exactly `JSON.stringify({ ...before, ...planToJson(plan), ...after }, null, 2)`, as a sequence
 * of pieces: the `ram` and `gaps` arrays are converted and printed a batch of items at a time,
 * so a plan of millions of ranges never exists as one string or one tree of JSON objects (a
 * 1.5M-range plan is ~460 MB of text).
 */
export function* planJsonPieces(plan: Plan, before: Record<string, unknown> = {}, after: Record<string, unknown> = {}): Generator<string> {
  const fields = { ...before, ...planFields(plan, true), ...after };
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  let out = '{';
  for (let k = 0; k < entries.length; k++) {
    const [key, value] = entries[k];
    out += `\n  ${JSON.stringify(key)}: `;
    if (value instanceof LazyArray) {
      const { items, each } = value as LazyArray<unknown>;
      if (items.length === 0) out += '[]';
      else {
        out += '[';
        for (let i = 0; i < items.length; i += BATCH) {
          const batch: unknown[] = [];
          for (let k = i; k < Math.min(i + BATCH, items.length); k++) batch.push(each(items[k]));
          // Printed one level down, as a member of an object: the items come out at their depth
          // in the plan, with no re-indenting pass (replaceAll took 3x as long as the stringify).
          const inner = JSON.stringify({ k: batch }, null, 2);
          yield `${out}${i ? ',' : ''}${inner.slice(ITEMS_HEAD.length, inner.length - ITEMS_TAIL.length)}`;
          out = '';
        }
        out += '\n  ]';
      }
    } else out += JSON.stringify(value, null, 2).replaceAll('\n', '\n  ');
    if (k < entries.length - 1) out += ',';
  }
  yield out + '\n}';
}
