// Real-editor tests for EPT Lens (run by `npm test` through test/run.mjs, one node:test file):
//   0. the environment: test/e2e/setup.sh (Debian chromium + libkrb5-dev, Node 24 from npm,
//      code-server 4.139.1; cached in .vscode-test/);
//   a. extension tests (mocha, test/e2e/suite/*.spec.js) inside code-server's real extension host;
//   b. UI tests: Playwright + Debian chromium against the web workbench, one per format, with
//      screenshots in test-artifacts/;
//   c. packaging: `npm run package`, `code-server --install-extension ept-lens.vsix`, one UI test
//      against the installed copy.
// Outside CI, a machine that can't get the environment (not root, packages missing) skips these
// loudly; with CI=true that is a failure.
// Env: EPT_E2E_EXT=<dir> tests another extension folder (harness smoke tests); EPT_E2E_GREP=<re>
// filters the mocha suite; EPT_E2E_ONLY=exttests|ui|package runs one part.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import {
  repoRoot, cacheDir, ensureEnvironment, makeWorkspace, startCodeServer, installVsix, launchBrowser,
  workbenchUrl, remoteUri, log, tail, ensureArtifacts,
} from './lib.mjs';
import { openWorkbench, openFile, expectLanguage, tokenColor, spanColor, inlineHint, hover, codeLens, screenshot, fileLine } from './ui.mjs';

const CI = process.env.CI === 'true';
const EXT_DIR = path.resolve(process.env.EPT_E2E_EXT || repoRoot);
const ONLY = process.env.EPT_E2E_ONLY;
const LAPTOP = 'hyperplatform-laptop-8gb.log';
const RANGE_100000 = '0000000000100000 - 0000000000102000';
const timings = {};

let env = null;

function banner(lines) {
  const bar = '#'.repeat(100);
  return [bar, ...lines.map((l) => `# ${l}`), bar].join('\n');
}

function need(t) {
  if (!env || !env.ok) { t.skip('real-editor environment not available (see the setup test above)'); return false; }
  return true;
}

/** Builds the extension bundles when testing the repository itself and they are missing. */
function ensureBuilt() {
  const missing = ['dist/client.js', 'dist/server.js'].filter((f) => !fs.existsSync(path.join(EXT_DIR, f)));
  if (missing.length && EXT_DIR === repoRoot) {
    const r = spawnSync(process.execPath, ['build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) assert.fail(`the extension does not build (node build.mjs):\n${r.stdout}${r.stderr}`);
  }
  const still = ['dist/client.js', 'dist/server.js'].filter((f) => !fs.existsSync(path.join(EXT_DIR, f)));
  assert.deepEqual(still, [], `extension bundles missing in ${EXT_DIR}: ${still.join(', ')}`);
}

test('real-editor environment (test/e2e/setup.sh: chromium, Node 24, code-server 4.139.1)', { timeout: 20 * 60_000 }, async (t) => {
  // Failure screenshots of an earlier run would mislead: drop them.
  for (const f of fs.existsSync(ensureArtifacts()) ? fs.readdirSync(ensureArtifacts()) : []) {
    if (/^FAIL-.*\.png$/.test(f)) fs.rmSync(path.join(ensureArtifacts(), f), { force: true });
  }
  env = await ensureEnvironment();
  timings.setup = env.ms;
  log(`environment ${env.ok ? 'ready' : 'NOT ready'} in ${(env.ms / 1000).toFixed(1)} s`);
  if (env.ok) return;
  const msg = banner([
    'EPT Lens real-editor tests CANNOT RUN on this machine:',
    ...env.reason.split('\n'),
    CI ? 'CI=true: this is a failure.' : 'Skipping them (unit/protocol tests still run). Install what is listed above and run `npm test` again.',
  ]);
  console.log(msg);
  if (env.cantSetUp && !CI) { t.skip('real-editor environment cannot be set up here (see the message above)'); return; }
  assert.fail(msg);
});

test('extension tests in the real extension host (mocha: test/e2e/suite/*.spec.js)', { timeout: 9 * 60_000, skip: ONLY && ONLY !== 'exttests' }, async (t) => {
  if (!need(t)) return;
  ensureBuilt();
  const t0 = Date.now();
  const ws = makeWorkspace('exttests');
  const resultsFile = path.join(cacheDir, 'run', 'exttests-results.json');
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  const extraEnv = { EPT_E2E_WS: ws, EPT_E2E_RESULTS: resultsFile };
  if (process.env.EPT_E2E_GREP) extraEnv.EPT_E2E_GREP = process.env.EPT_E2E_GREP;
  const cs = await startCodeServer(env, { tag: 'exttests', workspace: ws, extraEnv });
  const browser = await launchBrowser();
  const exthostLines = [];
  let code;
  try {
    await browser.ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: cs.url });
    const page = browser.ctx.pages()[0] || await browser.ctx.newPage();
    let resolveExit;
    const exited = new Promise((r) => { resolveExit = r; });
    // The workbench calls these when present: the extension host's exit code after run() settles.
    await page.exposeFunction('codeAutomationLog', () => {});
    await page.exposeFunction('codeAutomationExit', (c) => resolveExit(c));
    // Extension-host console output (mocha's spec reporter) is mirrored to the page console as
    // ('%c INFO', css, fmt, ...args): re-format it.
    page.on('console', async (m) => {
      let args;
      try { args = await Promise.all(m.args().map((a) => a.jsonValue())); } catch { args = [m.text()]; }
      if (typeof args[0] === 'string' && args[0].startsWith('%c')) args = args.slice(2);
      const line = util.format(...args);
      exthostLines.push(line);
      if (/ept-e2e|passing|failing|pending|✔|✓|^\s+\d+\) |Error|EPT Lens/.test(line) && !/connection token|Creating a socket/.test(line)) {
        console.log(`[exthost] ${line.slice(0, 3000)}`);
      }
    });
    const payload = [
      ['extensionDevelopmentPath', remoteUri(EXT_DIR)],
      ['extensionTestsPath', remoteUri(path.join(repoRoot, 'test', 'e2e', 'suite', 'index.js'))],
      ['skipWelcome', 'true'],
    ];
    await page.goto(workbenchUrl(cs.url, ws, payload), { waitUntil: 'domcontentloaded' });
    let timer;
    code = await Promise.race([exited, new Promise((r) => { timer = setTimeout(() => r('timeout after 7 min'), 7 * 60_000); })]);
    clearTimeout(timer);
    await screenshot(page, 'exttests-end').catch(() => {});
  } finally {
    await browser.close();
    await cs.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
  timings.exttests = Date.now() - t0;
  log(`extension host exited with ${code} after ${Date.now() - t0} ms`);
  let results = null;
  try { results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')); } catch {}
  if (!results) {
    assert.fail(`the extension tests did not report (exit ${code}). Extension host output (last 40 lines):\n` +
      `${exthostLines.slice(-40).join('\n')}\ncode-server log:\n${tail(cs.logPath)}`);
  }
  // One node:test subtest per mocha test, so the summary names each failure.
  for (const r of results.results) {
    await t.test(r.title, { skip: r.state === 'skipped' }, () => {
      if (r.state === 'failed') { const e = new Error(r.error.split('\n')[0]); e.stack = r.error; throw e; }
    });
  }
  assert.equal(code, 0, `extension tests failed: ${results.results.filter((r) => r.state === 'failed').map((r) => r.title).join('; ')}`);
});

/** Starts code-server + chromium, opens the workbench; returns { page, ws, done() }. */
async function workbench(tag, { devMode, extensionsDir, keepRunDir } = {}) {
  const ws = makeWorkspace(tag);
  const cs = await startCodeServer(env, { tag, workspace: ws, devMode, extensionsDir, keepRunDir });
  const browser = await launchBrowser();
  const page = browser.ctx.pages()[0] || await browser.ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const payload = devMode ? [['extensionDevelopmentPath', remoteUri(EXT_DIR)], ['skipWelcome', 'true']] : [['skipWelcome', 'true']];
  try {
    await openWorkbench(page, workbenchUrl(cs.url, ws, payload), { expectItem: LAPTOP });
  } catch (e) {
    await screenshot(page, `${tag}-FAIL-workbench`).catch(() => {});
    await browser.close(); await cs.stop();
    throw new Error(`workbench did not load: ${e.message}\ncode-server log:\n${tail(cs.logPath)}`);
  }
  return {
    page, ws, cs,
    async done() { await browser.close(); await cs.stop(); fs.rmSync(ws, { recursive: true, force: true }); },
  };
}

/** A subtest that screenshots the page when it fails. */
function uiStep(t, page, name, fn) {
  return t.test(name, async () => {
    const t0 = Date.now();
    try { await fn(); } catch (e) {
      await screenshot(page, `FAIL-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => {});
      throw e;
    } finally { log(`${name}: ${Date.now() - t0} ms`); }
  });
}

/** The HyperPlatform checks shared by the dev-folder UI test and the installed-VSIX test. */
async function hyperplatformChecks(page, ws, shotPrefix) {
  await openFile(page, LAPTOP);
  await expectLanguage(page);
  const line = fileLine(ws, LAPTOP, RANGE_100000);
  const address = await tokenColor(page, '0000000000100000', '0000000000100000', 'address');
  const level = await tokenColor(page, '0000000000100000', 'DBG', 'log level');
  assert.notEqual(address.color, level.color, `address and log level share one colour (${address.color})`);
  const hint = await inlineHint(page, '0000000000100000', line, '97×4K');
  log(`inline hint on ${RANGE_100000}: ${hint}`);
  const lens = await codeLens(page, /EPT plan:/);
  log(`code lens: ${lens}`);
  await screenshot(page, `${shotPrefix}-hyperplatform`);
  const h = await hover(page, '0000000000100000', '0000000000100000', 'PML4');
  log(`hover: ${h.slice(0, 200)}`);
  await screenshot(page, `${shotPrefix}-hyperplatform-hover`);
  return { address, level };
}

test('UI: every format in the web workbench (tokens, inline hints, hover, code lens; screenshots)', { timeout: 8 * 60_000, skip: ONLY && ONLY !== 'ui' }, async (t) => {
  if (!need(t)) return;
  ensureBuilt();
  const t0 = Date.now();
  const wb = await workbench('ui', { devMode: true });
  const { page, ws } = wb;
  try {
    let colors = {};
    await uiStep(t, page, 'HyperPlatform log: address/level colours, 97×4K hint, code lens, PML4 hover', async () => {
      colors = await hyperplatformChecks(page, ws, 'ui');
    });
    await uiStep(t, page, 'HyperPlatform example with hand annotations (examples/hyperplatform.eptlog)', async () => {
      await openFile(page, 'examples/hyperplatform.eptlog');
      await expectLanguage(page);
      await tokenColor(page, '0000000000100000', '0000000000100000', 'address');
      await inlineHint(page, '0000000000100000', fileLine(ws, 'examples/hyperplatform.eptlog', RANGE_100000), '97×4K');
      // The wrong hand annotation ("1 4KB-entry" for a 97-page gap) gets a squiggle on its line.
      try {
        await page.waitForFunction((needle) => {
          const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')];
          const line = lines.find((l) => l.textContent.replace(/\u00a0/g, ' ').includes(needle));
          if (!line) return false;
          const top = line.getBoundingClientRect().top;
          return [...document.querySelectorAll('.editor-instance .monaco-editor [class*="squiggly-"]')]
            .some((sq) => Math.abs(sq.getBoundingClientRect().top - top) < 4);
        }, '0000000000100000', { timeout: 20000 });
      } catch {
        throw new Error('no diagnostic squiggle on the line with the wrong annotation (0000000000100000 … .. 1 4KB-entry)');
      }
      await page.mouse.move(5, 5);
      await screenshot(page, 'ui-hyperplatform-annotations');
    });
    await uiStep(t, page, 'KVM trace: exit reason coloured apart from address and level', async () => {
      const rel = 'examples/kvm-trace.eptlog';
      await openFile(page, rel);
      await expectLanguage(page);
      const needle = 'reason EPT_VIOLATION rip 0x5600b39c8132';
      const reason = await tokenColor(page, needle, 'EPT_VIOLATION', 'exit reason');
      const addr = await tokenColor(page, needle, '0x5600b39c8132', 'address (rip)');
      assert.notEqual(reason.color, addr.color, `exit reason and address share one colour (${reason.color})`);
      if (colors.level) assert.notEqual(reason.color, colors.level.color, `exit reason and log level share one colour (${reason.color})`);
      await page.mouse.move(5, 5);
      await screenshot(page, 'ui-kvm-trace');
    });
    await uiStep(t, page, 'dmesg: e820 addresses coloured, inline hints', async () => {
      const rel = 'examples/surface-pro-7.dmesg';
      await openFile(page, rel);
      await expectLanguage(page);
      const needle = '0x0000000000100000-0x000000007ab44fff';
      await tokenColor(page, needle, '0x0000000000100000', 'e820 address');
      const usable = await spanColor(page, needle, 'usable', 'e820 type usable');
      const reserved = await spanColor(page, '0x00000000000a0000-0x00000000000fffff', 'reserved', 'e820 type reserved');
      assert.notEqual(usable.color, reserved.color, `e820 usable and reserved share one colour (${usable.color})`);
      const hint = await inlineHint(page, needle, fileLine(ws, rel, needle));
      log(`dmesg hint: ${hint}`);
      await screenshot(page, 'ui-dmesg');
    });
    await uiStep(t, page, '/proc/iomem: addresses coloured, inline hints', async () => {
      const rel = 'examples/desktop.iomem';
      await openFile(page, rel);
      await expectLanguage(page);
      const needle = '00100000-cf1f9fff : System RAM';
      await tokenColor(page, needle, '00100000', 'iomem address');
      const hint = await inlineHint(page, needle, fileLine(ws, rel, needle));
      log(`iomem hint: ${hint}`);
      await screenshot(page, 'ui-iomem');
    });
    await uiStep(t, page, '/proc/mtrr: addresses coloured', async () => {
      const rel = 'examples/desktop.mtrr';
      await openFile(page, rel);
      await expectLanguage(page);
      await tokenColor(page, 'reg01: base=0x080000000', '0x080000000', 'mtrr base');
      await screenshot(page, 'ui-mtrr');
    });
  } finally {
    await wb.done();
    timings.ui = Date.now() - t0;
  }
});

test('packaging: npm run package → --install-extension → UI test against the installed copy', { timeout: 8 * 60_000, skip: ONLY && ONLY !== 'package' }, async (t) => {
  if (!need(t)) return;
  const t0 = Date.now();
  const vsix = path.join(EXT_DIR, 'ept-lens.vsix');
  fs.rmSync(vsix, { force: true });
  const pk = spawnSync('npm', ['run', 'package'], { cwd: EXT_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  const pkOut = `${pk.stdout || ''}${pk.stderr || ''}`;
  log(`npm run package: exit ${pk.status} in ${Date.now() - t0} ms`);
  assert.equal(pk.status, 0, `npm run package failed:\n${pkOut.slice(-4000)}`);
  assert.ok(fs.existsSync(vsix), `npm run package did not write ${vsix}:\n${pkOut.slice(-2000)}`);
  log(`vsix ${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB`);

  const runDir = path.join(cacheDir, 'run', 'vsix');
  fs.rmSync(runDir, { recursive: true, force: true });
  const extensionsDir = path.join(runDir, 'installed-exts');
  const out = installVsix(env, vsix, extensionsDir, runDir);
  log(`installed: ${out.trim().split('\n').pop()}`);
  const manifest = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'package.json'), 'utf8'));
  const dirName = fs.readdirSync(extensionsDir).find((n) => n.toLowerCase().startsWith(`${manifest.publisher}.${manifest.name}-`.toLowerCase()));
  assert.ok(dirName, `no ${manifest.publisher}.${manifest.name}-* folder in ${extensionsDir}: ${fs.readdirSync(extensionsDir)}`);
  const installed = path.join(extensionsDir, dirName);
  const files = [];
  (function walk(d, rel = '') {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r); else files.push(r);
    }
  })(installed);
  log(`installed copy has ${files.length} files: ${files.slice(0, 30).join(', ')}`);
  await t.test('the .vsix ships the bundles, manifest, icon and docs, no node_modules or sources', () => {
    const want = ['package.json', 'dist/client.js', 'dist/server.js', manifest.browser.replace(/^\.\//, ''), manifest.icon && manifest.icon.replace(/^\.\//, ''), 'README.md', 'CHANGELOG.md', 'LICENSE']
      .filter(Boolean).filter((f) => !files.some((x) => x.toLowerCase() === f.toLowerCase() || x.toLowerCase() === `${f.toLowerCase()}.md` || x.toLowerCase() === `${f.toLowerCase()}.txt`));
    assert.deepEqual(want, [], `missing from the installed .vsix: ${want.join(', ')}`);
    const bad = files.filter((f) => /^(node_modules|src|test|out|\.vscode-test|test-artifacts|benchmarks)\//.test(f) || /\.(ts|map)$/.test(f));
    assert.deepEqual(bad, [], `the .vsix ships files it should not: ${bad.slice(0, 20).join(', ')}`);
  });
  const wb = await workbench('vsix', { devMode: false, extensionsDir, keepRunDir: true });
  try {
    await uiStep(t, wb.page, 'installed .vsix: HyperPlatform log in the workbench', async () => {
      await hyperplatformChecks(wb.page, wb.ws, 'vsix');
    });
  } finally {
    await wb.done();
    timings.package = Date.now() - t0;
  }
});

after(() => {
  const fmt = Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ');
  if (fmt) log(`timings: ${fmt}; screenshots in ${path.relative(repoRoot, ensureArtifacts())}/`);
});
