// Records produced by the event readers. Every field keeps its character range so hovers,
// inlay hints and go-to-address can point at the exact text. Lines and columns are 0-based;
// ranges are end-exclusive and lie within the line.

export interface Span {
  start: number;
  end: number;
}

export interface Field<T> {
  value: T;
  range: Span;
}

/** `task-pid [cpu] flags timestamp:` of trace-cmd report / ftrace lines. */
export interface TracePrefix {
  task: Field<string>;
  pid: Field<number>;
  cpu: Field<number>;
  /** Latency flags such as `d...`; ftrace prints them, trace-cmd report by default does not. */
  flags?: Field<string>;
  /** Seconds. */
  timestamp: Field<number>;
}

interface TraceEventBase {
  line: number;
  event: Field<string>;
  prefix?: TracePrefix;
}

export interface KvmExitEvent extends TraceEventBase {
  kind: 'kvm_exit';
  vcpu?: Field<number>;
  reason: Field<string>;
  /** Guest RIP: a 64-bit virtual address, hence bigint. */
  rip?: Field<bigint>;
  /** For EPT_VIOLATION info1 is the exit qualification. */
  info1?: Field<bigint>;
  info2?: Field<bigint>;
  /** `info1 0x… info2 0x…` (Linux ≥ 5.x) or the older `info A B` with bare hex. */
  layout: 'info1-info2' | 'info';
  intrInfo?: Field<bigint>;
  errorCode?: Field<bigint>;
}

export interface KvmPageFaultEvent extends TraceEventBase {
  kind: 'kvm_page_fault';
  vcpu?: Field<number>;
  rip?: Field<bigint>;
  /** Faulting GPA under EPT; absent when the value does not fit a safe integer (a shadow-paging GVA). */
  address?: Field<number>;
  /** For EPT faults this is the exit qualification. */
  errorCode: Field<bigint>;
  /** `address 0x… error_code 0x…` (current) or `address 3fef… error_code 181` (old, bare hex). */
  layout: 'prefixed-hex' | 'bare-hex';
}

export type MmioAccess = 'read' | 'write' | 'unsatisfied-read';

export interface KvmMmioEvent extends TraceEventBase {
  kind: 'kvm_mmio';
  access: Field<MmioAccess>;
  len: Field<number>;
  gpa: Field<number>;
  val?: Field<bigint>;
}

export interface KvmMmuSetSpteEvent extends TraceEventBase {
  kind: 'kvm_mmu_set_spte';
  gfn: Field<number>;
  spte: Field<bigint>;
  /** `(rwx-)`-style summary KVM prints after the spte. */
  permissions?: Field<string>;
  /** 1 = 4K, 2 = 2M, 3 = 1G. */
  level: Field<number>;
  /** Host address of the spte itself (`at …`). */
  sptep?: Field<bigint>;
}

export interface KvmMmuSpteRequestedEvent extends TraceEventBase {
  kind: 'kvm_mmu_spte_requested';
  gfn: Field<number>;
  /** The kernel prints the host pfn here, not an spte. */
  pfn?: Field<number>;
  level: Field<number>;
}

/** HyperPlatform's `[UNK1] VA = %p, PA = %016llx` from the EPT-violation handler. */
export interface HyperPlatformViolationEvent {
  kind: 'hyperplatform_violation';
  line: number;
  tag: Field<'UNK1' | 'UNK2'>;
  va?: Field<bigint>;
  pa?: Field<number>;
}

/** HyperPlatform's `Used pre-allocated entries = N / M` on unload. */
export interface HyperPlatformPreallocatedEvent {
  kind: 'hyperplatform_preallocated';
  line: number;
  used: Field<number>;
  total: Field<number>;
}

type TraceEventRecord =
  | KvmExitEvent
  | KvmPageFaultEvent
  | KvmMmioEvent
  | KvmMmuSetSpteEvent
  | KvmMmuSpteRequestedEvent;

export type EventRecord = TraceEventRecord | HyperPlatformViolationEvent | HyperPlatformPreallocatedEvent;
