// VMX basic exit reasons (SDM vol. 3, appendix C "VMX Basic Exit Reasons"), under the names KVM's
// kvm_exit tracepoint prints (arch/x86/include/uapi/asm/vmx.h VMX_EXIT_REASONS), with what the
// exit qualification holds for each: the hover and the trace summary read it from here.

/** What the exit qualification (KVM's info1) of an exit holds. */
export type QualificationKind =
  | 'none'
  | 'exception' // #PF: linear address, #DB: debug-exception bits; decided by intr_info's vector
  | 'task-switch'
  | 'linear-address'
  | 'cr-access'
  | 'dr-access'
  | 'io-instruction'
  | 'apic-access'
  | 'ept-violation'
  | 'ept-misconfig'
  | 'instruction-info';

export interface ExitReason {
  number: number;
  name: string;
  meaning: string;
  qualification: QualificationKind;
}

const TABLE: ReadonlyArray<[number, string, string, QualificationKind]> = [
  [0, 'EXCEPTION_NMI', 'an exception or NMI the exception bitmap intercepts', 'exception'],
  [1, 'EXTERNAL_INTERRUPT', 'an external interrupt arrived while the guest ran', 'none'],
  [2, 'TRIPLE_FAULT', 'the guest triple-faulted (it would reset)', 'none'],
  [3, 'INIT_SIGNAL', 'an INIT signal', 'none'],
  [4, 'SIPI_SIGNAL', 'a start-up IPI to a vCPU in wait-for-SIPI', 'none'],
  [7, 'INTERRUPT_WINDOW', 'the guest can take an interrupt now (interrupt-window exiting)', 'none'],
  [8, 'NMI_WINDOW', 'the guest can take an NMI now (NMI-window exiting)', 'none'],
  [9, 'TASK_SWITCH', 'a hardware task switch', 'task-switch'],
  [10, 'CPUID', 'CPUID (always exits)', 'none'],
  [12, 'HLT', 'HLT: the vCPU idles until an interrupt', 'none'],
  [13, 'INVD', 'INVD (always exits)', 'none'],
  [14, 'INVLPG', 'INVLPG of a guest-linear address', 'linear-address'],
  [15, 'RDPMC', 'RDPMC', 'none'],
  [16, 'RDTSC', 'RDTSC', 'none'],
  [18, 'VMCALL', 'VMCALL: a hypercall from the guest', 'none'],
  [19, 'VMCLEAR', 'VMCLEAR (nested VMX)', 'instruction-info'],
  [20, 'VMLAUNCH', 'VMLAUNCH (nested VMX)', 'none'],
  [21, 'VMPTRLD', 'VMPTRLD (nested VMX)', 'instruction-info'],
  [22, 'VMPTRST', 'VMPTRST (nested VMX)', 'instruction-info'],
  [23, 'VMREAD', 'VMREAD (nested VMX)', 'instruction-info'],
  [24, 'VMRESUME', 'VMRESUME (nested VMX)', 'none'],
  [25, 'VMWRITE', 'VMWRITE (nested VMX)', 'instruction-info'],
  [26, 'VMOFF', 'VMXOFF (nested VMX)', 'none'],
  [27, 'VMON', 'VMXON (nested VMX)', 'instruction-info'],
  [28, 'CR_ACCESS', 'a MOV to/from a control register, CLTS or LMSW', 'cr-access'],
  [29, 'DR_ACCESS', 'a MOV to/from a debug register', 'dr-access'],
  [30, 'IO_INSTRUCTION', 'an I/O port instruction (IN, OUT, INS, OUTS)', 'io-instruction'],
  [31, 'MSR_READ', 'RDMSR (ECX holds the MSR)', 'none'],
  [32, 'MSR_WRITE', 'WRMSR (ECX holds the MSR)', 'none'],
  [33, 'INVALID_STATE', 'VM entry failed: invalid guest state', 'none'],
  [34, 'MSR_LOAD_FAIL', 'VM entry failed while loading MSRs', 'none'],
  [36, 'MWAIT_INSTRUCTION', 'MWAIT', 'none'],
  [37, 'MONITOR_TRAP_FLAG', 'the monitor trap flag: one guest instruction was stepped', 'none'],
  [39, 'MONITOR_INSTRUCTION', 'MONITOR', 'none'],
  [40, 'PAUSE_INSTRUCTION', 'PAUSE (pause-loop exiting: a vCPU spins on a lock)', 'none'],
  [41, 'MCE_DURING_VMENTRY', 'VM entry failed: machine check', 'none'],
  [43, 'TPR_BELOW_THRESHOLD', 'the guest TPR dropped below the threshold', 'none'],
  [44, 'APIC_ACCESS', 'an access to the APIC-access page (virtualised local APIC)', 'apic-access'],
  [45, 'EOI_INDUCED', 'a virtualised EOI', 'none'],
  [46, 'GDTR_IDTR', 'LGDT, LIDT, SGDT or SIDT', 'instruction-info'],
  [47, 'LDTR_TR', 'LLDT, LTR, SLDT or STR', 'instruction-info'],
  [48, 'EPT_VIOLATION', 'the access is not allowed by the EPT entries (not present or missing permission)', 'ept-violation'],
  [49, 'EPT_MISCONFIG', 'an EPT entry is misconfigured (KVM does this on purpose for emulated MMIO)', 'ept-misconfig'],
  [50, 'INVEPT', 'INVEPT (nested VMX)', 'instruction-info'],
  [51, 'RDTSCP', 'RDTSCP', 'none'],
  [52, 'PREEMPTION_TIMER', 'the VMX-preemption timer expired', 'none'],
  [53, 'INVVPID', 'INVVPID (nested VMX)', 'instruction-info'],
  [54, 'WBINVD', 'WBINVD', 'none'],
  [55, 'XSETBV', 'XSETBV', 'none'],
  [56, 'APIC_WRITE', 'a write to the virtual-APIC page that needs emulation', 'none'],
  [57, 'RDRAND', 'RDRAND', 'none'],
  [58, 'INVPCID', 'INVPCID', 'instruction-info'],
  [59, 'VMFUNC', 'VMFUNC failed (e.g. EPTP switching to an invalid index)', 'none'],
  [60, 'ENCLS', 'ENCLS (SGX)', 'none'],
  [61, 'RDSEED', 'RDSEED', 'none'],
  [62, 'PML_FULL', 'the page-modification log is full', 'none'],
  [63, 'XSAVES', 'XSAVES', 'none'],
  [64, 'XRSTORS', 'XRSTORS', 'none'],
  [67, 'UMWAIT', 'UMWAIT', 'none'],
  [68, 'TPAUSE', 'TPAUSE', 'none'],
  [74, 'BUS_LOCK', 'the guest took a bus lock (split-lock detection)', 'none'],
  [75, 'NOTIFY', 'no event window for too long (notify VM exit)', 'none'],
];

const BY_NAME = new Map<string, ExitReason>();
const BY_NUMBER = new Map<number, ExitReason>();
for (const [number, name, meaning, qualification] of TABLE) {
  const r: ExitReason = { number, name, meaning, qualification };
  BY_NAME.set(name, r);
  BY_NUMBER.set(number, r);
}
// Spellings other tools print (HyperPlatform's enum, SDM's words).
for (const [alias, name] of [['EXCEPTION_OR_NMI', 'EXCEPTION_NMI'], ['IO', 'IO_INSTRUCTION'], ['MOV_CR', 'CR_ACCESS'], ['MOV_DR', 'DR_ACCESS'], ['RDMSR', 'MSR_READ'], ['WRMSR', 'MSR_WRITE']] as const) {
  BY_NAME.set(alias, BY_NAME.get(name)!);
}

/** The exit reason a trace prints: a name (`EPT_VIOLATION`, any case) or a decimal number (`48`). */
export function exitReason(text: string): ExitReason | undefined {
  const t = text.trim();
  if (/^\d{1,5}$/.test(t)) return BY_NUMBER.get(Number(t) & 0xffff);
  return BY_NAME.get(t.toUpperCase().replace(/^EXIT_REASON_/, ''));
}
