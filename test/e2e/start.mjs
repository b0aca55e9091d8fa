// `npm start`: build EPT Lens, then open it on examples/ in a real editor.
//  - desktop VS Code when a `code` command exists: code --extensionDevelopmentPath=<repo> examples/
//  - otherwise code-server (set up by test/e2e/setup.sh, cached in .vscode-test/) on 127.0.0.1,
//    printing the URL to open; Ctrl+C stops it.
// Options: --port N (or PORT=N; default 8080) for code-server, --code-server to skip desktop VS Code.
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { repoRoot, cacheDir, ensureEnvironment, startCodeServer, workbenchUrl, remoteUri } from './lib.mjs';

const args = process.argv.slice(2);
const portArg = args.find((a) => a.startsWith('--port'));
let port = Number(process.env.PORT || 8080);
if (portArg) port = Number(portArg.includes('=') ? portArg.split('=')[1] : args[args.indexOf(portArg) + 1]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) { console.error(`[start] bad port: ${port}`); process.exit(2); }
const examples = path.join(repoRoot, 'examples');

const b = spawnSync(process.execPath, [path.join(repoRoot, 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
if (b.status !== 0) { console.error('[start] build failed'); process.exit(b.status || 1); }

const hasCode = !args.includes('--code-server') && spawnSync('code', ['--version'], { stdio: 'ignore', shell: false }).status === 0;
if (hasCode) {
  console.log(`[start] opening desktop VS Code: code --extensionDevelopmentPath=${repoRoot} ${examples}`);
  const r = spawnSync('code', ['--new-window', `--extensionDevelopmentPath=${repoRoot}`, examples], { stdio: 'inherit' });
  process.exit(r.status ?? 0);
}

console.log('[start] no `code` command: using code-server (first run installs it into .vscode-test/, a few minutes)');
const env = await ensureEnvironment();
if (!env.ok) { console.error(`[start] cannot set up code-server:\n${env.reason}`); process.exit(1); }

const busy = await new Promise((resolve) => {
  const s = net.createServer();
  s.once('error', () => resolve(true));
  s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
});
if (busy) { console.error(`[start] port ${port} on 127.0.0.1 is in use: try --port <n> or PORT=<n>`); process.exit(1); }

// Keep the user data between runs (settings, open editors), in .vscode-test/start.
const cs = await startCodeServer(env, {
  tag: 'start', workspace: examples, devMode: true, port, runDir: path.join(cacheDir, 'start'), keepRunDir: true,
  settings: { 'workbench.startupEditor': 'none' },
});
const url = workbenchUrl(cs.url, examples, [['extensionDevelopmentPath', remoteUri(repoRoot)]]);
console.log('');
console.log('  EPT Lens is running in code-server. Open this URL in a browser on this machine:');
console.log('');
console.log(`    ${url}`);
console.log('');
console.log(`  (code-server log: ${path.relative(repoRoot, cs.logPath)}; after a rebuild (npm run build), reload the page; Ctrl+C stops)`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping code-server');
  await cs.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
cs.child.on('exit', (code) => { if (!stopping) { console.error(`[start] code-server exited (${code}); see ${cs.logPath}`); process.exit(1); } });
// Keep the process alive while code-server runs.
setInterval(() => {}, 1 << 30);
