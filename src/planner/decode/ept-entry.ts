// Decodes a 64-bit EPT paging-structure entry (SDM vol. 3, "Format of EPT Paging-Structure
// Entries"). Level 4 = PML4E, 3 = PDPTE, 2 = PDE, 1 = PTE. Memory type, ignore-PAT, dirty and
// suppress-#VE exist only in leaves (PTE, or PDPTE/PDE with bit 7 = 1).
import type { MemoryType, PageSize } from '../types';
import { memoryTypeFromNumber, memoryTypeLabel } from './memory-types';

export type EptLevel = 1 | 2 | 3 | 4;

export interface EptEntry {
  value: bigint;
  level: EptLevel;
  present: boolean;
  read: boolean;
  write: boolean;
  execute: boolean;
  userExecute: boolean;
  accessed: boolean;
  /** Bit 7 as stored; only PDPTE/PDE use it to mean "maps a page". */
  largePage: boolean;
  /** True when the entry maps a page rather than pointing to the next table. */
  leaf: boolean;
  pageSize?: PageSize;
  /** Leaf-only fields; undefined on table pointers. */
  memoryTypeNumber?: number;
  memoryType?: MemoryType;
  ignorePat?: boolean;
  dirty?: boolean;
  suppressVe?: boolean;
  /** Page frame (leaf, aligned to its size) or next-table address. */
  address: number;
  /** Conditions that make the CPU raise an EPT misconfiguration instead of translating. */
  misconfigurations: string[];
  notes: string[];
}

const LEVEL_NAME: Record<EptLevel, string> = { 4: 'PML4E', 3: 'PDPTE', 2: 'PDE', 1: 'PTE' };
const bit = (v: bigint, n: number): boolean => ((v >> BigInt(n)) & 1n) === 1n;
const mask = (hi: number, lo: number): bigint => ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);

/**
 * @param maxPhysAddr MAXPHYADDR (CPUID 0x80000008 EAX[7:0]); address bits at or above it are
 *   reserved. Defaults to 52, the architectural maximum, so nothing is flagged unless told.
 */
export function decodeEptEntry(value: bigint, level: EptLevel, maxPhysAddr = 52): EptEntry {
  const v = BigInt.asUintN(64, value);
  const read = bit(v, 0);
  const write = bit(v, 1);
  const execute = bit(v, 2);
  const largePage = bit(v, 7);
  const leaf = level === 1 || ((level === 2 || level === 3) && largePage);
  const pageSize: PageSize | undefined = !leaf ? undefined : level === 3 ? '1G' : level === 2 ? '2M' : '4K';
  const lowAddrBit = pageSize === '1G' ? 30 : pageSize === '2M' ? 21 : 12;
  const address = Number(v & mask(maxPhysAddr - 1, lowAddrBit));

  const entry: EptEntry = {
    value: v,
    level,
    present: read || write || execute,
    read,
    write,
    execute,
    userExecute: bit(v, 10),
    accessed: bit(v, 8),
    largePage,
    leaf,
    pageSize,
    address,
    misconfigurations: [],
    notes: [],
  };
  if (!entry.present) return entry; // The CPU ignores every other bit of a not-present entry.

  const perms = Number(v & 7n);
  if (perms === 0b010) entry.misconfigurations.push('write-only (bits 2:0 = 010)');
  if (perms === 0b110) entry.misconfigurations.push('write+execute without read (bits 2:0 = 110)');
  if (perms === 0b100) entry.notes.push('execute-only: valid only if IA32_VMX_EPT_VPID_CAP bit 0 is set');

  if (leaf) {
    const mt = Number((v >> 3n) & 7n);
    entry.memoryTypeNumber = mt;
    entry.memoryType = memoryTypeFromNumber(mt);
    entry.ignorePat = bit(v, 6);
    entry.dirty = bit(v, 9);
    entry.suppressVe = bit(v, 63);
    if (!entry.memoryType) entry.misconfigurations.push(`reserved memory type ${mt} (bits 5:3)`);
    if (lowAddrBit > 12 && (v & mask(lowAddrBit - 1, 12)) !== 0n) {
      entry.misconfigurations.push(`${pageSize} page with reserved bits ${lowAddrBit - 1}:12 set`);
    }
  } else {
    if (level === 4 && largePage) entry.misconfigurations.push('bit 7 is reserved in a PML4E');
    if ((v & mask(6, 3)) !== 0n) entry.misconfigurations.push('reserved bits 6:3 set in a non-leaf entry');
  }
  if (maxPhysAddr < 52 && (v & mask(51, maxPhysAddr)) !== 0n) {
    entry.misconfigurations.push(`address bits 51:${maxPhysAddr} set beyond MAXPHYADDR ${maxPhysAddr}`);
  }
  return entry;
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

/** Hover lines for an entry, misconfigurations first so they are seen. */
export function describeEptEntry(e: EptEntry): string[] {
  const head = `**${LEVEL_NAME[e.level]}** \`${hex(e.value)}\``;
  if (!e.present) return [`${head}: not present (bits 2:0 = 000)`];
  const lines = e.misconfigurations.map((m) => `**EPT misconfiguration**: ${m}`);
  const perms = `${e.read ? 'R' : '-'}${e.write ? 'W' : '-'}${e.execute ? 'X' : '-'}${e.userExecute ? ' +user-X' : ''}`;
  lines.push(`${head}: ${perms}, ${e.leaf ? `maps a ${e.pageSize} page at \`${hex(e.address)}\`` : `points to table at \`${hex(e.address)}\``}`);
  if (e.leaf) {
    const flags = [e.ignorePat && 'ignore PAT', e.accessed && 'accessed', e.dirty && 'dirty', e.suppressVe && 'suppress #VE'].filter(Boolean);
    lines.push(`memory type ${memoryTypeLabel(e.memoryTypeNumber ?? 0)}${flags.length ? `; ${flags.join(', ')}` : ''}`);
  } else if (e.accessed) {
    lines.push('accessed');
  }
  lines.push(...e.notes);
  return lines;
}

export interface EntryInput {
  value: bigint;
  level?: EptLevel;
}

/**
 * What a user pastes for an entry: `0x6000000100bd7b77`, `6000…77 1`, or a kvm_mmu_set_spte
 * excerpt such as `600000012345b77 (rwx)` or `spte 600000012345b77 (rwx) level 1 at …`.
 * Returns a message saying what is wrong when it is not one.
 */
export function parseEntryInput(text: string): EntryInput | string {
  const s = text.trim().replace(/[_`]/g, '');
  if (!s) return 'type a 64-bit EPT entry in hex, e.g. 0x6000000100bd7b77';
  const m = /^(?:spte\s+)?(?:0x)?([0-9a-f]+)(?:\s*\(([-rwxu]*)\))?(?:\s+(?:level\s+)?(\S+))?(?:\s+at\s+\S+)?\s*$/i.exec(s);
  if (!m) return `'${text.trim()}' is not a hex EPT entry (optionally followed by its level 1–4)`;
  if (m[1].length > 16) return `${m[1].length} hex digits: an EPT entry has at most 16 (64 bits)`;
  const value = BigInt(`0x${m[1]}`);
  if (m[3] === undefined) return { value };
  const level = Number(m[3]);
  if (level !== 1 && level !== 2 && level !== 3 && level !== 4) return `level '${m[3]}' must be 1 (PTE), 2 (PDE), 3 (PDPTE) or 4 (PML4E)`;
  return { value, level };
}
