// The quick picks and input boxes of the plan settings and decoders: live validation (the same
// rules the server applies), the current value preselected, values prefilled from the token
// under the cursor.
import * as vscode from 'vscode';
import { limitProblem as limitRangeProblem } from '../analysis/options';
import { formatSize, hex, parseSize } from '../planner';

/** Why a limit can't be used, or undefined when it can (the server's rule: a positive multiple of 4 KiB up to 2^52). */
export function limitProblem(text: string): string | undefined {
  const s = text.trim();
  if (!s) return 'type a size (512G, 1T, 64G), a hex address (0x8000000000) or phys';
  if (/^phys$/i.test(s)) return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return `'${s}' has no unit: write ${s}G, ${s}M or a hex address such as 0x${Number(s).toString(16)}000`;
  const n = parseSize(s);
  if (n === undefined) return `'${s}' is not a size (512G, 1T) or a hex address (0x8000000000)`;
  return limitRangeProblem(n);
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('eptLens', vscode.window.activeTextEditor?.document.uri);
}

function target(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

interface Choice extends vscode.QuickPickItem {
  value: string;
}

/** Shows `qp` with `items`, `active` preselected; the accepted item, undefined when dismissed. Disposes it. */
export async function showPick<T extends vscode.QuickPickItem>(qp: vscode.QuickPick<T>, items: readonly T[], active?: T): Promise<T | undefined> {
  qp.items = items;
  if (active) qp.activeItems = [active];
  const chosen = await new Promise<T | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0] ?? qp.activeItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  return chosen;
}

/** A quick pick of `choices` with the current value marked and preselected; undefined when dismissed. */
async function pick(title: string, current: string | undefined, choices: Choice[], custom?: () => Thenable<string | undefined>): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<Choice>();
  qp.title = title;
  qp.placeholder = current !== undefined ? `current: ${current}` : undefined;
  const items = choices.map((c) => (c.value === current ? { ...c, description: `${c.description ?? ''} (current)`.trim() } : c));
  if (custom) items.push({ label: 'Custom…', value: '\u0000custom', description: 'type a value' });
  const chosen = await showPick(qp, items, items.find((c) => c.value === current));
  if (!chosen) return undefined;
  return chosen.value === '\u0000custom' ? custom!() : chosen.value;
}

export async function setLimit(value?: unknown): Promise<string | undefined> {
  let v = typeof value === 'string' ? value.trim() : undefined;
  const current = config().get<string>('limit') ?? '512G';
  if (v === undefined) {
    v = await pick('EPT Lens: End of the identity map', current, [
      { label: '4G', value: '4G', description: '4 GiB: 32-bit guests' },
      { label: '64G', value: '64G', description: '64 GiB' },
      { label: '512G', value: '512G', description: '512 GiB: one PML4 entry (default)' },
      { label: '1T', value: '1T', description: '1 TiB: MMIO above 512 GiB' },
      { label: 'phys', value: 'phys', description: "2^MAXPHYADDR: the CPU's physical address space (from the MTRR masks or eptLens.physAddressBits)" },
    ], () => vscode.window.showInputBox({
      title: 'EPT Lens: End of the identity map',
      value: current,
      prompt: 'A size such as 256G or 1T, or a hex address such as 0x8000000000 (a multiple of 0x1000)',
      validateInput: (s) => {
        const p = limitProblem(s);
        if (p) return p;
        if (/^\s*phys\s*$/i.test(s)) return undefined;
        const n = parseSize(s)!;
        return { message: `${hex(n)} = ${formatSize(n)}`, severity: vscode.InputBoxValidationSeverity.Info };
      },
    }));
    if (v === undefined) return undefined;
  }
  const problem = limitProblem(v);
  if (problem) throw new Error(problem);
  await config().update('limit', v.trim(), target());
  return v.trim();
}

const PAGES: Choice[] = [
  { label: '1G', value: '1G', description: '1 GiB, 2 MiB and 4 KiB pages' },
  { label: '2M', value: '2M', description: '2 MiB and 4 KiB pages' },
  { label: '4K', value: '4K', description: '4 KiB pages only' },
];

async function setPage(key: 'maxPage' | 'ramPage', title: string, notes: Record<string, string>, value?: unknown): Promise<string | undefined> {
  let v = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  if (v === undefined) {
    v = await pick(title, config().get<string>(key), PAGES.map((p) => ({ ...p, detail: notes[p.value] })));
    if (v === undefined) return undefined;
  }
  if (v !== '4K' && v !== '2M' && v !== '1G') throw new Error(`'${v}' is not 4K, 2M or 1G`);
  await config().update(key, v, target());
  return v;
}

export const setMaxPage = (value?: unknown): Promise<string | undefined> =>
  setPage('maxPage', 'EPT Lens: Largest EPT page the CPU allows', {
    '1G': 'IA32_VMX_EPT_VPID_CAP bit 17: 1 GiB pages allowed',
    '2M': 'bit 16 only: older CPUs, and hypervisors that never use 1 GiB pages',
    '4K': 'no large pages',
  }, value);

export const setRamPage = (value?: unknown): Promise<string | undefined> =>
  setPage('ramPage', 'EPT Lens: Largest page for RAM', {
    '4K': 'page-granular access control (introspection, HyperPlatform): the default',
    '2M': 'fewer tables; monitoring works per 2 MiB',
    '1G': 'fewest tables; no fine-grained monitoring of RAM',
  }, value);

export async function setMmioMemoryType(value?: unknown): Promise<string | undefined> {
  let v = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (v === undefined) {
    v = await pick('EPT Lens: Memory type of gap (MMIO) leaves', config().get<string>('mmioMemoryType'), [
      { label: 'From the MTRRs', value: 'mtrr', description: 'mtrr', detail: 'default type, fixed and variable ranges found in the document' },
      { label: 'All UC', value: 'uc', description: 'uc', detail: 'ignore MTRRs: every gap UC, RAM WB' },
    ]);
    if (v === undefined) return undefined;
  }
  if (v !== 'mtrr' && v !== 'uc') throw new Error(`'${v}' is not mtrr or uc`);
  await config().update('mmioMemoryType', v, target());
  return v;
}

/** The hex-looking word under the cursor of the active editor (an spte, an exit qualification). */
function tokenAtCursor(): string | undefined {
  const ed = vscode.window.activeTextEditor;
  if (!ed) return undefined;
  const range = ed.document.getWordRangeAtPosition(ed.selection.active, /(0[xX])?[0-9a-fA-F]{3,16}/);
  return range ? ed.document.getText(range) : undefined;
}

export function decodeInput(what: 'entry' | 'qualification'): Thenable<string | undefined> {
  const entry = what === 'entry';
  return vscode.window.showInputBox({
    title: entry ? 'EPT Lens: Decode EPT entry' : 'EPT Lens: Decode exit qualification',
    value: tokenAtCursor(),
    prompt: entry
      ? 'A 64-bit EPT entry in hex, optionally with its level (1 PTE … 4 PML4E); a kvm_mmu_set_spte excerpt such as 600000012345b77 (rwx) works too'
      : 'An exit qualification in hex, optionally with its exit reason: 0x181 (EPT_VIOLATION), IO_INSTRUCTION 0x3f80008, CR_ACCESS 0x303',
    validateInput: (s) => {
      const t = s.trim();
      if (!t) return 'type a hex value';
      if (entry) {
        return /^(spte\s+)?(0x)?[0-9a-f]{1,16}(\s*\([-rwxu]*\))?(\s+(level\s+)?[1-4])?(\s+at\s+\S+)?$/i.test(t)
          ? undefined
          : 'a hex EPT entry (up to 16 digits), optionally followed by (rwx) and a level 1–4';
      }
      return /(^|\s)(0x)?[0-9a-f]{1,16}(\s|$)/i.test(t) ? undefined : 'a hex qualification, optionally with its exit reason (IO_INSTRUCTION 0x3f80008)';
    },
  });
}

export async function setPhysAddressBits(value?: unknown): Promise<number | null | undefined> {
  let v: string | undefined = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : undefined;
  if (v === undefined) {
    const current = config().get<number | null>('physAddressBits');
    v = await pick('EPT Lens: Physical address width (MAXPHYADDR)', current == null ? 'auto' : String(current), [
      { label: 'From the MTRR masks', value: 'auto', description: 'auto', detail: 'the width Linux printed in the MTRR dump, else 52' },
      ...[36, 39, 46, 48, 52].map((n) => ({ label: `${n} bits`, value: String(n), description: formatSize(2 ** n) })),
    ]);
    if (v === undefined) return undefined;
  }
  const bits = v === 'auto' || v === '' ? null : Number(v);
  if (bits !== null && !(Number.isInteger(bits) && bits >= 32 && bits <= 52)) throw new Error(`'${v}' is not a physical address width from 32 to 52`);
  await config().update('physAddressBits', bits, target());
  return bits;
}
