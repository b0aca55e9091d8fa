// Playwright helpers for the web workbench (code-server 4.139.1 = VS Code 1.139.1) in headless
// Debian chromium. Everything waits for DOM facts with a deadline (no sleeps) and failures say
// what was expected and what the page showed.
import fs from 'node:fs';
import path from 'node:path';
import { log, ensureArtifacts } from './lib.mjs';

export const norm = (s) => (s || '').replace(/\u00a0/g, ' ');

/** Opens the workbench at url and waits until the explorer shows the workspace. */
/**
 * The first webview frame (not the workbench itself) that passes `want`: a RegExp tested against
 * its text, or a predicate `(frame, text)`. Returns the frame and its text.
 */
export async function webviewFrame(page, want, timeout = 60000) {
  const ok = want instanceof RegExp ? (_f, text) => want.test(text) : want;
  const end = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      if (f === page.mainFrame() || !/webview/i.test(f.url())) continue;
      const text = norm(await f.evaluate(() => document.body?.innerText ?? '').catch(() => ''));
      if (await ok(f, text)) return { frame: f, text };
    }
    if (Date.now() > end) throw new Error(`no webview frame shows ${want}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function openWorkbench(page, url, { expectItem } = {}) {
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  if (expectItem) await page.getByRole('treeitem', { name: expectItem }).first().waitFor({ timeout: 60000 });
  log(`workbench ready in ${Date.now() - t0} ms`);
  // Hide the side bar so long log lines and their end-of-line hints fit in the screenshots.
  await page.keyboard.press('Control+B');
  await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
}

export async function screenshot(page, name) {
  const p = path.join(ensureArtifacts(), `${name}.png`);
  await page.screenshot({ path: p });
  log(`screenshot ${path.relative(process.cwd(), p)}`);
  return p;
}

/** Quick Open (Ctrl+P) a workspace-relative path; waits for its tab to become active and the editor to render. */
export async function openFile(page, rel) {
  const base = path.basename(rel);
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Control+P');
    try { await input.waitFor({ state: 'visible', timeout: 10000 }); break; } catch (e) {
      if (attempt >= 2) throw new Error(`Quick Open (Ctrl+P) did not appear: ${e.message}`);
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
    }
  }
  await input.fill(rel);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first();
  // File search can take long on a loaded machine: retype once before giving up.
  try { await row.waitFor({ timeout: 30000 }); } catch {
    await input.fill('');
    await input.fill(rel);
    await row.waitFor({ timeout: 30000 });
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction((b) => {
    const tab = document.querySelector('.tabs-container .tab.active');
    return tab && tab.getAttribute('aria-label')?.startsWith(b);
  }, base, { timeout: 20000 }).catch(async () => {
    const tabs = await page.locator('.tabs-container .tab').evaluateAll((ts) => ts.map((t) => `${t.getAttribute('aria-label')}${t.classList.contains('active') ? ' (active)' : ''}`));
    throw new Error(`${rel} did not become the active tab; tabs: ${JSON.stringify(tabs)}`);
  });
  // The web workbench asks before showing a large file (workbench.editorLargeFileConfirmation):
  // click "Open Anyway" as the user would.
  const lines = page.locator('.editor-instance .monaco-editor .view-lines .view-line').first();
  const openAnyway = page.locator('.editor-instance .monaco-button', { hasText: 'Open Anyway' }).first();
  await lines.or(openAnyway).first().waitFor({ timeout: 20000 });
  if (await openAnyway.isVisible().catch(() => false)) {
    await openAnyway.click();
    await lines.waitFor({ timeout: 120000 });
  }
}

/** Waits until the status bar language indicator reads `want` (a RegExp source). */
export async function expectLanguage(page, want = 'EPT/MMIO Log') {
  try {
    await page.waitForFunction((w) => (document.querySelector('#status\\.editor\\.mode')?.textContent || '').includes(w), want, { timeout: 30000 });
  } catch {
    const got = await page.locator('#status\\.editor\\.mode').textContent().catch(() => '(no language indicator)');
    throw new Error(`status bar language is "${(got || '').trim()}", expected "${want}" (is the extension loaded? contributes.languages)`);
  }
}

/** The tokens (span text + computed colour) of the first visible view line containing `needle`. */
export async function lineTokens(page, needle) {
  return page.evaluate((n) => {
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')];
    const line = lines.find((l) => l.textContent.replace(/\u00a0/g, ' ').includes(n));
    if (!line) return null;
    const plain = getComputedStyle(document.querySelector('.editor-instance .monaco-editor .view-lines')).color;
    const spans = [...line.querySelectorAll('span')].filter((s) => s.children.length === 0)
      .map((s) => ({ text: s.textContent.replace(/\u00a0/g, ' '), cls: s.className, color: getComputedStyle(s).color }));
    return { text: line.textContent.replace(/\u00a0/g, ' '), plain, spans };
  }, needle);
}

/**
 * Waits until the token whose text contains `token` (on the line containing `lineNeedle`) is
 * coloured differently from plain text; returns { color, plain, tokens }.
 */
export async function tokenColor(page, lineNeedle, token, what) {
  const deadline = Date.now() + 30000;
  let last;
  for (;;) {
    last = await lineTokens(page, lineNeedle);
    const span = last && last.spans.find((s) => s.text.includes(token));
    if (span && span.color !== last.plain && span.text.trim().length <= token.length + 2) return { color: span.color, plain: last.plain, span };
    if (Date.now() > deadline) {
      throw new Error(`${what}: token "${token}" is not coloured as its own token (plain text is ${last?.plain}); ` +
        `line tokens: ${JSON.stringify(last?.spans.map((s) => [s.text, s.color]) ?? 'line not visible')}`);
    }
    await page.waitForTimeout(250);
  }
}

/** The colour of the span holding `token` on the line with `lineNeedle` (may be the plain colour). */
export async function spanColor(page, lineNeedle, token, what) {
  const deadline = Date.now() + 15000;
  let last;
  for (;;) {
    last = await lineTokens(page, lineNeedle);
    const span = last && last.spans.find((s) => s.text.trim() === token);
    if (span) return { color: span.color, plain: last.plain, span };
    if (Date.now() > deadline) {
      throw new Error(`${what}: "${token}" is not a token of its own; line tokens: ${JSON.stringify(last?.spans.map((s) => [s.text, s.color]) ?? 'line not visible')}`);
    }
    await page.waitForTimeout(250);
  }
}

/** Collapses whitespace so a DOM line (tabs rendered as spaces) compares with the file's line. */
const squash = (s) => norm(s).replace(/\s+/g, ' ').trim();

/**
 * Waits until the view line containing `lineNeedle` shows inlay-hint text, i.e. more text than the
 * file line itself; returns the extra text. `fileLine` is the line's text in the file.
 * If `want` is given, waits until the rendered line contains it.
 */
export async function inlineHint(page, lineNeedle, fileLine, want) {
  const deadline = Date.now() + 45000;
  const plainLen = squash(fileLine).length;
  let last;
  for (;;) {
    last = await lineTokens(page, lineNeedle);
    const shown = last ? squash(last.text) : '';
    const ok = last && shown.length > plainLen && (!want || shown.includes(want));
    if (ok) return extraText(fileLine, last.text);
    if (Date.now() > deadline) {
      throw new Error(`no inlay hint${want ? ` containing "${want}"` : ''} on the line with ${lineNeedle}; ` +
        `rendered: ${JSON.stringify(last ? last.text : '(line not visible)')}`);
    }
    await page.waitForTimeout(250);
  }
}
/** What a rendered line shows beyond the file's text: its inlay hints. */
export function extraText(fileLine, rendered) {
  // Remove the file's characters in order from the rendered line; what remains are the hints.
  const f = squash(fileLine).replace(/ /g, '');
  const r = squash(rendered);
  let i = 0; let out = '';
  for (const ch of r) {
    if (i < f.length && ch === f[i]) i++;
    else out += ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Hovers the mouse over the first span containing `token` on the line with `lineNeedle`; waits for a hover with `want`. */
export async function hover(page, lineNeedle, token, want) {
  const line = page.locator('.editor-instance .monaco-editor .view-lines .view-line', { hasText: lineNeedle }).first();
  const span = line.locator('span', { hasText: token }).last();
  const widget = page.locator('.monaco-hover .monaco-hover-content').filter({ hasText: want }).first();
  // A code lens or hint that arrives after the file opens moves the lines down under a mouse
  // already placed: measure again and re-hover until the hover is there (or 30 s pass).
  const until = Date.now() + 30000;
  for (let attempt = 0; ; attempt++) {
    // null while the line is being re-rendered (a code lens arriving): measure again.
    const box = await span.boundingBox();
    if (!box) {
      if (Date.now() > until) throw new Error(`hover: no visible span "${token}"`);
      await page.waitForTimeout(250);
      continue;
    }
    if (attempt > 0) await page.mouse.move(5, 5);
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.move(box.x + Math.min(box.width / 2, 40), box.y + box.height / 2, { steps: 5 });
    try {
      await widget.waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(5000, until - Date.now())) });
      break;
    } catch {
      if (Date.now() < until) continue;
      const shown = await page.locator('.monaco-hover').allInnerTexts().catch(() => []);
      throw new Error(`no hover containing "${want}" over ${token}; hovers shown: ${JSON.stringify(shown.map(norm))}`);
    }
  }
  return norm(await widget.innerText()).replace(/\s+/g, ' ').trim();
}

/** Waits for a code lens whose text matches `re`; returns its text. */
export async function codeLens(page, re) {
  try {
    await page.waitForFunction((src) => [...document.querySelectorAll('.editor-instance .monaco-editor .codelens-decoration')]
      .some((e) => new RegExp(src).test(e.textContent.replace(/\u00a0/g, ' '))), re.source, { timeout: 30000 });
  } catch {
    const got = await page.locator('.editor-instance .monaco-editor .codelens-decoration').allTextContents().catch(() => []);
    throw new Error(`no code lens matching ${re}; code lenses shown: ${JSON.stringify(got.map(norm))}`);
  }
  const all = await page.locator('.editor-instance .monaco-editor .codelens-decoration').allTextContents();
  return norm(all.find((t) => re.test(norm(t))));
}

/** Reads the workspace file (for comparing rendered lines with the source). */
export function fileLine(ws, rel, needle) {
  const line = fs.readFileSync(path.join(ws, rel), 'utf8').split('\n').find((l) => l.includes(needle));
  if (line === undefined) throw new Error(`${rel} has no line containing ${needle}`);
  return line;
}

/**
 * Runs a palette command by its title. On a loaded machine the palette sometimes opens before the
 * workbench has its commands: reopened up to three times, and on failure the error names what the palette listed (and a screenshot shows it).
 */
export async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  let shown = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('Escape');
    if (attempt > 0) await page.waitForTimeout(1000);
    await page.keyboard.press('F1');
    if (!await input.waitFor({ state: 'visible', timeout: 10000 }).then(() => true, () => false)) continue;
    await input.fill(`>${title}`);
    if (await row.waitFor({ timeout: 10000 }).then(() => true, () => false)) {
      await page.keyboard.press('Enter');
      return;
    }
    shown = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts().catch(() => []);
  }
  await screenshot(page, `palette-missed-${title.replace(/[^A-Za-z0-9]+/g, '-')}`).catch(() => {});
  throw new Error(`the command palette did not offer "${title}" in three tries; it listed: ${JSON.stringify(shown.slice(0, 8).map(norm))}`);
}

/**
 * Picks `file` in code-server's own (simple) file dialog, a quick input holding a path, by its
 * accept button `acceptLabel`. The dialog checks the typed path as it goes and ignores an accept
 * that comes before, and may replace the text with its folder: retried until the widget closes.
 */
export async function pickInFileDialog(page, file, acceptLabel) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(file);
  const accept = page.locator('.quick-input-widget .monaco-button', { hasText: acceptLabel }).first();
  for (let i = 0; i < 5 && await input.isVisible(); i++) {
    await page.waitForTimeout(500);
    // The dialog fills in its folder once it has listed it, over what was typed before: type again.
    if ((await input.inputValue().catch(() => file)) !== file) await input.fill(file).catch(() => {});
    await accept.click({ timeout: 2000 }).catch(() => {});
    await page.waitForTimeout(1000);
  }
  if (await input.isVisible()) throw new Error(`the file dialog did not accept ${file}`);
}
