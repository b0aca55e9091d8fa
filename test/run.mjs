// The one test command (`npm test`): build the bundles, type-check, bundle every *.test.ts,
// then run all tests (unit, property, protocol, grammar and the real-editor tests) in one
// `node --test` run so the closing summary counts everything.
// Flags: --no-e2e skips the real-editor tests (never in CI), --only=<substring> filters files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { common } from '../build.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const noE2e = args.includes('--no-e2e');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);

function run(cmd, cmdArgs, label) {
  const t0 = Date.now();
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[test] ${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  console.log(`[test] ${label} ok in ${Date.now() - t0} ms`);
}

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'fixtures' && e.name !== 'node_modules') walk(p, out); }
    else out.push(p);
  }
  return out;
}

run(process.execPath, ['build.mjs'], 'build');
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit'], 'typecheck');

const testDir = path.join(root, 'test');
const all = walk(testDir);
let tsTests = all.filter((f) => f.endsWith('.test.ts'));
let mjsTests = all.filter((f) => f.endsWith('.test.mjs'));
const isE2e = (f) => f.includes(`${path.sep}e2e${path.sep}`);
if (noE2e) {
  if (process.env.CI === 'true') { console.error('[test] --no-e2e is not allowed in CI'); process.exit(2); }
  tsTests = tsTests.filter((f) => !isE2e(f));
  mjsTests = mjsTests.filter((f) => !isE2e(f));
}
if (only) {
  tsTests = tsTests.filter((f) => f.includes(only));
  mjsTests = mjsTests.filter((f) => f.includes(only));
}

const outDir = path.join(root, 'out');
fs.rmSync(path.join(outDir, 'test'), { recursive: true, force: true });
const t0 = Date.now();
await esbuild.build({
  ...common,
  entryPoints: tsTests,
  outbase: root,
  outdir: outDir,
  packages: 'external',
  sourcemap: 'inline',
});
console.log(`[test] bundled ${tsTests.length} test files in ${Date.now() - t0} ms`);

const files = [
  ...tsTests.map((f) => path.join(outDir, path.relative(root, f)).replace(/\.ts$/, '.js')),
  ...mjsTests,
];
if (files.length === 0) { console.error('[test] no test files found'); process.exit(1); }
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, EPT_LENS_ROOT: root },
});
process.exit(r.status ?? 1);
