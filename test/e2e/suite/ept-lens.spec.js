// Extension tests inside the real VS Code extension host (code-server 4.139.1 = VS Code 1.139.1).
// Loaded by ./index.js; the workspace is a copy of test/fixtures/ (+ examples/ in a subfolder)
// whose path arrives in $EPT_E2E_WS. Every wait polls for a fact with a deadline, never a sleep,
// and every failure says what was expected and what the editor gave instead.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const EXT_ID = 'ept-lens.ept-lens';
const WS = process.env.EPT_E2E_WS || (vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0].uri.fsPath);
const LAPTOP = 'hyperplatform-laptop-8gb.log';
const ISSUE29 = 'hyperplatform-issue29.log';
// How long to wait for a feature once the server has answered (the first hints wait longer).
const WAIT = 15000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Polls fn until it returns a truthy value; returns the last value (falsy on timeout). */
async function poll(fn, ms = 30000, every = 250) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try { last = await fn(); } catch (e) { last = undefined; }
    if (last || Date.now() > end) return last;
    await sleep(every);
  }
}
/** Races a promise with a timeout that rejects with a clear message. */
function within(ms, p, what) {
  let timer;
  return Promise.race([p, new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`${what}: no result within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}
const uriOf = (rel) => vscode.Uri.file(path.join(WS, rel));
const md = (c) => (typeof c === 'string' ? c : c && c.value !== undefined ? c.value : String(c));
const hoverText = (hs) => (hs || []).map((h) => h.contents.map(md).join('\n')).join('\n---\n');
const hintLabel = (h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
const lineOf = (doc, needle) => {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i;
  throw new Error(`no line containing ${needle} in ${doc.uri.fsPath}`);
};

async function open(rel, { show = true } = {}) {
  const doc = await vscode.workspace.openTextDocument(uriOf(rel));
  if (show) await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}
/** Opens a document and makes sure it is in language ept-log (some fixtures start with a '#' comment
 * that the manifest's firstLine pattern does not recognise). */
async function openEpt(rel) {
  let doc = await open(rel);
  if (doc.languageId !== 'ept-log') doc = await vscode.languages.setTextDocumentLanguage(doc, 'ept-log');
  return doc;
}
async function hints(doc, ms = WAIT, accept = (hs) => hs.length > 0) {
  const range = new vscode.Range(0, 0, doc.lineCount, 0);
  return (await poll(async () => {
    const hs = await vscode.commands.executeCommand('vscode.executeInlayHintProvider', doc.uri, range);
    return hs && accept(hs) ? hs : undefined;
  }, ms)) || await vscode.commands.executeCommand('vscode.executeInlayHintProvider', doc.uri, range) || [];
}
const describeHints = (hs) => JSON.stringify(hs.map((h) => `${h.position.line}:${hintLabel(h)}`));
async function hoverAt(doc, line, col) {
  return vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, col));
}
async function resetSettings() {
  const cfg = vscode.workspace.getConfiguration('eptLens');
  for (const key of ['limit', 'maxPage']) {
    for (const target of [vscode.ConfigurationTarget.Global, vscode.ConfigurationTarget.Workspace]) {
      try { await cfg.update(key, undefined, target); } catch {}
    }
  }
}
async function activeExtension() {
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} is not loaded at all: was it built (dist/client.js) and passed as extensionDevelopmentPath? ` +
    `loaded: ${vscode.extensions.all.filter((e) => !e.id.startsWith('vscode.')).map((e) => e.id).join(', ')}`);
  const ok = await poll(() => ext.isActive, 30000);
  assert.ok(ok, `extension ${EXT_ID} did not activate within 30 s of opening an ept-log document`);
  return ext;
}

describe('EPT Lens in the real extension host', function () {
  this.timeout(90000);
  let laptop;

  before(async () => {
    assert.ok(WS && fs.existsSync(path.join(WS, LAPTOP)), `workspace ${WS} has no ${LAPTOP}`);
    await resetSettings();
    laptop = await open(LAPTOP);
  });

  it('activates on an ept-log document (*.log mapped with files.associations)', async () => {
    assert.strictEqual(laptop.languageId, 'ept-log', `${LAPTOP} opened as ${laptop.languageId}, not ept-log (workspace files.associations maps hyperplatform-*.log to ept-log)`);
    await activeExtension();
  });

  it('inlay hints on every range line of the HyperPlatform log; the gap before 0x100000 shows 97×4K', async () => {
    const rangeLines = [];
    for (let i = 0; i < laptop.lineCount; i++) if (/[0-9a-fA-F]{16} - [0-9a-fA-F]{16}/.test(laptop.lineAt(i).text)) rangeLines.push(i);
    assert.strictEqual(rangeLines.length, 9, 'fixture should have 9 range lines');
    const hs = await hints(laptop, 45000, (h) => rangeLines.every((l) => h.some((x) => x.position.line === l)));
    const missing = rangeLines.filter((l) => !hs.some((h) => h.position.line === l));
    assert.deepStrictEqual(missing, [], `range lines without an inlay hint: ${missing.join(', ')}; hints: ${describeHints(hs)}`);
    const l = lineOf(laptop, '0000000000100000 - 0000000000102000');
    const onLine = hs.filter((h) => h.position.line === l).map(hintLabel).join(' | ');
    assert.ok(onLine.includes('97×4K'), `hint on line ${l} should contain 97×4K, got: ${onLine}`);
  });

  it('hover on an address shows its EPT indices (PML4 …)', async () => {
    const l = lineOf(laptop, '0000000000100000 - 0000000000102000');
    const col = laptop.lineAt(l).text.indexOf('0000000000100000') + 5;
    const hs = await poll(async () => {
      const h = await hoverAt(laptop, l, col);
      return h && /PML4/.test(hoverText(h)) ? h : undefined;
    }, WAIT);
    assert.ok(hs, `no hover containing PML4 at ${l}:${col}; got: ${hoverText(await hoverAt(laptop, l, col)) || '(nothing)'}`);
  });

  it('code lens totals the plan ("EPT plan: …")', async () => {
    const lenses = await poll(async () => {
      const ls = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', laptop.uri, 20);
      return ls && ls.some((c) => c.command && /^EPT plan:/.test(c.command.title)) ? ls : undefined;
    }, WAIT);
    const got = lenses || await vscode.commands.executeCommand('vscode.executeCodeLensProvider', laptop.uri, 20) || [];
    assert.ok(lenses, `no code lens titled "EPT plan: …"; got: ${JSON.stringify(got.map((c) => c.command && c.command.title))}`);
    const title = lenses.find((c) => c.command && /^EPT plan:/.test(c.command.title)).command.title;
    assert.match(title, /\d/, `code lens title has no totals: ${title}`);
  });

  it('diagnostics flag the wrong hand annotations in hyperplatform-issue29.log, not the right ones', async () => {
    const doc = await openEpt(ISSUE29);
    const wrong = lineOf(doc, '0000000000100000 - 0000000000102000'); // says "1 4KB-entry", the gap is 97 pages
    const right = lineOf(doc, '0000000000059000 - 000000000008f000'); // "1 4KB-entry" for 0x58000-0x59000 is right
    const diags = await poll(() => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.some((x) => x.range.start.line === wrong) ? d : undefined;
    }, WAIT);
    const got = vscode.languages.getDiagnostics(doc.uri).map((d) => `${d.range.start.line}: ${d.message}`);
    assert.ok(diags, `no diagnostic on line ${wrong} (annotation "1 4KB-entry", real gap 97×4K); diagnostics: ${JSON.stringify(got)}`);
    assert.ok(!diags.some((d) => d.range.start.line === right), `a correct annotation (line ${right}) was flagged: ${JSON.stringify(got)}`);
  });

  it('every format opens as ept-log; dmesg/iomem samples get hints', async () => {
    const samples = ['surface-pro-7.dmesg', 'thinkpad-x240.dmesg', 'desktop-i7-2600.iomem', 'desktop-i7-2600.mtrr']
      .concat(fs.existsSync(path.join(WS, 'examples')) ? fs.readdirSync(path.join(WS, 'examples')).map((n) => `examples/${n}`) : []);
    const problems = [];
    for (const rel of samples) {
      const doc = await open(rel, { show: false });
      if (doc.languageId !== 'ept-log') { problems.push(`${rel}: language ${doc.languageId}`); continue; }
      if (/\.(dmesg|iomem)$/.test(rel) || /hyperplatform/.test(rel)) {
        const hs = await hints(doc, 10000);
        if (!hs.length) problems.push(`${rel}: no inlay hints`);
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  it('KVM trace: kvm_mmio and EPT-violation page-fault lines get a hint', async () => {
    const doc = await open('examples/kvm-trace.eptlog', { show: false });
    const mmio = lineOf(doc, 'kvm_mmio:             mmio write len 4 gpa 0xfee000b0');
    const fault = lineOf(doc, 'address 0x00000000fed000f0 error_code 0x181');
    const hs = await hints(doc, WAIT, (h) => [mmio, fault].every((l) => h.some((x) => x.position.line === l)));
    const missing = [mmio, fault].filter((l) => !hs.some((h) => h.position.line === l));
    assert.deepStrictEqual(missing, [], `KVM lines without a hint: ${missing.join(', ')}; hints: ${describeHints(hs)}`);
  });
});

describe('EPT Lens commands', function () {
  this.timeout(90000);
  let laptop;
  before(async () => {
    laptop = await open(LAPTOP);
    await activeExtension();
  });
  afterEach(async () => {
    await resetSettings();
  });

  it('every contributed command is registered', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    const contributed = ext.packageJSON.contributes.commands.map((c) => c.command);
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !all.has(c));
    assert.deepStrictEqual(missing, [], `contributed commands not registered: ${missing.join(', ')}`);
  });

  it('eptLens.copyPlanJson puts the plan as JSON (with "gaps") on the clipboard', async () => {
    await vscode.window.showTextDocument(laptop);
    await vscode.env.clipboard.writeText('(before copyPlanJson)');
    await within(15000, vscode.commands.executeCommand('eptLens.copyPlanJson'), 'eptLens.copyPlanJson');
    const text = await poll(async () => { const t = await vscode.env.clipboard.readText(); return t !== '(before copyPlanJson)' && t; }, 10000);
    assert.ok(text, 'clipboard unchanged after eptLens.copyPlanJson');
    let json;
    assert.doesNotThrow(() => { json = JSON.parse(text); }, `clipboard is not JSON: ${text.slice(0, 200)}`);
    assert.ok(JSON.stringify(json).includes('"gaps"'), `plan JSON has no "gaps": ${text.slice(0, 300)}`);
  });

  it('eptLens.copyPlanMarkdown puts a Markdown plan on the clipboard', async () => {
    await vscode.window.showTextDocument(laptop);
    await vscode.env.clipboard.writeText('(before copyPlanMarkdown)');
    await within(15000, vscode.commands.executeCommand('eptLens.copyPlanMarkdown'), 'eptLens.copyPlanMarkdown');
    const text = await poll(async () => { const t = await vscode.env.clipboard.readText(); return t !== '(before copyPlanMarkdown)' && t; }, 10000);
    assert.ok(text, 'clipboard unchanged after eptLens.copyPlanMarkdown');
    assert.ok(/[|#*]/.test(text), `clipboard doesn't look like Markdown: ${text.slice(0, 200)}`);
  });

  it('eptLens.goToAddress moves the cursor to the range line containing the address', async () => {
    for (const [addr, needle] of [['0x101000', '0000000000100000 - 0000000000102000'], ['0x8cd60000', '000000008cd53000 - 000000008cd64000']]) {
      const editor = await vscode.window.showTextDocument(laptop);
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      const want = lineOf(laptop, needle);
      await within(15000, vscode.commands.executeCommand('eptLens.goToAddress', addr), `eptLens.goToAddress ${addr}`);
      const ok = await poll(() => vscode.window.activeTextEditor && vscode.window.activeTextEditor.selection.active.line === want, 5000);
      const at = vscode.window.activeTextEditor && vscode.window.activeTextEditor.selection.active.line;
      assert.ok(ok, `goToAddress ${addr}: cursor on line ${at}, expected ${want} (${needle})`);
    }
  });

  async function settingChangesHints(command, arg, key) {
    await vscode.window.showTextDocument(laptop);
    const before = describeHints(await hints(laptop));
    await within(15000, vscode.commands.executeCommand(command, arg), `${command} ${arg}`);
    const value = await poll(() => vscode.workspace.getConfiguration('eptLens', laptop.uri).get(key) === arg, 10000);
    assert.ok(value, `${command} ${arg}: eptLens.${key} is ${vscode.workspace.getConfiguration('eptLens', laptop.uri).get(key)}`);
    const after = describeHints(await hints(laptop, WAIT, (hs) => describeHints(hs) !== before));
    assert.notStrictEqual(after, before, `inlay hints did not change after eptLens.${key} = ${arg}: ${after}`);
  }
  it('eptLens.setLimit 64G updates the setting and the hints', async () => {
    await settingChangesHints('eptLens.setLimit', '64G', 'limit');
  });
  it('eptLens.setMaxPage 2M updates the setting and the hints (no 1G leaves left)', async () => {
    const before = await hints(laptop);
    assert.ok(before.some((h) => /×1G/.test(hintLabel(h))), `expected 1G leaves with the default maxPage: ${describeHints(before)}`);
    await settingChangesHints('eptLens.setMaxPage', '2M', 'maxPage');
    const after = await hints(laptop, WAIT, (hs) => !hs.some((h) => /×1G/.test(hintLabel(h))));
    assert.ok(!after.some((h) => /×1G/.test(hintLabel(h))), `1G leaves still planned with maxPage 2M: ${describeHints(after)}`);
  });

  it('changing eptLens.limit by hand updates hints', async () => {
    await vscode.window.showTextDocument(laptop);
    const before = describeHints(await hints(laptop));
    await vscode.workspace.getConfiguration('eptLens').update('limit', '16G', vscode.ConfigurationTarget.Global);
    const after = describeHints(await hints(laptop, WAIT, (hs) => describeHints(hs) !== before));
    assert.notStrictEqual(after, before, `hints unchanged after eptLens.limit = 16G: ${after}`);
  });

  it('eptLens.openAsEptLog switches a plain-text document to ept-log', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: laptop.getText() });
    await vscode.window.showTextDocument(doc);
    await within(15000, vscode.commands.executeCommand('eptLens.openAsEptLog'), 'eptLens.openAsEptLog');
    const ok = await poll(() => {
      const ed = vscode.window.activeTextEditor;
      return ed && ed.document.languageId === 'ept-log' && ed.document.getText() === laptop.getText();
    }, 10000);
    const ed = vscode.window.activeTextEditor;
    assert.ok(ok, `active editor is ${ed ? ed.document.languageId : 'none'} after eptLens.openAsEptLog`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('eptLens.showPlanReport opens a report', async () => {
    await vscode.window.showTextDocument(laptop);
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    const before = tabs();
    await within(15000, vscode.commands.executeCommand('eptLens.showPlanReport'), 'eptLens.showPlanReport');
    const ok = await poll(() => tabs().length > before.length, 10000);
    assert.ok(ok, `no new tab after eptLens.showPlanReport; tabs: ${JSON.stringify(tabs())}`);
  });

  it('eptLens.decodeEntry / decodeQualification / planLogFile run with an argument without error', async () => {
    await vscode.window.showTextDocument(laptop);
    const calls = [['eptLens.decodeEntry', '0x0000000000100077'], ['eptLens.decodeQualification', '0x181'], ['eptLens.planLogFile', laptop.uri]];
    const problems = [];
    for (const [cmd, arg] of calls) {
      // A command may keep its promise pending while it shows a notification or a document: only a
      // rejection (an error) within 5 s counts as a failure.
      const settled = await Promise.race([
        vscode.commands.executeCommand(cmd, arg).then(() => 'ok', (e) => `error: ${e && e.message || e}`),
        sleep(5000).then(() => 'pending'),
      ]);
      if (settled.startsWith('error')) problems.push(`${cmd} ${arg}: ${settled}`);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await vscode.commands.executeCommand('notifications.clearAll');
    }
    assert.deepStrictEqual(problems, []);
  });

  it('eptLens.restartServer restarts the server, which then answers hovers again', async () => {
    await within(30000, vscode.commands.executeCommand('eptLens.restartServer'), 'eptLens.restartServer');
    const l = lineOf(laptop, '0000000000100000 - 0000000000102000');
    const col = laptop.lineAt(l).text.indexOf('0000000000100000') + 5;
    const hs = await poll(async () => { const h = await hoverAt(laptop, l, col); return h && /PML4/.test(hoverText(h)) ? h : undefined; }, 30000);
    assert.ok(hs, 'no PML4 hover within 30 s after eptLens.restartServer');
  });

  it('when the server process dies, the client starts a new one and hints come back', async () => {
    // The language server is a child of this extension host running dist/server.js.
    const servers = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const ppid = Number(/^\S+ \(.*\) \S (\d+)/.exec(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))[1]);
        return ppid === process.pid && /dist[\\/]server\.js/.test(cmd);
      } catch { return false; }
    }).map(Number);
    const before = await poll(() => { const s = servers(); return s.length ? s : undefined; }, 30000);
    assert.ok(before, 'no dist/server.js child process of the extension host found');
    for (const pid of before) process.kill(pid, 'SIGKILL');
    const after = await poll(() => { const s = servers().filter((p) => !before.includes(p)); return s.length ? s : undefined; }, 30000);
    assert.ok(after, `no new server process within 30 s after killing ${before.join(', ')}`);
    const l = lineOf(laptop, '0000000000100000 - 0000000000102000');
    const hs = await hints(laptop, 30000, (h) => h.some((x) => x.position.line === l && /97×4K/.test(hintLabel(x))));
    assert.ok(hs.some((x) => x.position.line === l && /97×4K/.test(hintLabel(x))), `hints did not come back after the crash: ${describeHints(hs)}`);
  });
});

describe('EPT Lens: Choose Memory Map and Use MTRRs from File', function () {
  this.timeout(120000);
  const BOOTS = 'three-boots.dmesg';
  let client;
  const summaryOf = (doc) => client.sendRequest('eptLens/summary', { uri: doc.uri.toString() });
  const planJson = async (doc, map) => JSON.parse(await within(15000, vscode.commands.executeCommand('eptLens.copyPlanJson', doc.uri, map), 'eptLens.copyPlanJson'));
  before(async () => {
    // Three boots in one dmesg: thinkpad, surface, thinkpad again.
    fs.writeFileSync(path.join(WS, BOOTS), ['thinkpad-x240.dmesg', 'surface-pro-7.dmesg', 'thinkpad-x240.dmesg'].map((n) => fs.readFileSync(path.join(WS, n), 'utf8')).join('\n'));
    await openEpt(BOOTS); // activates the extension when this block runs alone (EPT_E2E_GREP)
    const ext = await activeExtension();
    client = await poll(() => ext.exports && ext.exports.client(), 30000);
    assert.ok(client, 'the extension exports no language client');
  });

  it('eptLens.chooseMap with a map index: reveals its first line; the status summary, the report and Copy Plan take it, ahead of the cursor', async () => {
    const doc = await openEpt(BOOTS);
    const first = await poll(async () => { const s = await summaryOf(doc); return s && s.maps === 3 ? s : undefined; }, WAIT);
    assert.ok(first, `no summary of 3 maps for ${BOOTS}: ${JSON.stringify(await summaryOf(doc))}`);
    assert.strictEqual(first.map, 2, `the default map should be the last usable one: ${JSON.stringify(first)}`);
    const out = await within(15000, vscode.commands.executeCommand('eptLens.chooseMap', doc.uri, 1), 'eptLens.chooseMap 1');
    assert.strictEqual(out.chosen, 1, `chooseMap returned ${JSON.stringify(out)}`);
    const ed = vscode.window.activeTextEditor;
    assert.ok(ed && ed.document.uri.toString() === doc.uri.toString(), 'the log is not the active editor after chooseMap');
    assert.strictEqual(ed.selection.active.line, out.line, `cursor on line ${ed.selection.active.line}, the map starts on ${out.line}`);
    assert.ok(/BIOS-e820|BIOS-provided/.test(doc.lineAt(out.line).text), `line ${out.line} is not a map's first line: ${doc.lineAt(out.line).text}`);
    const s = await summaryOf(doc);
    assert.strictEqual(s.map, 1, `summary after chooseMap: ${JSON.stringify(s)}`);
    assert.strictEqual(s.chosen, true);
    // The cursor on the first map: Copy Plan still takes the chosen one.
    ed.selection = new vscode.Selection(1, 0, 1, 0);
    assert.deepStrictEqual(await planJson(doc), await planJson(doc, 1), 'Copy Plan as JSON without a map did not take the chosen map');
    assert.notDeepStrictEqual(await planJson(doc, 1), await planJson(doc, 0));
    const back = await within(15000, vscode.commands.executeCommand('eptLens.chooseMap', doc.uri, 'auto'), 'eptLens.chooseMap auto');
    assert.strictEqual(back.chosen, undefined);
    assert.strictEqual((await summaryOf(doc)).map, 2);
  });

  it('eptLens.chooseMap without arguments: the quick pick lists every map; picking the first one chooses it', async () => {
    const doc = await openEpt(BOOTS);
    await vscode.window.showTextDocument(doc);
    const pending = vscode.commands.executeCommand('eptLens.chooseMap');
    // The pick opens on "Automatic"; the next row is map 1.
    await sleep(1500);
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await sleep(300);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const out = await within(15000, pending, 'eptLens.chooseMap (quick pick)');
    assert.ok(out && out.chosen === 0, `picking the row after "Automatic" should choose map 1 (index 0), got ${JSON.stringify(out)}`);
    assert.strictEqual((await summaryOf(doc)).map, 0);
    await vscode.commands.executeCommand('eptLens.chooseMap', doc.uri, null);
  });

  it('eptLens.pairMtrrFile plans /proc/iomem with the /proc/mtrr file; the MTRR source names it; kept across a server restart; eptLens.unpairMtrrFile undoes it', async () => {
    const doc = await openEpt('desktop-i7-2600.iomem');
    const mtrr = uriOf('desktop-i7-2600.mtrr');
    const before = await poll(async () => { const s = await summaryOf(doc); return s && s.map !== undefined ? s : undefined; }, WAIT);
    assert.ok(before && /no MTRRs found/.test(before.tooltip), `before pairing the summary should say no MTRRs: ${JSON.stringify(before)}`);
    assert.strictEqual((await planJson(doc)).mtrr, undefined, 'the unpaired plan should carry no MTRRs');
    const r = await within(15000, vscode.commands.executeCommand('eptLens.pairMtrrFile', mtrr, doc.uri), 'eptLens.pairMtrrFile');
    assert.ok(r && r.paired, `pairMtrrFile returned ${JSON.stringify(r)}`);
    assert.match(r.dump, /\/proc\/mtrr/);
    await vscode.commands.executeCommand('notifications.clearAll');
    const paired = await poll(async () => { const s = await summaryOf(doc); return s && /desktop-i7-2600\.mtrr, paired with this log/.test(s.tooltip) ? s : undefined; }, WAIT);
    assert.ok(paired, `the summary does not name the paired file: ${JSON.stringify(await summaryOf(doc))}`);
    const json = await planJson(doc);
    assert.ok(json.mtrr && json.mtrr.applied, `the paired plan has no MTRRs applied: ${JSON.stringify(json.mtrr)}`);
    // A new server knows nothing: the client re-sends the pairing.
    await within(30000, vscode.commands.executeCommand('eptLens.restartServer'), 'eptLens.restartServer');
    const again = await poll(async () => { const s = await summaryOf(doc); return s && /paired with this log/.test(s.tooltip) ? s : undefined; }, 30000);
    assert.ok(again, `after a restart the pairing was not re-sent: ${JSON.stringify(await summaryOf(doc).catch((e) => String(e)))}`);
    await within(15000, vscode.commands.executeCommand('eptLens.unpairMtrrFile', doc.uri), 'eptLens.unpairMtrrFile');
    const off = await poll(async () => { const s = await summaryOf(doc); return s && /no MTRRs found/.test(s.tooltip) ? s : undefined; }, WAIT);
    assert.ok(off, `after unpairing the summary still names the file: ${JSON.stringify(await summaryOf(doc))}`);
  });

  it('a paired MTRR file is followed: a change on disk and an unsaved edit in its editor re-plan the document; Copy Plan as Markdown names the file', async () => {
    const original = fs.readFileSync(path.join(WS, 'desktop-i7-2600.mtrr'), 'utf8');
    const file = path.join(WS, 'follow.mtrr');
    fs.writeFileSync(file, original);
    const doc = await openEpt('desktop-i7-2600.iomem');
    await within(15000, vscode.commands.executeCommand('eptLens.pairMtrrFile', vscode.Uri.file(file), doc.uri), 'eptLens.pairMtrrFile');
    await vscode.commands.executeCommand('notifications.clearAll');
    const md = () => within(15000, vscode.commands.executeCommand('eptLens.copyPlanMarkdown', doc.uri), 'eptLens.copyPlanMarkdown');
    const before = await poll(async () => { const t = await md(); return /follow\.mtrr, paired with this log/.test(t) && t; }, WAIT);
    assert.ok(before, `Copy Plan as Markdown does not name the paired file: ${(await md()).slice(0, 400)}`);
    // reg06, the UC hole in RAM at 0x22e000000, becomes write-back: the RAM there is no longer UC.
    const changedText = original.replace('count=1: uncachable', 'count=1: write-back');
    assert.notStrictEqual(changedText, original);
    fs.writeFileSync(file, changedText);
    const onDisk = await poll(async () => { const t = await md(); return t !== before && t; }, WAIT);
    assert.ok(onDisk, 'a change of the paired file on disk did not re-plan the document');
    fs.writeFileSync(file, original);
    assert.ok(await poll(async () => (await md()) === before, WAIT), 'writing the original file back did not give the original plan');
    // The same edit typed into the file's editor, unsaved.
    const mtrrDoc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(mtrrDoc);
    const at = original.indexOf('uncachable');
    const range = new vscode.Range(mtrrDoc.positionAt(at), mtrrDoc.positionAt(at + 'uncachable'.length));
    const edit = (text) => { const e = new vscode.WorkspaceEdit(); e.replace(mtrrDoc.uri, range, text); return vscode.workspace.applyEdit(e); };
    assert.ok(await edit('write-back'));
    const inEditor = await poll(async () => { const t = await md(); return t !== before && t; }, WAIT);
    assert.ok(inEditor, 'an unsaved edit of the paired file did not re-plan the document');
    assert.strictEqual(inEditor, onDisk, 'the edited text and the same text on disk plan differently');
    // File: Revert File, then close the clean editor.
    await vscode.window.showTextDocument(mtrrDoc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const reverted = await poll(async () => (await md()) === before, WAIT);
    assert.ok(reverted, `reverting the edited file and closing it did not plan with the file on disk again (document closed ${mtrrDoc.isClosed}, dirty ${mtrrDoc.isDirty}, still edited ${mtrrDoc.getText() !== original}, active ${vscode.window.activeTextEditor && vscode.window.activeTextEditor.document.uri.fsPath}, plan as edited ${(await md()) === inEditor}, disk edited ${fs.readFileSync(file, 'utf8') !== original})`);
    await within(15000, vscode.commands.executeCommand('eptLens.unpairMtrrFile', doc.uri), 'eptLens.unpairMtrrFile');
  });
});
