// HyperPlatform (util.cpp): `Physical Memory Range: 0000000000015000 - 0000000000058000`, end
// exclusive, after TAB-separated time/level/cpu/pid/tid/image columns (spaces after copy-paste).
// People append notes such as `.. 0x15 4KB-enties and 1 2MB-entry`: kept as claimed counts.
import { ownString } from './own-string';
import type { PageCounts, PageSize } from '../planner/types';
import type { Envelope } from './envelope';
import { makeRange } from './range-record';
import { type Annotation, type MalformedRecord, type RangeRecord, malformedRange } from './records';

/** Also MemInfo's key (meminfo.ts): the scan looks for it once and asks the right reader. */
export const PHYSICAL_MEMORY_RANGE = 'Physical Memory Range:';
/** Every line this reader (and MemInfo's) reads holds this key: the stream scan skips the others (scan.ts). */
export const HYPERPLATFORM_KEYS = [PHYSICAL_MEMORY_RANGE];
const KEY = PHYSICAL_MEMORY_RANGE;
const RANGE = /^\s*(\S+)\s*-\s*([0-9A-Za-z_]+)/;
// The look-behind makes a count start only where a number starts: without it a run of n digits
// is retried from each of its digits, O(n^2) on a line of digits.
const CLAIM = /(?<![0-9A-Za-z])(0x[0-9a-f]+|\d+)\s*(4\s*KB?|2\s*MB?|1\s*GB?)[- ]?(?:ent|page|leaf|lea)/gi;

export function readHyperPlatformRange(text: string, line: number, env: Envelope): RangeRecord | MalformedRecord | undefined {
  // Searched for, not expected at the message start: HyperPlatform's columns vary with its options.
  const at = text.indexOf(KEY, env.at);
  if (at < 0 || at >= env.end) return undefined;
  const rest = text.slice(at + KEY.length, env.end);
  const m = RANGE.exec(rest);
  const base = at + KEY.length;
  if (!m) {
    return malformedRange(line, 'hyperplatform', '`Physical Memory Range: START - END` (hex)', { start: at, end: env.end });
  }
  const startAt = base + m[0].indexOf(m[1]);
  const endAt = base + m[0].length - m[2].length;
  const rec = makeRange({
    format: 'hyperplatform',
    line,
    startText: m[1],
    startAt,
    endText: m[2],
    endAt,
    inclusive: false,
    typeName: 'RAM',
    ram: true,
  });
  if (rec.kind === 'range') {
    const note = readAnnotation(text, base + m[0].length, env.end);
    if (note) rec.annotation = note;
  }
  return rec;
}

/** What may stand between two counts of one claim: `63 4KB-entries and 1 2MB-entry`, `1 4KB-entry, 2 2MB-entries`. */
const JOIN = /^[\s,;+&]*(?:and|plus)?[\s,;+&]*$/i;

function readAnnotation(text: string, from: number, end: number): Annotation | undefined {
  const tail = text.slice(from, end);
  const trimmed = tail.trimEnd();
  const lead = trimmed.length - trimmed.trimStart().length;
  const body = trimmed.slice(lead);
  if (body.length === 0) return undefined;
  const claimed: Partial<PageCounts> = {};
  let first = -1;
  let last = -1;
  CLAIM.lastIndex = 0;
  // The claim is the first run of counts; numbers in a note written after it are not counts.
  for (let m = CLAIM.exec(body); m; m = CLAIM.exec(body)) {
    if (last >= 0 && !JOIN.test(body.slice(last, m.index))) break;
    const key = m[2].replace(/\s/g, '').toUpperCase().slice(0, 2) as PageSize;
    const n = m[1].toLowerCase().startsWith('0x') ? parseInt(m[1], 16) : parseInt(m[1], 10);
    claimed[key] = (claimed[key] ?? 0) + n;
    if (first < 0) first = m.index;
    // Up to the end of the word (`entries`, `4KB-enties`), not only the matched prefix.
    last = m.index + m[0].length;
    while (last < body.length && /[A-Za-z]/.test(body[last])) last++;
  }
  if (first < 0) return undefined;
  const at = from + lead;
  return { field: { start: at, end: at + body.length }, counts: { start: at + first, end: at + last }, text: ownString(body), claimed };
}
