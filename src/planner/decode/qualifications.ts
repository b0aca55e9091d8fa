// Exit qualifications of the exits that have one (SDM vol. 3, "Exit Qualification for …" tables):
// I/O instructions, control-register and debug-register accesses, APIC accesses, debug exceptions,
// task switches, EPT violations and misconfigurations. Each decodes to the same shape, a short
// summary (inlay hints) and a field table (hovers, the decode view).
import { decodeExitQualification } from './exit-qualification';
import type { ExitReason } from './exit-reasons';

export interface QualificationField {
  /** `31:16`, `3`. */
  bits: string;
  name: string;
  value: string;
}

export interface DecodedQualification {
  /** `I/O instruction`, `EPT violation`. */
  kind: string;
  /** `in 1 byte · port 0x3f8`: short enough for an inlay hint. */
  summary: string;
  fields: QualificationField[];
  notes: string[];
}

const b = (v: bigint, lo: number, width = 1): number => Number((v >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));
const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
const GPR = ['RAX', 'RCX', 'RDX', 'RBX', 'RSP', 'RBP', 'RSI', 'RDI', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15'];

export function decodeIoQualification(v: bigint): DecodedQualification {
  const size = b(v, 0, 3) + 1;
  const dirIn = b(v, 3) === 1;
  const string = b(v, 4) === 1;
  const rep = b(v, 5) === 1;
  const imm = b(v, 6) === 1;
  const port = b(v, 16, 16);
  const insn = string ? (dirIn ? 'INS' : 'OUTS') : dirIn ? 'IN' : 'OUT';
  const notes: string[] = [];
  if (size !== 1 && size !== 2 && size !== 4) notes.push(`size field ${size - 1} is not 0, 1 or 3: not a value the CPU writes`);
  const known = PORTS.find(([lo, hi]) => port >= lo && port <= hi);
  if (known) notes.push(`port ${hex(port)} is usually ${known[2]}`);
  return {
    kind: 'I/O instruction',
    summary: `${rep ? 'REP ' : ''}${insn} ${size} byte${size === 1 ? '' : 's'} · port ${hex(port)}`,
    fields: [
      { bits: '2:0', name: 'size of access', value: `${size - 1} = ${size} byte${size === 1 ? '' : 's'}` },
      { bits: '3', name: 'direction', value: dirIn ? '1 = IN (port → guest)' : '0 = OUT (guest → port)' },
      { bits: '4', name: 'string instruction', value: string ? '1 = INS/OUTS' : '0' },
      { bits: '5', name: 'REP prefix', value: rep ? '1' : '0' },
      { bits: '6', name: 'operand encoding', value: imm ? '1 = immediate port' : '0 = port in DX' },
      { bits: '31:16', name: 'port', value: hex(port) },
    ],
    notes,
  };
}

/** Well-known PC ports, for a hint of what the guest talks to. */
const PORTS: ReadonlyArray<[number, number, string]> = [
  [0x20, 0x21, 'the master 8259 PIC'], [0xa0, 0xa1, 'the slave 8259 PIC'], [0x40, 0x43, 'the 8254 PIT'],
  [0x60, 0x60, 'the PS/2 keyboard data port'], [0x64, 0x64, 'the PS/2 controller'], [0x70, 0x71, 'the CMOS/RTC'],
  [0x80, 0x80, 'the POST diagnostic port'], [0x2f8, 0x2ff, 'COM2'], [0x3f8, 0x3ff, 'COM1 (a serial console)'],
  [0x3c0, 0x3df, 'VGA'], [0xcf8, 0xcff, 'PCI configuration space (CF8/CFC)'], [0x510, 0x511, "QEMU's fw_cfg"],
  [0x604, 0x604, "QEMU's ACPI PM (shutdown)"], [0xb000, 0xb03f, 'ACPI PM registers (QEMU q35)'],
];

const CR_TYPES = ['MOV to CR', 'MOV from CR', 'CLTS', 'LMSW'];

export function decodeCrQualification(v: bigint): DecodedQualification {
  const cr = b(v, 0, 4);
  const type = b(v, 4, 2);
  const lmswMem = b(v, 6) === 1;
  const reg = GPR[b(v, 8, 4)];
  const src = b(v, 16, 16);
  const fields: QualificationField[] = [
    { bits: '3:0', name: 'control register', value: `CR${cr}` },
    { bits: '5:4', name: 'access type', value: `${type} = ${CR_TYPES[type]}` },
  ];
  let summary: string;
  if (type === 0 || type === 1) {
    fields.push({ bits: '11:8', name: 'general-purpose register', value: reg });
    summary = type === 0 ? `MOV CR${cr} ← ${reg}` : `MOV ${reg} ← CR${cr}`;
  } else if (type === 2) {
    summary = 'CLTS (clears CR0.TS)';
  } else {
    fields.push({ bits: '6', name: 'LMSW operand', value: lmswMem ? '1 = memory' : '0 = register' });
    fields.push({ bits: '31:16', name: 'LMSW source data', value: hex(src) });
    summary = `LMSW ${hex(src)}`;
  }
  return { kind: 'control-register access', summary, fields, notes: [] };
}

export function decodeDrQualification(v: bigint): DecodedQualification {
  const dr = b(v, 0, 3);
  const from = b(v, 4) === 1;
  const reg = GPR[b(v, 8, 4)];
  return {
    kind: 'debug-register access',
    summary: from ? `MOV ${reg} ← DR${dr}` : `MOV DR${dr} ← ${reg}`,
    fields: [
      { bits: '2:0', name: 'debug register', value: `DR${dr}` },
      { bits: '4', name: 'direction', value: from ? '1 = MOV from DR' : '0 = MOV to DR' },
      { bits: '11:8', name: 'general-purpose register', value: reg },
    ],
    notes: [],
  };
}

const APIC_TYPES: Record<number, string> = {
  0: 'linear read',
  1: 'linear write',
  2: 'linear instruction fetch',
  3: 'linear access during event delivery',
  10: 'guest-physical access during event delivery',
  15: 'guest-physical instruction fetch or access during instruction execution',
};

export function decodeApicAccessQualification(v: bigint): DecodedQualification {
  const offset = b(v, 0, 12);
  const type = b(v, 12, 4);
  const async = b(v, 16) === 1;
  const linear = type <= 3;
  const what = APIC_TYPES[type] ?? `reserved type ${type}`;
  const fields: QualificationField[] = [];
  if (linear) fields.push({ bits: '11:0', name: 'offset in the APIC page', value: `${hex(offset)}${APIC_REGS[offset] ? ` (${APIC_REGS[offset]})` : ''}` });
  fields.push({ bits: '15:12', name: 'access type', value: `${type} = ${what}` });
  fields.push({ bits: '16', name: 'asynchronous to instruction execution', value: async ? '1' : '0' });
  return {
    kind: 'APIC access',
    summary: linear ? `${what.replace('linear ', '')} APIC+${hex(offset)}${APIC_REGS[offset] ? ` ${APIC_REGS[offset]}` : ''}` : what,
    fields,
    notes: [],
  };
}

const APIC_REGS: Record<number, string> = {
  0x20: 'ID', 0x30: 'version', 0x80: 'TPR', 0xb0: 'EOI', 0xd0: 'LDR', 0xf0: 'SVR', 0x300: 'ICR low', 0x310: 'ICR high',
  0x320: 'LVT timer', 0x380: 'timer initial count', 0x390: 'timer current count', 0x3e0: 'timer divide',
};

export function decodeDebugQualification(v: bigint): DecodedQualification {
  const hit = [0, 1, 2, 3].filter((i) => b(v, i) === 1).map((i) => `B${i}`);
  const bd = b(v, 13) === 1;
  const bs = b(v, 14) === 1;
  const rtm = b(v, 16) === 1;
  const what = [...hit.map((h) => `breakpoint ${h.slice(1)}`), bd && 'debug-register access (BD)', bs && 'single step (BS)', rtm && 'in an RTM region'].filter(Boolean) as string[];
  return {
    kind: 'debug exception',
    summary: what.length ? `#DB ${what.join(', ')}` : '#DB',
    fields: [
      { bits: '3:0', name: 'B0–B3: breakpoint condition met', value: hit.length ? hit.join(', ') : 'none' },
      { bits: '13', name: 'BD: debug-register access detected', value: bd ? '1' : '0' },
      { bits: '14', name: 'BS: single step (TF)', value: bs ? '1' : '0' },
      { bits: '16', name: 'RTM: inside a transactional region', value: rtm ? '1' : '0' },
    ],
    notes: [],
  };
}

const TASK_SOURCES = ['CALL', 'IRET', 'JMP', 'task gate in the IDT'];

export function decodeTaskSwitchQualification(v: bigint): DecodedQualification {
  const sel = b(v, 0, 16);
  const src = b(v, 30, 2);
  return {
    kind: 'task switch',
    summary: `task switch by ${TASK_SOURCES[src]} to TSS ${hex(sel)}`,
    fields: [
      { bits: '15:0', name: 'TSS selector', value: hex(sel) },
      { bits: '31:30', name: 'source', value: `${src} = ${TASK_SOURCES[src]}` },
    ],
    notes: [],
  };
}

export function decodeEptViolationQualification(v: bigint): DecodedQualification {
  const q = decodeExitQualification(v);
  const access = [q.dataRead && 'read', q.dataWrite && 'write', q.instructionFetch && 'fetch'].filter(Boolean).join('+') || 'no access';
  const perms = `${q.readable ? 'r' : '-'}${q.writable ? 'w' : '-'}${q.executable ? 'x' : '-'}`;
  const fields: QualificationField[] = [
    { bits: '2:0', name: 'access', value: access },
    { bits: '5:3', name: 'entry permissions (R/W/X)', value: q.notPresent ? '000 = not present' : perms },
    { bits: '6', name: 'user-mode executable', value: q.userExecutable ? '1' : '0' },
    { bits: '7', name: 'guest linear address valid', value: q.glaValid ? '1' : '0' },
  ];
  if (q.glaValid) fields.push({ bits: '8', name: 'access to', value: q.translationAccess ? '1 = the translated address' : '0 = a guest paging-structure entry' });
  if (q.userModeAddress || q.readWritePage || q.executeDisablePage) {
    fields.push({ bits: '11:9', name: 'advanced information', value: [q.userModeAddress && 'user-mode', q.readWritePage && 'read/write page', q.executeDisablePage && 'execute-disable'].filter(Boolean).join(', ') });
  }
  if (q.nmiUnblocking) fields.push({ bits: '12', name: 'NMI unblocking due to IRET', value: '1' });
  return {
    kind: 'EPT violation',
    summary: `${access} · ${q.notPresent ? 'not present' : `was ${perms}`}`,
    fields,
    notes: q.notPresent ? ['The entry was not present: the guest touched a GPA with no EPT mapping (lazy MMIO mapping, or memory not yet faulted in).'] : [],
  };
}

/**
 * The qualification of an exit with this reason, or undefined when it has none worth decoding.
 * `intrInfo` (VM-exit interruption information) says which exception an EXCEPTION_NMI exit is.
 */
export function decodeQualification(reason: ExitReason, v: bigint, intrInfo?: bigint): DecodedQualification | undefined {
  switch (reason.qualification) {
    case 'io-instruction': return decodeIoQualification(v);
    case 'cr-access': return decodeCrQualification(v);
    case 'dr-access': return decodeDrQualification(v);
    case 'apic-access': return decodeApicAccessQualification(v);
    case 'task-switch': return decodeTaskSwitchQualification(v);
    case 'ept-violation': return decodeEptViolationQualification(v);
    case 'ept-misconfig':
      return {
        kind: 'EPT misconfiguration',
        summary: 'EPT misconfig · KVM emulated MMIO',
        fields: [],
        notes: ['This exit has no qualification. The guest-physical address is in the VMCS (GUEST_PHYSICAL_ADDRESS), which kvm_exit does not print: the `kvm_mmio` or `kvm_page_fault` line after it shows it. KVM sets deliberately misconfigured entries on emulated-MMIO pages, so this is usually an MMIO access.'],
      };
    case 'exception': {
      const vector = intrInfo !== undefined && (intrInfo >> 31n) & 1n ? Number(intrInfo & 0xffn) : undefined;
      if (vector === 1) return decodeDebugQualification(v);
      if (vector === 14) {
        return {
          kind: 'page fault (#PF)',
          summary: `#PF at GVA ${hex(v)}`,
          fields: [{ bits: '63:0', name: 'faulting guest-linear address (CR2)', value: hex(v) }],
          notes: ['A guest-virtual address: it goes through the guest page tables first, so it has no EPT walk of its own.'],
        };
      }
      return undefined;
    }
    case 'linear-address':
      return {
        kind: 'guest-linear address',
        summary: `GVA ${hex(v)}`,
        fields: [{ bits: '63:0', name: 'guest-linear address', value: hex(v) }],
        notes: ['A guest-virtual address: no EPT walk of its own.'],
      };
    default:
      return undefined;
  }
}

/** A field table as Markdown. */
export function qualificationMarkdown(d: DecodedQualification, value: bigint): string[] {
  const out = [`**${d.kind}** \`${hex(value)}\`: ${d.summary}`, ''];
  if (d.fields.length) {
    out.push('| bits | field | value |', '| ---: | --- | --- |');
    for (const f of d.fields) out.push(`| ${f.bits} | ${f.name} | ${f.value} |`);
    out.push('');
  }
  for (const n of d.notes) out.push(n, '');
  while (out[out.length - 1] === '') out.pop();
  return out;
}
