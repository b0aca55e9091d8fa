// Grouping records into memory maps, and MTRR dumps into the map they describe.
//
// The rule (documented in the README): a memory map is a run of range lines of one format. A new
// map starts when
//   1. the format changes (an e820 map, then a HyperPlatform dump),
//   2. a boundary line passes (`Linux version …`, `BIOS-provided physical RAM map`: a new boot), or
//   3. a top-level range starts below the previous one after other lines came in between (a
//      driver reloaded and dumped its map again). Without lines in between, a step back is an
//      unsorted entry of the same map, reported but kept.
// An MTRR dump (consecutive MTRR lines) belongs to the closest map before it, unless a boundary
// separates them; else to the first map after it.
import type { MtrrFixedRange, MtrrState, MtrrTypedRange, MtrrVariableRange } from '../planner/mtrr';
import type { RamInput } from '../planner/normalize';
import { mtreeRam } from './mtree-flatten';
import { quoteInput } from './hex';
import type { EptCapsRecord, LinuxMtrrMapRecord, MapFormat, MapRecord, MalformedRecord, MtrrRangeSource, MtrrRecord, RangeRecord, Severity } from './records';
import { hasError, readWithoutRoot, usableRanges } from './usable';

/** What a dump is, for the plan's `memory types from …` line. */
export const DUMP_SOURCES: Readonly<Record<MtrrDump['source'], string>> = {
  dmesg: 'MTRR dump',
  proc: 'MTRR dump',
  hvpp: 'hvpp MTRR range list',
  gbhv: 'gbhv/HyperDbg/airhv MTRR range list',
  ksm: 'ksm MTRR range list',
  'mtrr-cleanup': 'mtrr_cleanup register list (the MTRRs Linux wrote at boot)',
};

export interface MtrrDump {
  source: 'dmesg' | 'proc' | MtrrRangeSource;
  records: MtrrRecord[];
  firstLine: number;
  lastLine: number;
  state: MtrrState;
  notes: string[];
}

export interface MapNote {
  code: string;
  message: string;
  severity: Severity;
  line: number;
}

export interface MemoryMap {
  index: number;
  format: MapFormat;
  /** Every range line of the map, RAM or not, nested iomem entries included. */
  ranges: RangeRecord[];
  malformed: MalformedRecord[];
  firstLine: number;
  lastLine: number;
  mtrr?: MtrrDump;
  notes: MapNote[];
  /** The hypervisor's IA32_VMX_EPT_VPID_CAP line of this boot (ksm), the plan's page sizes are checked against. */
  eptCaps?: EptCapsRecord;
}

export interface MapDocument {
  maps: MemoryMap[];
  dumps: MtrrDump[];
  /** Dumps no map could claim (an MTRR file on its own). */
  orphanDumps: MtrrDump[];
}

const isMtrr = (r: MapRecord): r is MtrrRecord => r.kind.startsWith('mtrr-');

/** RAM ranges to plan: top-level RAM lines without errors. */
export function ramInputs(map: MemoryMap): RamInput[] {
  if (readWithoutRoot(map)) return [];
  if (map.format === 'mtree') return mtreeRam(map.ranges);
  return usableRanges(map)
    .filter((r) => r.ram)
    .map((r) => ({ start: r.start, end: r.end, line: r.line }));
}

interface GroupOptions {
  /** Lines where a new map must start whatever the records say (the first line of each input file). */
  mapBreaks?: readonly number[];
}

export function groupMaps(records: readonly MapRecord[], options: GroupOptions = {}): MapDocument {
  const breaks = [...(options.mapBreaks ?? [])].sort((a, b) => a - b);
  let nextBreak = 0;
  const maps: MemoryMap[] = [];
  const dumps: MtrrDump[] = [];
  const boundaries: number[] = [];
  let cur: MemoryMap | undefined;
  let lastTop: RangeRecord | undefined;
  let lastRangeLine = -1;
  let dumpRecords: MtrrRecord[] = [];
  /** Last line of the open dump, unusable MTRR lines included: they never split a dump. */
  let lastDumpLine = -1;
  const bootNotes: (LinuxMtrrMapRecord | EptCapsRecord)[] = [];

  const flushDump = (): void => {
    if (dumpRecords.length) dumps.push(buildDump(dumpRecords));
    dumpRecords = [];
    lastDumpLine = -1;
  };
  for (const r of records) {
    while (nextBreak < breaks.length && breaks[nextBreak] <= r.line) {
      nextBreak++;
      cur = undefined;
      flushDump();
    }
    if (r.kind === 'linux-mtrr-map' || r.kind === 'ept-caps') {
      bootNotes.push(r);
      continue;
    }
    if (isMtrr(r) || (r.kind === 'malformed' && r.format === 'mtrr')) {
      if (lastDumpLine >= 0 && r.line - lastDumpLine > 2) flushDump();
      lastDumpLine = r.line;
      if (r.kind !== 'malformed') dumpRecords.push(r);
      continue;
    }
    if (r.kind === 'boundary') {
      boundaries.push(r.line);
      cur = undefined;
      flushDump();
      continue;
    }
    if (r.kind === 'e820-edit') continue;
    if (r.kind === 'malformed') {
      const format = r.format as MapFormat;
      if (cur && cur.format === format) {
        cur.malformed.push(r);
        cur.lastLine = Math.max(cur.lastLine, r.line);
      } else {
        cur = newMap(maps.length, format, r.line);
        cur.malformed.push(r);
        maps.push(cur);
        lastTop = undefined;
      }
      lastRangeLine = r.line;
      continue;
    }
    if (r.format === 'e820' && r.depth > 0) {
      // A PCI root window (e820.ts) is known MMIO of the boot's e820 map: it joins that map and
      // changes neither its extent nor its order; with no map in this boot there is nothing to join.
      if (cur && cur.format === 'e820') cur.ranges.push(r);
      continue;
    }
    const top = r.depth === 0;
    const restart = top && lastTop !== undefined && r.start < lastTop.start && (r.firstLine ?? r.line) - lastRangeLine > 1;
    if (!cur || cur.format !== r.format || restart) {
      cur = newMap(maps.length, r.format, r.line);
      maps.push(cur);
      lastTop = undefined;
    }
    cur.ranges.push(r);
    cur.lastLine = r.line;
    if (top) lastTop = r;
    lastRangeLine = r.line;
  }
  flushDump();

  for (const m of maps) m.notes.push(...rangeNotes(m));
  const orphanDumps = attachDumps(maps, dumps, boundaries);
  attachBootNotes(maps, bootNotes);
  return { maps, dumps, orphanDumps };
}

/**
 * Lines that say something about a boot's map without being part of it, given to that boot's map
 * in one forward pass each:
 * - Linux 6.x prints only `MTRR map: N entries …` unless booted with `mtrr=debug`, after the e820
 *   map: the last map starting before it (else the first) is planned without MTRRs, and says how
 *   to get them.
 * - ksm prints its EPT/VPID caps before its ranges: the first map starting after the line (else the
 *   last) is checked against them (analysis/problems.ts).
 */
function attachBootNotes(maps: readonly MemoryMap[], notes: readonly (LinuxMtrrMapRecord | EptCapsRecord)[]): void {
  if (maps.length === 0) return;
  let before = 0;
  let after = 0;
  for (const r of notes) {
    if (r.kind === 'ept-caps') {
      while (after < maps.length - 1 && maps[after].firstLine < r.line) after++;
      maps[after].eptCaps ??= r;
      continue;
    }
    while (before + 1 < maps.length && maps[before + 1].firstLine < r.line) before++;
    const m = maps[before];
    if (m.mtrr || m.notes.some((n) => n.code === 'mtrr-summary-only')) continue;
    m.notes.push({
      code: 'mtrr-summary-only',
      message: "this kernel printed only an MTRR summary ('MTRR map: … entries'), not the registers: boot with mtrr=debug to print them, or give /proc/mtrr (--mtrr FILE); until then gaps are planned UC and RAM WB",
      severity: 'information',
      line: r.line,
    });
  }
}

function newMap(index: number, format: MapFormat, line: number): MemoryMap {
  return { index, format, ranges: [], malformed: [], firstLine: line, lastLine: line, notes: [] };
}

/** Codes of the notes `rangeNotes` gives: what a map's ranges alone decide. */
export const RANGE_NOTE_CODES: ReadonlySet<string> = new Set(['iomem-no-root', 'no-ram', 'map-head-missing']);

/**
 * The notes a map's ranges decide, in the order groupMaps gives them (before the dumps' and the
 * boot's): regrouping after an edit of range lines (regroup.ts) recomputes just these.
 */
export function rangeNotes(m: MemoryMap): MapNote[] {
  const root = noteIomemWithoutRoot(m);
  // An iomem read without root has no usable range: noteNoRam reads the note just found.
  const noRam = noteNoRam({ ...m, notes: root ? [root] : [] });
  const head = noteCutHead(m);
  return [root, noRam, head].filter((n): n is MapNote => n !== undefined);
}

/**
 * The lowest top-level entry of each firmware map (the first of equal ones) as noteCutHead found
 * it, or was told it: reading the start of every record of a 300k-line map took 40 ms (the
 * records and their boxed addresses lie all over the heap), too slow to redo per keystroke.
 */
const lowest = new WeakMap<MemoryMap, RangeRecord | undefined>();

/** Whether `r` comes before `than` as a map's lowest entry. */
const lowerEntry = (r: RangeRecord, than: RangeRecord | undefined): boolean =>
  r.depth === 0 && (!than || r.start < than.start || (r.start === than.start && r.line < than.line));

/**
 * Tells rangeNotes the lowest entry of `map`, whose ranges are those of `from` but at `swapped`
 * (indices in both), when it follows from the lowest entry of `from`.
 */
export function carryLowest(from: MemoryMap, map: MemoryMap, swapped: readonly number[]): void {
  if (!lowest.has(from)) return;
  let low = lowest.get(from);
  for (const i of swapped) if (from.ranges[i] === low) return;
  for (const i of swapped) if (lowerEntry(map.ranges[i], low)) low = map.ranges[i];
  lowest.set(map, low);
}

function noteIomemWithoutRoot(m: MemoryMap): MapNote | undefined {
  if (m.format !== 'iomem' || m.ranges.length === 0) return;
  if (m.ranges.every((r) => r.start === 0 && r.end <= 1)) {
    return {
      code: 'iomem-no-root',
      message: 'every /proc/iomem address is zero: it was read without root. Read it again as root (sudo cat /proc/iomem).',
      severity: 'error',
      line: m.firstLine,
    };
  }
}

/** Maps that list every address from 0 up: firmware tables (e820 and the tables it is printed from). */
const FROM_ZERO: ReadonlySet<MapFormat> = new Set<MapFormat>(['e820', 'xen', 'seabios', 'memmap']);

/**
 * A firmware map always starts at address 0 (the BIOS, EFI, Xen and every VMM put RAM or a
 * reserved range there), so one whose lowest entry starts higher lost its first lines: a paste
 * that began mid-map (issue 11: GCE and Docker for Windows threads). The plan would map that
 * RAM as a gap, so say it. /proc/iomem is left out: `grep RAM /proc/iomem` legitimately starts
 * at 0x1000. One pass over the ranges.
 */
function noteCutHead(m: MemoryMap): MapNote | undefined {
  if (!FROM_ZERO.has(m.format)) return;
  let low: RangeRecord | undefined;
  if (lowest.has(m)) low = lowest.get(m);
  else {
    for (const r of m.ranges) if (lowerEntry(r, low)) low = r;
    lowest.set(m, low);
  }
  if (!low || low.start === 0) return;
  return {
    code: 'map-head-missing',
    message: `this map's lowest entry starts at 0x${low.start.toString(16)}, not 0: a firmware map starts at address 0, so its first lines are missing (the paste began mid-map?); the plan maps [0x0, 0x${low.start.toString(16)}) as a gap. Give the whole map`,
    severity: 'warning',
    line: low.line,
  };
}

/**
 * A map whose ranges hold no RAM would be planned as one big gap with RAM 0: a confident wrong
 * answer when the RAM lines were there but their type went unrecognised (`usable<br>`, a name a
 * newer kernel prints). Said as a warning; the CLI also exits with status 4 on such a plan.
 */
function noteNoRam(m: MemoryMap): MapNote | undefined {
  // Most maps have RAM: found at their first RAM line, without building the planner's inputs.
  if (m.format !== 'mtree' && !readWithoutRoot(m) && m.ranges.some((r) => r.ram && !hasError(r))) return;
  const usable = usableRanges(m).filter((r) => r.depth === 0);
  if (usable.length === 0 || ramInputs(m).length > 0) return;
  const types = [...new Set(usable.map((r) => r.typeName))];
  const shown = types.slice(0, 4).map((t) => `'${quoteInput(t)}'`).join(', ') + (types.length > 4 ? `, … (${types.length} names)` : '');
  return {
    code: 'no-ram',
    message: `none of the ${usable.length} range${usable.length === 1 ? '' : 's'} of this map is RAM (types: ${shown}): the plan maps every address as a gap and no RAM`,
    severity: 'warning',
    line: m.firstLine,
  };
}

/**
 * Gives each dump the closest map before it unless a boundary separates them, else the first map
 * after it. Maps, dumps and boundaries all come in line order, so one forward pass over the three
 * lists does it: linear in boots, where testing every map and boundary per dump was cubic (a dmesg
 * of 10,000 boots took 44 s).
 */
function attachDumps(maps: MemoryMap[], dumps: MtrrDump[], boundaries: number[]): MtrrDump[] {
  const orphans: MtrrDump[] = [];
  /** First map starting at or after the dump's first line, then after its last line. */
  let before = 0;
  let after = 0;
  /** First boundary at or after the dump's first line, then after its last line. */
  let bBefore = 0;
  let bAfter = 0;
  for (const d of dumps) {
    while (before < maps.length && maps[before].firstLine < d.firstLine) before++;
    while (bBefore < boundaries.length && boundaries[bBefore] < d.firstLine) bBefore++;
    while (after < maps.length && maps[after].firstLine <= d.lastLine) after++;
    while (bAfter < boundaries.length && boundaries[bAfter] <= d.lastLine) bAfter++;
    const prev = before > 0 ? maps[before - 1] : undefined;
    const next = after < maps.length ? maps[after] : undefined;
    let target: MemoryMap | undefined;
    if (prev && !(bBefore > 0 && boundaries[bBefore - 1] > prev.firstLine)) target = prev;
    else if (next && !(bAfter < boundaries.length && boundaries[bAfter] < next.firstLine)) target = next;
    if (!target) orphans.push(d);
    else if (!target.mtrr) target.mtrr = d;
    else if (rewritesMtrrs(d)) {
      target.notes.push({
        code: 'mtrr-rewritten',
        message: `Linux rewrote the MTRRs at boot (mtrr_cleanup, line ${d.firstLine + 1}): its new registers are used, not the dump on line ${target.mtrr.firstLine + 1}`,
        severity: 'information',
        line: d.firstLine,
      });
      target.mtrr = keepFixed(target.mtrr, d);
    } else {
      target.notes.push({
        code: 'mtrr-extra-dump',
        message: `a second MTRR dump (line ${d.firstLine + 1}) also matches this map; the first one (line ${target.mtrr.firstLine + 1}) is used`,
        severity: 'information',
        line: d.firstLine,
      });
    }
  }
  return orphans;
}

/** mtrr_cleanup's `New variable MTRRs`: what the machine runs with after boot, whatever was dumped before. */
const rewritesMtrrs = (d: MtrrDump): boolean => d.records.some((r) => r.kind === 'mtrr-range' && r.phase === 'new');

/**
 * mtrr_cleanup rewrites only the variable MTRRs: the fixed ranges, their enable bit and the
 * default type stay as the earlier dump shows them, and so does AMD's TOM2 (a SYSCFG setting, not
 * a register cleanup writes; cleanup.c `mtrr_trim_uncached_memory` itself counts [4G, mtrr_tom2) as WB).
 */
function keepFixed(before: MtrrDump, after: MtrrDump): MtrrDump {
  const tom2 = after.state.tom2 ?? before.state.tom2;
  if (!before.state.fixedEnabled) return tom2 ? { ...after, state: { ...after.state, tom2 } } : after;
  const { enabled, fixedEnabled, fixed, defaultType, defaultTypeKnown } = before.state;
  const notes = after.notes.filter((n) => !n.includes('no fixed ranges'));
  return { ...after, notes, state: { ...after.state, enabled, fixedEnabled, fixed, defaultType, defaultTypeKnown, tom2 } };
}

/** More variable ranges than any CPU has (VCNT ≤ 255); past this a dump's registers are ignored. */
const MAX_VARIABLE_MTRRS = 256;

/** Turns a dump's records into the MTRR state the planner takes. */
export function buildDump(records: MtrrRecord[], procDefault: MtrrState['defaultType'] = 'UC'): MtrrDump {
  const listed = records.find((r) => r.kind === 'mtrr-range');
  const source = listed?.kind === 'mtrr-range' ? listed.source : records.some((r) => r.kind === 'mtrr-variable' && r.source === 'proc') ? 'proc' : 'dmesg';
  // mtrr_cleanup prints the registers it found and then the ones it wrote: the new ones are what
  // the machine runs with (and what a hypervisor loaded later reads).
  const rewritten = records.some((r) => r.kind === 'mtrr-range' && r.phase === 'new');
  const ranges: MtrrTypedRange[] = [];
  const notes: string[] = [];
  let enabled = true;
  let fixedEnabled = false;
  let variableEnabled = true;
  let defaultType = procDefault;
  let defaultTypeKnown = false;
  const fixed: MtrrFixedRange[] = [];
  const variable: MtrrVariableRange[] = [];
  let tooMany = false;
  let bits = 0;
  let tom2: MtrrState['tom2'];
  for (const r of records) {
    switch (r.kind) {
      case 'mtrr-default':
        defaultType = r.type;
        defaultTypeKnown = true;
        break;
      case 'mtrr-header':
        if (r.which === 'all') enabled = r.enabled;
        else if (r.which === 'fixed') fixedEnabled = r.enabled;
        else variableEnabled = r.enabled;
        break;
      case 'mtrr-fixed':
        fixed.push({ start: r.start, end: r.end, type: r.type, line: r.line });
        break;
      case 'mtrr-variable':
        // IA32_MTRRCAP.VCNT is 8 bits: a dump with more is not from a CPU, and each register
        // costs planning time, so the rest are left out (and said so).
        if (variable.length >= MAX_VARIABLE_MTRRS) {
          if (!tooMany) notes.push(`more than ${MAX_VARIABLE_MTRRS} variable MTRRs (line ${r.line + 1} on): x86 has at most 255, the rest are ignored`);
          tooMany = true;
          break;
        }
        variable.push({ index: r.index, base: r.base, mask: r.mask, type: r.type, line: r.line });
        bits = Math.max(bits, r.physAddrBits ?? 0);
        break;
      case 'mtrr-tom2':
        tom2 = { end: r.end, line: r.line };
        break;
      case 'mtrr-range': {
        if (hasError(r) || (rewritten && r.phase === 'original')) break;
        // MTRRs work on 4 KiB pages: a printed range is rounded outward to them.
        const start = r.start - (r.start % 4096);
        const end = Math.ceil(r.end / 4096) * 4096;
        if (r.fixed) {
          fixed.push({ start, end, type: r.type, line: r.line });
          fixedEnabled = true;
        } else if (ranges.length < MAX_VARIABLE_MTRRS) ranges.push({ index: ranges.length, start, end, type: r.type, line: r.line });
        break;
      }
      default:
        break;
    }
  }
  if (source === 'mtrr-cleanup' && !defaultTypeKnown) {
    // Linux runs mtrr_cleanup only when IA32_MTRR_DEF_TYPE says UC (cleanup.c: `if (def != MTRR_TYPE_UNCACHABLE) return 0`).
    defaultType = 'UC';
    defaultTypeKnown = true;
  }
  // MTRRs off (`MTRR: Disabled`, `MTRRs disabled`): every address is UC whatever the default type
  // says (SDM: E clear), so none is assumed and none needs setting.
  if (!enabled && !defaultTypeKnown) {
    defaultType = 'UC';
    defaultTypeKnown = true;
  }
  if (!defaultTypeKnown) {
    notes.push(source === 'proc'
      ? `/proc/mtrr has no default type: ${defaultType} assumed (ept-plan --mtrr-default TYPE sets another)`
      : listed ? `the ${source} MTRR list has no default type: ${defaultType} assumed` : `no 'MTRR default type' line: ${defaultType} assumed`);
  }
  if (listed && !fixedEnabled) notes.push(`the ${source} MTRR list has no fixed ranges: the first MiB follows the listed ranges and the default type`);
  if (source === 'proc') notes.push('/proc/mtrr lists no fixed ranges: the first MiB follows the variable ranges and the default type');
  const first = records[0].line;
  const last = records[records.length - 1].line;
  return {
    source,
    records,
    firstLine: first,
    lastLine: last,
    notes,
    state: {
      // Linux prints the E bit of MTRRdefType as "variable ranges enabled/disabled" (generic.c
      // print_mtrr_state): disabled there means every MTRR is off and all memory is UC.
      enabled: enabled && variableEnabled,
      defaultType,
      defaultTypeKnown,
      fixedEnabled,
      fixed,
      variable: variableEnabled ? variable : [],
      ranges: ranges.length ? ranges : undefined,
      physAddrBits: bits || undefined,
      ...(tom2 ? { tom2 } : {}),
    },
  };
}
