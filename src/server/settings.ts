// EPT Lens settings as the server uses them: raw values from `workspace/configuration`
// (section `eptLens`, scoped to the document) turned into planner options. Pure.
import { PageSize, parsePageSize, parseSize } from '../planner';

export interface RawSettings {
  limit?: unknown;
  maxPage?: unknown;
  ramPage?: unknown;
  mmioMemoryType?: unknown;
  inlayHints?: { enabled?: unknown };
  maxDiagnostics?: unknown;
}

export interface Settings {
  limit: number;
  /** The limit as the user wrote it, for messages. */
  limitText: string;
  maxPage: PageSize;
  ramPage: PageSize;
  mmioMemoryType: 'mtrr' | 'uc';
  inlayHints: boolean;
  maxDiagnostics: number;
  /** Settings that could not be used, with what was used instead. */
  problems: string[];
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  limit: 512 * 2 ** 30,
  limitText: '512G',
  maxPage: '1G',
  ramPage: '4K',
  mmioMemoryType: 'mtrr',
  inlayHints: true,
  maxDiagnostics: 1000,
  problems: [],
}) as Settings;

/** Validates raw settings; anything unusable falls back to its default and is reported in `problems`. */
export function resolveSettings(raw: RawSettings | null | undefined): Settings {
  const r = raw ?? {};
  const s: Settings = { ...DEFAULT_SETTINGS, problems: [] };
  if (r.limit !== undefined && r.limit !== null && r.limit !== '') {
    const text = String(r.limit);
    const n = parseSize(text);
    if (n === undefined || n <= 0 || n % 4096 !== 0 || n > 2 ** 52) {
      s.problems.push(`eptLens.limit '${text}' is not a positive multiple of 4 KiB up to 2^52: 512G used`);
    } else {
      s.limit = n;
      s.limitText = text.trim();
    }
  }
  const page = (v: unknown, name: string, dflt: PageSize): PageSize => {
    if (v === undefined || v === null || v === '') return dflt;
    const p = parsePageSize(String(v));
    if (!p) s.problems.push(`eptLens.${name} '${String(v)}' is not 4K, 2M or 1G: ${dflt} used`);
    return p ?? dflt;
  };
  s.maxPage = page(r.maxPage, 'maxPage', '1G');
  s.ramPage = page(r.ramPage, 'ramPage', '4K');
  if (r.mmioMemoryType === 'uc' || r.mmioMemoryType === 'mtrr') s.mmioMemoryType = r.mmioMemoryType;
  if (r.inlayHints && typeof r.inlayHints === 'object' && typeof r.inlayHints.enabled === 'boolean') s.inlayHints = r.inlayHints.enabled;
  if (typeof r.maxDiagnostics === 'number' && Number.isFinite(r.maxDiagnostics) && r.maxDiagnostics >= 0) {
    s.maxDiagnostics = Math.floor(r.maxDiagnostics);
  }
  return s;
}

/** Identifies the settings that change a plan (cache key). */
export const planKey = (s: Settings): string => `${s.limit}|${s.maxPage}|${s.ramPage}|${s.mmioMemoryType}`;
