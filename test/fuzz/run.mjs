// The long fuzzing session: the properties of test/fuzz/properties.ts (the same ones npm test runs
// a few hundred times each, in test/unit/fuzz.test.ts) with fresh seeds, round after round, until
// the time is up. Not part of npm test.
//
//   node test/fuzz/run.mjs                    # 60 s
//   FUZZ_SECONDS=600 node test/fuzz/run.mjs   # ten minutes
//   FUZZ_ONLY=planner FUZZ_SEED=123 node test/fuzz/run.mjs   # one property, one seed (replay)
//
// Builds nothing else: it bundles the properties with esbuild (sources under src/ directly).
// Exit status 0 when every round passed, 1 on the first counterexample (printed with its seed
// and path, so `FUZZ_SEED=… FUZZ_ONLY=…` replays it).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
const only = process.env.FUZZ_ONLY;
const fixedSeed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const boundMs = Number(process.env.FUZZ_BOUND_MS ?? 200);

const outDir = path.join(root, 'out', 'fuzz');
fs.mkdirSync(outDir, { recursive: true });
const outfile = path.join(outDir, 'properties.cjs');
await esbuild.build({
  stdin: {
    contents: "export * from './properties'; export { default as fc } from 'fast-check';",
    resolveDir: path.join(root, 'test', 'fuzz'),
    sourcefile: 'fuzz-entry.ts',
    loader: 'ts',
  },
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
});
const require = createRequire(path.join(root, 'package.json'));
const P = require(outfile);
const { fc } = P;

// Runs per round: big enough to amortise setup, small enough to stop close to the deadline.
const PROPERTIES = [
  { name: 'readers', make: () => P.readersProperty(), runs: 2000 },
  { name: 'planner', make: () => P.plannerProperty(), runs: 500 },
  { name: 'timing', make: () => P.timingProperty(boundMs), runs: 100 },
  { name: 'edits', make: () => P.editsProperty(), runs: 300 },
].filter((p) => !only || only.split(',').includes(p.name));
if (PROPERTIES.length === 0) {
  console.error(`[fuzz] FUZZ_ONLY=${only}: no such property (readers, planner, timing, edits)`);
  process.exit(2);
}

// The hand-picked adversarial lines once, before the random rounds.
const slow = [];
for (const line of P.ADVERSARIAL) {
  for (const [name, fn] of Object.entries(P.READERS)) {
    const ms = P.timeOne(fn, line);
    if (ms >= boundMs) slow.push(`${name}: ${ms.toFixed(0)} ms on ${JSON.stringify(line.slice(0, 50))}… (${line.length})`);
  }
}
if (slow.length) {
  console.error(`[fuzz] readers over ${boundMs} ms on adversarial lines:\n  ${slow.join('\n  ')}`);
  process.exit(1);
}

const deadline = Date.now() + seconds * 1000;
const totals = Object.fromEntries(PROPERTIES.map((p) => [p.name, 0]));
let round = 0;
console.log(`[fuzz] ${PROPERTIES.map((p) => p.name).join(', ')} for ${seconds} s${fixedSeed === undefined ? '' : `, seed ${fixedSeed}`}`);
do {
  for (const p of PROPERTIES) {
    const seed = fixedSeed ?? (Math.random() * 2 ** 31) | 0;
    const t0 = Date.now();
    const details = fc.check(p.make(), { numRuns: p.runs, seed });
    if (details.failed) {
      console.error(`\n[fuzz] ${p.name} FAILED (round ${round + 1}, seed ${seed}); replay with FUZZ_ONLY=${p.name} FUZZ_SEED=${seed}`);
      console.error(fc.defaultReportMessage(details));
      process.exit(1);
    }
    totals[p.name] += details.numRuns;
    if (process.env.FUZZ_VERBOSE) console.log(`[fuzz] ${p.name}: ${details.numRuns} runs, seed ${seed}, ${Date.now() - t0} ms`);
    if (Date.now() >= deadline) break;
  }
  round++;
} while (Date.now() < deadline && fixedSeed === undefined);
console.log(`[fuzz] ok after ${round} round(s): ${Object.entries(totals).map(([k, v]) => `${k} ${v.toLocaleString('en-US')} runs`).join(', ')}`);
