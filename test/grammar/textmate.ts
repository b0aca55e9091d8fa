// Loads syntaxes/ept-log.tmLanguage.json into the same engine VS Code uses (vscode-textmate +
// the oniguruma wasm), so grammar tests see the tokens the editor would show.
import fs from 'node:fs';
import path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

export const root = process.env.EPT_LENS_ROOT ?? process.cwd();
export const grammarPath = path.join(root, 'syntaxes', 'ept-log.tmLanguage.json');

export interface Token {
  text: string;
  start: number;
  end: number;
  scopes: string[];
}

let loaded: Promise<vsctm.IGrammar> | undefined;

export function loadGrammar(file = grammarPath): Promise<vsctm.IGrammar> {
  if (file === grammarPath && loaded) return loaded;
  const p = (async () => {
    await loadOniguruma();
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file),
    });
    const g = await registry.loadGrammar(JSON.parse(fs.readFileSync(file, 'utf8')).scopeName);
    if (!g) throw new Error(`grammar not loaded: ${file}`);
    return g;
  })();
  if (file === grammarPath) loaded = p;
  return p;
}

let wasmLoaded: Promise<void> | undefined;
function loadOniguruma(): Promise<void> {
  wasmLoaded ??= (async () => {
    const wasm = fs.readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  return wasmLoaded;
}

/** Tokenizes lines in order, carrying the rule stack like the editor does. */
export function tokenizeLines(grammar: vsctm.IGrammar, lines: readonly string[]): Token[][] {
  let stack = vsctm.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, end: t.endIndex, scopes: t.scopes }));
  });
}

export function readFixture(name: string): string[] {
  return fs.readFileSync(path.join(root, 'test', 'fixtures', name), 'utf8').split(/\r?\n/);
}
