// A deliberately small, independent model of an identity map, for checking the CLI on fixtures
// whose RAM ranges are written down by hand: greedy aligned pages over every gap below the
// limit, RAM in 4 KiB pages, and the table rules of the README. It knows nothing of the
// readers or the planner, so it can't share their mistakes.
export interface TinyRange { start: number; end: number }

const K4 = 0x1000;
const M2 = 0x200000;
const G1 = 0x40000000;
const G512 = 512 * G1;

export function tinyPlan(ram: TinyRange[], limit: number, maxPage = G1) {
  const sorted = [...ram].sort((a, b) => a.start - b.start);
  const gaps: TinyRange[] = [];
  let at = 0;
  for (const r of sorted) {
    if (r.start > at) gaps.push({ start: at, end: r.start });
    at = Math.max(at, r.end);
  }
  if (at < limit) gaps.push({ start: at, end: limit });
  const leaves = { '4K': 0, '2M': 0, '1G': 0 };
  const pt = new Set<number>();
  const pd = new Set<number>();
  const pdpt = new Set<number>();
  const touch = (start: number, end: number, size: number, set: Set<number>): void => {
    for (let i = Math.floor(start / size); i * size < end; i++) set.add(i);
  };
  for (const g of gaps) {
    let a = g.start;
    while (a < g.end) {
      const size = [G1, M2, K4].find((s) => s <= maxPage && a % s === 0 && a + s <= g.end)!;
      leaves[size === G1 ? '1G' : size === M2 ? '2M' : '4K']++;
      if (size < G1) touch(a, a + size, G1, pd);
      if (size === K4) touch(a, a + size, M2, pt);
      touch(a, a + size, G512, pdpt);
      a += size;
    }
  }
  for (const r of sorted) {
    touch(r.start, r.end, M2, pt);
    touch(r.start, r.end, G1, pd);
    touch(r.start, r.end, G512, pdpt);
  }
  return { gaps: leaves, tables: { pml4: 1, pdpt: pdpt.size, pd: pd.size, pt: pt.size } };
}
