// Problems as data: the CLI's warnings and the editor's diagnostics for RAM past the limit come from
// one list (analysis/problems.ts), so they name the same lines and the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Analysis } from '../../src/analysis';
import { computeDiagnostics } from '../../src/server/diagnostics';
import { DocumentModel } from '../../src/server/model';
import { resolveSettings } from '../../src/server/settings';
import { ROOT, fixture, fixturePath } from '../support/fixtures';

const CLI = path.join(ROOT, 'dist', 'cli.js');

for (const [name, limit] of [['hyperplatform-laptop-8gb.log', '8G'], ['real/amd-gfx-2025-ryzen-iomem-mail-quoted-interleaved.iomem', '16G']] as const) {
  test(`RAM past the limit: ept-plan's warnings and the editor's diagnostics name the same lines and bytes (${name}, ${limit})`, () => {
    const r = spawnSync(process.execPath, [CLI, '--limit', limit, fixturePath(name)], { encoding: 'utf8', cwd: ROOT });
    // `file:LINE:COL: warning: RAM [0xSTART, 0xEND) lies beyond the limit …`
    const fromCli = r.stderr.split('\n').flatMap((l) => {
      const m = /:(\d+):\d+: warning: RAM \[0x([0-9a-f]+), 0x([0-9a-f]+)\) lies beyond the limit/.exec(l);
      return m ? [`${Number(m[1]) - 1} ${m[2]}-${m[3]}`] : [];
    });
    const model = new DocumentModel(`file:///t/${path.basename(name)}`, 1, fixture(name));
    const d = computeDiagnostics(new Analysis(model), resolveSettings({ limit }));
    // `RAM 0xSTART–0xEND (size) lies past the limit …`
    const fromEditor = d.filter((x) => x.code === 'beyond-limit').map((x) => {
      const m = /^RAM 0x([0-9a-f]+)–0x([0-9a-f]+) /.exec(x.message);
      assert.ok(m, x.message);
      return `${x.range.start.line} ${m[1]}-${m[2]}`;
    });
    assert.ok(fromCli.length > 0, r.stderr);
    assert.deepEqual(fromEditor, fromCli);
  });
}
