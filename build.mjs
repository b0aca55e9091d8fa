// Bundles the extension client, the language server and the CLI with esbuild. The test runner
// (test/run.mjs) imports `common` so tests are bundled exactly like the product.
// Usage: node build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
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
  loader: { '.css': 'text', '.asset.js': 'text', '.wasm': 'binary' },
};

/**
 * The byte prefilter's WebAssembly (src/formats/prefilter/scan.as.ts), compiled by AssemblyScript
 * next to its source (git-ignored) for the bundles to embed; again only when the source changed.
 */
const PREFILTER = { source: 'src/formats/prefilter/scan.as.ts', out: 'src/formats/prefilter/prefilter.wasm' };
export async function buildPrefilter() {
  const [source, out] = [PREFILTER.source, PREFILTER.out].map((f) => path.join(root, f));
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(source).mtimeMs) return;
  const asc = await import('assemblyscript/asc');
  const { error, stderr } = await asc.main([PREFILTER.source, '--outFile', PREFILTER.out, '--enable', 'simd', '-O3', '--runtime', 'stub', '--use', 'abort=', '--noAssert'], { stdout: process.stdout });
  if (error) throw new Error(`[build] ${PREFILTER.source}: ${error.message}\n${stderr.toString()}`);
}

/**
 * The web worker build: a relative import of `./x` resolves to `./x.browser.ts` when that file
 * exists, so the few platform modules (transport, byte helpers) have a browser twin and nothing
 * else branches on where it runs.
 * @type {import('esbuild').Plugin}
 */
export const browserTwins = {
  name: 'browser-twins',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const twin = path.join(args.resolveDir, `${args.path}.browser.ts`);
      return fs.existsSync(twin) ? { path: twin } : undefined;
    });
  },
};

/** @returns {import('esbuild').BuildOptions[]} */
export function products(production = false) {
  const opts = { ...common, sourcemap: !production, minify: production };
  return [
    { ...opts, entryPoints: ['src/client/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
    { ...opts, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js' },
    { ...opts, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
    // package.json `browser`: the client with the language server inside, for the web worker host.
    { ...opts, entryPoints: ['src/client/extension.ts'], outfile: 'dist/web/extension.js', external: ['vscode'], platform: 'browser', target: 'es2022', plugins: [browserTwins] },
  ];
}

/**
 * The browser build's language server with a client-side connection, for running it under Node
 * over a MessageChannel (its tests and benchmark): the same twins, no Node built-ins.
 */
export async function buildWebServerHarness(outfile) {
  await esbuild.build({
    ...common,
    stdin: {
      contents: "export { startBrowserServer } from './src/server/browser';\nexport { BrowserMessageReader, BrowserMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/browser';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile, platform: 'browser', target: 'es2022', plugins: [browserTwins],
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const production = process.argv.includes('--production');
  const t0 = Date.now();
  await buildPrefilter();
  if (process.argv.includes('--watch')) {
    for (const b of products(production)) await (await esbuild.context(b)).watch();
    console.log('[build] watching');
  } else {
    await Promise.all(products(production).map((b) => esbuild.build(b)));
    console.log(`[build] dist/ in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
  }
}
