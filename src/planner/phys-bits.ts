// MAXPHYADDR: the CPU's physical address width. It bounds what a variable MTRR can match (nothing
// repeats above 2^MAXPHYADDR) and what an EPT identity map may point at: an EPT entry whose
// address sets bits at or above MAXPHYADDR sets reserved bits, an EPT misconfiguration on use.
import type { MtrrState } from './mtrr';
import { MAX_PHYS_BITS } from './mtrr';
import { formatSize } from './units';

/** Where the width came from: the user (`--phys-bits`, `eptLens.physAddressBits`), the dump, or the architectural maximum. */
export type PhysBitsSource = 'option' | 'mtrr' | 'default';

/** Smallest MAXPHYADDR accepted: x86 CPUs with PAE have at least 36, old ones 32. */
export const MIN_PHYS_BITS = 32;

export const isPhysBits = (n: number): boolean => Number.isInteger(n) && n >= MIN_PHYS_BITS && n <= MAX_PHYS_BITS;

/** The user's value wins; else what the MTRR dump shows; else 52. */
export function resolvePhysBits(option: number | undefined, mtrr: MtrrState | undefined): { bits: number; from: PhysBitsSource } {
  if (option !== undefined) return { bits: option, from: 'option' };
  if (mtrr?.physAddrBits !== undefined) return { bits: mtrr.physAddrBits, from: 'mtrr' };
  return { bits: MAX_PHYS_BITS, from: 'default' };
}

const FROM: Record<PhysBitsSource, string> = { option: 'as given', mtrr: 'from the MTRR masks', default: 'assumed: the architectural maximum' };

/** `MAXPHYADDR 36 (from the MTRR masks)`. */
export const describePhysBits = (bits: number, from: PhysBitsSource): string => `MAXPHYADDR ${bits} (${FROM[from]})`;

/**
 * Says so when the identity map reaches past the physical address space. `phys` is how the user
 * asks for exactly 2^MAXPHYADDR (`--limit phys`, `eptLens.limit: "phys"`).
 */
export function physLimitWarning(limit: number, bits: number, from: PhysBitsSource, phys: string): string | undefined {
  const space = 2 ** bits;
  if (limit <= space) return undefined;
  return (
    `the identity map's limit ${formatSize(limit)} is past the ${formatSize(space)} physical address space ` +
    `(MAXPHYADDR ${bits}, ${FROM[from]}): EPT entries for [${formatSize(space)}, ${formatSize(limit)}) set reserved address bits, ` +
    `an EPT misconfiguration when used; ${phys} maps exactly ${formatSize(space)}`
  );
}
