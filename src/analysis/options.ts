// The settings a plan depends on, their defaults and the one rule for a usable limit: shared by
// the CLI's flags and the editor's eptLens.* settings. Pure.
import type { MtrrState, PageSize, PlanOptions } from '../planner';
import { DEFAULT_LIMIT, hex, parseSize } from '../planner';

export interface PlanSettings {
  /** End of the identity map (exclusive). */
  limit: number;
  maxPage: PageSize;
  ramPage: PageSize;
  /** Use the map's MTRR dump for memory types (`eptLens.mmioMemoryType` `mtrr`), else gaps UC, RAM WB. */
  useMtrr: boolean;
  /** `--limit phys` / `eptLens.limit: "phys"`: the limit is 2^MAXPHYADDR of each map (`limit` is then unused). */
  limitPhys?: boolean;
  /** `--phys-bits` / `eptLens.physAddressBits`: MAXPHYADDR; else the MTRR masks' width, else 52. */
  physAddrBits?: number;
}

export const DEFAULT_PLAN_SETTINGS: Readonly<PlanSettings> = Object.freeze({ limit: DEFAULT_LIMIT, maxPage: '1G', ramPage: '4K', useMtrr: true });
/** How the default limit is written in settings and messages. */
export const DEFAULT_LIMIT_TEXT = '512G';

/** Why `n` bytes can't end an identity map, or undefined when it can: a positive multiple of 4 KiB up to 2^52. */
export function limitProblem(n: number): string | undefined {
  if (n <= 0) return 'the limit must be above 0';
  if (n % 4096 !== 0) return `${hex(n)} is not a multiple of 4 KiB (0x1000): EPT maps whole pages`;
  if (n > 2 ** 52) return 'the limit must be at most 2^52 (4 PiB), the architectural maximum';
  return undefined;
}

/** A limit as the user writes it (`512G`, `1T`, `0x8000000000`) when limitProblem has nothing against it, else undefined. */
export function parseLimit(text: string): number | undefined {
  const n = parseSize(text);
  return n === undefined || limitProblem(n) ? undefined : n;
}

/** The planner's options for these settings and (when they apply) the map's MTRRs. */
export function planOptions(s: PlanSettings, mtrr?: MtrrState): PlanOptions {
  return { limit: s.limitPhys ? 'phys' : s.limit, physAddrBits: s.physAddrBits, maxPage: s.maxPage, ramPage: s.ramPage, mtrr: s.useMtrr ? mtrr : undefined };
}

/** Identifies the settings that change a plan (cache key). */
export const planKey = (s: PlanSettings): string =>
  `${s.limitPhys ? 'phys' : s.limit}|${s.physAddrBits ?? ''}|${s.maxPage}|${s.ramPage}|${s.useMtrr ? 'mtrr' : 'uc'}`;
