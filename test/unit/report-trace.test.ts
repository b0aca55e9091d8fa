// The plan report's "KVM trace" section (issue 14): the same tables as the trace summary page
// (src/server/trace-summary.ts traceTables), rendered when the document holds KVM events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../../src/analysis';
import { reportRequest } from '../../src/server/requests';
import { DocumentModel } from '../../src/server/model';
import { resolveSettings } from '../../src/server/settings';
import { traceMarkdown, traceSummary } from '../../src/server/trace-summary';
import { fixture } from '../support/fixtures';

const E820 = [
  '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
  '[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable',
].join('\n');

test('report: a KVM trace beside a memory map gets a "KVM trace" section with the summary page\'s rows', () => {
  const model = new DocumentModel('file:///t/trace.eptlog', 1, `${E820}\n${fixture('kvm-trace.report')}`);
  const analysis = new Analysis(model);
  const settings = resolveSettings({});
  const html = reportRequest({ analysis, settings } as never, { uri: model.uri, nonce: 'bm9uY2Vub25jZW5vbmNlMTI=', cspSource: 'vscode-webview:' } as never).html;
  const s = traceSummary(analysis as never, settings)!;
  assert.ok(s && s.exits > 0);
  assert.match(html, new RegExp(`<h2 id="trace-h">KVM trace \\(${s.exits} exits\\)</h2>`));
  const md = traceMarkdown(s, 'trace.eptlog');
  // Every reason and region row of the Markdown page is a row of the section.
  for (const [reason] of s.byReason) {
    assert.ok(md.includes(`| ${reason} |`));
    assert.match(html, new RegExp(`<tr><th scope="row">${reason}</th>`), reason);
  }
  assert.equal((html.match(/<table class="spans trace-regions">[\s\S]*?<\/table>/)?.[0].match(/<tr>/g) ?? []).length - 1, s.byRegion.length);
  assert.match(html, new RegExp(`data-line="${s.firstLine}"`));
  assert.match(html, /<details data-fold="trace" open>/);
});

test('report: no trace, no "KVM trace" section', () => {
  const model = new DocumentModel('file:///t/e820.dmesg', 1, E820);
  const html = reportRequest({ analysis: new Analysis(model), settings: resolveSettings({}) } as never, { uri: model.uri, nonce: 'bm9uY2Vub25jZW5vbmNlMTI=', cspSource: 'vscode-webview:' } as never).html;
  assert.doesNotMatch(html, /trace-h/);
});
