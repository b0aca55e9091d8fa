// EPT Lens settings as the server uses them: raw values from `workspace/configuration`
// (section `eptLens`, scoped to the document) turned into planner options. Pure.
import { PageSize, PlanOptions, isPhysBits, parsePageSize, parseSize } from '../planner';

export interface RawSettings {
  limit?: unknown;
  physAddressBits?: unknown;
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
  /** `eptLens.limit: "phys"`: 2^MAXPHYADDR of each map (`limit` then holds the default). */
  limitPhys: boolean;
  /** `eptLens.physAddressBits`; else each map's MTRR mask width, else 52. */
  physAddressBits?: number;
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
  limitPhys: false,
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
  if (typeof r.limit === 'string' && r.limit.trim().toLowerCase() === 'phys') {
    s.limitPhys = true;
    s.limitText = 'phys';
  } else if (r.limit !== undefined && r.limit !== null && r.limit !== '') {
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
  if (r.physAddressBits !== undefined && r.physAddressBits !== null && r.physAddressBits !== '') {
    const n = Number(r.physAddressBits);
    if (isPhysBits(n)) s.physAddressBits = n;
    else s.problems.push(`eptLens.physAddressBits '${String(r.physAddressBits)}' is not a physical address width from 32 to 52: taken from the MTRR masks (else 52)`);
  }
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
export const planKey = (s: Settings): string => `${s.limitPhys ? 'phys' : s.limit}|${s.physAddressBits ?? ''}|${s.maxPage}|${s.ramPage}|${s.mmioMemoryType}`;

/** The planner options the settings decide (each map brings its own MTRRs). */
export const planOptions = (s: Settings): PlanOptions => ({
  limit: s.limitPhys ? 'phys' : s.limit,
  physAddrBits: s.physAddressBits,
  maxPage: s.maxPage,
  ramPage: s.ramPage,
});
