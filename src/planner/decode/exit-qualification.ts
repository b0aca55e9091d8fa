// EPT-violation exit qualification (SDM vol. 3, table "Exit Qualification for EPT Violations").
// KVM prints it as info1 (or the first `info` value) of kvm_exit, and as error_code of
// kvm_page_fault for EPT faults.

export interface QualificationBit {
  bit: number;
  name: string;
  set: boolean;
}

export interface ExitQualification {
  value: bigint;
  dataRead: boolean;
  dataWrite: boolean;
  instructionFetch: boolean;
  /** Bits 3–5: AND of the R/W/X permissions over every entry of the walk. */
  readable: boolean;
  writable: boolean;
  executable: boolean;
  userExecutable: boolean;
  glaValid: boolean;
  /** Bit 8, meaningful only when glaValid: true = access to the translation, false = to a guest paging-structure entry. */
  translationAccess: boolean;
  userModeAddress: boolean;
  readWritePage: boolean;
  executeDisablePage: boolean;
  nmiUnblocking: boolean;
  /** Bits 3–5 all clear: the faulting entry was not present (HyperPlatform's cue to map MMIO lazily). */
  notPresent: boolean;
  bits: QualificationBit[];
}

const NAMES: readonly string[] = [
  'data read',
  'data write',
  'instruction fetch',
  'readable',
  'writable',
  'executable',
  'user-mode executable',
  'guest linear address valid',
  'access to the translation',
  'user-mode linear address',
  'read/write page',
  'execute-disable page',
  'NMI unblocking due to IRET',
];

export function decodeExitQualification(value: bigint | number): ExitQualification {
  const v = BigInt(value);
  const bit = (n: number): boolean => ((v >> BigInt(n)) & 1n) === 1n;
  const bits = NAMES.map((name, i) => ({ bit: i, name, set: bit(i) }));
  return {
    value: v,
    dataRead: bit(0),
    dataWrite: bit(1),
    instructionFetch: bit(2),
    readable: bit(3),
    writable: bit(4),
    executable: bit(5),
    userExecutable: bit(6),
    glaValid: bit(7),
    translationAccess: bit(7) && bit(8),
    userModeAddress: bit(9),
    readWritePage: bit(10),
    executeDisablePage: bit(11),
    nmiUnblocking: bit(12),
    notPresent: !bit(3) && !bit(4) && !bit(5),
    bits,
  };
}

function accessKind(q: ExitQualification): string {
  const kinds = [q.dataRead && 'data read', q.dataWrite && 'data write', q.instructionFetch && 'instruction fetch'].filter(Boolean);
  return kinds.length ? kinds.join(' + ') : 'no access bits';
}

/** Hover lines, e.g. for 0x181: "data read", "guest linear address valid, access to the translation", "not present". */
export function describeExitQualification(q: ExitQualification): string[] {
  const lines = [`**EPT violation** \`0x${q.value.toString(16)}\`: ${accessKind(q)}`];
  if (q.notPresent) lines.push('entry **not present** (bits 3–5 clear)');
  else {
    const perms = [q.readable && 'readable', q.writable && 'writable', q.executable && 'executable', q.userExecutable && 'user-executable'].filter(Boolean);
    lines.push(`entry was ${perms.join(', ')}`);
  }
  if (q.glaValid) {
    lines.push(`guest linear address valid, ${q.translationAccess ? 'access to the translation' : 'access to a guest paging-structure entry'}`);
  } else {
    lines.push('no guest linear address');
  }
  const adv = [q.userModeAddress && 'user-mode address', q.readWritePage && 'read/write page', q.executeDisablePage && 'execute-disable page'].filter(Boolean);
  if (adv.length) lines.push(adv.join(', '));
  if (q.nmiUnblocking) lines.push('NMI unblocking due to IRET');
  return lines;
}
