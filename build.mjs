// Bundles the extension client, the language server and the CLI with esbuild. The test runner
// (test/run.mjs) imports `common` so tests are bundled exactly like the product.
// Usage: node build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = path.dirname(fileURLToPath(import.meta.url));

/** Options every bundle shares; `.css` and `.js` assets of the report are imported as text. */
export const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  absWorkingDir: root,
  loader: { '.css': 'text', '.asset.js': 'text' },
};

/** @returns {import('esbuild').BuildOptions[]} */
export function products(production = false) {
  const opts = { ...common, sourcemap: !production, minify: production };
  return [
    { ...opts, entryPoints: ['src/client/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
    { ...opts, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js' },
    { ...opts, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const production = process.argv.includes('--production');
  const t0 = Date.now();
  if (process.argv.includes('--watch')) {
    for (const b of products(production)) await (await esbuild.context(b)).watch();
    console.log('[build] watching');
  } else {
    await Promise.all(products(production).map((b) => esbuild.build(b)));
    console.log(`[build] dist/ in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
  }
}
