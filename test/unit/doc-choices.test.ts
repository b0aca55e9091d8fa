// Choose Memory Map… and Use MTRRs from File… in the server's pure functions: the map list, the
// chosen map in every request that picks one, and a paired /proc/mtrr file planned exactly as
// `ept-plan --mtrr FILE` plans it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MarkupContent } from 'vscode-languageserver';
import { Analysis, chooseMap, mtrrSourceNote, readMtrrFile } from '../../src/analysis';
import { scanText } from '../../src/formats';
import { exportRequest, mapList, readPairedMtrr, reportRequest, summary } from '../../src/server/requests';
import { computeDiagnostics } from '../../src/server/diagnostics';
import { hintTooltip, inlayHints } from '../../src/server/hints';
import { hover } from '../../src/server/hover';
import { DocumentModel } from '../../src/server/model';
import { editorTerms, resolveSettings } from '../../src/server/settings';
import { CLI_TERMS } from '../../src/cli/render';
import { DocumentMemory } from '../../src/client/doc-memory';
import { ROOT, fixture, fixturePath } from '../support/fixtures';

const settings = resolveSettings({});
function open(name: string, text: string) {
  const model = new DocumentModel(`file:///t/${name}`, 1, text);
  return new Analysis(model);
}
const THREE_BOOTS = [fixture('thinkpad-x240.dmesg'), fixture('surface-pro-7.dmesg'), fixture('thinkpad-x240.dmesg')].join('\n');
const all = { start: { line: 0, character: 0 }, end: { line: 1e9, character: 0 } };

test('eptLens/maps: format, lines, RAM ranges, boot and totals of every map; the default is the last usable map', () => {
  const analysis = open('three-boots.dmesg', THREE_BOOTS);
  const list = mapList({ analysis, settings });
  assert.equal(list.maps.length, 3);
  assert.deepEqual(list.maps.map((m) => m.index), [0, 1, 2]);
  assert.equal(list.current, 2);
  assert.equal(list.defaultMap, 2);
  assert.equal(list.chosen, undefined);
  const lines = THREE_BOOTS.split('\n');
  for (const m of list.maps) {
    assert.equal(m.format, 'Linux dmesg BIOS-e820');
    assert.ok(m.boot, `map ${m.index} has no boot`);
    assert.ok(m.boot.line < m.firstLine, 'the boot line comes before its map');
    assert.match(m.boot.text, /^Linux version /);
    assert.ok(lines[m.boot.line].includes(m.boot.text));
    assert.ok(m.planned);
    assert.match(m.totals, /^[\d,]+ leaves · [\d,]+ tables \(.+\) · gaps /);
    assert.ok(m.ramRanges > 0);
  }
  assert.match(list.maps[0].boot!.text, /3\.13\.6-1-ARCH/);
  // Boots 1 and 3 are the same machine: the same totals, other lines.
  assert.equal(list.maps[0].totals, list.maps[2].totals);
  assert.notEqual(list.maps[0].firstLine, list.maps[2].firstLine);
  assert.notEqual(list.maps[0].totals, list.maps[1].totals);
});

test('a chosen map is what the summary, the report, Copy Plan (JSON and Markdown without a cursor) use; a named map still wins', () => {
  const analysis = open('three-boots.dmesg', THREE_BOOTS);
  const dflt = summary({ analysis, settings })!;
  assert.equal(dflt.map, 2);
  assert.equal(dflt.chosen, undefined);
  const ctx = { analysis, settings, chosen: 1 };
  const s = summary(ctx)!;
  assert.equal(s.map, 1);
  assert.equal(s.chosen, true);
  assert.equal(s.firstLine, analysis.maps()[1].firstLine);
  assert.match(s.text, /\(map 2 of 3\)/);
  // Ahead of the cursor, since the choice is about the document.
  const json = JSON.parse(exportRequest(ctx, { uri: 'u', format: 'json', line: 0 }).text);
  const jsonOf1 = JSON.parse(exportRequest({ analysis, settings }, { uri: 'u', format: 'json', map: 1 }).text);
  assert.deepEqual(json, jsonOf1);
  const md = exportRequest(ctx, { uri: 'u', format: 'md', allMaps: true });
  assert.match(md.title, /map 2 of 3/);
  assert.match(exportRequest({ analysis, settings }, { uri: 'u', format: 'md', allMaps: true }).text, /3 memory maps in this document/);
  // A map named in the request (a code lens) wins over the choice.
  assert.match(exportRequest(ctx, { uri: 'u', format: 'md', map: 0 }).title, /map 1 of 3/);
  assert.match(reportRequest(ctx, { uri: 'u', nonce: 'a'.repeat(24), cspSource: 'vscode-webview:' }).html, /map 2 of 3/);
  // A choice an edit made out of range is ignored, not an error.
  assert.equal(summary({ analysis, settings, chosen: 7 })!.map, 2);
  assert.equal(chooseMap(analysis.maps(), { chosen: 7 })!.index, 2);
  assert.equal(mapList({ analysis, settings, chosen: 1 }).current, 1);
  assert.equal(mapList({ analysis, settings, chosen: 1 }).defaultMap, 2);
});

test('eptLens/maps on 1,500 boots: one linear pass (identical maps planned once)', (t) => {
  const boot = (i: number) => [
    `[    0.000000] Linux version 6.1.${i} (builder@host) (gcc 12) #1 SMP`,
    '[    0.000000] BIOS-provided physical RAM map:',
    '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
    '[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x00000000000fffff] reserved',
    `[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000${(0x7fffffff - (i % 7) * 0x100000).toString(16)}] usable`,
    'some other line',
  ].join('\n');
  const n = 1500;
  const analysis = open('many.dmesg', Array.from({ length: n }, (_, i) => boot(i)).join('\n'));
  const t0 = performance.now();
  const list = mapList({ analysis, settings });
  const ms = performance.now() - t0;
  assert.equal(list.maps.length, n);
  assert.equal(list.maps[1234].boot!.text, 'Linux version 6.1.1234 (builder@host) (gcc 12) #1 SMP');
  assert.equal(list.maps[1234].firstLine, 1234 * 6 + 2);
  t.diagnostic(`${n} maps listed in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 3000, `listing ${n} maps took ${ms.toFixed(0)} ms`);
});

test('a paired MTRR file: the same dump, problems and note as ept-plan --mtrr FILE', () => {
  const text = fixture('desktop-i7-2600.mtrr');
  const file = readMtrrFile(scanText(text), 'desktop-i7-2600.mtrr');
  assert.ok(file.dump);
  const { paired, result } = readPairedMtrr('desktop-i7-2600.mtrr', text, settings);
  assert.deepEqual(paired.dump.state, file.dump.state);
  assert.equal(result.paired, true);
  assert.match(result.dump!, /^MTRRs \(\/proc\/mtrr\): \d+ variable ranges?, default UC \(assumed\)$/);
  assert.ok(result.problems.every((p) => /^desktop-i7-2600\.mtrr:\d+(:\d+)?: (information|warning|error): /.test(p)), result.problems.join('\n'));
  assert.ok(result.problems.some((p) => /no default type/.test(p)), result.problems.join('\n'));
  // No MTRR line: refused with the CLI's words.
  assert.throws(() => readPairedMtrr('notes.txt', 'hello\nworld\n', settings), /notes\.txt: no MTRRs found \(expected \/proc\/mtrr lines/);
  // Bad lines are reported on the file's lines, `name:line:col: severity:`, exactly as the CLI prints them.
  const badText = `${text.trimEnd()}\nreg07: base=0x0c0000000 ( 3072MB), size= 1000MB, count=1: write-back\nreg08: base=0x0zz000000 ( 3072MB), size= 1024MB, count=1: bogus\n`;
  const bad = readPairedMtrr('bad.mtrr', badText, settings).result.problems.filter((p) => /: error: /.test(p));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-pair-'));
  fs.writeFileSync(path.join(dir, 'bad.mtrr'), badText);
  const run = spawnSync(process.execPath, [`${ROOT}/dist/cli.js`, fixturePath('desktop-i7-2600.iomem'), '--mtrr', 'bad.mtrr'], { cwd: dir, encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  const cliErrors = run.stderr.split('\n').filter((l) => /: error: /.test(l)).map((l) => l.replace(/^ept-plan: /, ''));
  assert.equal(bad.length, 3, bad.join('\n'));
  assert.deepEqual(bad, cliErrors);
  const cli = execFileSync(process.execPath, [`${ROOT}/dist/cli.js`, fixturePath('desktop-i7-2600.iomem'), '--mtrr', fixturePath('desktop-i7-2600.mtrr')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  // The note the CLI prints, word for word, and the editor's with the file named.
  const note = mtrrSourceNote({ dump: file.dump, where: fixturePath('desktop-i7-2600.mtrr') }, CLI_TERMS);
  assert.ok(cli.includes(note), `CLI output lacks "${note}":\n${cli.slice(0, 400)}`);
  assert.equal(mtrrSourceNote({}, CLI_TERMS), 'no MTRRs found: gaps UC, RAM WB (give --mtrr FILE to use them)');
  assert.equal(mtrrSourceNote({ ignored: true }, CLI_TERMS), 'MTRRs ignored (--no-mtrr): gaps UC, RAM WB');
  assert.match(mtrrSourceNote({}, editorTerms(settings)), /Use MTRRs from File…/);
});

test('an iomem document paired with its /proc/mtrr plans like ept-plan --mtrr FILE; hints, tooltip and report name the file; unpairing restores the defaults', () => {
  const iomem = fixture('desktop-i7-2600.iomem');
  const analysis = open('desktop-i7-2600.iomem', iomem);
  const map = analysis.maps()[0];
  const before = analysis.planFor(map, settings);
  assert.equal(before.mtrrApplied, false);
  const rangeHint = inlayHints(analysis, settings, all).find((h) => (h.data as { kind: string }).kind !== 'event')!;
  const tooltip = () => (hintTooltip(analysis, settings, rangeHint.data as never) as MarkupContent).value;
  assert.match(tooltip(), /No MTRRs found: gaps UC, RAM WB \("EPT Lens: Use MTRRs from File…"/);
  const { paired } = readPairedMtrr('desktop-i7-2600.mtrr', fixture('desktop-i7-2600.mtrr'), settings);
  analysis.setPairedMtrr(paired);
  const after = analysis.planFor(map, settings);
  assert.equal(after.mtrrApplied, true);
  assert.equal(after.pairedMtrr, 'desktop-i7-2600.mtrr');
  assert.match(tooltip(), /Memory types from the MTRR dump at desktop-i7-2600\.mtrr, paired with this log \(default type UC assumed\)/);
  const ramLine = iomem.split('\n').findIndex((l) => l.includes(': System RAM'));
  const h = hover(analysis, settings, { line: ramLine, character: iomem.split('\n')[ramLine].indexOf(':') + 3 });
  assert.match((h!.contents as MarkupContent).value, /_Memory types from the MTRR dump at desktop-i7-2600\.mtrr, paired with this log/);
  const page = reportRequest({ analysis, settings }, { uri: 'u', nonce: 'a'.repeat(24), cspSource: 'vscode-webview:' }).html;
  assert.match(page, /memory types from the MTRR dump at desktop-i7-2600\.mtrr, paired with this log/);
  assert.match(summary({ analysis, settings })!.tooltip, /paired with this log/);
  // The plan is the CLI's with --mtrr FILE, leaf for leaf.
  const json = JSON.parse(exportRequest({ analysis, settings }, { uri: 'u', format: 'json' }).text);
  const cli = JSON.parse(execFileSync(process.execPath, [`${ROOT}/dist/cli.js`, '--json', fixturePath('desktop-i7-2600.iomem'), '--mtrr', fixturePath('desktop-i7-2600.mtrr')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  assert.deepEqual(json.gaps, cli.gaps);
  assert.deepEqual(json.totals, cli.totals);
  // Copy Plan's Markdown and C header name the file too, as ept-plan --mtrr FILE's do.
  const md = exportRequest({ analysis, settings }, { uri: 'u', format: 'md' }).text;
  assert.match(md.split('\n')[2], /· memory types from the MTRR dump at desktop-i7-2600\.mtrr, paired with this log \(default type UC assumed/);
  assert.match(exportRequest({ analysis, settings }, { uri: 'u', format: 'c' }).text, /^ \* memory types from the MTRR dump at desktop-i7-2600\.mtrr, paired with this log/m);
  const cliMd = execFileSync(process.execPath, [`${ROOT}/dist/cli.js`, '--format', 'md', fixturePath('desktop-i7-2600.iomem'), '--mtrr', fixturePath('desktop-i7-2600.mtrr')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.match(cliMd, /· memory types from the MTRR dump at \S*desktop-i7-2600\.mtrr \(default type UC assumed/);
  // Problems of the paired dump are on the map's first line, naming the file's line; none on a file line number.
  const diags = computeDiagnostics(analysis, settings);
  for (const d of diags.filter((x) => /desktop-i7-2600\.mtrr:/.test(x.message))) assert.equal(d.range.start.line, map.firstLine);
  // eptLens.mmioMemoryType uc still wins.
  const uc = resolveSettings({ mmioMemoryType: 'uc' });
  assert.equal(analysis.planFor(map, uc).mtrrApplied, false);
  analysis.setPairedMtrr(undefined);
  assert.equal(analysis.planFor(map, settings).mtrrApplied, false);
  assert.deepEqual(analysis.planFor(map, settings).plan!.totals, before.plan!.totals);
});

test('a paired file wins over the document\'s own MTRR dump (as --mtrr FILE does)', () => {
  const analysis = open('surface-pro-7.dmesg', fixture('surface-pro-7.dmesg'));
  const map = analysis.maps()[0];
  assert.ok(map.mtrr);
  assert.equal(analysis.planFor(map, settings).mtrrDump, map.mtrr);
  const { paired } = readPairedMtrr('desktop-i7-2600.mtrr', fixture('desktop-i7-2600.mtrr'), settings);
  analysis.setPairedMtrr(paired);
  const p = analysis.planFor(map, settings);
  assert.equal(p.mtrrDump, paired.dump);
  const json = JSON.parse(exportRequest({ analysis, settings }, { uri: 'u', format: 'json' }).text);
  const cli = JSON.parse(execFileSync(process.execPath, [`${ROOT}/dist/cli.js`, '--json', fixturePath('surface-pro-7.dmesg'), '--mtrr', fixturePath('desktop-i7-2600.mtrr')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  assert.deepEqual(json.gaps, cli.gaps);
  const ownJson = JSON.parse(exportRequest({ analysis: open('surface-pro-7.dmesg', fixture('surface-pro-7.dmesg')), settings }, { uri: 'u', format: 'json' }).text);
  assert.notDeepEqual(json.gaps, ownJson.gaps);
});

test('DocumentMemory: per-URI map and MTRR file in workspaceState; forgetting one keeps the other; the oldest go past 200', async () => {
  const store = new Map<string, unknown>();
  const memento = { get: (k: string) => store.get(k), update: async (k: string, v: unknown) => void store.set(k, v), keys: () => [...store.keys()] };
  const m = new DocumentMemory(memento as never);
  assert.deepEqual(m.get('file:///a'), {});
  await m.update('file:///a', { map: 2 });
  await m.update('file:///a', { mtrr: 'file:///proc/mtrr' });
  assert.deepEqual(m.get('file:///a'), { map: 2, mtrr: 'file:///proc/mtrr' });
  await m.update('file:///a', { map: undefined });
  assert.deepEqual(m.get('file:///a'), { mtrr: 'file:///proc/mtrr' });
  await m.update('file:///a', { mtrr: undefined });
  assert.deepEqual(store.get('eptLens.documents'), {});
  // Garbage in the store (another version, a hand edit) reads as nothing.
  store.set('eptLens.documents', { 'file:///b': { map: -1, mtrr: 7 } });
  assert.deepEqual(m.get('file:///b'), {});
  for (let i = 0; i < 205; i++) await m.update(`file:///d${i}`, { map: i });
  const kept = Object.keys(store.get('eptLens.documents') as object);
  assert.equal(kept.length, 200);
  assert.ok(!kept.includes('file:///d0') && kept.includes('file:///d204'));
});
