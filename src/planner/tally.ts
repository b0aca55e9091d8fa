// What covering spans adds up to: leaves per level of the gaps and of the RAM, the tables, and the
// same for a CPU without 1 GiB pages. The planning pass feeds it every span; carrying a plan over
// an edit (replan.ts) feeds it the spans around the edit, before and after, and takes the difference.
import { LEVEL_BYTES, LEVEL_SIZES, RUNS_SCRATCH, coverRuns } from './cover';
import type { PageCounts } from './types';
import { TableCounter } from './tables';

export class Tally {
  readonly counter = new TableCounter();
  /** The plan a CPU without 1 GiB pages would need (absent when the plan's pages stop at 2M anyway). */
  readonly alt?: { counter: TableCounter; leaves: number };
  /** Leaves per level (0 = 1G, 1 = 2M, 2 = 4K) of the gaps and of the RAM. */
  readonly mmio = new Float64Array(3);
  readonly ram = new Float64Array(3);
  private readonly runs = new Float64Array(RUNS_SCRATCH);

  constructor(
    private readonly ramLevel: number,
    private readonly gapLevel: number,
  ) {
    if (gapLevel === 0) this.alt = { counter: new TableCounter(), leaves: 0 };
  }

  /** Feeds the cover of [start, end) (spans come in address order); adds its leaves to `pages` too. */
  feed(start: number, end: number, ram: boolean, pages?: PageCounts): void {
    const runs = this.runs;
    const level = ram ? this.ramLevel : this.gapLevel;
    const total = ram ? this.ram : this.mmio;
    let n = coverRuns(start, end, level, runs);
    for (let j = 0; j < n; j++) {
      const lv = runs[j * 3 + 2];
      const count = (runs[j * 3 + 1] - runs[j * 3]) / LEVEL_BYTES[lv];
      total[lv] += count;
      if (pages) pages[LEVEL_SIZES[lv]] += count;
    }
    this.counter.addRuns(runs, n, ram);
    const alt = this.alt;
    if (!alt) return;
    n = coverRuns(start, end, Math.max(level, 1), runs); // at most 2M
    for (let j = 0; j < n; j++) alt.leaves += (runs[j * 3 + 1] - runs[j * 3]) / LEVEL_BYTES[runs[j * 3 + 2]];
    alt.counter.addRuns(runs, n, ram);
  }
}
