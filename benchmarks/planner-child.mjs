// Child process of the planner bench (peak RSS needs its own process): plans n generated ranges,
// prints the planner's wall ms and then the ms to read every span. `gen` only generates them (the baseline RSS).
import { createRequire } from 'node:module';
import { fragmentedRam } from './gen.mjs';
const [bundle, n, order] = process.argv.slice(2);
const ram = fragmentedRam(Number(n));
if (order === 'sorted') ram.sort((a, b) => a.start - b.start);
let ms = 0;
let spansMs = 0;
if (order !== 'gen') {
  const { planMemoryMap } = createRequire(import.meta.url)(bundle);
  const t0 = performance.now();
  const plan = planMemoryMap(ram, {});
  ms = performance.now() - t0;
  // Then every span read (built on first read): their memory counts in the peak RSS.
  const t1 = performance.now();
  let leaves = 0;
  for (const s of plan.ram) leaves += s.pages['4K'];
  for (const s of plan.gaps) leaves += s.pages['4K'] + s.pages['2M'] + s.pages['1G'];
  spansMs = performance.now() - t1;
  if (plan.ram.length !== Number(n) || !(leaves > 0)) throw new Error('planner merged ranges');
}
console.log(`${ms} ${spansMs}`);
