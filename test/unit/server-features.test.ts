// The server's pure feature functions on the real samples: hints, hovers, diagnostics, lenses,
// symbols, commands and settings, without any LSP connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, InlayHint, MarkupContent, TextDocumentEdit } from 'vscode-languageserver';
import { Analysis } from '../../src/analysis';
import { decode, exportRequest, findAddress, parseAddressInput, reportRequest, summary } from '../../src/server/requests';
import { annotationText, computeDiagnostics, diagnosticSteps } from '../../src/server/diagnostics';
import { ITEMS_PER_STEP } from '../../src/planner';
import { gapLabel, pagesShort } from '../../src/server/describe';
import { HintData, hintTooltip, inlayHints } from '../../src/server/hints';
import { hover } from '../../src/server/hover';
import { type DocAnalysis, DocumentModel } from '../../src/server/model';
import { codeActions } from '../../src/server/code-actions';
import { codeLenses, lensTitle } from '../../src/server/lenses';
import { documentSymbols, foldingRanges } from '../../src/server/symbols';
import { RawSettings, resolveSettings } from '../../src/server/settings';
import { fixture } from '../support/fixtures';

function open(name: string, text = fixture(name)) {
  const model = new DocumentModel(`file:///t/${name}`, 1, text);
  return { model, analysis: new Analysis(model), lines: model.getText().split('\n') };
}
const all = { start: { line: 0, character: 0 }, end: { line: 1e9, character: 0 } };
const label = (h: InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
const hints = (a: DocAnalysis, raw: RawSettings = {}) => inlayHints(a, resolveSettings(raw), all).map((h) => `${h.position.line}: ${label(h)}`);
const hoverAt = (a: DocAnalysis, line: number, character: number, raw: RawSettings = {}): string => {
  const h: Hover | null = hover(a, resolveSettings(raw), { line, character });
  return h ? (h.contents as MarkupContent).value : '';
};
const find = (lines: string[], needle: string) => {
  const l = lines.findIndex((x) => x.includes(needle));
  assert.ok(l >= 0, `no line with ${needle}`);
  return { line: l, col: lines[l].indexOf(needle) };
};

test('settings: defaults, valid values, and fallbacks reported', () => {
  const d = resolveSettings(undefined);
  assert.deepEqual([d.limit, d.maxPage, d.ramPage, d.useMtrr, d.inlayHints, d.maxDiagnostics], [2 ** 39, '1G', '4K', true, true, 1000]);
  const s = resolveSettings({ limit: '0x1000000000', maxPage: '2M', ramPage: '2M', mmioMemoryType: 'uc', inlayHints: { enabled: false }, maxDiagnostics: 5 });
  assert.deepEqual([s.limit, s.maxPage, s.ramPage, s.useMtrr, s.inlayHints, s.maxDiagnostics, s.problems], [2 ** 36, '2M', '2M', false, false, 5, []]);
  const bad = resolveSettings({ limit: 'lots', maxPage: '3M' });
  assert.equal(bad.limit, 2 ** 39);
  assert.equal(bad.maxPage, '1G');
  assert.equal(bad.problems.length, 2);
});

test('labels: short forms within 43 characters', () => {
  assert.equal(pagesShort({ '4K': 1234, '2M': 0, '1G': 2 }), '1,234×4K 2×1G');
  assert.equal(pagesShort({ '4K': 0, '2M': 0, '1G': 0 }), '0 leaves');
  const g = { start: 0x9f000, end: 0x100000, pages: { '4K': 97, '2M': 0, '1G': 0 }, memoryType: 'UC' as const, pieces: [], runs: [], before: 3 };
  assert.equal(gapLabel(g), 'gap 388 KiB → 97×4K');
  assert.equal(gapLabel({ ...g, before: undefined }), 'tail 388 KiB → 97×4K');
  assert.equal(annotationText({ '4K': 63, '2M': 1, '1G': 0 }), '63 4KB-entries and 1 2MB-entry');
});

test('hints: Surface Pro 7 with its MTRR dump, and with mmioMemoryType uc (the README figures)', () => {
  const { analysis } = open('surface-pro-7.dmesg');
  const withMtrr = inlayHints(analysis, resolveSettings({}), all);
  const sum = (hs: InlayHint[]) => {
    const out: Record<string, number> = { '4K': 0, '2M': 0, '1G': 0 };
    for (const h of hs) for (const m of label(h).matchAll(/([\d,]+)×(4K|2M|1G)/g)) out[m[2]] += Number(m[1].replace(/,/g, ''));
    return out;
  };
  assert.deepEqual(sum(withMtrr), { '4K': 371, '2M': 714, '1G': 495 });
  assert.deepEqual(sum(inlayHints(analysis, resolveSettings({ mmioMemoryType: 'uc' }), all)), { '4K': 371, '2M': 202, '1G': 496 });
  for (const h of withMtrr) assert.ok(label(h).length <= 43, label(h));
});

test('hints: /proc/iomem hints only top-level System RAM lines; disabled by the setting; range-limited', () => {
  const { analysis, lines } = open('desktop-i7-2600.iomem');
  const hs = hints(analysis);
  for (const h of hs) {
    const line = lines[Number(h.split(':')[0])];
    assert.ok(/^[0-9a-f]/.test(line), `hint on a nested line: ${line}`);
  }
  assert.ok(hs.some((h) => h.includes('gap 776 MiB → 388×2M')));
  assert.deepEqual(inlayHints(analysis, resolveSettings({ inlayHints: { enabled: false } }), all), []);
  const one = Number(hs[2].split(':')[0]);
  const some = inlayHints(analysis, resolveSettings({}), { start: { line: one, character: 0 }, end: { line: one, character: 0 } });
  assert.deepEqual(some.map((h) => h.position.line), [one]);
  // Gaps sit on the hole they are (e820 `reserved`, iomem `PCI Bus`), not on the next RAM line.
  const hole = lines.findIndex((l) => l.startsWith('cf800000-cfffffff : RAM buffer'));
  assert.ok(hs.includes(`${hole}: gap 776 MiB → 388×2M`), JSON.stringify(hs));
  assert.ok(!hs.some((h) => /no gap/.test(h)), 'no "no gap" noise');
});

test('hints: a map wholly beyond a small limit, and the resolve tooltip', () => {
  const { analysis, lines } = open('hyperplatform-laptop-8gb.log');
  // The tail starts after the last RAM range inside the limit; one line's labels fit 43 characters together.
  assert.deepEqual(hints(analysis, { limit: '4G' }).slice(-3), ['7: gap 146×4K', '7: tail 408×2M 1×1G', '8: beyond the 4 GiB limit']);
  const tailHint = inlayHints(analysis, resolveSettings({}), all).find((h) => (h.data as HintData).kind === 'tail')!;
  assert.deepEqual(tailHint.position, { line: 8, character: lines[8].indexOf('000000026f600000') + 16 }, 'right after the end address');
  const tip = hintTooltip(analysis, resolveSettings({}), tailHint.data as HintData);
  assert.match(tip!.value, /### Tail `0x26f600000–0x8000000000`/);
  assert.match(tip!.value, /\| 502×1G \| `0x8040000000`|\| 502×1G \|/);
});

test('hover: memory-type words, MTRR lines, annotations, malformed input', () => {
  const mtrr = open('desktop-i7-2600.mtrr');
  const uc = find(mtrr.lines, 'uncachable');
  assert.match(hoverAt(mtrr.analysis, uc.line, uc.col + 2), /UC \(uncacheable, 0\)/);
  const base = find(mtrr.lines, 'base=0x22e000000');
  assert.match(hoverAt(mtrr.analysis, base.line, base.col + 8), /Variable-range MTRR 6\*\*: \*\*UC\*\*.*`0x22e000000–0x230000000` \(32 MiB\)/s);
  const i29 = open('hyperplatform-issue29.log');
  const ann = find(i29.lines, '0000000000100000 - 0000000000102000 .. 1 4KB-entry');
  const h = hoverAt(i29.analysis, ann.line, ann.col + 40);
  assert.match(h, /claims 1×4K; the plan for the gap `0x9f000–0x100000` is \*\*97×4K\*\*/);
  const bad = open('bad.log', 'Physical Memory Range: 00000000000zz000 - 0000000000100000\n');
  assert.match(hoverAt(bad.analysis, 0, 30), /not a hex number/);
});

test('hover: e820 inclusive end, non-RAM e820 line, KVM gpa against the map of the same document', () => {
  const { analysis, lines } = open('surface-pro-7.dmesg');
  const reserved = lines.findIndex((l) => /BIOS-e820: .* reserved/.test(l));
  const h = hoverAt(analysis, reserved, lines[reserved].length - 3);
  assert.match(h, /#### reserved range/);
  assert.match(h, /Not RAM: it lies in the gap/);
  const withTrace = open('mixed.log', fixture('hyperplatform-laptop-8gb.log') + fixture('kvm-trace.report'));
  const mmio = find(withTrace.lines, 'gpa 0xfee000b0');
  const t = hoverAt(withTrace.analysis, mmio.line, mmio.col + 6);
  assert.match(t, /is in a \*\*gap\*\*/);
  assert.match(t, /1G leaf\*\* at `0xc0000000`, memory type \*\*UC\*\*/);
  assert.match(t, /PML4\[0\] → PDPT\[3\] \(1G leaf\), offset `0x3ee000b0`/);
  const hs = hints(withTrace.analysis);
  assert.ok(hs.includes(`${mmio.line}: write · MMIO · 1G leaf UC`), JSON.stringify(hs));
});

test('diagnostics: issue 29 annotations, beyond-limit, 1G information, settings problems, cap', () => {
  const i29 = open('hyperplatform-issue29.log');
  const d = computeDiagnostics(i29.analysis, resolveSettings({}));
  const mism = d.filter((x) => x.code === 'annotation-mismatch');
  assert.equal(mism.length, 2);
  assert.equal(mism[0].message, 'claims 1×4K; the gap 0x9f000–0x100000 needs 97×4K');
  const fixes = codeActions(i29.analysis.model.uri, mism);
  const change = fixes[0].edit!.documentChanges![0] as TextDocumentEdit;
  assert.deepEqual(change.textDocument, { uri: i29.analysis.model.uri, version: 1 });
  assert.equal((change.edits[0] as { newText: string }).newText, '97 4KB-entries');
  const laptop = open('hyperplatform-laptop-8gb.log');
  const small = computeDiagnostics(laptop.analysis, resolveSettings({ limit: '8G' }));
  assert.deepEqual(small.map((x) => x.code), ['beyond-limit']);
  assert.match(small[0].message, /0x200000000–0x26f600000 \(1.74 GiB\) lies past the limit 0x200000000 \(eptLens.limit = 8G\)/);
  const twoM = computeDiagnostics(laptop.analysis, resolveSettings({ maxPage: '2M' }));
  assert.deepEqual(twoM.map((x) => [x.code, x.severity]), [['needs-1g-pages', 4]]);
  assert.match(twoM[0].message, /with 1 GiB pages this map would use 503×1G/);
  const badSetting = computeDiagnostics(laptop.analysis, resolveSettings({ limit: 'huge' }));
  assert.equal(badSetting[0].code, 'settings');
  assert.deepEqual(computeDiagnostics(i29.analysis, resolveSettings({ maxDiagnostics: 0 })), []);
  const iomem = open('desktop-i7-2600.iomem');
  assert.deepEqual(computeDiagnostics(iomem.analysis, resolveSettings({})).filter((x) => x.severity === 1), []);
});

test('code lens, symbols, folding', () => {
  const laptop = open('hyperplatform-laptop-8gb.log');
  assert.equal(lensTitle(laptop.analysis, resolveSettings({}), 0), 'EPT plan: 2,083,348 leaves · 4,078 tables (15.9 MiB) · gaps 373×4K 541×2M 503×1G');
  assert.equal(codeLenses(laptop.analysis, resolveSettings({})).length, 2);
  const surface = open('surface-pro-7.dmesg');
  const syms = documentSymbols(surface.analysis, resolveSettings({}));
  assert.deepEqual(syms.map((s) => s.kind), [3, 10]);
  assert.match(syms[1].name, /MTRRs \(dmesg\)/);
  assert.ok(foldingRanges(surface.analysis).length >= 2);
});

test('requests: export, summary, go to address, decode', () => {
  const laptop = open('hyperplatform-laptop-8gb.log');
  const s = resolveSettings({});
  const ctx = (o: ReturnType<typeof open>) => ({ analysis: o.analysis, settings: s });
  const json = JSON.parse(exportRequest(ctx(laptop), { uri: laptop.model.uri, format: 'json' }).text);
  assert.equal(json.bytes, 16703488);
  assert.equal(summary(ctx(laptop))!.text, 'EPT plan: 2,083,348 leaves · 4,078 tables');
  assert.equal(findAddress(ctx(laptop), '0x101000').line, 3);
  assert.equal(findAddress(ctx(laptop), '101000').line, 3);
  assert.equal(findAddress(ctx(laptop), '8cd60000').line, 5);
  assert.equal(findAddress(ctx(laptop), '4G').line, 8);
  assert.deepEqual([findAddress(ctx(laptop), '0x9000000000').kind], ['none']);
  assert.equal(findAddress(ctx(laptop), 'nope').kind, 'invalid');
  assert.equal(parseAddressInput('0x8000000000'), 2 ** 39);
  const iomem = open('desktop-i7-2600.iomem');
  const deep = findAddress(ctx(iomem), '0xd0000100');
  assert.match(iomem.lines[deep.line!], /vesafb/);
  assert.match(decode({ what: 'qualification', value: '181' }).markdown, /\| 8 \| access to the translation \| \*\*1\*\* \|/);
  assert.match(decode({ what: 'entry', value: '0x0000000040000087' }).markdown, /As a PDE.*As a PDPTE/s);
  assert.throws(() => decode({ what: 'entry', value: '0x1', level: 7 }), /level must be 1 to 4/);
  // Two maps: Markdown plans both, JSON takes the one at the cursor line.
  const two = open('two.log', fixture('hyperplatform-laptop-8gb.log') + 'driver reloaded\n' + fixture('hyperplatform-laptop-8gb.log').replace('0000000100000000 - 000000026f600000', '0000000100000000 - 0000000200000000'));
  assert.equal(two.analysis.maps().length, 2);
  const md = exportRequest(ctx(two), { uri: two.model.uri, format: 'md', allMaps: true });
  assert.equal(md.maps, 2);
  assert.match(md.text, /Map 1: .*Map 2: /s);
  const second = JSON.parse(exportRequest(ctx(two), { uri: two.model.uri, format: 'json', line: 13 }).text);
  assert.equal(second.ram[second.ram.length - 1].end, '0x200000000');
  const first = JSON.parse(exportRequest(ctx(two), { uri: two.model.uri, format: 'json', line: 2 }).text);
  assert.equal(first.ram[first.ram.length - 1].end, '0x26f600000');
  // Without a map or line: the default, the last usable map (as the CLI).
  const dflt = JSON.parse(exportRequest(ctx(two), { uri: two.model.uri, format: 'json' }).text);
  assert.equal(dflt.ram[dflt.ram.length - 1].end, '0x200000000');
  assert.match(summary(ctx(two))!.text, /\(map 2 of 2\)/);
});

test('diagnostics: overlapping MTRRs with undefined precedence, on the register lines; memory types in the tooltip', () => {
  const { analysis } = open('mtrr-conflict.dmesg');
  const d = computeDiagnostics(analysis, resolveSettings({}));
  const c = d.filter((x) => x.code === 'mtrr-conflict');
  assert.equal(c.length, 1);
  assert.equal(c[0].range.start.line, 5);
  assert.match(c[0].message, /MTRRs 0, 1 overlap at 0x40000000–0x80000000 with types WB and WC/);
  assert.deepEqual(computeDiagnostics(analysis, resolveSettings({ mmioMemoryType: 'uc' })).filter((x) => x.code === 'mtrr-conflict'), []);
  const gapHint = inlayHints(analysis, resolveSettings({}), all).find((h) => h.position.line === 2 && (h.data as HintData).kind === 'gap')!;
  const tip = hintTooltip(analysis, resolveSettings({}), gapHint.data as HintData);
  assert.match(tip!.value, /Memory types from the MTRR dump/);
  assert.match(tip!.value, /\| 96×4K \| `0xa0000` \| `0x100000` \| WB \|/);
  const ramTip = hintTooltip(analysis, resolveSettings({}), { uri: analysis.model.uri, version: 1, line: 2, kind: 'range' });
  assert.match(ramTip!.value, /\| 262,144×4K \| `0x40000000` \| `0x80000000` \| UC \|/);
});

test('hints and hovers on HyperPlatform EPT lines: [UNK1] PA against the map, pre-allocated table use', () => {
  const text = fixture('hyperplatform-laptop-8gb.log') + [
    '07:23:40.001\tDBG\t#1\t    4\t 7656\tSystem         \t[UNK1] VA = FFFFF78000000000, PA = 00000000fed00000',
    '07:23:40.002\tDBG\t#1\t    4\t 7656\tSystem         \t[UNK1] VA = FFFFF78000000000, PA = 000000000009f000',
    '07:23:41.000\tDBG\t#0\t    4\t 7656\tSystem         \tUsed pre-allocated entries  =  3 / 50',
  ].join('\n');
  const { analysis, lines } = open('hp.log', text);
  const hs = hints(analysis);
  assert.ok(hs.includes('9: EPT violation · MMIO · 1G leaf UC'), JSON.stringify(hs));
  assert.ok(hs.includes('10: EPT violation · MMIO · 4K leaf UC'), JSON.stringify(hs));
  assert.ok(hs.some((h) => /^11: plan: \d+ MMIO-only tables$/.test(h)), JSON.stringify(hs));
  const pa = find(lines, '000000000009f000');
  assert.match(hoverAt(analysis, pa.line, pa.col + 3), /\*\*0x9f000\*\* is in a \*\*gap\*\*.*before line 4/s);
  const vsc = find(lines, 'FFFFF78000000000');
  const va = hoverAt(analysis, vsc.line, vsc.col + 3);
  assert.match(va, /Guest-virtual address/);
  assert.doesNotMatch(va, /PML4|is in a|is \*\*RAM/, 'a guest virtual address is not explained as a physical one');
});

test('hover on bare hex words elsewhere: zero-padded physical addresses yes, 64-bit virtual addresses no', () => {
  const { analysis } = open('misc.log', fixture('hyperplatform-laptop-8gb.log') + 'GuestRip = FFFFF80002A1B2C3, mapped 000000000009f000 here\n');
  assert.equal(hoverAt(analysis, 9, 14), '');
  assert.match(hoverAt(analysis, 9, 40), /\*\*0x9f000\*\* is in a \*\*gap\*\*/);
});

test('/proc/iomem read without root: no hints, the lens and a diagnostic say why', () => {
  const { analysis } = open('noroot.iomem', '00000000-00000000 : reserved\n00000000-00000000 : System RAM\n00000000-00000000 : PCI Bus 0000:00\n');
  assert.deepEqual(hints(analysis), []);
  assert.equal(lensTitle(analysis, resolveSettings({}), 0), 'EPT plan: no usable RAM ranges in this map (/proc/iomem read without root)');
  assert.ok(computeDiagnostics(analysis, resolveSettings({})).some((d) => d.code === 'iomem-no-root' && d.severity === 1));
});

test('regression: the same map twice (a driver reload) keeps every gap hint of both copies', () => {
  const log = fixture('hyperplatform-laptop-8gb.log');
  const n = log.split('\n').length;
  const { analysis } = open('twice.log', `${log}driver reloaded\n${log}`);
  assert.equal(analysis.maps().length, 2);
  const s = resolveSettings({});
  const gapHints = inlayHints(analysis, s, all).filter((h) => /^(gap|tail)/.test(label(h)));
  // An independent count: each copy has 9 range lines with a gap before them and a tail.
  const perCopy = (from: number) => gapHints.filter((h) => h.position.line >= from && h.position.line < from + n - 1).length;
  assert.equal(perCopy(0), 10, 'first copy');
  assert.equal(perCopy(n), 10, 'second copy');
  // Asking again in the other order changes nothing: cached plans are not rewritten.
  const again = inlayHints(analysis, s, all).map((h) => `${h.position.line}:${label(h)}`);
  assert.deepEqual(again, inlayHints(analysis, s, all).map((h) => `${h.position.line}:${label(h)}`));
  const [a, b] = analysis.maps().map((m) => analysis.planFor(m, s));
  assert.notEqual(a.plan!.ram[0].inputs[0].line, b.plan!.ram[0].inputs[0].line);
  assert.equal(b.plan!.ram[0].inputs[0].line, a.plan!.ram[0].inputs[0].line! + n);
});

test('regression: one line for the tail gap: hint, go to address, outline, Markdown and the report agree', () => {
  // iomem: the tail [0x80000000, limit) holds the PCI Bus window (line 3): the hole line, by the
  // one rule (gapLines); before, the hint and Go to Address said one line, the outline and report another.
  const iomem = open('tail.iomem', '00000000-00000fff : reserved\n00001000-0009ffff : System RAM\n00100000-7fffffff : System RAM\nfe000000-fe0fffff : PCI Bus 0000:00\n');
  const s = resolveSettings({});
  const ctx = { analysis: iomem.analysis, settings: s };
  const want = 3;
  const tailHint = inlayHints(iomem.analysis, s, all).find((h) => (h.data as HintData).kind === 'tail')!;
  assert.equal(tailHint.position.line, want, 'hint');
  assert.equal(findAddress(ctx, '0x90000000').line, want, 'go to address');
  const tailSymbol = documentSymbols(iomem.analysis, s)[0].children!.find((c) => c.name.startsWith('tail'))!;
  assert.equal(tailSymbol.range.start.line, want, 'outline');
  const md = exportRequest(ctx, { uri: iomem.model.uri, format: 'md' }).text;
  assert.match(md, new RegExp(`\\| 3 \\| line ${want + 1} \\(tail\\) \\| \`0x80000000\``), 'Markdown');
  const html = reportRequest(ctx, { uri: iomem.model.uri, nonce: 'bm9uY2Vub25jZW5vbmNlMTI=', cspSource: 'vscode-webview:' }).html;
  // The gap table's rows as the page receives them (html.ts spanRows): [line, label, …].
  const gapRows = JSON.parse(/<script type="application\/json" data-rows="gap">([^<]*)<\/script>/.exec(html)![1]);
  assert.equal(gapRows[2][0], want, 'report');
});

test('regression: the default map is the last usable one for the editor too; an unusable map is not planned', () => {
  const noRoot = '00000000-00000000 : reserved\n00000000-00000000 : System RAM\n';
  const { analysis, model } = open('two.iomem', `00000000-0009ffff : System RAM\n00100000-7fffffff : System RAM\nLinux version 6.1\n${noRoot}`);
  assert.equal(analysis.maps().length, 2);
  const ctx = { analysis, settings: resolveSettings({}) };
  const json = JSON.parse(exportRequest(ctx, { uri: model.uri, format: 'json' }).text);
  assert.equal(json.ram[json.ram.length - 1].end, '0x80000000', 'the usable map, not the all-zero one after it');
  assert.throws(() => exportRequest(ctx, { uri: model.uri, format: 'json', map: 1 }), /no usable range line.*read without root/);
});

test('KVM trace summary: exits by reason, GPAs by region of the plan; without a map it says how to get one', async () => {
  const { traceSummary, traceLensTitle, traceMarkdown } = await import('../../src/server/trace-summary.js');
  const alone = open('kvm.report', fixture('kvm-trace.report'));
  const s = traceSummary(alone.analysis, resolveSettings({}))!;
  const lines = alone.lines;
  // Oracle: count the lines by hand with plain string tests.
  const exits = lines.filter((l) => l.includes('kvm_exit:'));
  assert.equal(s.exits, exits.length);
  assert.equal(s.firstLine, lines.findIndex((l) => /kvm_\w+:/.test(l)));
  const viol = exits.filter((l) => l.includes('reason EPT_VIOLATION')).length;
  assert.deepEqual(s.byReason.find(([r]) => r === 'EPT_VIOLATION'), ['EPT_VIOLATION', viol]);
  assert.match(traceLensTitle(s), /no memory map \(add dmesg e820 or \/proc\/iomem\)/);
  assert.match(traceMarkdown(s, 'kvm.report'), /dmesg \| grep -i e820/);
  const withMap = open('mixed.log', fixture('hyperplatform-laptop-8gb.log') + fixture('kvm-trace.report'));
  const m = traceSummary(withMap.analysis, resolveSettings({}))!;
  const addressed = withMap.lines.filter((l) => /kvm_mmio:|kvm_page_fault:/.test(l)).length;
  assert.equal(m.addressed, addressed);
  assert.equal(m.byRegion.reduce((n, [, c]) => n + c, 0), addressed);
  assert.ok(m.byRegion.some(([r]) => r.startsWith('gap 0x8d000000–0x100000000 · 1G leaf UC')), JSON.stringify(m.byRegion));
  assert.match(traceLensTitle(m), /^KVM trace: \d+ exits \(.*\) · \d+ GPAs in \d+ regions?$/);
  const lens = codeLenses(withMap.analysis, resolveSettings({})).find((l) => /^KVM trace:/.test(l.command!.title))!;
  assert.equal(lens.range.start.line, m.firstLine, 'on the first event line');
  assert.equal(lens.command!.command, 'eptLens.showTraceSummary');
  assert.match(String(lens.command!.arguments![0]), /## Exits by reason/);
});

test('issue 11: an ordinary 39-bit mask hovers as one block, not a non-contiguous one; settings physAddressBits and limit "phys"; the past-MAXPHYADDR warning', () => {
  const sp7 = open('surface-pro-7.dmesg');
  const reg0 = find(sp7.lines, '0 base 00C0000000 mask 7FC0000000');
  const h = hoverAt(sp7.analysis, reg0.line, reg0.col + 10);
  assert.match(h, /Covers `0xc0000000–0x100000000` \(1 GiB\)$/m);
  assert.doesNotMatch(h, /non-contiguous|0x80c0000000/);
  const s = resolveSettings({ limit: 'phys', physAddressBits: 36 });
  assert.deepEqual([s.limitPhys, s.physAddrBits, s.problems], [true, 36, []]);
  assert.match(resolveSettings({ physAddressBits: 60 }).problems[0], /eptLens\.physAddressBits '60' is not a physical address width/);
  const e6510 = open('real/dell-latitude-e6510-36bit.dmesg');
  const codes = (raw: RawSettings) => computeDiagnostics(e6510.analysis, resolveSettings(raw)).map((d) => [d.code, d.range.start.line, d.message]);
  const past = codes({}).filter((d) => d[0] === 'limit-past-maxphyaddr');
  assert.equal(past.length, 1);
  assert.equal(past[0][1], 31, 'on the MTRR dump, whose masks show the width');
  assert.match(String(past[0][2]), /512 GiB is past the 64 GiB physical address space .*eptLens\.limit "phys" maps exactly 64 GiB/);
  assert.deepEqual(codes({ limit: 'phys' }).filter((d) => d[0] === 'limit-past-maxphyaddr'), []);
  assert.equal(e6510.analysis.planFor(e6510.analysis.maps()[0], resolveSettings({ limit: 'phys' })).plan!.limit, 2 ** 36);
});

test("issue 11: AMD's 'TOM2:' line hovers with the range Linux (and the plan) types WB, and the RAM above 4 GiB hovers WB", () => {
  const ph = open('real/linuxhw-3nod-tgs215db-phenom-ii-4.1-tom2-ram-at-4g-plus-4k.dmesg');
  const t = find(ph.lines, 'TOM2: 0000000150000000');
  const h = hoverAt(ph.analysis, t.line, t.col + 10);
  assert.match(h, /\*\*AMD TOM2\*\* .*`0x150000000`/);
  assert.match(h, /`0x100000000–0x150000000` \*\*WB\*\* whatever the default type and the variable MTRRs say/);
  assert.equal(hoverAt(ph.analysis, t.line, 2), '', 'nothing on the timestamp');
  const ram = find(ph.lines, '0x0000000100001000-0x000000014fffffff');
  assert.match(hoverAt(ph.analysis, ram.line, ram.col + 4), /mapped by a \*\*4K leaf\*\* at `0x100001000`, memory type \*\*WB\*\*/);
});

test('issue 11 sources: an address on each More-sources line hovers like an e820 one (its range, the plan, the EPT walk), from the reader\'s record', () => {
  /** Hover at `word` (after `needle` on its line) in a fixture. */
  const at = (name: string, needle: string, word: string, raw: RawSettings = {}) => {
    const doc = open(name);
    const l = find(doc.lines, needle);
    const col = doc.lines[l.line].indexOf(word, l.col);
    assert.ok(col >= 0, `${word} after ${needle}`);
    return hoverAt(doc.analysis, l.line, col, raw);
  };
  const structured = (h: string, address: string, range: RegExp) => {
    assert.match(h, new RegExp(`^\\*\\*${address}\\*\\* is (\\*\\*RAM\\*\\*|in a \\*\\*gap\\*\\*)`), h);
    assert.match(h, /- EPT walk: PML4\[\d+\] → /);
    assert.match(h, /\n---\n/);
    assert.match(h, range);
  };
  // RAM maps: start and end fields, the end read back as the source prints it.
  structured(at('real/blog-rhel9-kvm-64g-sysfs-firmware-memmap.txt', 'memmap/3/start:', '0x100000'), '0x100000', /#### RAM range `0x100000–0xbff80000`[^]*from \/sys\/firmware\/memmap/);
  structured(at('real/blog-rhel9-kvm-64g-sysfs-firmware-memmap.txt', 'memmap/3/end:', '0xbff7ffff'), '0xbff7ffff', /#### RAM range `0x100000–0xbff80000`/);
  // The first entry's end line comes before the line its record (and so its map) is on.
  structured(at('real/blog-rhel9-kvm-64g-sysfs-firmware-memmap.txt', 'memmap/0/end:', '0x9fbff'), '0x9fbff', /#### RAM range `0x0–0x9fc00`/);
  assert.match(at('real/blog-rhel9-kvm-64g-sysfs-firmware-memmap.txt', 'memmap/3/type:', 'System RAM'), /^#### RAM range `0x100000–0xbff80000`/);
  structured(at('sources/qemu-mtree-i440fx.txt', '0000000000000000-000000003fffffff (prio 0, ram)', '000000003fffffff'), '0x3fffffff', /#### RAM range `0x0–0x40000000`[^]*from QEMU `info mtree`/);
  structured(at('sources/meminfo-virtualbox.txt', 'Range: 0000000000103000', '00000000DFFF0000'), '0xdfff0000', /#### RAM range `0x103000–0xdfff0000`[^]*from Windows `MemInfo -r`/);
  structured(at('real/xen-dom0-mem2048-amd-ht-hole-1t.dmesg', 'Xen: [mem 0x0000000000100000', '0x0000000000100000'), '0x100000', /#### RAM range `0x100000–/);
  structured(at('sources/hvpp-format.log', '2)    [', '00000000dfff0000'), '0xdfff0000', /#### RAM range `0x103000–0xdfff0000`[^]*from hvpp/);
  structured(at('sources/ksm-issue23.dmesg', 'Range: 0x0000000000100000', '0x000000003FFEBFFF'), '0x3ffebfff', /#### RAM range `0x100000–0x3ffec000`[^]*from ksm/);
  // ksm and gbhv fields include the `0x` the grammar colours with the number.
  structured(at('sources/ksm-issue23.dmesg', 'Range: 0x0000000000100000', '0x0000000000100000'), '0x100000', /#### RAM range/);
  // 2.4's SIZE @ START: the start is an address, the size is not (the range, no walk).
  const old = 'real/lkml-2001-sgi-quad-xeon-8g-e820-2.4-proc-mtrr.txt';
  structured(at(old, '@ 0000000000100000', '0000000000100000'), '0x100000', /#### RAM range `0x100000–0x3ff8000`/);
  const size = at(old, 'BIOS-e820: 0000000003ef8000 @', '0000000003ef8000');
  assert.match(size, /^#### RAM range `0x100000–0x3ff8000`/);
  assert.doesNotMatch(size, /EPT walk/);
  const pci = at('surface-pro-7.dmesg', 'root bus resource [mem 0x000a0000-0x000bffff window]', '0x000bffff');
  structured(pci, '0xbffff', /#### PCI Bus 0000\\:00 range `0xa0000–0xc0000`[^]*Not RAM: it lies in the gap/);
  // MTRR lists: the address, then the MTRR range and the list it came from.
  structured(at('sources/hvpp-format.log', '1) UC [', '0000000100000000'), '0x100000000', /\*\*Variable-range MTRR\*\* `0xc0000000–0x100000000` \(1 GiB\): \*\*UC\*\*[^]*hvpp MTRR range list/);
  structured(at('sources/ksm-issue23.dmesg', 'MTRR Range: 0x00000000000A0000', '0x00000000000AFFFF'), '0xaffff', /\*\*Fixed-range MTRR\*\* `0xa0000–0xb0000` \(64 KiB\): \*\*WB\*\*[^]*ksm MTRR range list/);
  const gbhv = at('sources/hyperdbg-issue29.log', 'Base=0xc0000000', '0xffffffff');
  assert.match(gbhv, /^\*\*0xffffffff\*\* — no memory map in this document[^]*\*\*Variable-range MTRR\*\* `0xc0000000–0x100000000` \(1 GiB\): \*\*UC\*\*[^]*gbhv\/HyperDbg\/airhv/);
  const cleanup = 'sources/mtrr-cleanup-dh87rl.dmesg';
  structured(at(cleanup, 'reg 2, base: 3584MB', '3584MB'), '0xe0000000', /\*\*Variable-range MTRR\*\* `0xe0000000–0x100000000` \(512 MiB\): \*\*UC\*\*[^]*original variable MTRRs/);
  assert.match(at(cleanup, 'reg 2, base: 3584MB', '512MB'), /^\*\*Variable-range MTRR\*\*/, 'range: is a size, not an address');
  assert.match(at(cleanup, 'reg 2, base: 3584MB', 'UC'), /\*\*Variable-range MTRR\*\*[^]*\*\*UC \(uncacheable, 0\)\*\*/);
});

test('ksm EPT/VPID caps: decoded on hover; a CPU without 1 GiB (or 2 MiB) EPT pages says so and suggests eptLens.maxPage', () => {
  const ksm = open('sources/ksm-issue23.dmesg');
  const caps = find(ksm.lines, '0x00000F0106134141');
  const h = hoverAt(ksm.analysis, caps.line, caps.col + 4);
  assert.match(h, /^#### IA32_VMX_EPT_VPID_CAP `0x00000f0106134141`/);
  assert.match(h, /Largest EPT leaf: \*\*1G\*\*; the plan's leaves go up to 1G/);
  assert.match(h, /\| 17 \| 1 GiB pages \(EPT PDPTE bit 7\) \| yes \|/);
  assert.match(h, /\| 21 \| accessed and dirty flags for EPT \(EPTP bit 6\) \| no \|/);
  // The same caps without bit 17, verbatim from https://github.com/asamy/ksm/issues/19 (rohaaan,
  // 2017-03-14: ksm.sys on Win7 x64 in VMware Player). Inline, not a fixture file: every fixture
  // line also feeds the prefilter property test's generator.
  const vmware = open('ksm-issue19.log', [
    'ksm: CPU 2: ksm_init: EPT/VPID caps: 0x00000F0106114141',
    'ksm: CPU 2: ksm_init: 3 physical memory ranges',
    'ksm: CPU 2: ksm_init: Range: 0x0000000000001000 -> 0x000000000009F000',
    'ksm: CPU 2: ksm_init: Range: 0x0000000000100000 -> 0x000000007FEE0000',
    'ksm: CPU 2: ksm_init: Range: 0x000000007FF00000 -> 0x0000000080000000',
  ].join('\n'));
  const v = find(vmware.lines, '0x00000F0106114141');
  const n = hoverAt(vmware.analysis, v.line, v.col + 4);
  assert.match(n, /\*\*This CPU has no 1 GiB EPT pages\*\* \(bit 17 clear\), but the plan uses leaves up to 1G .*Set `eptLens\.maxPage` to `2M` \(CLI: `--max-page 2M`\)/);
  assert.match(hoverAt(vmware.analysis, v.line, v.col + 4, { maxPage: '2M' }), /Largest EPT leaf: \*\*2M\*\* \(no 1 GiB pages: bit 17 clear\); the plan's leaves go up to 2M/);
  // Windows ksm prints exclusive ends: the end field is the first byte after the range.
  const end = find(vmware.lines, '-> 0x000000007FEE0000');
  assert.match(hoverAt(vmware.analysis, end.line, end.col + 5), /^\*\*0x7fee0000\*\* is in a \*\*gap\*\*[^]*#### RAM range `0x100000–0x7fee0000`/);
  const no2m = open('no2m.dmesg', 'ksm: CPU 1: ksm_init: EPT/VPID caps: 0x0000000006004141\n');
  assert.match(hoverAt(no2m.analysis, 0, 45), /no 2 MiB or 1 GiB EPT pages\*\* \(bits 16 and 17 clear\).*`--max-page 4K`/);
  assert.equal(hoverAt(ksm.analysis, caps.line, 5), '', 'only the value hovers');
  // And as a diagnostic on the value, not only in the hover: RAM ends at 2 GiB, so [2 GiB, 512 GiB)
  // is 510 1G leaves this CPU can't load.
  const capsProblems = (a: DocAnalysis, raw: RawSettings = {}) => computeDiagnostics(a, resolveSettings(raw)).filter((d) => d.code === 'ept-page-not-allowed');
  const [d, ...more] = capsProblems(vmware.analysis);
  assert.equal(more.length, 0);
  assert.equal(d.severity, 2);
  assert.deepEqual([d.range.start, d.range.end], [{ line: v.line, character: v.col }, { line: v.line, character: v.col + '0x00000F0106114141'.length }]);
  assert.match(d.message, /EPT\/VPID caps 0x00000F0106114141 allow EPT pages up to 2M only, but the plan has 510×1G leaves[^]*set eptLens\.maxPage 2M/);
  assert.equal(capsProblems(vmware.analysis, { maxPage: '2M' }).length, 0, 'a plan the CPU can load');
  assert.equal(capsProblems(ksm.analysis).length, 0, 'ksm#23 allows 1G pages');
});


test('diagnostics of a big map run in steps of ITEMS_PER_STEP ranges: its records, its checks and its annotations each yield', () => {
  const n = 5 * ITEMS_PER_STEP;
  const h = (x: number) => x.toString(16).padStart(16, '0');
  const lines = Array.from({ length: n }, (_, i) => `Physical Memory Range: ${h(0x10000 * i + 0x1000)} - ${h(0x10000 * i + 0x9000)}`);
  const big = open('big.log', lines.join('\n') + '\n');
  const settings = resolveSettings({});
  const steps = diagnosticSteps(big.analysis, settings);
  let yields = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) yields++;
  // One pass over the records, one over the ranges' checks, one over the annotations: 5 yields each at least.
  assert.ok(yields >= 3 * (n / ITEMS_PER_STEP), `${yields} yields for ${n} ranges`);
  assert.deepEqual(step.value, computeDiagnostics(big.analysis, settings));
});
