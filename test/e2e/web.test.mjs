// The real-editor web pass (issue 16): EPT Lens forced into code-server's web worker extension
// host (`remote.extensionKind: web`), as vscode.dev and github.dev run it. The installed copy holds
// exactly the files the .vsix ships; the language server then runs inside the extension's worker
// (src/client/transport.browser.ts), so no dist/server.js process may appear. Checks hints, a
// hover, the plan report and Plan Log File on screen, with screenshots in test-artifacts/web-*.png.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, cacheDir, ensureEnvironment, makeWorkspace, startCodeServer, launchBrowser, workbenchUrl, log, tail, EXTENSION_ID } from './lib.mjs';
import { openWorkbench, openFile, expectLanguage, inlineHint, hover, screenshot, fileLine, norm, runCommand, webviewFrame, pickInFileDialog } from './ui.mjs';

const CI = process.env.CI === 'true';
const LAPTOP = 'hyperplatform-laptop-8gb.log';
const RANGE_100000 = '0000000000100000 - 0000000000102000';

/** The files `vsce package` ships (.vscodeignore re-includes them), copied as an installed extension. */
function installShippedCopy(extensionsDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const dest = path.join(extensionsDir, `${EXTENSION_ID}-${pkg.version}`);
  const shipped = fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8').split('\n')
    .filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/\*\*$/, ''));
  for (const rel of shipped) {
    const src = path.join(repoRoot, rel);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(dest, rel), { recursive: true });
  }
  return { dest, browserEntry: pkg.browser };
}

test('web worker pass: EPT Lens in code-server\'s web extension host (hints, hover, report, Plan Log File)', { timeout: 10 * 60_000 }, async (t) => {
  const env = await ensureEnvironment({ quiet: true });
  if (!env.ok) {
    if (env.cantSetUp && !CI) { t.skip(`real-editor environment cannot be set up here: ${env.reason}`); return; }
    assert.fail(`real-editor environment not available: ${env.reason}`);
  }
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'web', 'extension.js'))) {
    const r = spawnSync(process.execPath, ['build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, `build failed:\n${r.stdout}${r.stderr}`);
  }
  const ws = makeWorkspace('web');
  const runDir = path.join(cacheDir, 'run', 'web');
  fs.rmSync(runDir, { recursive: true, force: true });
  const extensionsDir = path.join(runDir, 'exts');
  const { dest, browserEntry } = installShippedCopy(extensionsDir);
  assert.ok(browserEntry && fs.existsSync(path.join(dest, browserEntry)), `the shipped copy has no browser entry (${browserEntry})`);
  const cs = await startCodeServer(env, {
    tag: 'web', runDir, keepRunDir: true, workspace: ws, devMode: false, extensionsDir,
    settings: { 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } },
  });
  const browser = await launchBrowser();
  const page = browser.ctx.pages()[0] || await browser.ctx.newPage();
  const consoleLines = [];
  page.on('console', (m) => { consoleLines.push(m.text()); if (process.env.EPT_E2E_VERBOSE && /ept|error|fail/i.test(m.text())) log(`[console] ${m.text().slice(0, 400)}`); });
  if (process.env.EPT_E2E_VERBOSE) page.on('response', (r) => { if (r.status() >= 400) log(`[http ${r.status()}] ${r.url()}`); });
  const step = (name, fn) => t.test(name, async () => {
    try { await fn(); } catch (e) {
      await screenshot(page, `web-FAIL-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => {});
      throw new Error(`${e.message}\nworkbench console (last 15):\n${consoleLines.slice(-15).join('\n')}`);
    }
  });
  try {
    await openWorkbench(page, workbenchUrl(cs.url, ws, [['skipWelcome', 'true']]), { expectItem: LAPTOP });
    // Quick Open waits for extension activation (onSearch); on a loaded machine that takes a while.
    await page.waitForFunction(() => !(document.querySelector('.statusbar')?.textContent ?? '').includes('Activating Extensions'), null, { timeout: 120000 }).catch(() => {});
    await step('hints and hover from the in-worker server', async () => {
      await openFile(page, LAPTOP).catch(() => openFile(page, LAPTOP));
      await expectLanguage(page);
      const hint = await inlineHint(page, '0000000000100000', fileLine(ws, LAPTOP, RANGE_100000), '97×4K');
      log(`web: inline hint ${hint}`);
      await screenshot(page, 'web-hyperplatform');
      const h = await hover(page, '0000000000100000', '0000000000100000', 'PML4');
      log(`web: hover ${h.slice(0, 120)}`);
      await screenshot(page, 'web-hyperplatform-hover');
    });
    await step('no Node language server process: the server runs in the web worker', async () => {
      const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
      const servers = ps.split('\n').filter((l) => l.includes(dest) && l.includes('server.js'));
      assert.deepEqual(servers, [], 'a Node server process was started from the installed copy');
      assert.ok(consoleLines.some((l) => /web worker extension host/i.test(l)), 'the workbench did not start its web worker extension host');
    });
    await step('the plan report opens and shows the exact totals', async () => {
      await page.mouse.move(5, 5);
      await runCommand(page, 'EPT Lens: Show Plan Report');
      const { text } = await webviewFrame(page, /4,078/, 30000);
      assert.match(text, /2,083,348/, 'the report shows the plan\'s 2,083,348 leaves');
      await screenshot(page, 'web-report');
    });
    await step('Plan Log File reads the file through vscode.workspace.fs and plans it in the worker', async () => {
      await page.keyboard.press('Escape');
      await runCommand(page, 'EPT Lens: Plan Log File');
      // The web workbench's own file dialog: a quick input holding a path, which it overwrites with
      // its folder once listed (the CI of stop 24 failed on that race with a bare fill + Enter).
      await pickInFileDialog(page, path.join(ws, LAPTOP), 'Plan');
      await page.waitForFunction(() => /EPT plan — hyperplatform-laptop-8gb\.log/.test(document.body.innerText.replace(/\u00a0/g, ' ')), null, { timeout: 60000 })
        .catch(async () => { throw new Error('no "EPT plan — hyperplatform-laptop-8gb.log" result appeared'); });
      await screenshot(page, 'web-plan-log-file');
    });
    await step('Use MTRRs from File… reads /proc/mtrr through vscode.workspace.fs; the in-worker server plans /proc/iomem with it', async () => {
      await page.keyboard.press('Escape');
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, 'desktop-i7-2600.iomem');
      await expectLanguage(page);
      await runCommand(page, 'EPT Lens: Use MTRRs from File…');
      await pickInFileDialog(page, path.join(ws, 'desktop-i7-2600.mtrr'), 'Use MTRRs');
      const h = await hover(page, '00100000-cf1f9fff', '00100000', 'paired with this log');
      log(`web: paired hover ${h.slice(0, 160)}`);
      await screenshot(page, 'web-pair-mtrr');
    });
  } finally {
    await browser.close();
    await cs.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
  log(`code-server log tail:\n${tail(cs.logPath, 5)}`);
});
