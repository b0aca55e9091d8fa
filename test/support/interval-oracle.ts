// An independent, deliberately naive EPT identity-map planner for real-log tests: RAM ranges and
// MTRRs are written by hand as plain intervals (a variable MTRR as the one block [start, end) it
// covers below MAXPHYADDR), and the plan is counted region by region, 1 GiB → 2 MiB → 4 KiB.
// It shares no code with src/: it is what the product's numbers are checked against.

export type Ty = 'UC' | 'WC' | 'WT' | 'WP' | 'WB';
export interface Iv { start: number; end: number }
export interface TypedIv extends Iv { type: Ty }
export interface OracleInput {
  /** Half-open, 4 KiB aligned. */
  ram: Iv[];
  defaultType: Ty;
  /** Fixed ranges (first MiB), half-open. */
  fixed: TypedIv[];
  /** Variable MTRRs as the blocks they cover. */
  variable: TypedIv[];
  limit: number;
}
export interface OracleResult {
  gap: { '4K': number; '2M': number; '1G': number };
  ram4K: number;
  pd: number;
  pt: number;
  pdpt: number;
}

const K4 = 0x1000;
const M2 = 0x200000;
const G1 = 0x40000000;

function typeAt(inp: OracleInput, a: number): Ty {
  if (a < 0x100000) {
    const f = inp.fixed.find((x) => x.start <= a && a < x.end);
    if (f) return f.type;
  }
  const hits = inp.variable.filter((v) => v.start <= a && a < v.end).map((v) => v.type);
  if (hits.length === 0) return inp.defaultType;
  if (hits.every((t) => t === hits[0])) return hits[0];
  if (hits.includes('UC')) return 'UC';
  if (hits.every((t) => t === 'WT' || t === 'WB')) return 'WT';
  return 'UC';
}

export function oraclePlan(inp: OracleInput): OracleResult {
  const cuts = new Set<number>();
  for (const v of [...inp.variable, ...inp.fixed]) cuts.add(v.start).add(v.end);
  const touchesRam = (s: number, e: number): boolean => inp.ram.some((r) => r.start < e && s < r.end);
  // One type over [s, e): types only change at interval edges, so compare the type there.
  const uniform = (s: number, e: number): boolean => {
    const t = typeAt(inp, s);
    return ![...cuts].some((c) => c > s && c < e && typeAt(inp, c) !== t);
  };
  const r: OracleResult = { gap: { '4K': 0, '2M': 0, '1G': 0 }, ram4K: 0, pd: 0, pt: 0, pdpt: 0 };
  const pdpts = new Set<number>();
  for (let g = 0; g < inp.limit; g += G1) {
    pdpts.add(Math.floor(g / 2 ** 39));
    if (!touchesRam(g, g + G1) && uniform(g, g + G1) && g + G1 <= inp.limit) {
      r.gap['1G']++;
      continue;
    }
    r.pd++;
    for (let m = g; m < g + G1 && m < inp.limit; m += M2) {
      if (!touchesRam(m, m + M2) && uniform(m, m + M2)) {
        r.gap['2M']++;
        continue;
      }
      r.pt++;
      for (let p = m; p < m + M2; p += K4) {
        if (touchesRam(p, p + K4)) r.ram4K++;
        else r.gap['4K']++;
      }
    }
  }
  r.pdpt = pdpts.size;
  return r;
}
