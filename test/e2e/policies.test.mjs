// Real-editor check of issue 15's editor surface: with `eptLens.policy` set, the chosen hypervisor's
// coverage holes and memory-type mismatches become diagnostics on the lines they concern, and the
// plan report's "Hypervisors on this machine" section renders its table. One code-server, one
// fixture (test/fixtures/policies/phenom-overlapping-mtrr.dmesg, a real dump with overlapping
// variable MTRRs), screenshots in test-artifacts/policies-*.png.
// Expected texts are worked by hand in test/unit/policies.test.ts ('editor: eptLens.policy …'):
// SimpleVisor starts every page WB and lets the last touching MTRR win, so [0xd0000000, 4 GiB),
// UC by the SDM's precedence, is mapped WB.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, ensureEnvironment, makeWorkspace, startCodeServer, launchBrowser, workbenchUrl, remoteUri, log, tail } from './lib.mjs';
import { openWorkbench, openFile, expectLanguage, screenshot, norm, runCommand, webviewFrame } from './ui.mjs';

const CI = process.env.CI === 'true';
const FIXTURE = 'policies/phenom-overlapping-mtrr.dmesg';
const MESSAGE = 'SimpleVisor maps 0xd0000000–0x100000000 WB; the MTRRs make it UC';

test('eptLens.policy in the real editor: policy diagnostics on their lines, the report\'s "Hypervisors on this machine"', { timeout: 10 * 60_000 }, async (t) => {
  const env = await ensureEnvironment({ quiet: true });
  if (!env.ok) {
    if (env.cantSetUp && !CI) { t.skip(`real-editor environment cannot be set up here: ${env.reason}`); return; }
    assert.fail(`real-editor environment not available: ${env.reason}`);
  }
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'client.js'))) {
    const r = spawnSync(process.execPath, ['build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, `build failed:\n${r.stdout}${r.stderr}`);
  }
  const ws = makeWorkspace('policies');
  const cs = await startCodeServer(env, { tag: 'policies', workspace: ws, devMode: true, settings: { 'eptLens.policy': 'simplevisor' } });
  const browser = await launchBrowser();
  const page = browser.ctx.pages()[0] || await browser.ctx.newPage();
  const step = (name, fn) => t.test(name, async () => {
    const t0 = Date.now();
    try { await fn(); } catch (e) {
      await screenshot(page, `policies-FAIL-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => {});
      throw e;
    } finally { log(`${name}: ${Date.now() - t0} ms`); }
  });
  try {
    const payload = [['extensionDevelopmentPath', remoteUri(repoRoot)], ['skipWelcome', 'true']];
    await openWorkbench(page, workbenchUrl(cs.url, ws, payload), { expectItem: 'policies' });
    await page.waitForFunction(() => !(document.querySelector('.statusbar')?.textContent ?? '').includes('Activating Extensions'), null, { timeout: 120000 }).catch(() => {});
    await step('the SimpleVisor mismatch is a diagnostic on the reserved range line and on the MTRR dump', async () => {
      await openFile(page, FIXTURE).catch(() => openFile(page, FIXTURE));
      await expectLanguage(page);
      // The Problems panel lists each diagnostic with its line; wait for the server's analysis.
      await runCommand(page, 'View: Focus Problems');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ timeout: 20000 });
      await page.waitForFunction((m) => (document.querySelector('.markers-panel')?.textContent ?? '').replace(/\u00a0/g, ' ').includes(m), MESSAGE, { timeout: 60000 })
        .catch(async () => { throw new Error(`no "${MESSAGE}" in the Problems panel; it shows: ${norm(await panel.innerText().catch(() => '')).slice(0, 800)}`); });
      const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((rs) => rs.map((r) => (r.getAttribute('aria-label') || r.textContent || '').replace(/\u00a0/g, ' ')));
      const hits = rows.filter((r) => r.includes('SimpleVisor maps 0xd0000000'));
      log(`policy diagnostics rows: ${JSON.stringify(hits)}`);
      // Two places (unit test: 0-based lines 13 and 24): the `fec00000-ffffffff reserved` e820 line and the MTRR dump's first line.
      const lines = hits.map((r) => Number((/\[Ln (\d+)/.exec(r) || /line (\d+)/i.exec(r) || [])[1])).filter((n) => n > 0).sort((a, b) => a - b);
      assert.deepEqual(lines, [14, 25], `rows: ${JSON.stringify(hits)}`);
      await screenshot(page, 'policies-problems');
    });
    await step('the report view renders "Hypervisors on this machine" with a row per policy and SimpleVisor\'s dangerous range', async () => {
      // The editor's own box, not .view-lines: scrolled far down, that one starts above the viewport.
      await page.locator('.editor-instance .monaco-editor').first().click({ position: { x: 200, y: 20 } });
      await page.keyboard.press('Control+Home');
      await runCommand(page, 'EPT Lens: Show Plan Report');
      const { frame, text } = await webviewFrame(page, /Hypervisors on this machine/);
      assert.match(text, /dangerous: 0xd0000000–0x100000000 mapped WB, the MTRRs make it UC/);
      const rows = await frame.evaluate(() => [...document.querySelectorAll('tr[data-policy]')].map((r) => r.getAttribute('data-policy')));
      assert.deepEqual(rows.slice(0, 2), ['exact', 'hyperplatform']);
      for (const p of ['hvpp', 'simplevisor', 'gbhv', 'airhv', 'hyperdbg', 'ksm', 'jonomango-hv', 'xen', 'kvm']) assert.ok(rows.includes(p), `no row for ${p}: ${rows}`);
      // The section is laid out (not display:none, a real table width) and is what the screenshot shows.
      const box = await frame.evaluate(() => {
        const h = document.getElementById('hv-h');
        h.scrollIntoView({ block: 'start' });
        const table = h.closest('section').querySelector('table');
        const r = table.getBoundingClientRect();
        return { width: r.width, height: r.height, cells: table.querySelectorAll('td').length };
      });
      assert.ok(box.width > 200 && box.height > 100 && box.cells > 0, `the policy table is not laid out: ${JSON.stringify(box)}`);
      await screenshot(page, 'policies-report-hypervisors');
    });
  } finally {
    await browser.close();
    await cs.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
  log(`code-server log tail:\n${tail(cs.logPath, 5)}`);
});
