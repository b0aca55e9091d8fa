// Entry point loaded by VS Code's extension host (payload extensionTestsPath, see
// test/e2e/editor.test.mjs). Runs every *.spec.js beside it with mocha and writes a JSON summary
// to $EPT_E2E_RESULTS (code-server's environment is inherited by the extension host) so the
// node:test driver can report each mocha test by name. Named *.spec.js so test/run.mjs doesn't
// pick these files up: they only work inside the editor (require('vscode')).
'use strict';
const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');

exports.run = function run() {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 45000, reporter: 'spec' });
  const grep = process.env.EPT_E2E_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.spec.js')).sort()) mocha.addFile(path.join(__dirname, f));
  const results = [];
  const full = (t) => t.titlePath().join(' › ');
  return new Promise((resolve, reject) => {
    let runner;
    try {
      runner = mocha.run((failures) => {
        const out = process.env.EPT_E2E_RESULTS;
        if (out) fs.writeFileSync(out, JSON.stringify({ failures, results }, null, 2));
        console.log(`[ept-e2e] mocha done: ${results.filter((r) => r.state === 'passed').length} passed, ${failures} failed`);
        failures ? reject(new Error(`${failures} extension tests failed`)) : resolve();
      });
    } catch (e) {
      const out = process.env.EPT_E2E_RESULTS;
      if (out) fs.writeFileSync(out, JSON.stringify({ failures: 1, results: [{ title: 'loading the suite', state: 'failed', error: String(e && e.stack || e) }] }));
      reject(e);
      return;
    }
    runner.on('pass', (t) => results.push({ title: full(t), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err) => console.log(`[ept-e2e] FAILED ${full(t)}: ${String(err && err.message || err).slice(0, 1500)}`));
    runner.on('fail', (t, err) => results.push({ title: full(t), state: 'failed', ms: t.duration, error: String(err && (err.stack || err.message) || err) }));
    runner.on('pending', (t) => results.push({ title: full(t), state: 'skipped' }));
  });
};
