// Shared helpers for EPT Lens's real-editor tests: environment setup, workspace copy, a private
// code-server on 127.0.0.1 (free port), headless Debian chromium driven by playwright-core.
// Used by test/e2e/editor.test.mjs (npm test) and test/e2e/start.mjs (npm start).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = process.env.EPT_E2E_CACHE || path.join(repoRoot, '.vscode-test');
export const artifactsDir = path.join(repoRoot, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const EXTENSION_ID = 'ept-lens.ept-lens';

const t00 = Date.now();
export function log(...args) {
  console.log(`[e2e +${((Date.now() - t00) / 1000).toFixed(1)}s]`, ...args);
}

/**
 * Runs test/e2e/setup.sh (idempotent; cached in .vscode-test/). Resolves to
 * { ok: true, node, codeServerEntry, ms } or { ok: false, reason, cantSetUp, ms } where cantSetUp
 * means "this machine can't have the environment" (not root and packages missing), as opposed to a
 * broken install.
 */
export function ensureEnvironment({ quiet = false } = {}) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(repoRoot, 'test', 'e2e', 'setup.sh')], {
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EPT_E2E_CACHE: cacheDir },
    });
    let out = '';
    const onData = (d) => { out += d; if (!quiet) process.stdout.write(d); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => resolve({ ok: false, cantSetUp: true, reason: `cannot run bash: ${e.message}`, ms: Date.now() - t0 }));
    child.on('close', (code) => {
      const ms = Date.now() - t0;
      if (code !== 0) {
        resolve({ ok: false, cantSetUp: code === 3, reason: `test/e2e/setup.sh exited with ${code}:\n${out.split('\n').slice(-25).join('\n')}`, ms });
        return;
      }
      let env;
      try { env = JSON.parse(fs.readFileSync(path.join(cacheDir, 'env.json'), 'utf8')); } catch (e) {
        resolve({ ok: false, cantSetUp: false, reason: `setup.sh succeeded but .vscode-test/env.json is unreadable: ${e.message}`, ms });
        return;
      }
      if (!fs.existsSync(CHROMIUM)) {
        resolve({ ok: false, cantSetUp: true, reason: `${CHROMIUM} not found (apt-get install chromium)`, ms });
        return;
      }
      resolve({ ok: true, ...env, ms });
    });
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function copyDir(src, dst) {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name);
    const d = path.join(dst, e.name);
    if (e.isDirectory()) copyDir(s, d);
    else if (e.isFile()) fs.copyFileSync(s, d);
  }
}

/**
 * A throwaway workspace: a copy of test/fixtures/ at the top level plus examples/ in a subfolder,
 * so tests never touch the repository's files (settings commands write .vscode/settings.json).
 */
export function makeWorkspace(tag) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ept-ws-${tag}-`));
  copyDir(path.join(repoRoot, 'test', 'fixtures'), dir);
  const examples = path.join(repoRoot, 'examples');
  if (fs.existsSync(examples)) copyDir(examples, path.join(dir, 'examples'));
  // VS Code's built-in `log` language owns *.log, and an extension association beats EPT Lens's
  // firstLine pattern: map the HyperPlatform fixtures by hand, as the README tells users to.
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'files.associations': { 'hyperplatform-*.log': 'ept-log' } }, null, 2));
  return dir;
}

/** User settings for a quiet, deterministic workbench (see the recipe's pitfalls). */
export const userSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'editor.inlayHints.enabled': 'on',
  'editor.hover.delay': 200,
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'git.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

/**
 * Starts a private code-server. Options: tag (run dir name), workspace (folder to open),
 * devMode (pass --vscode-option enable-smoke-test-driver so the payload's extensionDevelopmentPath /
 * extensionTestsPath are honoured), extensionsDir, env (extra env, inherited by the extension host),
 * port. Returns { url, port, runDir, logPath, codeServerArgs, stop() }.
 */
export async function startCodeServer(env, opts) {
  const { tag, workspace, devMode = true, extraEnv = {}, settings = {} } = opts;
  const runDir = opts.runDir || path.join(cacheDir, 'run', tag);
  if (!opts.keepRunDir) fs.rmSync(runDir, { recursive: true, force: true });
  for (const d of ['ud/User', 'exts', 'xdg-config', 'xdg-data', 'xdg-cache']) fs.mkdirSync(path.join(runDir, d), { recursive: true });
  const extensionsDir = opts.extensionsDir || path.join(runDir, 'exts');
  const port = opts.port || await freePort();
  fs.writeFileSync(path.join(runDir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  fs.writeFileSync(path.join(runDir, 'ud', 'User', 'settings.json'), JSON.stringify({ ...userSettings, ...settings }, null, 2));
  // VS Code drops unix sockets in $TMPDIR: keep it short (< 108 chars for socket paths) and private.
  const tmp = fs.mkdtempSync('/tmp/ept-cs-');
  const childEnv = {
    ...process.env,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg-cache'),
    ...extraEnv,
  };
  delete childEnv.NODE_OPTIONS;
  delete childEnv.NODE_TEST_CONTEXT; // don't make the extension host think it is a node:test child
  const common = ['--config', path.join(runDir, 'config.yaml'), '--user-data-dir', path.join(runDir, 'ud'), '--extensions-dir', extensionsDir];
  const args = [env.codeServerEntry, ...common,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened'];
  if (devMode) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(workspace);
  const logPath = path.join(runDir, 'code-server.log');
  const logFd = fs.openSync(logPath, 'w');
  const t0 = Date.now();
  const child = spawn(env.node, args, { env: childEnv, stdio: ['ignore', logFd, logFd], detached: true });
  fs.closeSync(logFd);
  let exited = null;
  child.on('exit', (code, sig) => { exited = { code, sig }; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch {}
      const end = Date.now() + 5000;
      while (!exited && Date.now() < end) await sleep(100);
      if (!exited) { try { process.kill(-child.pid, 'SIGKILL'); } catch {} }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60000;
  for (;;) {
    if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}); last lines of ${logPath}:\n${tail(logPath)}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) { await stop(); throw new Error(`code-server not healthy after 60 s; ${logPath}:\n${tail(logPath)}`); }
    await sleep(200);
  }
  log(`code-server (${tag}) healthy on ${url} after ${Date.now() - t0} ms`);
  return { url, port, runDir, logPath, extensionsDir, stop, child };
}

/** `code-server --install-extension <vsix>` into extensionsDir. Returns the command output. */
export function installVsix(env, vsix, extensionsDir, runDir) {
  fs.mkdirSync(extensionsDir, { recursive: true });
  const r = spawnSync(env.node, [env.codeServerEntry, '--user-data-dir', path.join(runDir, 'ud'), '--extensions-dir', extensionsDir,
    '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'), XDG_DATA_HOME: path.join(runDir, 'xdg-data'), NODE_OPTIONS: '' },
    timeout: 120000,
  });
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.status !== 0) throw new Error(`--install-extension ${vsix} failed (exit ${r.status ?? r.signal}):\n${out}`);
  return out;
}

export function tail(file, n = 30) {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n'); } catch { return '(no log)'; }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Headless Debian chromium via playwright-core, with a throwaway profile kept out of $HOME. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'xdg-config'), XDG_CACHE_HOME: path.join(profile, 'xdg-cache') },
    viewport: { width: 1600, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const close = async () => {
    await ctx.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { ctx, close };
}

/** Workbench URL; payload entries are [key, value] (vscode-remote://remote<abs path> for paths). */
export function workbenchUrl(base, folder, payload = []) {
  let url = `${base}/?folder=${encodeURIComponent(folder)}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}
export const remoteUri = (p) => `vscode-remote://remote${p}`;

export function ensureArtifacts() {
  fs.mkdirSync(artifactsDir, { recursive: true });
  return artifactsDir;
}
