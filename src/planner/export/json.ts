// The plan as JSON: the `ept-plan --json` contract. Addresses are `0x` hex strings, counts are
// numbers, lines are 1-based. A gap's memoryType is its type, or "mixed" with typed pieces.
import type { Gap, Plan, StrategyCost, TypedPiece } from '../plan';
import type { PageCounts } from '../types';
import { hex } from '../units';

export interface PlanJson {
  limit: string;
  maxPage: string;
  ramPage: string;
  /** MAXPHYADDR the plan used, and where it came from (`option`, `mtrr`: the masks' width, `default`: 52). */
  physAddrBits: number;
  physAddrBitsFrom: string;
  ram: { start: string; end: string; line?: number; lines?: number[]; source?: string }[];
  gaps: GapJson[];
  totals: { mmio: PageCounts; ram: PageCounts };
  tables: Plan['tables'];
  bytes: number;
  beyondLimit: { start: string; end: string }[];
  mtrr?: { applied: boolean; conflicts: { start: string; end: string; types: string[]; registers: number[] }[] };
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

export function planToJson(plan: Plan): PlanJson {
  return {
    limit: hex(plan.limit),
    maxPage: plan.options.maxPage,
    ramPage: plan.options.ramPage,
    physAddrBits: plan.options.physAddrBits,
    physAddrBitsFrom: plan.options.physAddrBitsFrom,
    ram: plan.ram.map((r) => {
      const lines = r.inputs.filter((i) => i.line !== undefined).map((i) => i.line! + 1);
      const source = r.inputs.find((i) => i.source)?.source;
      return {
        start: hex(r.start),
        end: hex(r.end),
        ...(lines.length ? { line: lines[0] } : {}),
        ...(lines.length > 1 ? { lines } : {}),
        ...(source ? { source } : {}),
      };
    }),
    gaps: plan.gaps.map(gapJson),
    totals: { mmio: { ...plan.totals.mmio }, ram: { ...plan.totals.ram } },
    tables: { ...plan.tables },
    bytes: plan.bytes,
    beyondLimit: plan.beyondLimit.map((r) => ({ start: hex(r.start), end: hex(r.end) })),
    ...(plan.options.mtrr
      ? {
          mtrr: {
            applied: true,
            conflicts: plan.mtrrConflicts.map((c) => ({ start: hex(c.start), end: hex(c.end), types: c.types, registers: c.registers })),
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
