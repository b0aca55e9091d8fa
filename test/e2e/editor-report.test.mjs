// Real-editor checks of issue 14's report items (lane "editor"): the plan report's RAM section
// keeps its open/closed state when an edit re-renders the page (the panel replaces the webview's
// html; the page script restores each <details data-fold> from the webview state).
// One code-server, examples copied by makeWorkspace; screenshots in test-artifacts/report14-*.png.
// Runs with `node test/run.mjs --only=e2e/editor-report` (EPT_E2E_ONLY=report14 or unset).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, ensureEnvironment, makeWorkspace, startCodeServer, launchBrowser, workbenchUrl, remoteUri, log, tail } from './lib.mjs';
import { openWorkbench, openFile, expectLanguage, screenshot, norm, runCommand, webviewFrame } from './ui.mjs';

const CI = process.env.CI === 'true';
const ONLY = process.env.EPT_E2E_ONLY;
const FILE = 'examples/surface-pro-7.dmesg';

/** The report's frame: a webview frame whose page holds a RAM section and passes `pred`. */
const reportFrame = async (page, pred = async () => true) => (await webviewFrame(page, async (f) =>
  await f.evaluate(() => !!document.querySelector('details[data-fold="ram"]')).catch(() => false) && await pred(f))).frame;

test('issue 14 report: the RAM section stays open across edits', { timeout: 10 * 60_000, skip: ONLY && ONLY !== 'report14' }, async (t) => {
  const env = await ensureEnvironment({ quiet: true });
  if (!env.ok) {
    if (env.cantSetUp && !CI) { t.skip(`real-editor environment cannot be set up here: ${env.reason}`); return; }
    assert.fail(`real-editor environment not available: ${env.reason}`);
  }
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'client.js'))) {
    const r = spawnSync(process.execPath, ['build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, `build failed:\n${r.stdout}${r.stderr}`);
  }
  const ws = makeWorkspace('report14');
  const cs = await startCodeServer(env, { tag: 'report14', workspace: ws, devMode: true });
  const browser = await launchBrowser();
  const page = browser.ctx.pages()[0] || await browser.ctx.newPage();
  const step = (name, fn) => t.test(name, async () => {
    const t0 = Date.now();
    try { await fn(); } catch (e) {
      await screenshot(page, `report14-FAIL-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => {});
      throw e;
    } finally { log(`${name}: ${Date.now() - t0} ms`); }
  });
  try {
    const payload = [['extensionDevelopmentPath', remoteUri(repoRoot)], ['skipWelcome', 'true']];
    await openWorkbench(page, workbenchUrl(cs.url, ws, payload), { expectItem: 'examples' });
    await page.waitForFunction(() => !(document.querySelector('.statusbar')?.textContent ?? '').includes('Activating Extensions'), null, { timeout: 120000 }).catch(() => {});
    await step('open the RAM section, edit the log: the re-rendered report keeps it open', async () => {
      await openFile(page, FILE).catch(() => openFile(page, FILE));
      await expectLanguage(page);
      const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
      await editor.click({ position: { x: 200, y: 20 } });
      await runCommand(page, 'EPT Lens: Show Plan Report');
      let frame = await reportFrame(page);
      assert.equal(await frame.evaluate(() => document.querySelector('details[data-fold="ram"]').open), false, 'closed by default');
      await frame.locator('details[data-fold="ram"] > summary').click();
      assert.equal(await frame.evaluate(() => document.querySelector('details[data-fold="ram"]').open), true);
      // Mark this document: the re-rendered page is a new one, without the mark.
      await frame.evaluate(() => { window.__old = true; });
      const edit = async () => {
        // After a click in the webview its frame can hold the pointer: fall back to a forced click.
        await editor.click({ position: { x: 200, y: 8 }, timeout: 5000 }).catch(() => editor.click({ position: { x: 200, y: 8 }, force: true }));
        await page.keyboard.press('Control+End');
        await page.keyboard.type(' ');
      };
      await edit();
      const fresh = async (f) => !(await f.evaluate(() => window.__old === true).catch(() => true));
      frame = await reportFrame(page, fresh);
      const open = await frame.evaluate(() => document.querySelector('details[data-fold="ram"]').open);
      await frame.evaluate(() => document.querySelector('details[data-fold="ram"]').scrollIntoView({ block: 'start' }));
      await screenshot(page, 'report14-ram-open-after-edit');
      assert.equal(open, true, 'the RAM section is open after the edit re-rendered the report');
      assert.match(norm(await frame.evaluate(() => document.body.innerText)), /RAM ranges \(5\)/);
      // Closing it again and re-rendering: checked in test/report/browser.test.ts (a second edit
      // here could not get the editor's focus back from the webview reliably under load).
    });
    await step('a KVM trace beside a memory map: the report has a "KVM trace" section with exits by reason', async () => {
      await openFile(page, 'kvm-trace-with-map.eptlog').catch(() => openFile(page, 'kvm-trace-with-map.eptlog'));
      await expectLanguage(page);
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click({ position: { x: 200, y: 20 }, force: true });
      await runCommand(page, 'EPT Lens: Show Plan Report');
      const frame = await reportFrame(page, (f) => f.evaluate(() => !!document.getElementById('trace-h')).catch(() => false));
      const text = norm(await frame.evaluate(() => { document.getElementById('trace-h').scrollIntoView({ block: 'start' }); return document.getElementById('trace-h').closest('section').innerText; }));
      assert.match(text, /KVM trace \(\d+ exits\)/);
      assert.match(text, /EPT_VIOLATION/);
      assert.match(text, /Guest-physical addresses by region/);
      await screenshot(page, 'report14-trace-section');
    });
  } finally {
    await browser.close();
    await cs.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
  log(`code-server log tail:\n${tail(cs.logPath, 5)}`);
});
