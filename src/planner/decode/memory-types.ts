// Memory-type encodings shared by EPT leaves, MTRRs and PAT (SDM vol. 3, "Memory Types").
// Text sources spell types differently (Linux says "uncachable", /proc/mtrr "write-back",
// HyperPlatform prints numbers), so every reader funnels through here.
import type { MemoryType } from '../types';

const BY_NUMBER: ReadonlyArray<MemoryType | undefined> = [
  'UC', 'WC', undefined, undefined, 'WT', 'WP', 'WB', undefined,
];

const NUMBER_OF: Readonly<Record<MemoryType, number>> = { UC: 0, WC: 1, WT: 4, WP: 5, WB: 6 };

const LONG_NAME: Readonly<Record<MemoryType, string>> = {
  UC: 'uncacheable',
  WC: 'write-combining',
  WT: 'write-through',
  WP: 'write-protected',
  WB: 'write-back',
};

// Keys are normalised: lower case, '_' and ' ' turned into '-'.
const WORDS: ReadonlyMap<string, MemoryType> = new Map<string, MemoryType>([
  ['uc', 'UC'], ['uncachable', 'UC'], ['uncacheable', 'UC'], ['uncached', 'UC'],
  ['wc', 'WC'], ['write-combining', 'WC'], ['write-combine', 'WC'],
  ['wt', 'WT'], ['write-through', 'WT'],
  ['wp', 'WP'], ['write-protect', 'WP'], ['write-protected', 'WP'],
  ['wb', 'WB'], ['write-back', 'WB'], ['writeback', 'WB'],
]);

/** Type for an encoding 0..7; undefined for the reserved values 2, 3, 7 and anything else. */
export function memoryTypeFromNumber(n: number): MemoryType | undefined {
  return Number.isInteger(n) && n >= 0 && n < BY_NUMBER.length ? BY_NUMBER[n] : undefined;
}

export function memoryTypeNumber(t: MemoryType): number {
  return NUMBER_OF[t];
}

/** True for encodings the SDM reserves in EPT/MTRR memory-type fields (2, 3, 7). */
export function isReservedMemoryTypeNumber(n: number): boolean {
  return n === 2 || n === 3 || n === 7;
}

/**
 * Parses the spellings found in logs: `UC`/`WB` abbreviations and the Linux/proc words
 * (`uncachable`, `write-back`, `write-combining`, `write-through`, `write-protect`).
 * Case-insensitive; `UC-` (a PAT-only type) is not an MTRR/EPT type and is rejected.
 */
export function parseMemoryTypeWord(word: string): MemoryType | undefined {
  const key = word.trim().toLowerCase().replace(/[_ ]/g, '-');
  return WORDS.get(key);
}

/** `WB (write-back)`: short text for hovers. */
export function describeMemoryType(t: MemoryType): string {
  return `${t} (${LONG_NAME[t]}, ${NUMBER_OF[t]})`;
}

/** Name of an encoding including reserved ones, for decoders that must show bad values. */
export function memoryTypeLabel(n: number): string {
  const t = memoryTypeFromNumber(n);
  return t ? describeMemoryType(t) : `reserved (${n})`;
}
