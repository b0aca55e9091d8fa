// Child process of the planner bench (peak RSS needs its own process): plans n generated ranges,
// prints the planner's wall ms. `gen` only generates them (the baseline RSS).
import { createRequire } from 'node:module';
import { fragmentedRam } from './gen.mjs';
const [bundle, n, order] = process.argv.slice(2);
const ram = fragmentedRam(Number(n));
if (order === 'sorted') ram.sort((a, b) => a.start - b.start);
let ms = 0;
if (order !== 'gen') {
  const { planMemoryMap } = createRequire(import.meta.url)(bundle);
  const t0 = performance.now();
  const plan = planMemoryMap(ram, {});
  ms = performance.now() - t0;
  if (plan.ram.length !== Number(n)) throw new Error('planner merged ranges');
}
console.log(ms);
