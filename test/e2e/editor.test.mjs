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
import { openWorkbench, openFile, expectLanguage, tokenColor, spanColor, inlineHint, hover, codeLens, screenshot, fileLine, lineTokens, norm, runCommand, webviewFrame, pickInFileDialog, extraText } from './ui.mjs';

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
async function workbench(tag, { devMode, extensionsDir, keepRunDir, settings, prepare } = {}) {
  const ws = makeWorkspace(tag);
  if (prepare) prepare(ws);
  const cs = await startCodeServer(env, { tag, workspace: ws, devMode, extensionsDir, keepRunDir, settings });
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
function uiStep(t, page, name, fn, opts = {}) {
  // opts.todo: a check of a known, open problem (named in the reason): it runs and is reported, but
  // does not fail the suite. Escape afterwards so a half-done step leaves no widget behind.
  return t.test(name, opts, async () => {
    const t0 = Date.now();
    try { await fn(); } catch (e) {
      await screenshot(page, `FAIL-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => {});
      throw e;
    } finally {
      log(`${name}: ${Date.now() - t0} ms`);
      if (opts.todo) await page.keyboard.press('Escape').catch(() => {});
    }
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
      // The gap's hint sits on the hole's own (reserved) line (#13), not on the next usable line.
      const hole = '0x00000000000a0000-0x00000000000fffff';
      const hint = await inlineHint(page, hole, fileLine(ws, rel, hole), 'gap 384 KiB');
      log(`dmesg hint: ${hint}`);
      const first = '0x0000000000000000-0x000000000009ffff';
      assert.equal(squashed(await lineTokens(page, first)), squashed({ text: fileLine(ws, rel, first) }), 'the first usable line carries no "no gap" hint');
      await screenshot(page, 'ui-dmesg');
    });
    await uiStep(t, page, '/proc/iomem: addresses coloured, inline hints', async () => {
      const rel = 'examples/desktop.iomem';
      await openFile(page, rel);
      await expectLanguage(page);
      const needle = '00100000-cf1f9fff : System RAM';
      await tokenColor(page, needle, '00100000', 'iomem address');
      // The hint sits right after the end address, so the rendered line no longer reads "…ffff : reserved".
      const hole = '00091800-0009ffff';
      const hint = await inlineHint(page, hole, fileLine(ws, rel, hole), 'gap');
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

const squashed = (l) => norm(l && l.text).replace(/\s+/g, ' ').trim();

/** A HyperPlatform map, then filler lines up to `bytes` (generated at test time, never committed). */
function bigLog(file, bytes) {
  const head = fs.readFileSync(path.join(repoRoot, 'examples', 'hyperplatform.eptlog'), 'utf8');
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, head);
  let written = Buffer.byteLength(head);
  const chunk = [];
  for (let i = 0; i < 1000; i++) chunk.push(`07:23:38.${String(i % 1000).padStart(3, '0')}\tDBG\t#0\t    4\t 7656\tSystem         \tguest activity ${i}: nothing about memory maps here, just a long enough line`);
  const block = chunk.join('\n') + '\n';
  while (written < bytes) { fs.writeSync(fd, block); written += Buffer.byteLength(block); }
  fs.closeSync(fd);
}

/**
 * Waits for a notification containing `text`, as a toast or in the notification centre; returns its
 * locator (its buttons are clickable). With the smoke-test driver (devMode) the workbench shows no
 * toasts at all (NotificationsToasts.addToast skips them when enableSmokeTestDriver is set, code
 * 1.139): the notification is only in the centre there, where a user without the driver gets a toast.
 */
async function notification(page, text, timeout = 30000) {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  const listed = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  const until = Date.now() + timeout;
  try { await toast.waitFor({ state: 'visible', timeout: Math.min(2000, timeout) }); return toast; } catch {}
  const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => []);
  while (Date.now() < until) {
    await runCommand(page, 'Notifications: Show Notifications');
    try { await listed.waitFor({ state: 'visible', timeout: 5000 }); log(`notification "${text}" is in the notification centre`); return listed; } catch {}
  }
  const center = await page.locator('.notifications-center .notification-list-item').allInnerTexts().catch(() => []);
  throw new Error(`no notification containing "${text}"; toasts: ${JSON.stringify(toasts)}; centre: ${JSON.stringify(center)}`);
}

/** Right-clicks `target`, picks "Open as EPT/MMIO Log" in its context menu, and waits for the switch. */
async function openAsFromMenu(page, target, shot) {
  await target.click({ button: 'right' });
  const item = page.locator('.context-view .action-item', { hasText: 'Open as EPT/MMIO Log' }).first();
  await item.waitFor({ timeout: 10000 });
  await screenshot(page, shot);
  await item.click();
  await expectLanguage(page);
  // The menu must be gone before the next step's quick open (while it shows, the workbench is inert).
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => page.keyboard.press('Escape'));
}

/** An output channel (default: EPT Lens) of a code-server run, once it contains `want` (15 s). */
async function extensionLog(cs, want, channel = 'EPT Lens') {
  const logs = path.join(cs.runDir, 'ud', 'logs');
  let text = '';
  for (const until = Date.now() + 15000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    const files = fs.existsSync(logs) ? fs.readdirSync(logs, { recursive: true }).filter((f) => String(f).endsWith(`-${channel}.log`) || path.basename(String(f)) === `${channel}.log`) : [];
    text = files.map((f) => fs.readFileSync(path.join(logs, String(f)), 'utf8')).join('\n');
    if (text.includes(want)) return text;
  }
  throw new Error(`the ${channel} output has no "${want}":\n${text}`);
}

/** The x of the inlay hint on the line with `needle`, and the x where `token` ends on it. */
async function hintPlacement(page, needle, token) {
  return page.evaluate(([n, t]) => {
    const line = [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')].find((l) => l.textContent.replace(/\u00a0/g, ' ').includes(n));
    if (!line) return null;
    const spans = [...line.querySelectorAll('span')].filter((s) => s.children.length === 0);
    const hint = spans.find((s) => /inlay|dyn-rule/.test(s.className) || getComputedStyle(s, '::before').content.length > 2 || getComputedStyle(s, '::after').content.length > 2);
    const tok = spans.find((s) => s.textContent.includes(t));
    const ed = document.querySelector('.editor-instance .monaco-editor').getBoundingClientRect();
    return { hintX: hint ? hint.getBoundingClientRect().left : null, tokenEnd: tok ? tok.getBoundingClientRect().right : null, editorRight: ed.right };
  }, [needle, token]);
}

test('UI: issue 14 — hints where the eye is, readable hovers, KVM decodes, .log and big files, decode views, themes', { timeout: 12 * 60_000, skip: ONLY && ONLY !== 'ui14' && ONLY !== 'ui' }, async (t) => {
  if (!need(t)) return;
  ensureBuilt();
  const wb = await workbench('ui14', {
    devMode: true,
    prepare(ws) {
      // A HyperPlatform log named so no association claims it: it opens as Log.
      fs.copyFileSync(path.join(repoRoot, 'examples', 'hyperplatform.eptlog'), path.join(ws, 'driver-boot.log'));
      fs.writeFileSync(path.join(ws, 'notes.txt'), 'shopping list\nmilk\n');
      // `dmesg > dmesg-2024.txt`: Plain Text until "Always for dmesg*.txt" associates the pattern.
      for (const f of ['dmesg-2024.txt', 'dmesg-2025.txt']) fs.copyFileSync(path.join(repoRoot, 'examples', 'surface-pro-7.dmesg'), path.join(ws, f));
      for (const f of ['menu-boot.log', 'tab-boot.log']) fs.copyFileSync(path.join(repoRoot, 'examples', 'hyperplatform.eptlog'), path.join(ws, f));
      bigLog(path.join(ws, 'big-30mb.eptlog'), 30 * 1024 * 1024);
      bigLog(path.join(ws, 'big-60mb.eptlog'), 60 * 1024 * 1024);
    },
  });
  const { page, ws } = wb;
  const HP = 'examples/hyperplatform.eptlog';
  try {
    await uiStep(t, page, '#7: a plain .txt file is sniffed by the client and starts no language server', async () => {
      // Must run first: any EPT/MMIO document opened before would start the server.
      await openFile(page, 'notes.txt');
      await expectLanguage(page, 'Plain Text');
      const text = await extensionLog(wb.cs, 'notes.txt (plaintext): not a memory map');
      assert.doesNotMatch(text, /starting the language server/, `a plain text file started the server:\n${text}`);
    });
    await uiStep(t, page, '#1 #2: the hint sits right after the end address, the last line shows every leaf', async () => {
      await openFile(page, HP);
      await expectLanguage(page);
      const needle = '0000000000100000 - 0000000000102000';
      await inlineHint(page, needle, fileLine(ws, HP, needle), '97×4K');
      const p = await hintPlacement(page, needle, '0000000000102000');
      assert.ok(p && p.hintX !== null && p.tokenEnd !== null, `hint or end address not found: ${JSON.stringify(p)}`);
      assert.ok(p.hintX - p.tokenEnd < 40, `the hint is not right after the end address: ${JSON.stringify(p)}`);
      const last = '0000000100000000 - 000000026f600000';
      const tail = await inlineHint(page, last, fileLine(ws, HP, last), '502×1G');
      assert.ok(!tail.includes('…'), `the last line's hint is cut: ${tail}`);
      await screenshot(page, 'i14-hyperplatform-hints');
    });
    await uiStep(t, page, '#3: hovers are structured (heading, list, table), not run together', async () => {
      const needle = '0000000000100000 - 0000000000102000';
      await hover(page, needle, '0000000000100000', 'EPT walk');
      const shape = await page.evaluate(() => {
        const h = [...document.querySelectorAll('.monaco-hover .monaco-hover-content')].find((e) => e.textContent.includes('EPT walk'));
        return h ? { li: h.querySelectorAll('li').length, table: h.querySelectorAll('table').length, heading: h.querySelectorAll('h1,h2,h3,h4').length, text: h.innerText } : null;
      });
      assert.ok(shape && shape.li >= 2 && shape.table >= 1 && shape.heading >= 1, `hover not structured: ${JSON.stringify(shape)}`);
      // innerText keeps the line breaks between blocks: only blanks are folded here.
      assert.ok(!/WB EPT walk|97×4K, UC Leaves/.test(shape.text.replace(/[ \t]+/g, ' ')), `sentences run together: ${shape.text}`);
      await screenshot(page, 'i14-hover-structured');
      await page.mouse.move(5, 5);
    });
    await uiStep(t, page, '#4: KVM exit reasons and qualifications decoded; rip is guest-virtual; hints beside info1', async () => {
      const rel = 'examples/kvm-trace.eptlog';
      await openFile(page, rel);
      await tokenColor(page, 'reason EPT_VIOLATION rip 0x5600b39c8132', 'EPT_VIOLATION', 'exit reason');
      const reason = await hover(page, 'reason EPT_VIOLATION rip 0x5600b39c8132', 'EPT_VIOLATION', 'EPT_VIOLATION (48)');
      assert.match(reason, /not present/);
      await page.mouse.move(5, 5);
      const rip = await hover(page, 'reason EPT_VIOLATION rip 0x5600b39c8132', '0x5600b39c8132', 'Guest-virtual');
      assert.doesNotMatch(rip, /PML4/, `rip got an EPT walk: ${rip}`);
      await page.mouse.move(5, 5);
      const io = await hover(page, 'reason IO_INSTRUCTION', '0x0000000003f80008', 'port');
      assert.match(io, /0x3f8/);
      assert.doesNotMatch(io, /PML4|is in a/, `info1 of IO_INSTRUCTION explained as an address: ${io}`);
      await screenshot(page, 'i14-kvm-io-hover');
      await page.mouse.move(5, 5);
      const needle = 'reason IO_INSTRUCTION';
      await inlineHint(page, needle, fileLine(ws, rel, needle), 'port 0x3f8');
      const p = await hintPlacement(page, needle, '0x0000000003f80008');
      assert.ok(p && p.hintX !== null && p.hintX < p.editorRight, `IO_INSTRUCTION hint off-screen: ${JSON.stringify(p)}`);
      await screenshot(page, 'i14-kvm-trace');
    });
    await uiStep(t, page, '#5: iomem "Kernel code" is part of the RAM range', async () => {
      await openFile(page, 'examples/desktop.iomem');
      const h = await hover(page, '01000000-0173a484 : Kernel code', 'Kernel', 'Part of the RAM range');
      assert.doesNotMatch(h, /Not RAM/);
      await page.mouse.move(5, 5);
    });
    await uiStep(t, page, '#12: no bracket colours through timestamps or EFI range=[…)', async () => {
      const rel = 'thinkpad-x240.dmesg';
      await openFile(page, rel);
      const needle = 'range=[0x0000000000000000-0x0000000000001000)';
      await lineTokens(page, needle);
      const coloured = await page.evaluate((n) => {
        const line = [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')].find((l) => l.textContent.includes(n));
        return line ? [...line.querySelectorAll('span')].filter((s) => /bracket-highlighting/.test(s.className)).map((s) => s.className) : null;
      }, needle);
      assert.deepEqual(coloured, [], `bracket-pair colours on an EFI line: ${JSON.stringify(coloured)}`);
      await screenshot(page, 'i14-dmesg-efi');
    });
    await uiStep(t, page, '#15 #11: Set Address Limit preselects the current value and rejects 0x123 live', async () => {
      // The active editor (the dmesg of #12) is an ept-log document: reopening one through Quick Open
      // here was flaky (an already-open tab did not always become active).
      await expectLanguage(page);
      await runCommand(page, 'EPT Lens: Set Address Limit');
      const current = page.locator('.quick-input-list .monaco-list-row', { hasText: '(current)' }).first();
      await current.waitFor({ timeout: 10000 });
      assert.match(norm(await current.innerText()), /512G/);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Custom' }).first().click();
      const input = page.locator('.quick-input-widget input');
      await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value === '512G', null, { timeout: 10000 });
      await input.fill('0x123');
      await page.locator('.quick-input-message', { hasText: 'multiple of 4 KiB' }).waitFor({ timeout: 10000 });
      await screenshot(page, 'i14-limit-validation');
      await input.fill('100');
      await page.locator('.quick-input-message', { hasText: 'no unit' }).waitFor({ timeout: 10000 });
      await page.keyboard.press('Escape');
    });
    await uiStep(t, page, '#9 #15: Decode EPT Entry takes a pasted spte and shows a rendered page', async () => {
      await runCommand(page, 'EPT Lens: Decode EPT Entry');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 10000 });
      await input.fill('600000012345b77 (rwx)');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => [...document.querySelectorAll('.tabs-container .tab')].some((t) => /^Preview /.test(t.getAttribute('aria-label') || '')), null, { timeout: 20000 });
      await screenshot(page, 'i14-decode-rendered');
      await runCommand(page, 'View: Close All Editors');
    });
    await uiStep(t, page, '#7: a HyperPlatform .log opens as Log; the offer switches it and the choice sticks', async () => {
      await openFile(page, 'driver-boot.log');
      const toast = await notification(page, 'looks like a HyperPlatform memory map');
      await screenshot(page, 'i14-log-offer');
      await toast.locator('.monaco-button', { hasText: 'Open as EPT/MMIO Log' }).click();
      await expectLanguage(page);
      await inlineHint(page, '0000000000100000 - 0000000000102000', fileLine(ws, 'driver-boot.log', '0000000000100000 - 0000000000102000'), '97×4K');
      // Close and reopen: it stays an EPT/MMIO log.
      await page.keyboard.press('Control+W');
      await openFile(page, 'driver-boot.log');
      await expectLanguage(page);
    });
    await uiStep(t, page, '#7: "Always for dmesg*.txt" writes files.associations; the next such file opens as EPT/MMIO Log', async () => {
      await openFile(page, 'dmesg-2024.txt');
      const toast = await notification(page, 'dmesg-2024.txt looks like');
      await toast.locator('.monaco-button', { hasText: 'Always for dmesg*.txt' }).click();
      await expectLanguage(page);
      const settings = path.join(wb.cs.runDir, 'ud', 'User', 'settings.json');
      let text = '';
      for (const until = Date.now() + 15000; Date.now() < until && !/"dmesg\*\.txt":\s*"ept-log"/.test(text); await new Promise((r) => setTimeout(r, 250))) {
        text = fs.existsSync(settings) ? fs.readFileSync(settings, 'utf8') : '';
      }
      assert.match(text, /"files\.associations"[\s\S]*"dmesg\*\.txt":\s*"ept-log"/, `user settings:\n${text}`);
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, 'dmesg-2025.txt');
      await expectLanguage(page);
    });
    await uiStep(t, page, '#7: "Open as EPT/MMIO Log" in the explorer\'s context menu switches the file', async () => {
      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'View: Show Explorer');
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'menu-boot.log' }).first();
      await row.waitFor({ timeout: 15000 });
      await openAsFromMenu(page, row, 'i14-explorer-menu');
    });
    await uiStep(t, page, '#7: "Open as EPT/MMIO Log" in the editor tab\'s context menu switches the file', async () => {
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, 'tab-boot.log');
      await page.waitForFunction(() => (document.querySelector('#status\\.editor\\.mode')?.textContent || '').trim() === 'Log', null, { timeout: 30000 });
      await openAsFromMenu(page, page.locator('.tabs-container .tab', { hasText: 'tab-boot.log' }).first(), 'i14-tab-menu');
    });
    await uiStep(t, page, '#6: a 30 MB log says why colours and lens are off', async () => {
      await openFile(page, 'big-30mb.eptlog');
      const item = page.locator('.statusbar-item', { hasText: 'no colours' }).first();
      await item.waitFor({ timeout: 30000 });
      log(`30 MB status: ${norm(await item.innerText())}`);
      await screenshot(page, 'i14-30mb');
      // And in the language status, with the way to turn them on.
      const entry = page.locator('[id="status.languageStatus"]').first();
      await entry.hover();
      const lang = page.locator('.hover-language-status', { hasText: 'no colours, lens or hints' }).first();
      await lang.waitFor({ timeout: 10000 });
      assert.match(norm(await lang.innerText()), /30 MB: no colours, lens or hints[\s\S]*Turn on for EPT\/MMIO logs/);
      await screenshot(page, 'i14-30mb-language-status');
      await page.keyboard.press('Escape');
    });
    await uiStep(t, page, '#6: the status item turns large-file optimisations off for EPT/MMIO logs: hints come back', async () => {
      // With the optimisations on, VS Code sends no hover requests for the 30 MB document and draws
      // none of the inlay hints the server returns (seen in the protocol trace).
      await page.locator('.statusbar-item', { hasText: 'no colours' }).first().click();
      const toast = await notification(page, 'editor.largeFileOptimizations');
      await toast.locator('.monaco-button', { hasText: 'Colour EPT/MMIO logs of any size' }).click();
      await page.keyboard.press('Escape');
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, 'big-30mb.eptlog');
      const needle = '0000000000100000 - 0000000000102000';
      await inlineHint(page, needle, fileLine(ws, 'big-30mb.eptlog', needle), '97×4K');
      await screenshot(page, 'i14-30mb-optimisations-off');
    });
    await uiStep(t, page, '#6: a 60 MB log points to Plan Log File, whose result opens rendered', async () => {
      await openFile(page, 'big-60mb.eptlog');
      const toast = await notification(page, 'over 50 MB', 30000);
      await screenshot(page, 'i14-60mb');
      await toast.locator('.monaco-button', { hasText: 'Plan Log File' }).click();
      // The result is the rendered page (a webview tab), summary first.
      await page.waitForFunction(() => [...document.querySelectorAll('.tabs-container .tab')].some((t) => /^EPT plan — big-60mb\.eptlog/.test((t.getAttribute('aria-label') || '').replace(/\u00a0/g, ' '))), null, { timeout: 180000 });
      const { text } = await webviewFrame(page, /Summary[\s\S]*memory maps/, 60000);
      assert.match(text, /size\s+6\d(\.\d)? MiB/, 'the summary names the file\'s size');
      await screenshot(page, 'i14-planfile-rendered');
    });
  } finally {
    await wb.done();
  }
  for (const [theme, tag] of [['Default Light Modern', 'light'], ['Default High Contrast', 'hc']]) {
    const tw = await workbench(`ui14-${tag}`, { devMode: true, settings: { 'workbench.colorTheme': theme } });
    try {
      await uiStep(t, tw.page, `theme ${theme}: hints and a hover stay readable`, async () => {
        await openFile(tw.page, HP);
        await expectLanguage(tw.page);
        const needle = '0000000000100000 - 0000000000102000';
        await inlineHint(tw.page, needle, fileLine(tw.ws, HP, needle), '97×4K');
        await screenshot(tw.page, `i14-theme-${tag}`);
        await hover(tw.page, needle, '0000000000100000', 'EPT walk');
        await screenshot(tw.page, `i14-theme-${tag}-hover`);
      });
    } finally {
      await tw.done();
    }
  }
});

/** The plan's own totals, from the CLI's JSON (the editor must say the same numbers). */
function cliTotals(file, ...args) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), '--json', ...args, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ept-plan --json ${file}: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
  return { leaves: sum(j.totals.mmio) + sum(j.totals.ram), tables: sum(j.tables), gaps: j.totals.mmio };
}

/** The active editor's cursor line (1-based), from the status bar's "Ln N, Col M". */
async function cursorLine(page) {
  const text = norm(await page.locator('[id="status.editor.selection"]').first().innerText());
  return Number((/Ln (\d+)/.exec(text) || [])[1]);
}

/** The text the Output panel shows for the channel named `name`. */
async function outputChannel(page, name, want) {
  await runCommand(page, 'Output: Show Output Channels');
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) }).first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
  const view = page.locator('.part.panel .monaco-editor .view-lines').first();
  await page.waitForFunction(([re]) => new RegExp(re).test((document.querySelector('.part.panel .monaco-editor .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ')), [want.source], { timeout: 30000 })
    .catch(async () => { throw new Error(`the ${name} output shows no ${want}: ${norm(await view.innerText().catch(() => '')).slice(0, 600)}`); });
  return norm(await view.innerText());
}

test('UI: issue 14 — plan totals, gap lines, output channels, settings, exports, Plan Log File folds', { timeout: 10 * 60_000, skip: ONLY && ONLY !== 'ui14b' && ONLY !== 'ui' }, async (t) => {
  if (!need(t)) return;
  ensureBuilt();
  const BOOTS = 400;
  const wb = await workbench('ui14b', {
    devMode: true,
    prepare(ws) {
      // One machine booted 400 times: one journal, 400 identical maps.
      const boot = fs.readFileSync(path.join(repoRoot, 'examples', 'surface-pro-7.dmesg'), 'utf8').replace(/^#.*\n/gm, '');
      fs.writeFileSync(path.join(ws, 'many-boots.dmesg'), boot.repeat(BOOTS));
    },
  });
  const { page, ws, cs } = wb;
  const HP = 'examples/hyperplatform.eptlog';
  const SURFACE = 'examples/surface-pro-7.dmesg';
  try {
    await uiStep(t, page, '#14: the EPT Lens output opens with a version line, one timestamp a line', async () => {
      await openFile(page, HP);
      await expectLanguage(page);
      const text = await extensionLog(cs, 'language server in');
      const lines = text.split('\n').filter(Boolean);
      assert.match(lines[0], /EPT Lens \d+\.\d+\.\d+ on .+ \d+\.\d+\.\d+: language server in /, `first line: ${lines[0]}`);
      const doubled = lines.filter((l) => (l.match(/\b\d\d:\d\d:\d\d\b/g) || []).length > 1);
      assert.deepEqual(doubled, [], 'lines with two timestamps');
      const shown = await outputChannel(page, 'EPT Lens', /EPT Lens \d+\.\d+\.\d+ on/);
      log(`output: ${shown.split('\n')[0]}`);
      await screenshot(page, 'i14-output-version');
    });
    await uiStep(t, page, '#10: the code lens and the language status give the whole plan\'s leaves and tables', async () => {
      await runCommand(page, 'View: Hide Panel');
      const want = cliTotals(path.join(ws, HP));
      const f = (n) => n.toLocaleString('en-US');
      const lens = await codeLens(page, /^EPT plan: /);
      log(`lens: ${lens}; CLI: ${JSON.stringify(want)}`);
      assert.ok(lens.startsWith(`EPT plan: ${f(want.leaves)} leaves · ${f(want.tables)} tables`), `lens "${lens}" vs ${f(want.leaves)} leaves, ${f(want.tables)} tables`);
      assert.ok(lens.includes(`gaps ${want.gaps['4K']}×4K ${want.gaps['2M']}×2M ${want.gaps['1G']}×1G`), `lens gap counts: ${lens}`);
      const entry = page.locator('[id="status.languageStatus"]').first();
      await entry.hover();
      const item = page.locator('.hover-language-status', { hasText: 'EPT plan:' }).first();
      await item.waitFor({ timeout: 15000 });
      const status = norm(await item.innerText()).replace(/\s+/g, ' ');
      log(`language status: ${status}`);
      assert.ok(status.includes(`EPT plan: ${f(want.leaves)} leaves · ${f(want.tables)} tables`), `language status: ${status}`);
      await screenshot(page, 'i14-totals');
      await page.keyboard.press('Escape');
      await page.mouse.move(5, 5);
    });
    await uiStep(t, page, '#11: max page 2M is a Hint (dots, no squiggle) that goes when 1G comes back; the /proc/mtrr note names a real option', async () => {
      // The HyperPlatform log of #10 is the active editor (reopening a closed tab through Quick Open
      // after the report's webview had the focus was flaky).
      await codeLens(page, /^EPT plan: /);
      const marks = () => page.evaluate(() => [...document.querySelectorAll('.editor-instance .monaco-editor [class*="squiggly-"]')].map((e) => [...e.classList].find((c) => c.startsWith('squiggly-'))));
      const before = await marks();
      await runCommand(page, 'EPT Lens: Set Maximum Page Size');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: '2M' }).first().click();
      await page.waitForFunction(() => document.querySelector('.editor-instance .monaco-editor .squiggly-hint'), null, { timeout: 30000 })
        .catch(async () => { throw new Error(`no Hint mark after max page 2M: ${JSON.stringify(await marks())}`); });
      // The lens follows the setting: the CLI's --max-page 2M totals.
      const want = cliTotals(path.join(ws, HP), '--max-page', '2M');
      await codeLens(page, new RegExp(`^EPT plan: ${want.leaves.toLocaleString('en-US')} leaves · ${want.tables.toLocaleString('en-US')} tables`));
      const with2M = await marks();
      assert.equal(with2M.filter((c) => c === 'squiggly-info').length, before.filter((c) => c === 'squiggly-info').length, `max page 2M added an info squiggle: ${JSON.stringify(with2M)}`);
      await screenshot(page, 'i14-maxpage-2m-hint');
      await runCommand(page, 'EPT Lens: Set Maximum Page Size');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: '1G' }).first().click();
      await page.waitForFunction((n) => document.querySelectorAll('.editor-instance .monaco-editor .squiggly-hint').length === n, before.filter((c) => c === 'squiggly-hint').length, { timeout: 30000 })
        .catch(async () => { throw new Error(`the max-page Hint stayed after 1G: ${JSON.stringify(await marks())}`); });
      await openFile(page, 'examples/desktop.mtrr');
      await expectLanguage(page);
      await runCommand(page, 'View: Focus Problems');
      await page.waitForFunction(() => /\/proc\/mtrr has no default type/.test((document.querySelector('.markers-panel')?.textContent ?? '').replace(/\u00a0/g, ' ')), null, { timeout: 30000 });
      const problems = norm(await page.locator('.markers-panel').innerText());
      assert.match(problems, /--mtrr-default TYPE/);
      assert.doesNotMatch(problems, /default-type option/);
      await screenshot(page, 'i14-mtrr-default-note');
      await runCommand(page, 'View: Hide Panel');
    });
    await uiStep(t, page, '#15: Decode EPT Entry starts from the spte under the cursor', async () => {
      await openFile(page, 'examples/kvm-trace.eptlog');
      await expectLanguage(page);
      const line = page.locator('.editor-instance .monaco-editor .view-lines .view-line', { hasText: 'spte 600000012345b77' }).first();
      await line.locator('span', { hasText: '600000012345b77' }).last().click();
      await runCommand(page, 'EPT Lens: Decode EPT Entry');
      await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value === '600000012345b77', null, { timeout: 10000 })
        .catch(async () => { throw new Error(`the input holds "${await page.locator('.quick-input-widget input').inputValue().catch(() => '?')}"`); });
      await screenshot(page, 'i14-decode-prefilled');
      await page.keyboard.press('Escape');
    });
    await uiStep(t, page, '#13: the gap hint sits on the hole\'s own line; its report row reveals that line', async () => {
      await openFile(page, SURFACE);
      await expectLanguage(page);
      const hole = '0x00000000000a0000-0x00000000000fffff';
      const hint = await inlineHint(page, hole, fileLine(ws, SURFACE, hole), '96×4K');
      log(`hint on the reserved line: ${hint}`);
      const after = '0x0000000000100000-0x000000007ab44fff';
      const next = await lineTokens(page, after);
      assert.doesNotMatch(extraText(fileLine(ws, SURFACE, after), next.text), /384 KiB|96×4K/, 'the gap is said again on the usable line after it');
      const first = '0x0000000000000000-0x000000000009ffff';
      assert.doesNotMatch(norm((await lineTokens(page, first)).text), /no gap/, 'the first line says "no gap"');
      await screenshot(page, 'i14-gap-own-line');
      await page.locator('.editor-instance .monaco-editor').first().click({ position: { x: 200, y: 8 } });
      await runCommand(page, 'EPT Lens: Show Plan Report');
      const { frame } = await webviewFrame(page, async (f) => await f.evaluate(() => !!document.querySelector('table.gaps tr[data-key="gap-0"]')).catch(() => false));
      await frame.locator('table.gaps tr[data-key="gap-0"]').click();
      const holeLine = fs.readFileSync(path.join(ws, SURFACE), 'utf8').split('\n').findIndex((l) => l.includes(hole)) + 1;
      await page.waitForFunction(async (n) => /Ln (\d+)/.exec(document.querySelector('[id="status.editor.selection"]')?.textContent ?? '')?.[1] === String(n), holeLine, { timeout: 15000 })
        .catch(async () => { throw new Error(`the gap row revealed line ${await cursorLine(page)}, not the hole's line ${holeLine}`); });
      await screenshot(page, 'i14-report-gap-reveal');
    });
    await uiStep(t, page, '#16: the report saves a C header in plain ASCII (no "?" for · and –)', async () => {
      const { frame } = await webviewFrame(page, async (f) => await f.evaluate(() => !!document.querySelector('button[data-export="c"][data-action="save"]')).catch(() => false));
      await frame.locator('button[data-export="c"][data-action="save"]').click();
      const target = path.join(ws, 'examples', 'surface-plan.h');
      // code-server's own save dialog labels its button OK (the saveLabel is for native dialogs).
      await pickInFileDialog(page, target, 'OK');
      await notification(page, 'plan saved to surface-plan.h');
      const text = fs.readFileSync(target, 'utf8');
      assert.ok(/^[\x09\x0a\x0d\x20-\x7e]*$/.test(text), `non-ASCII characters in the C header: ${[...new Set(text.replace(/[\x09\x0a\x0d\x20-\x7e]/g, ''))].join(' ')}`);
      assert.doesNotMatch(text.split('\n').filter((l) => /^\s*(\/\/|\/\*|\*)/.test(l)).join('\n'), /\?/, 'a "?" in the header\'s comments');
      log(`C header: ${text.split('\n').slice(0, 3).join(' | ')}`);
      await page.keyboard.press('Escape');
      await runCommand(page, 'View: Close All Editors');
    });
    await uiStep(t, page, '#11 #16: the Settings UI names each setting properly ("MMIO memory type") and explains a bad limit', async () => {
      await runCommand(page, 'Preferences: Open Settings (UI)');
      const search = page.locator('.settings-editor .settings-header .suggest-input-container').first();
      await search.waitFor({ timeout: 20000 });
      await search.click();
      await page.keyboard.type('@ext:ept-lens.ept-lens');
      await page.locator('.settings-editor .setting-item-title', { hasText: 'Mmio Memory Type' }).first().waitFor({ timeout: 20000 });
      // The label comes from the key (VS Code's rule); the proper name leads the description under it.
      const mmio = page.locator('.settings-editor .setting-item', { hasText: 'Mmio Memory Type' }).first();
      const desc = norm(await mmio.locator('.setting-item-description').innerText());
      log(`MMIO setting: ${norm(await mmio.locator('.setting-item-title').innerText())} / ${desc.slice(0, 80)}`);
      assert.match(desc, /^MMIO memory type\. How the memory type of gap \(MMIO\) leaves is decided/);
      const limit = page.locator('.settings-editor .setting-item', { hasText: 'Address limit' }).first();
      const input = limit.locator('.setting-item-control input').first();
      await input.fill('0x123');
      const message = limit.locator('.setting-item-validation-message');
      await page.waitForFunction(() => /size with a unit/.test(document.querySelector('.settings-editor .setting-item-validation-message')?.textContent ?? ''), null, { timeout: 15000 })
        .catch(async () => { throw new Error(`no readable validation message: ${norm(await message.innerText().catch(() => ''))}`); });
      assert.doesNotMatch(norm(await message.innerText()), /\^\\s|\[0-9/, 'the raw pattern is shown');
      await screenshot(page, 'i14-settings-ui');
      await input.fill('512G');
    });
    await uiStep(t, page, '#14: eptLens.trace.server "messages" (Settings UI) fills the trace channel at its default level, one timestamp a line', async () => {
      const trace = page.locator('.settings-editor .setting-item', { hasText: 'Trace the language server.' }).first();
      // The list is virtual: search for the one setting.
      await page.locator('.settings-editor .settings-header .suggest-input-container').first().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('eptLens.trace.server');
      await trace.waitFor({ timeout: 20000 });
      await trace.locator('select').first().click();
      await page.locator('.monaco-select-box-dropdown-container .monaco-list-row', { hasText: 'messages' }).first().click();
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, SURFACE);
      await expectLanguage(page);
      const text = await extensionLog(cs, "Sending request 'textDocument/", 'EPT Lens Trace');
      const lines = text.split('\n').filter((l) => /Sending|Received/.test(l));
      for (const l of lines.slice(0, 50)) assert.match(l, /^(\S+ )?\d\d:\d\d:\d\d\.\d{3} (Sending|Received) /, `trace line: ${l}`);
      assert.deepEqual(lines.filter((l) => /\[Trace - /.test(l) || (l.match(/\b\d\d:\d\d:\d\d\b/g) || []).length > 1), [], 'a second timestamp');
      await outputChannel(page, 'EPT Lens Trace', /Sending request/);
      await screenshot(page, 'i14-trace-channel');
      await runCommand(page, 'View: Hide Panel');
    });
    await uiStep(t, page, '#14: Restart Server says what it does and that it is done', async () => {
      await runCommand(page, 'EPT Lens: Restart Server');
      await page.locator('.statusbar-item', { hasText: 'EPT Lens: server restarted' }).first().waitFor({ timeout: 30000 });
      await screenshot(page, 'i14-restart');
      const text = await extensionLog(cs, 'the EPT Lens server is running again');
      assert.match(text, /restarting the EPT Lens server[\s\S]*the EPT Lens server is running again/);
    });
    await uiStep(t, page, `#8: Plan Log File on ${BOOTS} identical boots: summary first, one map folded ×${BOOTS}`, async () => {
      await runCommand(page, 'EPT Lens: Plan Log File…');
      await pickInFileDialog(page, path.join(ws, 'many-boots.dmesg'), 'Plan');
      const { frame, text } = await webviewFrame(page, /Summary[\s\S]*memory maps/, 120000);
      assert.match(text, new RegExp(`memory maps\\s+${BOOTS} \\(1 distinct\\)`), text.slice(0, 600));
      assert.match(text, new RegExp(`boots\\s+${BOOTS}`));
      assert.ok(text.indexOf('Summary') < text.indexOf('Maps (1 distinct'), 'the summary is not first');
      const times = await frame.evaluate(() => document.querySelector('[data-count="0"]')?.textContent);
      assert.equal(times, `${BOOTS}×`);
      await screenshot(page, 'i14-planfile-folded');
    });
  } finally {
    await wb.done();
  }
});

test('UI: Choose Memory Map… and Use MTRRs from File… (issue 14; screenshots)', { timeout: 6 * 60_000, skip: ONLY && ONLY !== 'uimaps' && ONLY !== 'ui' }, async (t) => {
  if (!need(t)) return;
  ensureBuilt();
  const wb = await workbench('uimaps', {
    devMode: true,
    prepare(ws) {
      // Three boots in one dmesg: the ThinkPad, the Surface, the ThinkPad again.
      fs.writeFileSync(path.join(ws, 'three-boots.dmesg'), ['thinkpad-x240.dmesg', 'surface-pro-7.dmesg', 'thinkpad-x240.dmesg'].map((n) => fs.readFileSync(path.join(ws, n), 'utf8')).join('\n'));
    },
  });
  const { page, ws } = wb;
  try {
    await uiStep(t, page, 'Choose Memory Map… lists the three boots with their Linux version line and totals; picking one says so', async () => {
      await openFile(page, 'three-boots.dmesg');
      await expectLanguage(page);
      await codeLens(page, /^EPT plan: /);
      await runCommand(page, 'EPT Lens: Choose Memory Map…');
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Map 2: Linux dmesg BIOS-e820' }).first();
      await row.waitFor({ timeout: 15000 });
      const text = norm(await row.innerText());
      assert.match(text, /lines \d+–\d+ · \d+ RAM ranges/, `map row: ${text}`);
      assert.match(text, /Linux version/, `map row without its boot: ${text}`);
      assert.match(text, /leaves · [\d,]+ tables/, `map row without totals: ${text}`);
      await screenshot(page, 'i14-choose-map');
      await row.click();
      await page.locator('.statusbar-item', { hasText: 'map 2 of 3' }).first().waitFor({ timeout: 15000 });
      await screenshot(page, 'i14-choose-map-picked');
    });
    await uiStep(t, page, 'the language status of a multi-map document offers Choose Memory Map…', async () => {
      await page.waitForTimeout(4500); // the "map 2 of 3" status bar message goes
      const entry = page.locator('[id="status.languageStatus"]').first();
      await entry.waitFor({ timeout: 10000 });
      await entry.hover();
      const item = page.locator('.hover-language-status', { hasText: 'EPT: map 2 of 3' }).first();
      await item.waitFor({ timeout: 10000 });
      assert.match(norm(await item.innerText()), /chosen for this document[\s\S]*Choose Memory Map…/);
      await screenshot(page, 'i14-choose-map-language-status');
      await page.keyboard.press('Escape');
    });
    await uiStep(t, page, 'Use MTRRs from File… pairs desktop-i7-2600.mtrr with the /proc/iomem document: the hover names the file', async () => {
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, 'desktop-i7-2600.iomem');
      await expectLanguage(page);
      await hover(page, '00100000-cf1f9fff', '00100000', 'no MTRRs found');
      await page.keyboard.press('Escape');
      await runCommand(page, 'EPT Lens: Use MTRRs from File…');
      await pickInFileDialog(page, path.join(ws, 'desktop-i7-2600.mtrr'), 'Use MTRRs');
      await notification(page, 'is planned with', 30000);
      await screenshot(page, 'i14-pair-mtrr');
      await page.keyboard.press('Escape');
      await hover(page, '00100000-cf1f9fff', '00100000', 'paired with this log');
      await screenshot(page, 'i14-pair-mtrr-hover');
    });
  } finally {
    await wb.done();
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
  await t.test('the extension page is user-first and its pictures are in the .vsix, by relative path (#16)', () => {
    const readme = fs.readFileSync(path.join(installed, files.find((f) => f.toLowerCase() === 'readme.md')), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length >= 3, `the extension page has ${images.length} pictures`);
    for (const img of images) {
      assert.doesNotMatch(img, /^[a-z]+:/i, `remote picture on the extension page: ${img}`);
      assert.ok(files.includes(img), `${img} is not in the .vsix`);
    }
    assert.doesNotMatch(readme.split('\n## ')[0], /npm (install|test|ci)/, 'the page opens with contributor commands');
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    // VS Code labels a setting from its key alone ("Ept Lens: Mmio Memory Type"; a per-setting
    // `title` is not read, 1.139 settingKeyToDisplayFormat): the proper name leads each description.
    for (const [key, prop] of Object.entries(pkg.contributes.configuration.properties)) assert.match(prop.markdownDescription, /^\*\*[A-Z][^*]+\.\*\* /, `${key}: the description does not start with its name`);
    assert.ok(pkg.contributes.walkthroughs?.length, 'no walkthrough');
    for (const step of pkg.contributes.walkthroughs[0].steps) {
      const m = step.media.image ?? step.media.markdown;
      assert.ok(files.includes(m), `walkthrough media ${m} is not in the .vsix`);
    }
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
