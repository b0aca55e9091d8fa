// The plan report rendered in real headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core): the CSP holds (nothing refused), the tiles show the plan's numbers, the map has
// one SVG segment per RAM range and gap, clicks and Enter post the right line, export buttons post
// their format. Screenshots go to test-artifacts/report/ (git-ignored) at a wide and a narrow width,
// in a dark and a light VS Code theme.
// Without Chromium the test is skipped loudly, and fails when CI=true.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { formatCount, formatSize, planMemoryMap, type Plan } from '../../src/planner';
import { type ReportOptions, renderReport } from '../../src/report/html';
import { MAP_FIXTURES as FIXTURES, ROOT, planOf } from '../support/fixtures';

const CHROMIUM = process.env.EPT_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'report');
const PAGE_URL = 'http://ept-lens.test/report.html';

// Roughly VS Code's Dark Modern and Light Modern, set on <html> as the workbench does.
const THEMES: Record<string, Record<string, string>> = {
  dark: {
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-editorWidget-background': '#202020',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-list-hoverBackground': '#2a2d2e',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-charts-foreground': '#cccccc',
    '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-font-family': 'system-ui, sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-editor-font-family': 'monospace',
  },
  light: {
    '--vscode-editor-foreground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#3b3b3b',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-editorWidget-background': '#f8f8f8',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-list-hoverBackground': '#f2f2f2',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-charts-foreground': '#616161',
    '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-purple': '#652d90',
    '--vscode-font-family': 'system-ui, sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-editor-font-family': 'monospace',
  },
};

/** Runs before the page's own script: the acquireVsCodeApi stub, CSP violation capture, theme. */
function initScript(theme: Record<string, string>): string {
  return `
    window.__posted = [];
    window.__csp = [];
    window.acquireVsCodeApi = function () {
      // Like the webview's, the state outlives a reload of the page (the panel replacing its html).
      return {
        postMessage: function (m) { window.__posted.push(m); },
        getState: function () { var s = sessionStorage.getItem('vscodeState'); return s ? JSON.parse(s) : undefined; },
        setState: function (s) { sessionStorage.setItem('vscodeState', JSON.stringify(s)); return s; },
      };
    };
    document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });
    var theme = ${JSON.stringify(theme)};
    document.addEventListener('DOMContentLoaded', function () {
      for (var k in theme) document.documentElement.style.setProperty(k, theme[k]);
    });
  `;
}

const available = fs.existsSync(CHROMIUM);
if (!available) {
  const msg = `\n${'#'.repeat(78)}\n# report-browser: ${CHROMIUM} is missing — the browser tests of the plan report are SKIPPED.\n` +
    `# Install it: apt-get install -y chromium  (or bash test/e2e/setup.sh)\n${'#'.repeat(78)}\n`;
  console.error(msg);
  if (process.env.CI === 'true') test('chromium is required in CI', () => assert.fail(msg));
}

describe('plan report in Chromium', { skip: available ? false : `${CHROMIUM} missing` }, () => {
  let browser: Browser;
  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
  });

  // webview.cspSource as desktop VS Code reports it, and as the web workbench (code-server) does.
  async function open(plan: Plan, title: string, width: number, theme: 'dark' | 'light', cspSource = 'https://*.vscode-cdn.net', more: Partial<ReportOptions> = {}): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (r.url() !== PAGE_URL) errors.push(`request: ${r.url()}`);
    });
    await page.addInitScript(initScript(THEMES[theme]));
    const html = renderReport(plan, { nonce: 'dGVzdG5vbmNlMTIzNDU2Nzg5MA', cspSource, title, ...more });
    await page.route(PAGE_URL, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await page.goto(PAGE_URL, { waitUntil: 'load' });
    return { page, errors };
  }

  for (const name of FIXTURES) {
    test(`${name}: tiles, segments, reveal on click and Enter, exports, no CSP violations`, async () => {
      const plan = planOf(name);
      const { page, errors } = await open(plan, name, 1100, 'dark');
      try {
        const tile = (id: string) => page.locator(`[data-tile="${id}"]`).innerText();
        assert.equal(await tile('gap-4k'), formatCount(plan.totals.mmio['4K']));
        assert.equal(await tile('gap-2m'), formatCount(plan.totals.mmio['2M']));
        assert.equal(await tile('gap-1g'), formatCount(plan.totals.mmio['1G']));
        assert.equal(await tile('ram-4k'), formatCount(plan.totals.ram['4K']));
        assert.equal(await tile('tables-pt'), formatCount(plan.tables.pt));
        assert.equal(await tile('tables-pd'), formatCount(plan.tables.pd));
        assert.equal(await tile('bytes'), formatSize(plan.bytes));

        const segs = page.locator('svg.map g.seg');
        assert.equal(await segs.count(), plan.ram.length + plan.gaps.length);
        // Every segment is visible with a positive on-screen width.
        const widths = await segs.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
        assert.ok(widths.every((w) => w >= 1), `segment widths ${widths.join(', ')}`);

        // Click the segment of the gap 4 KiB … before the 2nd RAM range: it reveals that range's line.
        const gap = plan.gaps.find((g) => g.before !== undefined && g.before > 0) ?? plan.gaps[0];
        const line = plan.ram[gap.before ?? plan.ram.length - 1].inputs[0].line!;
        const gi = plan.gaps.indexOf(gap);
        await page.locator(`svg.map g.seg[data-key="gap-${gi}"]`).click({ force: true });
        // A RAM segment, via the keyboard.
        const ri = plan.ram.length - 1;
        await page.locator(`svg.map g.seg[data-key="ram-${ri}"]`).focus();
        await page.keyboard.press('Enter');
        // A gap table row.
        await page.locator(`table.gaps tr[data-key="gap-${gi}"]`).click();
        await page.locator('button[data-export="c"][data-action="save"]').click();
        await page.locator('button[data-export="md"][data-action="copy"]').click();
        const posted = (await page.evaluate('window.__posted')) as unknown[];
        assert.deepEqual(posted, [
          { type: 'reveal', line },
          { type: 'reveal', line: plan.ram[ri].inputs[0].line },
          { type: 'reveal', line },
          { type: 'export', format: 'c', action: 'save' },
          { type: 'export', format: 'md', action: 'copy' },
        ]);

        // Hover shows the native tooltip from <title>: the segment's title holds its range.
        const tip = await page.locator(`svg.map g.seg[data-key="gap-${gi}"] > title`).textContent();
        assert.match(tip ?? '', new RegExp(`0x${gap.start.toString(16)}–0x${gap.end.toString(16)}`));

        // Axis labels never overlap.
        const boxes = await page.locator('text.axis:not(.hidden)').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.right]));
        boxes.sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i][0] >= boxes[i - 1][1], `axis labels overlap: ${JSON.stringify(boxes)}`);

        const csp = (await page.evaluate('window.__csp')) as string[];
        assert.deepEqual(csp, [], 'no CSP violations');
        assert.deepEqual(errors, []);
        await page.mouse.move(0, 0);
        const base = name.replace(/[^a-z0-9-]+/gi, '-');
        await page.screenshot({ path: path.join(ARTIFACTS, `${base}-dark-1100.png`), fullPage: true });
      } finally {
        await page.close();
      }
    });
  }

  test('the RAM section stays open or closed across a re-render (webview state)', async () => {
    const { page, errors } = await open(planOf('surface-pro-7.dmesg'), 'surface-pro-7.dmesg', 1100, 'dark');
    try {
      const isOpen = () => page.locator('details[data-fold="ram"]').evaluate((d) => (d as unknown as { open: boolean }).open);
      assert.equal(await isOpen(), false, 'closed by default');
      await page.locator('details[data-fold="ram"] > summary').click();
      assert.equal(await isOpen(), true);
      await page.waitForTimeout(200);
      await page.reload({ waitUntil: 'load' });
      assert.equal(await isOpen(), true, 'open again after the page was replaced');
      await page.locator('details[data-fold="ram"] > summary').click();
      // The page saves its state on 'toggle', which fires a task after the click: let it run first.
      for (let i = 0; i < 50 && (await isOpen()); i++) await page.waitForTimeout(20);
      await page.waitForTimeout(200);
      await page.reload({ waitUntil: 'load' });
      assert.equal(await isOpen(), false, 'closed again after the page was replaced');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('narrow (360 px) and light theme: no horizontal overflow of the page, screenshots', async () => {
    for (const name of ['hyperplatform-laptop-8gb.log', 'surface-pro-7.dmesg']) {
      for (const [width, theme] of [[360, 'dark'], [360, 'light'], [1100, 'light']] as const) {
        const plan = planOf(name);
        const { page, errors } = await open(plan, name, width, theme, "'self' https://*.vscode-cdn.net");
        try {
          const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
          assert.ok(overflow <= 0, `${name} at ${width}px overflows by ${overflow}px`);
          assert.equal(await page.locator('svg.map g.seg').count(), plan.ram.length + plan.gaps.length);
          assert.deepEqual(errors, []);
          const base = name.replace(/[^a-z0-9-]+/gi, '-');
          await page.screenshot({ path: path.join(ARTIFACTS, `${base}-${theme}-${width}.png`), fullPage: true });
        } finally {
          await page.close();
        }
      }
    }
  });

  test('hover and keyboard focus states (screenshot)', async () => {
    const plan = planOf('surface-pro-7.dmesg');
    const { page } = await open(plan, 'surface-pro-7.dmesg', 900, 'dark');
    try {
      await page.locator('svg.map g.seg[data-key="gap-3"]').hover({ force: true });
      assert.equal(await page.locator('table.gaps tr[data-key="gap-3"].hl').count(), 1, 'hovering a segment highlights its row');
      await page.keyboard.press('Tab');
      await page.locator('svg.map g.seg[data-key="ram-1"]').focus();
      await page.keyboard.press('ArrowRight');
      const focused = await page.evaluate("document.activeElement && document.activeElement.getAttribute('data-key')");
      assert.equal(focused, 'gap-1');
      await page.locator('svg.map g.seg[data-key="gap-3"]').hover({ force: true });
      await page.locator('section[aria-labelledby="map-h"]').screenshot({ path: path.join(ARTIFACTS, 'surface-pro-7-map-hover-focus.png') });
    } finally {
      await page.close();
    }
  });

  test('6,000 RAM ranges: the gap table shows its first rows at once and the rest as the reader scrolls; row text is escaped', async () => {
    const ram = Array.from({ length: 6000 }, (_, i) => ({ start: (3 * i + 1) * 0x1000, end: (3 * i + 2) * 0x1000, line: i }));
    const plan = planMemoryMap(ram, { limit: 2 ** 32 });
    const evil = '<img src=x onerror="window.__pwned=1">';
    const { page, errors } = await open(plan, 'many', 1100, 'dark', undefined, { lineLabel: (l) => `${evil} ${l + 1}` });
    try {
      const rows = page.locator('table.gaps tbody tr[data-key]');
      const first = await rows.count();
      assert.ok(first > 0 && first < plan.gaps.length, `${first} of ${plan.gaps.length} rows at load`);
      assert.match(await page.locator('table.gaps tr.more').innerText(), new RegExp(`of ${formatCount(plan.gaps.length)} shown`));
      for (let i = 0; i < 100 && (await page.locator('table.gaps tr.more').count()); i++) {
        await page.locator('table.gaps tr.more').scrollIntoViewIfNeeded();
        // A locator, not waitForFunction's string: polling a string evaluates it in the page,
        // which the page's CSP refuses (a pageerror).
        await rows.nth(await rows.count()).waitFor({ state: 'attached', timeout: 5000 }).catch(() => {});
      }
      assert.equal(await rows.count(), plan.gaps.length);
      // Each row as the table showed it when it was built on the server.
      const g = plan.gaps.length - 2;
      const cells = await page.locator(`table.gaps tr[data-key="gap-${g}"] > td`).allInnerTexts();
      assert.deepEqual(cells.slice(2, 5), [`0x${plan.gaps[g].start.toString(16)}`, `0x${plan.gaps[g].end.toString(16)}`, formatSize(plan.gaps[g].end - plan.gaps[g].start)]);
      assert.equal(cells[0], String(g + 1));
      assert.equal(await page.locator(`table.gaps tr[data-key="gap-${g}"]`).getAttribute('aria-label'), `Gap ${g + 1}, reveal ${evil} ${plan.ram[plan.gaps[g].before!].inputs[0].line! + 1}`);
      assert.equal(await page.locator('table.gaps img').count(), 0, 'no element from a label');
      assert.equal(await page.evaluate('window.__pwned'), undefined);
      // The RAM table fills the same way once opened.
      // The RAM table is built when its fold first opens.
      assert.equal(await page.locator('table.ram tbody tr[data-key]').count(), 0, 'nothing built while folded');
      await page.locator('details[data-fold="ram"] > summary').click();
      await page.locator('table.ram tbody tr[data-key]').first().waitFor({ state: 'attached', timeout: 5000 });
      assert.equal(await page.locator('table.ram tr.more').count(), 1, 'the RAM table fills as you scroll too');
      assert.equal(await page.locator('table.ram tr[data-key="ram-0"] > td').nth(2).innerText(), `0x${plan.ram[0].start.toString(16)}`);
      assert.deepEqual(errors, []);
      await page.screenshot({ path: path.join(ARTIFACTS, 'many-ranges-table.png') });
    } finally {
      await page.close();
    }
  });
});
