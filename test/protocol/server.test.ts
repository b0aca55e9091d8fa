// The bundled language server spoken to over stdio, as an editor would: exact planned counts in
// the hints, hovers, edits, settings, diagnostics, quick fixes, custom requests and isolation of
// failing requests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import {
  CodeAction, CodeActionRequest, CodeLens, CodeLensRequest, Diagnostic, DocumentSymbol, DocumentSymbolRequest, FoldingRangeRequest,
  Hover, HoverRequest, InlayHint, InlayHintResolveRequest, MarkupContent, TextDocumentEdit, TextEdit,
} from 'vscode-languageserver-protocol';
import { fixture, fixturePath } from '../support/fixtures';
import { Client, label, startServer } from './lsp';

const LAPTOP = 'file:///test/hyperplatform-laptop-8gb.log';
const ISSUE29 = 'file:///test/hyperplatform-issue29.log';
const KVM = 'file:///test/kvm-trace.report';
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));
const hoverText = (h: Hover | null): string => (h ? (h.contents as MarkupContent).value : '');
const at = (hs: InlayHint[]) => hs.map((h) => `${h.position.line}: ${label(h)}`);

/** Sums `N×4K` etc. over hint labels. */
function sumLabels(hs: InlayHint[]): Record<string, number> {
  const out: Record<string, number> = { '4K': 0, '2M': 0, '1G': 0 };
  for (const h of hs) for (const m of label(h).matchAll(/([\d,]+)×(4K|2M|1G)/g)) out[m[2]] += Number(m[1].replace(/,/g, ''));
  return out;
}

describe('EPT Lens server over stdio', () => {
  let c: Client;
  const laptop = fixture('hyperplatform-laptop-8gb.log');

  before(async () => {
    c = await startServer({}, { EPT_LENS_SELFTEST: '1' });
    c.open(LAPTOP, laptop);
  });
  after(async () => {
    await c.close();
  });

  test('initialize: capabilities, and no executeCommandProvider (the client owns the commands)', () => {
    const caps = c.init.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.deepEqual(caps.inlayHintProvider, { resolveProvider: true });
    assert.equal(caps.hoverProvider, true);
    assert.ok(caps.codeLensProvider && caps.documentSymbolProvider && caps.foldingRangeProvider && caps.codeActionProvider);
    assert.equal(caps.executeCommandProvider, undefined);
  });

  test('inlay hints over the whole laptop log: exact counts, 97×4K before 0x100000, the tail to 512 GiB', async () => {
    const hs = await c.hints(LAPTOP);
    assert.deepEqual(at(hs), [
      '0: gap 84 KiB → 21×4K',
      '1: gap 4 KiB → 1×4K',
      '2: gap 4 KiB → 1×4K',
      '3: gap 388 KiB → 97×4K',
      '4: gap 4 KiB → 1×4K',
      '5: gap 252 KiB → 63×4K',
      '6: gap 172 KiB → 43×4K',
      '7: gap 584 KiB → 146×4K',
      // Both on the last line: together within VS Code's 43-character cut, so without the sizes.
      '8: gap 408×2M 1×1G',
      '8: tail 133×2M 502×1G',
    ]);
    assert.deepEqual(sumLabels(hs), { '4K': 373, '2M': 541, '1G': 503 });
    const l = lineOf(laptop, '0000000000100000 - 0000000000102000');
    assert.equal(l, 3);
    const perLine = new Map<number, number>();
    for (const h of hs) {
      perLine.set(h.position.line, (perLine.get(h.position.line) ?? 0) + label(h).length);
      const text = laptop.split('\n')[h.position.line];
      // Right after the end address (the second 16-digit hex number), not at the far end of the line.
      const m = /Physical Memory Range: [0-9a-f]{16} - [0-9a-f]{16}/i.exec(text)!;
      assert.equal(h.position.character, m.index + m[0].length);
    }
    for (const [line, n] of perLine) assert.ok(n <= 43, `line ${line}: ${n} characters of hints`);
  });

  test('only the requested range is answered', async () => {
    const hs = await c.hints(LAPTOP, 3, 4);
    assert.deepEqual(at(hs), ['3: gap 388 KiB → 97×4K', '4: gap 4 KiB → 1×4K']);
  });

  test('inlayHint/resolve fills in the tooltip lazily', async () => {
    const hs = await c.hints(LAPTOP, 3, 3);
    assert.equal(hs[0].tooltip, undefined);
    const r = await c.conn.sendRequest(InlayHintResolveRequest.type, hs[0]);
    const tip = (r.tooltip as MarkupContent).value;
    assert.match(tip, /0x9f000–0x100000/);
    assert.match(tip, /97×4K/);
  });

  test('hover on an address: RAM, the leaf, EPT indices', async () => {
    const line = laptop.split('\n')[3];
    const h = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: LAPTOP }, position: { line: 3, character: line.indexOf('0000000000100000') + 5 } });
    const text = hoverText(h);
    assert.match(text, /is \*\*RAM\*\*/);
    assert.match(text, /4K leaf\*\* at `0x100000`/);
    assert.match(text, /PML4\[0\] → PDPT\[0\] → PD\[0\] → PT\[256\]/);
    assert.match(text, /Gap before it\*\* `0x9f000–0x100000`/);
    assert.deepEqual(h!.range!.start, { line: 3, character: line.indexOf('0000000000100000') });
  });

  test('hover on the end of the last range (exclusive end → first byte of the tail gap): a 2M leaf', async () => {
    const lines = laptop.split('\n');
    const line = lines[8];
    const h = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: LAPTOP }, position: { line: 8, character: line.indexOf('000000026f600000') + 3 } });
    const text = hoverText(h);
    assert.match(text, /\*\*0x26f600000\*\* is in a \*\*gap\*\*/);
    assert.match(text, /2M leaf\*\* at `0x26f600000`/);
  });

  test('code lens: EPT plan totals (the laptop figures) with report and JSON actions', async () => {
    const lenses = (await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: LAPTOP } })) as CodeLens[];
    assert.equal(lenses.length, 2);
    assert.equal(lenses[0].command!.title, 'EPT plan: 2,083,348 leaves · 4,078 tables (15.9 MiB) · gaps 373×4K 541×2M 503×1G');
    assert.equal(lenses[0].command!.command, 'eptLens.showPlanReport');
    assert.deepEqual(lenses[0].command!.arguments, [LAPTOP, 0]);
    assert.equal(lenses[1].command!.command, 'eptLens.copyPlanJson');
  });

  test('document symbols (a map with its gaps) and folding', async () => {
    const syms = (await c.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: LAPTOP } })) as DocumentSymbol[];
    assert.equal(syms.length, 1);
    assert.equal(syms[0].children!.length, 10);
    assert.equal(syms[0].children![3].name, 'gap 0x9f000–0x100000');
    assert.equal(syms[0].children![3].range.start.line, 3);
    const folds = await c.conn.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: LAPTOP } });
    assert.deepEqual(folds!.map((f) => [f.startLine, f.endLine]), [[0, 8]]);
  });

  test('custom requests: plan JSON / Markdown, go to address, decode', async () => {
    const json = await c.request<{ text: string }>('eptLens/plan', { uri: LAPTOP, format: 'json' });
    const plan = JSON.parse(json.text);
    assert.deepEqual(plan.totals.mmio, { '4K': 373, '2M': 541, '1G': 503 });
    assert.deepEqual(plan.tables, { pml4: 1, pdpt: 1, pd: 9, pt: 4067 });
    const md = await c.request<{ text: string }>('eptLens/plan', { uri: LAPTOP, format: 'md' });
    assert.match(md.text, /^# /);
    assert.match(md.text, /\| 373 \|/);
    const go = await c.request<{ line: number; kind: string }>('eptLens/findAddress', { uri: LAPTOP, address: '0x101000' });
    assert.equal(go.line, 3);
    assert.equal(go.kind, 'ram');
    const go2 = await c.request<{ line: number }>('eptLens/findAddress', { uri: LAPTOP, address: '0x8cd60000' });
    assert.equal(go2.line, 5);
    const gap = await c.request<{ line: number; kind: string }>('eptLens/findAddress', { uri: LAPTOP, address: '0xa0000' });
    assert.deepEqual([gap.line, gap.kind], [3, 'gap']);
    const q = await c.request<{ markdown: string }>('eptLens/decode', { what: 'qualification', value: '0x181' });
    assert.match(q.markdown, /\| 0 \| data read \| \*\*1\*\* \|/);
    assert.match(q.markdown, /not present/);
    const io = await c.request<{ markdown: string }>('eptLens/decode', { what: 'qualification', value: 'IO_INSTRUCTION 0x3f80008' });
    assert.match(io.markdown, /\| 31:16 \| port \| 0x3f8 \|/);
    const e = await c.request<{ markdown: string }>('eptLens/decode', { what: 'entry', value: '0x0000000000100077' });
    assert.match(e.markdown, /WB/);
    const pasted = await c.request<{ markdown: string }>('eptLens/decode', { what: 'entry', value: '600000012345b77 (rwx)' });
    assert.match(pasted.markdown, /As a PTE/);
    await assert.rejects(c.request('eptLens/decode', { what: 'entry', value: 'zzz' }), /not a hex EPT entry/);
  });

  test('an exception in one request answers that request with an error; the server keeps serving', async () => {
    await assert.rejects(c.request('eptLens/selfTest', { throw: true }), /deliberate exception/);
    const ok = await c.request<{ ok: boolean }>('eptLens/selfTest', {});
    assert.equal(ok.ok, true);
    const hs = await c.hints(LAPTOP, 3, 3);
    assert.equal(label(hs[0]), 'gap 388 KiB → 97×4K');
    await assert.rejects(c.request('eptLens/plan', { uri: 'file:///not/open.log', format: 'md' }), /not open/);
  });

  test('hints on a KVM trace: decoded accesses and EPT indices', async () => {
    const text = fixture('kvm-trace.report');
    c.open(KVM, text);
    const hs = await c.hints(KVM);
    const lines = text.split('\n');
    const byNeedle = (needle: string) => hs.filter((h) => lines[h.position.line].includes(needle)).map(label);
    assert.deepEqual(byNeedle('info1 0x0000000000000181'), ['read · not present']);
    assert.deepEqual(byNeedle('gpa 0xfee000b0'), ['write · EPT 0/3/503/0']);
    const l = lineOf(text, 'info1 0x0000000000000181');
    const h = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: KVM }, position: { line: l, character: lines[l].indexOf('info1 0x') + 8 } });
    assert.match(hoverText(h), /\| 2:0 \| access \| read \|/);
    const s = lineOf(text, 'spte 6000000100bd7b77');
    const hs2 = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: KVM }, position: { line: s, character: lines[s].indexOf('6000000100bd7b77') + 2 } });
    assert.match(hoverText(hs2), /PTE/);
    assert.match(hoverText(hs2), /write-back/);
  });
});

describe('edits, settings and diagnostics', () => {
  let c: Client;
  before(async () => {
    c = await startServer();
  });
  after(async () => {
    await c.close();
  });

  test('hints follow edits (incremental didChange)', async () => {
    const uri = 'file:///test/edit.log';
    const text = fixture('hyperplatform-laptop-8gb.log');
    c.open(uri, text);
    const line3 = text.split('\n')[3];
    const col = line3.indexOf('0000000000100000');
    // 0x100000 → 0x101000: the gap before grows by one page.
    c.change(uri, 2, [{ range: { start: { line: 3, character: col + 12 }, end: { line: 3, character: col + 13 } }, text: '1' }]);
    let hs = await c.hints(uri, 3, 3);
    assert.equal(label(hs[0]), 'gap 392 KiB → 98×4K');
    // Insert two lines at the top: everything moves down by two.
    c.change(uri, 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'hello\nworld\n' }]);
    hs = await c.hints(uri);
    assert.equal(hs[0].position.line, 2);
    assert.equal(label(hs.find((h) => h.position.line === 5)!), 'gap 392 KiB → 98×4K');
    // Delete the last range line: the tail now starts at 0x8d000000.
    c.change(uri, 4, [{ range: { start: { line: 10, character: 0 }, end: { line: 11, character: 0 } }, text: '' }]);
    hs = await c.hints(uri);
    assert.equal(label(hs[hs.length - 1]), 'tail 408×2M 509×1G');
    assert.equal(hs[hs.length - 1].position.line, 9);
    // Replace the whole document.
    c.change(uri, 5, [{ text: text.split('\n').slice(0, 4).join('\n') }]);
    hs = await c.hints(uri);
    assert.equal(hs.length, 5);
    assert.equal(label(hs[3]), 'gap 97×4K', 'shares the last line with the tail');
  });

  test('workspace/didChangeConfiguration: eptLens.limit changes the tail hint and the server asks for a refresh', async () => {
    const uri = 'file:///test/limit.log';
    c.open(uri, fixture('hyperplatform-laptop-8gb.log'));
    let hs = await c.hints(uri, 8, 8);
    assert.equal(label(hs[1]), 'tail 133×2M 502×1G');
    const before = c.refreshes.inlayHint;
    c.configure({ limit: '64G' });
    const deadline = Date.now() + 5000;
    while (c.refreshes.inlayHint === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(c.refreshes.inlayHint > before, 'no workspace/inlayHint/refresh after the settings changed');
    assert.ok(c.refreshes.codeLens > 0, 'no workspace/codeLens/refresh after the settings changed');
    hs = await c.hints(uri, 8, 8);
    assert.equal(label(hs[1]), 'tail 133×2M 54×1G');
    c.configure({ limit: '64G', maxPage: '2M' });
    hs = await c.hints(uri, 8, 8);
    assert.equal(label(hs[0]), 'gap 920×2M');
    c.configure({ inlayHints: { enabled: false } });
    assert.deepEqual(await c.hints(uri), []);
    c.configure({ limit: '4G' });
    hs = await c.hints(uri, 8, 8);
    assert.deepEqual(hs.map(label), ['beyond the 4 GiB limit']);
    assert.ok((await c.hints(uri, 7, 7)).map(label).includes('tail 408×2M 1×1G'), 'the tail starts after the last RAM inside the limit');
    const d = await c.waitDiagnostics(uri, (p) => p.diagnostics.some((x) => x.code === 'beyond-limit'));
    assert.match(d.diagnostics.find((x) => x.code === 'beyond-limit')!.message as string, /past the limit 0x100000000/);
    c.configure({});
  });

  test('diagnostics: the wrong hand annotations of issue 29, not the right ones; the quick fix rewrites them', async () => {
    const text = fixture('hyperplatform-issue29.log');
    c.open(ISSUE29, text);
    const p = await c.waitDiagnostics(ISSUE29, (x) => x.diagnostics.length > 0);
    const mism = p.diagnostics.filter((d) => d.code === 'annotation-mismatch');
    const wrong = lineOf(text, '0000000000100000 - 0000000000102000');
    assert.deepEqual(mism.map((d) => d.range.start.line), [wrong, lineOf(text, '000000008cd53000 - 000000008cd64000')]);
    assert.equal(mism[0].message, 'claims 1×4K; the gap 0x9f000–0x100000 needs 97×4K');
    assert.equal(mism[1].message, 'claims 31×4K 1×2M; the gap 0x8cd14000–0x8cd53000 needs 63×4K');
    assert.equal(mism[0].severity, 2);
    const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: ISSUE29 },
      range: mism[0].range,
      context: { diagnostics: [mism[0]] },
    })) as CodeAction[];
    assert.equal(actions.length, 1);
    const change = actions[0].edit!.documentChanges![0] as TextDocumentEdit;
    assert.deepEqual(change.textDocument, { uri: ISSUE29, version: 1 }, 'the edit names the version it was computed for');
    const edit = change.edits[0] as TextEdit;
    assert.equal(edit.newText, '97 4KB-entries');
    const line = text.split('\n')[wrong];
    const fixed = line.slice(0, edit.range.start.character) + edit.newText + line.slice(edit.range.end.character);
    assert.equal(fixed, line.replace('.. 1 4KB-entry', '.. 97 4KB-entries'), 'only the counts change');
    c.change(ISSUE29, 2, [{ range: edit.range, text: edit.newText }]);
    const after = await c.waitDiagnostics(ISSUE29, (x) => x.version === 2);
    assert.deepEqual(after.diagnostics.filter((d: Diagnostic) => d.code === 'annotation-mismatch').map((d) => d.range.start.line), [lineOf(text, '000000008cd53000')]);
  });

  test('diagnostics are capped by eptLens.maxDiagnostics', async () => {
    const uri = 'file:///test/bad.log';
    const bad = Array.from({ length: 50 }, (_, i) => `Physical Memory Range: 00000000000${i}zz000 - 0000000000100000`).join('\n');
    c.configure({ maxDiagnostics: 10 });
    c.open(uri, bad);
    const p = await c.waitDiagnostics(uri, (x) => x.diagnostics.length > 0);
    assert.equal(p.diagnostics.length, 10);
    assert.match(p.diagnostics[9].message as string, /more problems not shown/);
    c.configure({});
  });

  test('eptLens/planFile streams a file from disk', async () => {
    const r = await c.request<{ markdown: string; lines: number }>('eptLens/planFile', { uri: pathToFileURL(fixturePath('hyperplatform-laptop-8gb.log')).href, workDoneToken: 'tok-1' });
    assert.equal(r.lines, 9);
    assert.match(r.markdown, /\| 373 \|/);
    assert.match(r.markdown, /\[hyperplatform-laptop-8gb\.log:4\]\(file:\/\/\/\S+\/hyperplatform-laptop-8gb\.log#L4\)/, 'line labels link back to the log');
    const kinds = (c.progress.get('tok-1') ?? []).map((p) => p.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds[kinds.length - 1], 'end');
    await assert.rejects(c.request('eptLens/planFile', { uri: pathToFileURL('/no/such/file.log').href }), /ENOENT/);
    await assert.rejects(c.request('eptLens/planFile', { uri: '/no/such/file.log' }), (e: { code?: number; message: string }) => e.code === -32602 && /file: URIs only/.test(e.message));
  });
});
