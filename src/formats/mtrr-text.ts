// MTRRs as Linux prints them: the boot-time dump in dmesg (`MTRR default type: write-back`,
// `MTRR fixed ranges enabled:` + `  00000-9FFFF write-back`, `MTRR variable ranges enabled:` +
// `  0 base 00C0000000 mask 7FC0000000 uncachable` / `  8 disabled`) and /proc/mtrr
// (`reg00: base=0x000000000 (    0MB), size= 2048MB, count=1: write-back`, and the 2.6 order
// `size=2048MB: write-back, count=1`). Linux prints `?` for a reserved type encoding. Linux 6.x
// without `mtrr=debug` prints only a summary (`MTRR map: 4 entries (3 fixed + 1 variable; max 23),
// built from 10 variable MTRRs`), which says that registers exist but not what they hold. On AMD,
// the variable list ends with `TOM2: 0000000150000000 aka 5376M` when [4 GiB, TOM2) is forced WB.
import type { MemoryType } from '../planner';
import { parseMemoryTypeWord } from '../planner/decode/memory-types';
import { isContiguousMask } from '../planner/mtrr';
import { parseAddress, quoteInput } from './hex';
import type { Field, LinuxMtrrMapRecord, MalformedRecord, MtrrRecord, MtrrTom2Record, Problem } from './records';
import { hasError } from './usable';

export type MtrrBlock = 'none' | 'fixed' | 'variable';

const TYPE = '([a-z-]+|\\?)';
const HEADER = /^MTRR (fixed|variable) ranges (enabled|disabled)/;
const DEFAULT = new RegExp(`^MTRR default type: ${TYPE}`);
const SUMMARY = /^MTRR map: \d+ entries/;
const FIXED = new RegExp(`^\\s*([0-9A-Fa-f]{5})-([0-9A-Fa-f]{5}) ${TYPE}\\s*$`);
const VARIABLE = new RegExp(`^\\s*(\\d+) base ([0-9A-Za-z]+) mask ([0-9A-Za-z]+) ${TYPE}\\s*$`);
const DISABLED_SLOT = /^\s*(\d+) disabled\s*$/;
/** generic.c `print_mtrr_state`: `pr_info("TOM2: %016llx aka %lldM\n", mtrr_tom2, mtrr_tom2>>20)`. */
const TOM2 = /^TOM2: ([0-9A-Fa-f]{1,16}) aka \d+M\s*$/;
const PROC = new RegExp(`^reg(\\d+): base=(0x[0-9A-Za-z]+) \\(\\s*\\d+MB\\), size=\\s*(\\d+)([KMG])B?(?:, count=\\d+: ${TYPE}|: ${TYPE}, count=\\d+)`);
/** Lines that are meant as an entry of the open list (or of /proc/mtrr) even when they don't parse. */
const FIXED_LIKE = /^\s*[0-9A-Fa-f]{5}-/;
const VARIABLE_LIKE = /^\s*\d+ +\S/;
const PROC_LIKE = /^reg\d+:/;

/**
 * With no list open, the dmesg dump's lines that this module reads start with one of these (the
 * headers, the default type, Linux 6.x's summary, `MTRRs disabled`), and /proc/mtrr's with `reg`
 * and a digit (PROC_LIKE): a bare `reg` would let through every PCI BAR line (`pci …: reg 0x10:`),
 * four in five of a boot log's candidates. The list entries (`  0 base …`) are read only inside a
 * list a header opened.
 */
export const MTRR_TEXT_KEYS = ['MTRR fixed', 'MTRR variable', 'MTRR d', 'MTRR m', 'MTRRs', 'MTRR:', ...Array.from({ length: 10 }, (_, d) => `reg${d}`)];
const UNIT: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };
const span = (at: number, s: string): Field => ({ start: at, end: at + s.length });

function typeProblem(word: string, field: Field): Problem {
  return { code: 'unknown-memory-type', message: `unknown memory type '${quoteInput(word)}'`, severity: 'error', field };
}

/**
 * A memory-type word: a known type, or Linux's `?` for a reserved encoding (2, 3, 7 and up), which
 * is planned as UC and said so (the CPU raises #GP on writing one, so the dump is suspect).
 */
function readType(word: string, field: Field, problems: Problem[]): MemoryType | undefined {
  if (word === '?') {
    problems.push({
      code: 'mtrr-reserved-type',
      message: "reserved memory type '?' (Linux prints ? for encodings 2, 3 and 7 and up): planned as UC",
      severity: 'warning',
      field,
    });
    return 'UC';
  }
  const type = parseMemoryTypeWord(word);
  if (!type) problems.push(typeProblem(word, field));
  return type;
}

/** A line inside an MTRR list that is none of its entries: reported, and the list goes on. */
function unreadable(line: number, at: number, text: string, expected: string): MalformedRecord {
  return {
    kind: 'malformed',
    line,
    format: 'mtrr',
    problems: [{
      code: 'mtrr-unreadable',
      message: `not an MTRR entry (expected ${expected}): skipped, the registers around it are still read`,
      severity: 'error',
      field: { start: at, end: at + text.trimEnd().length },
    }],
  };
}

/** Bits needed for `n`: a mask printed as 7FC0000000 is 39 bits wide, i.e. MAXPHYADDR 39. */
const bitLength = (n: number): number => (n <= 0 ? 0 : Math.floor(Math.log2(n)) + 1);

/**
 * Reads one line of a dmesg MTRR dump. `block` says which list the previous lines opened:
 * fixed and variable entries are only recognised inside their block.
 */
export function readMtrrDmesg(text: string, line: number, at: number, block: MtrrBlock, end = text.length): MtrrRecord | LinuxMtrrMapRecord | MalformedRecord | undefined {
  const msg = at === 0 && end === text.length ? text : text.slice(at, end);
  if (msg.startsWith('MTRR')) {
    const h = HEADER.exec(msg);
    if (h) return { kind: 'mtrr-header', line, which: h[1] as 'fixed' | 'variable', enabled: h[2] === 'enabled' };
    const d = DEFAULT.exec(msg);
    if (d) {
      const field = span(at + d[0].length - d[1].length, d[1]);
      const problems: Problem[] = [];
      const type = readType(d[1], field, problems);
      return type ? { kind: 'mtrr-default', line, type, field, problems } : { kind: 'malformed', line, format: 'mtrr', problems };
    }
    if (SUMMARY.test(msg)) return { kind: 'linux-mtrr-map', line };
    if (/^MTRRs? ?(?:: )?disabled/i.test(msg)) return { kind: 'mtrr-header', line, which: 'all', enabled: false };
    return undefined;
  }
  if (block === 'fixed') {
    const m = FIXED.exec(msg);
    if (!m) return FIXED_LIKE.test(msg) ? unreadable(line, at, msg, "'00000-9FFFF write-back'") : undefined;
    const sAt = at + m[0].indexOf(m[1]);
    const eAt = sAt + 6;
    const tAt = at + m[0].lastIndexOf(m[3]);
    const problems: Problem[] = [];
    const type = readType(m[3], span(tAt, m[3]), problems);
    if (!type) return { kind: 'malformed', line, format: 'mtrr', problems };
    return {
      kind: 'mtrr-fixed',
      line,
      start: parseInt(m[1], 16),
      end: parseInt(m[2], 16) + 1,
      type,
      fields: { start: span(sAt, m[1]), end: span(eAt, m[2]), type: span(tAt, m[3]) },
      problems,
    };
  }
  if (block === 'variable') {
    // Only here: arch/x86/pci/amd_bus.c prints the same `TOM2: … aka …M` at PCI init whenever
    // SYSCFG MtrrTom2En is set, Tom2ForceMemTypeWB or not; generic.c prints it right after the list.
    if (msg.startsWith('TOM2: ')) return readTom2(msg, line, at);
    const off = DISABLED_SLOT.exec(msg);
    if (off) return { kind: 'mtrr-disabled-slot', line, index: Number(off[1]) };
    const m = VARIABLE.exec(msg);
    if (!m) return VARIABLE_LIKE.test(msg) ? unreadable(line, at, msg, "'N base HEX mask HEX TYPE' or 'N disabled'") : undefined;
    const bAt = at + m[0].indexOf(' base ') + 6;
    const mAt = at + m[0].indexOf(' mask ') + 6;
    const tAt = at + m[0].lastIndexOf(m[4]);
    const fields = { base: span(bAt, m[2]), mask: span(mAt, m[3]), type: span(tAt, m[4]) };
    const base = parseAddress(m[2], fields.base, 'MTRR base');
    const mask = parseAddress(m[3], fields.mask, 'MTRR mask');
    const problems: Problem[] = [];
    if (!base.ok) problems.push(base.problem);
    if (!mask.ok) problems.push(mask.problem);
    const type = readType(m[4], fields.type, problems);
    if (!base.ok || !mask.ok || !type) return { kind: 'malformed', line, format: 'mtrr', problems };
    const maskValue = mask.value - (mask.value % 4096);
    const physAddrBits = bitLength(mask.value);
    const noncontiguous = maskProblem(Number(m[1]), maskValue, physAddrBits, fields.mask);
    if (noncontiguous) problems.push(noncontiguous);
    return {
      kind: 'mtrr-variable',
      line,
      source: 'dmesg',
      index: Number(m[1]),
      base: base.value - (base.value % 4096),
      mask: maskValue,
      type,
      physAddrBits,
      fields,
      problems,
    };
  }
  return undefined;
}

/** `TOM2: 0000000150000000 aka 5376M`: the hex value is TOP_MEM2 as Linux masked it (bits 47:23). */
function readTom2(msg: string, line: number, at: number): MtrrTom2Record | undefined {
  const m = TOM2.exec(msg);
  if (!m) return undefined;
  const field = span(at + 6, m[1]);
  const end = parseInt(m[1], 16);
  return Number.isSafeInteger(end) ? { kind: 'mtrr-tom2', line, end, field } : undefined;
}

/**
 * A variable-range mask whose set bits are not one unbroken run (bit 12 or above up to its top
 * bit, the width Linux printed) matches many separate blocks; the SDM calls such masks legal but
 * warns they are rarely what was meant. Still planned as the hardware would match it: a warning.
 */
function maskProblem(index: number, mask: number, physBits: number, field: Field): Problem | undefined {
  if (isContiguousMask(mask, physBits)) return undefined;
  const message = mask === 0
    ? `MTRR ${index} mask 0 matches every address: this one register types all memory`
    : `MTRR ${index} mask 0x${mask.toString(16)} is not contiguous: it matches many separate blocks, not one range (planned as the CPU would match it)`;
  return { code: 'mtrr-mask-not-contiguous', message, severity: 'warning', field };
}

/** Reads one /proc/mtrr line. Its size is a power of two, so the mask is derived (52 bits wide). */
export function readProcMtrr(text: string, line: number, at = 0, end = text.length): MtrrRecord | MalformedRecord | undefined {
  if (!text.startsWith('reg', at)) return undefined;
  const msg = at === 0 && end === text.length ? text : text.slice(at, end);
  const m = PROC.exec(msg);
  if (!m) return PROC_LIKE.test(msg) ? unreadable(line, at, msg, "'regNN: base=0x… (…MB), size=…MB, count=N: TYPE'") : undefined;
  const word = m[5] ?? m[6];
  const bAt = at + m[0].indexOf(m[2]);
  const sAt = at + m[0].indexOf(m[3] + m[4], m[0].indexOf('size='));
  const tAt = at + m[0].lastIndexOf(word);
  const fields = { base: span(bAt, m[2]), size: span(sAt, m[3] + m[4] + 'B'), type: span(tAt, word) };
  const base = parseAddress(m[2], fields.base, 'MTRR base');
  const size = Number(m[3]) * UNIT[m[4]];
  const problems: Problem[] = [];
  if (!base.ok) problems.push(base.problem);
  const type = readType(word, fields.type, problems);
  if (size === 0 || 2 ** Math.round(Math.log2(size)) !== size || size < 4096) {
    problems.push({ code: 'mtrr-size', message: `MTRR size ${m[3]}${m[4]}B is not a power of two of at least 4 KiB`, severity: 'error', field: fields.size });
  }
  if (!base.ok || !type || hasError({ problems })) return { kind: 'malformed', line, format: 'mtrr', problems };
  return {
    kind: 'mtrr-variable',
    line,
    source: 'proc',
    index: Number(m[1]),
    base: base.value,
    mask: 2 ** 52 - size,
    size,
    type,
    fields,
    problems,
  };
}
