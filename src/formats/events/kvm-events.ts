// Readers for the KVM tracepoints that matter for EPT (arch/x86/kvm/trace.h, mmu/mmutrace.h).
// Each takes the words after `event:` and returns undefined when a required field is missing.
import type {
  Field, KvmExitEvent, KvmMmioEvent, KvmMmuSetSpteEvent, KvmMmuSpteRequestedEvent, KvmPageFaultEvent, MmioAccess, TracePrefix,
} from './types';
import { decNum, field, hexBig, hexNum, wordAfter, type Word } from './words';

interface Head {
  line: number;
  event: Field<string>;
  prefix?: TracePrefix;
}

const withPrefix = <T extends object>(head: Head, rec: T): T & Head =>
  head.prefix ? { ...rec, line: head.line, event: head.event, prefix: head.prefix } : { ...rec, line: head.line, event: head.event };

/** `vcpu 1 reason EPT_VIOLATION rip 0x… info1 0x… info2 0x… intr_info 0x… error_code 0x…` or `reason X rip 0x… info A B`. */
export function readKvmExit(head: Head, words: readonly Word[]): KvmExitEvent | undefined {
  const reasonWord = wordAfter(words, 'reason');
  if (!reasonWord) return undefined;
  const reason: Field<string> = { value: reasonWord.text, range: { start: reasonWord.start, end: reasonWord.end } };
  const info1 = field(wordAfter(words, 'info1'), hexBig);
  const rec: Omit<KvmExitEvent, 'line' | 'event' | 'prefix'> = info1
    ? { kind: 'kvm_exit', reason, layout: 'info1-info2', info1 }
    : { kind: 'kvm_exit', reason, layout: 'info' };
  if (info1) {
    assign(rec, 'info2', field(wordAfter(words, 'info2'), hexBig));
  } else {
    assign(rec, 'info1', field(wordAfter(words, 'info'), hexBig));
    assign(rec, 'info2', field(wordAfter(words, 'info', 2), hexBig));
  }
  assign(rec, 'vcpu', field(wordAfter(words, 'vcpu'), decNum));
  assign(rec, 'rip', field(wordAfter(words, 'rip'), hexBig));
  assign(rec, 'intrInfo', field(wordAfter(words, 'intr_info'), hexBig));
  assign(rec, 'errorCode', field(wordAfter(words, 'error_code'), hexBig));
  return withPrefix(head, rec);
}

/** `vcpu 0 rip 0x… address 0x000000fee00000 error_code 0x181` or the old `address 3fef42812000 error_code 181`. */
export function readKvmPageFault(head: Head, words: readonly Word[]): KvmPageFaultEvent | undefined {
  const addrWord = wordAfter(words, 'address');
  const errorCode = field(wordAfter(words, 'error_code'), hexBig);
  if (!addrWord || !errorCode) return undefined;
  const rec: Omit<KvmPageFaultEvent, 'line' | 'event' | 'prefix'> = {
    kind: 'kvm_page_fault',
    errorCode,
    layout: /^0[xX]/.test(addrWord.text) ? 'prefixed-hex' : 'bare-hex',
  };
  assign(rec, 'address', field(addrWord, hexNum));
  assign(rec, 'vcpu', field(wordAfter(words, 'vcpu'), decNum));
  assign(rec, 'rip', field(wordAfter(words, 'rip'), hexBig));
  return withPrefix(head, rec);
}

const ACCESS: ReadonlySet<string> = new Set<MmioAccess>(['read', 'write', 'unsatisfied-read']);

/** `mmio write len 4 gpa 0xfee000b0 val 0x0` (read, write, unsatisfied-read). */
export function readKvmMmio(head: Head, words: readonly Word[]): KvmMmioEvent | undefined {
  const access = field(wordAfter(words, 'mmio'), (s) => (ACCESS.has(s) ? (s as MmioAccess) : undefined));
  const len = field(wordAfter(words, 'len'), decNum);
  const gpa = field(wordAfter(words, 'gpa'), hexNum);
  if (!access || !len || !gpa) return undefined;
  const rec: Omit<KvmMmioEvent, 'line' | 'event' | 'prefix'> = { kind: 'kvm_mmio', access, len, gpa };
  assign(rec, 'val', field(wordAfter(words, 'val'), hexBig));
  return withPrefix(head, rec);
}

/** `gfn fee00 spte 6000000100bd7b77 (rwx-) level 1 at 10a3d5000` (all hex without 0x). */
export function readKvmMmuSetSpte(head: Head, words: readonly Word[]): KvmMmuSetSpteEvent | undefined {
  const gfn = field(wordAfter(words, 'gfn'), hexNum);
  const spteWord = wordAfter(words, 'spte');
  const spte = field(spteWord, hexBig);
  const level = field(wordAfter(words, 'level'), decNum);
  if (!gfn || !spte || !level || !spteWord) return undefined;
  const rec: Omit<KvmMmuSetSpteEvent, 'line' | 'event' | 'prefix'> = { kind: 'kvm_mmu_set_spte', gfn, spte, level };
  const perm = words[words.indexOf(spteWord) + 1];
  if (perm && perm.text.length >= 2 && perm.text.startsWith('(') && perm.text.endsWith(')')) {
    rec.permissions = { value: perm.text.slice(1, -1), range: { start: perm.start + 1, end: perm.end - 1 } };
  }
  assign(rec, 'sptep', field(wordAfter(words, 'at'), hexBig));
  return withPrefix(head, rec);
}

/** `gfn fee00 pfn 100bd7 level 1`. */
export function readKvmMmuSpteRequested(head: Head, words: readonly Word[]): KvmMmuSpteRequestedEvent | undefined {
  const gfn = field(wordAfter(words, 'gfn'), hexNum);
  const level = field(wordAfter(words, 'level'), decNum);
  if (!gfn || !level) return undefined;
  const rec: Omit<KvmMmuSpteRequestedEvent, 'line' | 'event' | 'prefix'> = { kind: 'kvm_mmu_spte_requested', gfn, level };
  assign(rec, 'pfn', field(wordAfter(words, 'pfn'), hexNum));
  return withPrefix(head, rec);
}

// Optional fields are left out rather than set to undefined, so records compare and serialise cleanly.
function assign<T extends object, K extends keyof T>(rec: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) rec[key] = value;
}
