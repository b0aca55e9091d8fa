// Plan Log File on a multi-boot log: identical maps folded (count and lines), a summary first,
// progress ending at 100%, and the page under the CSP with the file's title.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { planChunks, slices, type ProgressStep } from '../../src/server/planfile';
import { resolveSettings } from '../../src/server/settings';

const NONCE = 'bm9uY2Uxe2Q3NGE5OGY0YmM';
const fixture = fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'surface-pro-7.dmesg'), 'utf8');

test('Plan Log File folds identical boots into one entry with their count and lines, summary first, progress to 100%', async () => {
  const boots = 40;
  const text = Array.from({ length: boots }, () => fixture.trimEnd()).join('\n') + '\n';
  const lines = text.split('\n').length - 1;
  const steps: ProgressStep[] = [];
  const r = await planChunks({ uri: 'file:///logs/many.dmesg', chunks: slices(new TextEncoder().encode(text), 4096), total: Buffer.byteLength(text) },
    resolveSettings({}), (s) => steps.push(s), () => false, { nonce: NONCE, cspSource: 'https://*.vscode-cdn.net' });
  assert.equal(r.maps, boots);
  assert.equal(r.distinct, 1);
  assert.equal(r.boots, fixture.split('\n').filter((l) => l.includes('Linux version')).length * boots);
  assert.match(r.markdown, /^# EPT plan — many\.dmesg/);
  assert.match(r.markdown, new RegExp(`\\| A \\| .* \\| ${boots} \\| `));
  assert.equal((r.markdown.match(/^# Map A/gm) ?? []).length, 1, 'one plan for the 40 identical maps');
  const html = r.html!;
  assert.ok(html.indexOf('data-summary="file"') < html.indexOf('id="maps-h"'), 'summary before the maps');
  assert.match(html, /<title>EPT plan — many\.dmesg<\/title>/);
  assert.match(html, new RegExp(`data-count="0">${boots}×`));
  assert.match(html, new RegExp(`data-summary="lines">${lines.toLocaleString('en-US')}<`));
  assert.match(html, /all 40 lines/);
  assert.equal(steps[steps.length - 1].percentage, 100);
  assert.ok(steps[steps.length - 1].final);
  for (let i = 1; i < steps.length; i++) assert.ok(steps[i].percentage >= steps[i - 1].percentage, 'progress never goes back');
});

test('Plan Log File on a dmesg whose ring buffer had dropped the boot: the cause, in the Markdown and on the page', async () => {
  const text = fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'linuxhw-dell-r410-6.0-ring-buffer-wrapped.dmesg'), 'utf8');
  const r = await planChunks({ uri: 'file:///logs/wrapped.dmesg', chunks: slices(new TextEncoder().encode(text), 97), total: Buffer.byteLength(text) },
    resolveSettings({}), () => undefined, () => false, { nonce: NONCE, cspSource: 'https://*.vscode-cdn.net' });
  assert.equal(r.maps, 0);
  assert.match(r.markdown, /No memory map in this file: the log starts 21 days after boot \(line 2, \[1819496\.893649\]\): .*ring buffer dropped them/);
  assert.match(r.html!, /No memory map in this file: the log starts 21 days after boot/);
  // A file without timestamps keeps the general message.
  const plain = await planChunks({ uri: 'file:///logs/x.txt', chunks: slices(new TextEncoder().encode('hello\nworld\n')), total: 12 }, resolveSettings({}));
  assert.match(plain.markdown, /No memory map in this file \(HyperPlatform, e820/);
});
