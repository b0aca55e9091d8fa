// EPT Lens settings as the server uses them: raw values from `workspace/configuration`
// (section `eptLens`, scoped to the document) turned into plan settings. Pure.
import { DEFAULT_LIMIT_TEXT, DEFAULT_PLAN_SETTINGS, type PlanSettings, type Terms, parseLimit } from '../analysis';
import { PageSize, isPhysBits, parsePageSize } from '../planner';
import { POLICIES, policyNamed } from '../policies';

export interface RawSettings {
  limit?: unknown;
  physAddressBits?: unknown;
  maxPage?: unknown;
  ramPage?: unknown;
  mmioMemoryType?: unknown;
  inlayHints?: { enabled?: unknown };
  maxDiagnostics?: unknown;
  policy?: unknown;
}

export interface Settings extends PlanSettings {
  /** The limit as the user wrote it, for messages. */
  limitText: string;
  inlayHints: boolean;
  maxDiagnostics: number;
  /** eptLens.policy: the hypervisor whose holes and type mismatches become diagnostics (src/policies). */
  policy?: string;
  /** Settings that could not be used, with what was used instead. */
  problems: string[];
}

const DEFAULT_SETTINGS: Settings = Object.freeze({
  ...DEFAULT_PLAN_SETTINGS,
  limitText: DEFAULT_LIMIT_TEXT,
  inlayHints: true,
  maxDiagnostics: 1000,
  problems: [],
}) as Settings;

/** Validates raw settings; anything unusable falls back to its default and is reported in `problems`. */
export function resolveSettings(raw: RawSettings | null | undefined): Settings {
  const r = raw ?? {};
  const s: Settings = { ...DEFAULT_SETTINGS, problems: [] };
  if (typeof r.limit === 'string' && r.limit.trim().toLowerCase() === 'phys') {
    s.limitPhys = true;
    s.limitText = 'phys';
  } else if (r.limit !== undefined && r.limit !== null && r.limit !== '') {
    const text = String(r.limit);
    const n = parseLimit(text);
    if (n === undefined) {
      s.problems.push(`eptLens.limit '${text}' is not a positive multiple of 4 KiB up to 2^52: ${DEFAULT_LIMIT_TEXT} used`);
    } else {
      s.limit = n;
      s.limitText = text.trim();
    }
  }
  const page = (v: unknown, name: 'maxPage' | 'ramPage'): PageSize => {
    const dflt = DEFAULT_PLAN_SETTINGS[name];
    if (v === undefined || v === null || v === '') return dflt;
    const p = parsePageSize(String(v));
    if (!p) s.problems.push(`eptLens.${name} '${String(v)}' is not 4K, 2M or 1G: ${dflt} used`);
    return p ?? dflt;
  };
  if (r.physAddressBits !== undefined && r.physAddressBits !== null && r.physAddressBits !== '') {
    const n = Number(r.physAddressBits);
    if (isPhysBits(n)) s.physAddrBits = n;
    else s.problems.push(`eptLens.physAddressBits '${String(r.physAddressBits)}' is not a physical address width from 32 to 52: taken from the MTRR masks (else 52)`);
  }
  s.maxPage = page(r.maxPage, 'maxPage');
  s.ramPage = page(r.ramPage, 'ramPage');
  if (r.mmioMemoryType === 'uc' || r.mmioMemoryType === 'mtrr') s.useMtrr = r.mmioMemoryType === 'mtrr';
  if (r.inlayHints && typeof r.inlayHints === 'object' && typeof r.inlayHints.enabled === 'boolean') s.inlayHints = r.inlayHints.enabled;
  if (typeof r.maxDiagnostics === 'number' && Number.isFinite(r.maxDiagnostics) && r.maxDiagnostics >= 0) {
    s.maxDiagnostics = Math.floor(r.maxDiagnostics);
  }
  if (typeof r.policy === 'string' && r.policy !== '' && r.policy !== 'none') {
    if (policyNamed(r.policy)) s.policy = r.policy.toLowerCase();
    else s.problems.push(`eptLens.policy '${r.policy}' is not one of ${POLICIES.map((p) => p.name).join(', ')}: no policy checked`);
  }
  return s;
}

/** How the editor's messages name its settings and commands (the CLI names its flags: CLI_TERMS). */
export const editorTerms = (s: Settings): Terms => ({
  limit: `eptLens.limit = ${s.limitText}`,
  limitPhys: 'eptLens.limit "phys"',
  physBits: 'eptLens.physAddressBits',
  noMtrr: 'eptLens.mmioMemoryType "uc"',
  mtrrFile: '"EPT Lens: Use MTRRs from File…" takes them from a /proc/mtrr file',
  maxPage: 'eptLens.maxPage',
});
