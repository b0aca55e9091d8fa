// Runs the vscode-tmgrammar-test assertion files (test/grammar/cases/*.eptlog). That tool
// bundles its own older vscode-textmate, so these cases double-check the grammar on a second engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { root, grammarPath } from './textmate';

test('vscode-tmgrammar-test assertions pass for every format', () => {
  const casesDir = path.join(root, 'test', 'grammar', 'cases');
  const cases = fs.readdirSync(casesDir).filter((f) => f.endsWith('.eptlog'));
  for (const format of ['hyperplatform', 'kvm-trace', 'dmesg', 'iomem', 'mtrr', 'xen', 'sources']) {
    assert.ok(cases.includes(`${format}.eptlog`), `missing case file for ${format}`);
  }
  const cli = path.join(root, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
  const r = spawnSync(process.execPath, [cli, '--compact', '-g', grammarPath, ...cases.map((c) => path.join(casesDir, c))], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `vscode-tmgrammar-test failed:\n${r.stdout}\n${r.stderr}`);
});
