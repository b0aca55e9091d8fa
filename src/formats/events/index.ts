// Entry point of the event readers: one line in, one typed record (or undefined) out.
// Most lines of a log are not events, so the cheap substring checks come before any regex.
import type { EventRecord, Field } from './types';
import { messageEnd, quotingEnd } from '../envelope';
import { parseTracePrefix } from './trace-prefix';
import { splitWords } from './words';
import { readKvmExit, readKvmMmio, readKvmMmuSetSpte, readKvmMmuSpteRequested, readKvmPageFault } from './kvm-events';
import { readHyperPlatformPreallocated, readHyperPlatformViolation } from './hyperplatform-events';

export type * from './types';
export { parseTracePrefix } from './trace-prefix';

const READERS = {
  kvm_exit: readKvmExit,
  kvm_page_fault: readKvmPageFault,
  kvm_mmio: readKvmMmio,
  kvm_mmu_set_spte: readKvmMmuSetSpte,
  kvm_mmu_spte_requested: readKvmMmuSpteRequested,
} as const;

type EventName = keyof typeof READERS;
const isEventName = (s: string): s is EventName => Object.prototype.hasOwnProperty.call(READERS, s);

export function parseEventLine(text: string, line: number): EventRecord | undefined {
  const kvm = text.indexOf('kvm_');
  if (kvm >= 0) return parseTraceEvent(text, line, kvm);
  const unk = text.indexOf('[UNK');
  if (unk >= 0) return readHyperPlatformViolation(text, line, unk);
  if (text.indexOf('pre-allocated') >= 0) return readHyperPlatformPreallocated(text, line);
  return undefined;
}

/** Finds `kvm_<name>:` starting at a word boundary, from the first `kvm_` on. */
function parseTraceEvent(text: string, line: number, from: number): EventRecord | undefined {
  for (let at = from; at >= 0; at = text.indexOf('kvm_', at + 4)) {
    const before = at === 0 ? 32 : text.charCodeAt(at - 1);
    if (isIdentChar(before)) continue;
    let end = at + 4;
    while (end < text.length && isIdentChar(text.charCodeAt(end))) end++;
    if (text.charCodeAt(end) !== 58 /* : */) continue;
    const name = text.slice(at, end);
    if (!isEventName(name)) return undefined;
    const event: Field<string> = { value: name, range: { start: at, end } };
    // perf script writes `kvm:kvm_exit:`; the prefix ends before the subsystem.
    const prefixEnd = text.startsWith('kvm:', at - 4) ? at - 4 : at;
    const prefix = parseTracePrefix(text, prefixEnd, quotingEnd(text));
    const head = prefix ? { line, event, prefix } : { line, event };
    // The envelope's end: a trailing `<br>` or `&nbsp;` is no field of the event.
    return READERS[name](head, splitWords(text, end + 1, messageEnd(text, end + 1)));
  }
  return undefined;
}

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
