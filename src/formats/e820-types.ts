// The type names firmware memory maps are printed with, across kernel and Xen versions: which
// of them are RAM, and which are known at all. A name outside these lists is reported (a
// confident plan over a map whose RAM went unrecognised would be wrong: `usable<br>`).
import { quoteInput } from './hex';
import { makeRange, type RangeParts } from './range-record';
import type { Field, MalformedRecord, Problem, RangeRecord } from './records';

/** RAM: `usable` (Linux ≤ 6.x, Xen), `System RAM` (Linux 7.0), `kernel usable RAM` (its review drafts). */
const RAM = new Set(['usable', 'System RAM', 'kernel usable RAM']);

const OTHER = new Set([
  // Linux ≤ 6.x and Xen
  'reserved', 'ACPI data', 'ACPI NVS', 'unusable', 'soft reserved', 'persistent memory',
  // Linux 7.0
  'device reserved', 'gap', '...',
  // /proc/iomem-style names some versions print
  'Reserved', 'Soft Reserved', 'ACPI Tables', 'ACPI Non-volatile Storage', 'Unusable memory', 'Persistent Memory',
  'Persistent Memory (legacy)', 'Persistent memory', 'Persistent memory (legacy)', 'Device reserved', 'Unknown E820 type',
]);

/** `persistent (type 12)`, `persistent RAM (type 12)`, `type 13`, `Type 13`: numbered types. */
const NUMBERED = /^(?:persistent(?: RAM)? \(type \d+\)|[Tt]ype \d+)$/;

const isE820Ram = (name: string): boolean => RAM.has(name);

/** Whether `name` is a type name some kernel or Xen prints (the line joiner's test for a wrapped type). */
export const isE820TypeName = (name: string): boolean => RAM.has(name) || OTHER.has(name) || NUMBERED.test(name);

/** A warning when `name` is no e820 type name any kernel or Xen prints. */
function e820TypeProblem(name: string, field: Field): Problem | undefined {
  if (RAM.has(name) || OTHER.has(name) || NUMBERED.test(name)) return undefined;
  return {
    code: 'unknown-range-type',
    message: `unknown memory-map type '${quoteInput(name)}': not counted as RAM`,
    severity: 'warning',
    field,
  };
}

/** A range of an e820-style map: RAM by its type name, and an unknown name reported on its field. */
export function makeE820Range(p: Omit<RangeParts, 'ram'>): RangeRecord | MalformedRecord {
  // `ram` as an argument, not `{ ...p, ram }`: a spread of the callers' several shapes took V8's
  // slow clone path, 2 us a line.
  const rec = makeRange(p, isE820Ram(p.typeName));
  if (rec.kind === 'range' && p.typeAt !== undefined) {
    const problem = e820TypeProblem(p.typeName, { start: p.typeAt, end: p.typeAt + p.typeName.length });
    // A new list: a record without problems shares one empty list (range-record.ts).
    if (problem) rec.problems = [...rec.problems, problem];
  }
  return rec;
}
