// Problems as data: what is wrong with a map, its MTRR dump and its plan, found once here and
// rendered by both the CLI (`file:line:col: warning: …` on stderr, dump notes in the plan's notes)
// and the editor (diagnostics). One rule each; the surfaces differ only in how they name their
// settings (`Terms`). Pure.
import type { Field, MapRecord, MemoryMap, MtrrDump, MtrrVariableRecord, RangeRecord, Severity } from '../formats';
import type { MtrrState } from '../planner';
import { DUMP_SOURCES, checkMapRangeSteps, hasError, isContainer, ramInputs, readWithoutRoot } from '../formats';
import type { Plan } from '../planner';
import { MAX_BLOCKS, formatCount, formatSize, hex, physLimitWarning, runToEnd } from '../planner';
import { decodeEptVpidCap } from '../planner/decode/ept-vpid-cap';
import type { PageSize } from '../planner/types';

export interface MapProblem {
  /** Stable id (the editor's diagnostic code). */
  code: string;
  severity: Severity;
  message: string;
  /** 0-based line: the map's document line, or (with `inDump`) a line of the MTRR dump's own input. */
  line: number;
  /** The columns on that line; undefined: the whole line. */
  field?: Field;
  /** The line is the MTRR dump's: a CLI `--mtrr FILE` numbers its lines on its own. */
  inDump?: boolean;
}

/** How a surface names the settings its messages point at. */
export interface Terms {
  /** After the limit in the RAM-past-the-limit warning: `raise --limit`, `eptLens.limit = 8G`. */
  limit: string;
  /** How to ask for exactly 2^MAXPHYADDR: `--limit phys`, `eptLens.limit "phys"`. */
  limitPhys: string;
  /** The MAXPHYADDR setting: `--phys-bits`, `eptLens.physAddressBits`. */
  physBits: string;
  /** How MTRRs are switched off: `--no-mtrr`, `eptLens.mmioMemoryType "uc"`. */
  noMtrr: string;
  /** How MTRRs are taken from a file of their own: `give --mtrr FILE to use them`. */
  mtrrFile: string;
  /** How the MTRR default type is set when the dump has none (/proc/mtrr); absent where it can't be. */
  mtrrDefault?: string;
  /** The largest-page setting: `--max-page`, `eptLens.maxPage`. */
  maxPage: string;
}

export const PROBLEM_CODES = {
  beyondLimit: 'beyond-limit',
  mmioBeyondLimit: 'mmio-beyond-limit',
  limitPastPhys: 'limit-past-maxphyaddr',
  mtrrConflict: 'mtrr-conflict',
  mtrrTruncated: 'mtrr-noncontiguous-mask',
  mtrrNote: 'mtrr-note',
  ramNotWriteBack: 'ram-not-write-back',
  eptPageNotAllowed: 'ept-page-not-allowed',
} as const;

/**
 * `file:line:col: warning: …` (no column when the problem is on the whole line), the form CI
 * problem matchers read: the CLI's stderr, and the problems of an MTRR file paired in the editor.
 */
export function problemLine(p: MapProblem, at: (line: number, col: number | undefined, inDump: boolean) => string): string {
  return `${at(p.line, p.field?.start, p.inDump === true)}: ${p.severity}: ${p.message}`;
}

const rangeText = (start: number, end: number): string => `${hex(start)}–${hex(end)}`;

/** What a reader found wrong on one line (an unreadable address, an unknown type, `?`), on its field. */
export function lineProblems(r: MapRecord): MapProblem[] {
  return 'problems' in r ? r.problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message, line: r.line, field: p.field })) : [];
}

/** The map's own notes (no RAM, iomem read without root, …), then its whole-map checks (overlaps, unsorted), in steps. */
export function* mapProblemSteps(map: MemoryMap): Generator<void, MapProblem[]> {
  const checks = yield* checkMapRangeSteps(map);
  return [...map.notes.map((n) => ({ code: n.code, severity: n.severity, message: n.message, line: n.line })), ...checks];
}

/** mapProblemSteps at once. */
export const mapProblems = (map: MemoryMap): MapProblem[] => runToEnd(mapProblemSteps(map));

/** Where a plan's memory types came from, as mtrrSourceNote says it. */
export interface MtrrSource {
  /** MTRRs switched off by a setting: gaps UC, RAM WB. */
  ignored?: boolean;
  /** The dump used; undefined when there is none. */
  dump?: MtrrDump;
  /** The state planned with, when a setting changed the dump's (the CLI's --mtrr-default). */
  state?: MtrrState;
  /** Where the dump is: `log.txt line 12`, a file of its own (`--mtrr FILE`, a paired file). */
  where?: string;
}

/**
 * How a plan's memory types were decided, one phrase: the CLI's plan header, the editor's hint
 * tooltip and report header. The one place that says "no MTRRs found" and how to give them.
 */
export function mtrrSourceNote(src: MtrrSource, terms: Terms): string {
  if (src.ignored) return `MTRRs ignored (${terms.noMtrr}): gaps UC, RAM WB`;
  if (!src.dump) return `no MTRRs found: gaps UC, RAM WB (${terms.mtrrFile})`;
  const state = src.state ?? src.dump.state;
  const assumed = state.defaultTypeKnown ? '' : ` (default type ${state.defaultType} assumed${terms.mtrrDefault ? `; ${terms.mtrrDefault}` : ''})`;
  return `memory types from the ${DUMP_SOURCES[src.dump.source]} at ${src.where ?? `line ${src.dump.firstLine + 1}`}${assumed}`;
}

/**
 * What an MTRR dump could not tell (no default type in /proc/mtrr, no fixed ranges), on its first
 * line; and a MAXPHYADDR setting that disagrees with the width the masks show.
 */
export function dumpProblems(dump: MtrrDump, physBits: number | undefined, terms: Terms): MapProblem[] {
  const out: MapProblem[] = dump.notes.map((message) => ({ code: PROBLEM_CODES.mtrrNote, severity: 'information', message, line: dump.firstLine, inDump: true }));
  const shown = dump.state.physAddrBits;
  if (physBits !== undefined && shown !== undefined && shown !== physBits) {
    out.push({ code: PROBLEM_CODES.mtrrNote, severity: 'information', message: `the MTRR masks are ${shown} bits wide, but ${terms.physBits} ${physBits} is used`, line: dump.firstLine, inDump: true });
  }
  return out;
}

/**
 * A hypervisor that printed its IA32_VMX_EPT_VPID_CAP (ksm) on a CPU without 1 GiB (or 2 MiB) EPT
 * pages, planned with leaves that large: each such leaf is an EPT misconfiguration on that CPU.
 */
function pagesNotAllowed(map: MemoryMap, plan: Plan, terms: Terms): MapProblem | undefined {
  if (!map.eptCaps) return undefined;
  const { maxPage } = decodeEptVpidCap(BigInt(map.eptCaps.valueText));
  const { mmio, ram } = plan.totals;
  const too: PageSize[] = maxPage === '4K' ? ['1G', '2M'] : maxPage === '2M' ? ['1G'] : [];
  const counts = too.map((s) => [s, mmio[s] + ram[s]] as const).filter(([, n]) => n > 0);
  if (counts.length === 0) return undefined;
  const leaves = counts.map(([s, n]) => `${formatCount(n)}×${s}`).join(' and ');
  return {
    code: PROBLEM_CODES.eptPageNotAllowed,
    severity: 'warning',
    message: `EPT/VPID caps ${map.eptCaps.valueText} allow EPT pages up to ${maxPage} only, but the plan has ${leaves} leaves: each is an EPT misconfiguration on this CPU; set ${terms.maxPage} ${maxPage}`,
    line: map.eptCaps.line,
    field: map.eptCaps.field,
  };
}

/**
 * What the plan shows is wrong: a limit past 2^MAXPHYADDR, RAM past the limit, MTRRs that overlap
 * with conflicting types or have non-contiguous masks the planner only partly follows. `dump` is
 * the MTRR dump the plan's memory types came from (undefined when none was used). Lazy: the editor
 * stops at eptLens.maxDiagnostics, and a map of 300k ranges past the limit has 300k of them.
 */
export function* planProblems(map: MemoryMap, plan: Plan, dump: MtrrDump | undefined, terms: Terms): Generator<MapProblem> {
  // Said where the width shows (the MTRR dump), else on the map.
  const { physAddrBits, physAddrBitsFrom } = plan.options;
  const phys = physLimitWarning(plan.limit, physAddrBits, physAddrBitsFrom, terms.limitPhys);
  if (phys) {
    const inDump = physAddrBitsFrom === 'mtrr' && dump !== undefined;
    yield { code: PROBLEM_CODES.limitPastPhys, severity: 'warning', message: phys, line: inDump ? dump.firstLine : map.firstLine, ...(inDump ? { inDump } : {}) };
  }
  for (const { record: r, start, end } of ramPastLimit(map, plan)) {
    yield {
      code: PROBLEM_CODES.beyondLimit,
      severity: 'warning',
      message: `RAM ${rangeText(start, end)} (${formatSize(end - start)}) lies past the limit ${hex(plan.limit)} (${terms.limit}): it is not mapped`,
      line: r.line,
      field: { start: r.fields.start.start, end: r.fields.end.end },
    };
  }
  yield* mmioPastLimit(map, plan.limit, terms);
  const caps = pagesNotAllowed(map, plan, terms);
  if (caps) yield caps;
  if (!dump) return;
  // With the MTRRs off everything is UC, and with an assumed default type the header says so: only
  // a dump that shows its default type tells RAM the machine leaves uncached.
  if (dump.state.enabled && dump.state.defaultTypeKnown) yield* uncachedRam(map, plan);
  // On the first variable-range line involved (one index map, not a search per conflict).
  const byIndex = new Map<number, MtrrVariableRecord>();
  for (const x of dump.records) if (x.kind === 'mtrr-variable' && !byIndex.has(x.index)) byIndex.set(x.index, x);
  const lineOf = (regs: readonly number[]): number => {
    const lines = regs.flatMap((i) => byIndex.get(i)?.line ?? []);
    return lines.length ? Math.min(...lines) : dump.firstLine;
  };
  for (const c of plan.mtrrConflicts) {
    yield {
      code: PROBLEM_CODES.mtrrConflict,
      severity: 'warning',
      message: `MTRRs ${c.registers.join(', ')} overlap at ${rangeText(c.start, c.end)} with types ${c.types.join(' and ')}: the SDM leaves the result undefined; planned as UC`,
      line: lineOf(c.registers),
      inDump: true,
    };
  }
  for (const index of plan.mtrrTruncated) {
    yield {
      code: PROBLEM_CODES.mtrrTruncated,
      severity: 'warning',
      message:
        `MTRR ${index} has a non-contiguous mask matching more separate blocks than are followed (${MAX_BLOCKS.toLocaleString('en-US')} per map): ` +
        'past the first ones it is ignored, so memory types there may be wrong',
      line: lineOf([index]),
      inDump: true,
    };
  }
}

/**
 * RAM the MTRRs do not make write-back (a BIOS that left part of memory UC, as on a Dell T3600):
 * the plan types it as the MTRRs say, but an OS using it as RAM runs slowly there, and Linux
 * trims such RAM at the top of memory at boot (cleanup.c mtrr_trim_uncached_memory: "CPU MTRRs
 * don't cover all of memory, losing N MB of RAM"). One warning per RAM range, on its first line.
 */
function* uncachedRam(map: MemoryMap, plan: Plan): Generator<MapProblem> {
  for (const r of plan.ram) {
    if (r.memoryType === 'WB') continue;
    const line = r.inputs.find((x) => x.line !== undefined)?.line;
    const record = line === undefined ? undefined : rangeOnLine(map, line);
    if (!record) continue;
    // Bytes per type, not every piece: a non-contiguous mask cuts a range into thousands.
    const bytes = new Map<string, number>();
    let pieces = 0;
    for (const p of r.memoryType === 'mixed' ? r.pieces : [r]) {
      if (p.memoryType === 'WB') continue;
      bytes.set(p.memoryType, (bytes.get(p.memoryType) ?? 0) + p.end - p.start);
      pieces++;
    }
    const what = [...bytes].map(([t, n]) => `${formatSize(n)} ${t}`).join(' and ');
    yield {
      code: PROBLEM_CODES.ramNotWriteBack,
      severity: 'warning',
      message:
        `the MTRRs make ${what} of the RAM ${rangeText(r.start, r.end)} not write-back${pieces > 1 ? ` (${formatCount(pieces)} pieces)` : ''}: ` +
        'planned so, but an OS using it as RAM runs slowly there, and Linux trims RAM the MTRRs leave uncached at the top of memory',
      line: record.line,
      field: { start: record.fields.start.start, end: record.fields.end.end },
    };
  }
}

/**
 * Known MMIO (the source's non-RAM lines: PCI windows and BARs, e820 reserved) past the limit: the
 * identity map leaves it unmapped, an EPT violation on first use. One warning per outermost range
 * (a window's BARs inside it are not repeated); address-space containers are not devices.
 */
function mmioPastLimit(map: MemoryMap, limit: number, terms: Terms): MapProblem[] {
  const out: MapProblem[] = [];
  if (readWithoutRoot(map)) return out;
  // The cheap tests first: a map of 300k lines is checked after every edit, and few lines pass.
  const mmio = map.ranges.filter((r) => !r.ram && r.end > limit && !isContainer(r) && !hasError(r));
  mmio.sort((a, b) => a.start - b.start || a.line - b.line);
  let warnedEnd = 0;
  for (const r of mmio) {
    if (r.end <= warnedEnd) continue;
    warnedEnd = r.end;
    out.push({
      code: PROBLEM_CODES.mmioBeyondLimit,
      severity: 'warning',
      message: `${r.typeName} [${hex(Math.max(r.start, limit))}, ${hex(r.end)}) lies beyond the limit ${hex(limit)} and is not mapped (${terms.limit})`,
      line: r.line,
      field: { start: r.fields.start.start, end: r.fields.end.end },
    });
  }
  return out;
}

/** The range line of `map` on `line` (its ranges are in line order): a binary search, no index to build. */
function rangeOnLine(map: MemoryMap, line: number): RangeRecord | undefined {
  const rs = map.ranges;
  let lo = 0;
  let hi = rs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rs[mid].line < line) lo = mid + 1;
    else if (rs[mid].line > line) hi = mid - 1;
    else return rs[mid];
  }
  return undefined;
}

/**
 * RAM past the plan's limit (the bytes the plan leaves unmapped), on the lines of the planner's
 * own inputs, so every byte of plan.beyondLimit is named on a line. An input inside the one named
 * before it (a RAM line nested in another) says the same bytes again and is left out; pieces of
 * one line that touch are named once. Lazy, like planProblems.
 */
function* ramPastLimit(map: MemoryMap, plan: Plan): Generator<{ record: RangeRecord; start: number; end: number }> {
  if (plan.beyondLimit.length === 0) return; // no input reaches past the limit: none to name
  let last: { record: RangeRecord; start: number; end: number } | undefined;
  for (const r of ramInputs(map)) {
    if (r.end <= plan.limit || r.line === undefined) continue;
    const start = Math.max(r.start, plan.limit);
    if (last && start >= last.start && r.end <= last.end) continue;
    if (last && last.record.line === r.line && start === last.end) {
      last.end = r.end;
      continue;
    }
    const record = rangeOnLine(map, r.line);
    if (!record) continue;
    if (last) yield last;
    last = { record, start, end: r.end };
  }
  if (last) yield last;
}
