// Typed records the readers produce. Every record keeps its 0-based line number and the
// character range of each field within that line, so the editor can point at them.
import type { MemoryType, PageCounts } from '../planner/types';

/** Character range [start, end) within one line. */
export interface Field {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'information';

/** Something wrong with one record, found while reading it. */
export interface Problem {
  code: string;
  message: string;
  severity: Severity;
  field: Field;
}

export type MapFormat = 'hyperplatform' | 'e820' | 'iomem' | 'xen' | 'memmap' | 'mtree' | 'meminfo' | 'hvpp' | 'ksm' | 'seabios';

export const FORMAT_NAMES: Readonly<Record<MapFormat, string>> = {
  hyperplatform: 'HyperPlatform `Physical Memory Range`',
  e820: 'Linux dmesg `BIOS-e820`',
  iomem: '/proc/iomem',
  xen: 'Xen `(XEN)` e820',
  memmap: '/sys/firmware/memmap',
  mtree: 'QEMU `info mtree`',
  meminfo: 'Windows `MemInfo -r`',
  hvpp: 'hvpp `Physical memory ranges`',
  ksm: 'ksm `Range:`',
  seabios: 'SeaBIOS `e820 map has N items`',
};

/** A hand-written note after a HyperPlatform range line, claiming counts for the gap before it. */
export interface Annotation {
  field: Field;
  /** Just the counts (`63 4KB-entries and 1 2MB-entry`): what a fix rewrites, leaving the rest of the note. */
  counts: Field;
  text: string;
  claimed: Partial<PageCounts>;
}

/**
 * What a record's end field prints: the last byte (`last`: e820, iomem), the first byte after the
 * range (`next`: HyperPlatform, MemInfo, hvpp), or its size (`size`: 2.4's `SIZE @ START`,
 * mtrr_cleanup's `range: 2GB`). `end` is half-open whatever it prints; this says how to read the field.
 */
export type EndPrints = 'last' | 'next' | 'size';

/** Where one value of a record printed over several lines is: its line and its characters there. */
export interface LineField {
  line: number;
  field: Field;
}

/** One memory-range line: RAM or not. Addresses are half-open [start, end) whatever the source printed. */
export interface RangeRecord {
  kind: 'range';
  format: MapFormat;
  line: number;
  start: number;
  end: number;
  ram: boolean;
  /** The source's own type name: `usable`, `System RAM`, `ACPI NVS`, … */
  typeName: string;
  fields: { start: Field; end: Field; type?: Field };
  endPrints: EndPrints;
  /** iomem and QEMU mtree nesting depth (2 spaces per level); 0 elsewhere. Only depth 0 forms the map. */
  depth: number;
  /**
   * First line of a record printed over several lines (/sys/firmware/memmap prints start, end and
   * type on lines of their own); `line` is the last one. Absent for one-line records.
   */
  firstLine?: number;
  /**
   * Last line of a range a mail split over several lines (joined back, join.ts); `line` is the
   * first, where `fields` are (cut at its end). Absent for one-line records.
   */
  lastLine?: number;
  /**
   * With `firstLine` or `lastLine`: the line and characters of each value (with `firstLine`,
   * `fields` are all on `line`, the last one).
   */
  spread?: { start: LineField; end: LineField; type: LineField };
  /** QEMU `info mtree`: what decides which region wins where regions overlap. */
  mtree?: MtreeRegion;
  annotation?: Annotation;
  /** Errors here mean the range is not used for planning. */
  problems: Problem[];
}

/** `e820: update [mem …] usable ==> reserved`, `e820: remove …`: edits, not map entries. */
export interface E820EditRecord {
  kind: 'e820-edit';
  line: number;
  action: string;
  start: number;
  end: number;
  fields: { start: Field; end: Field };
}

/** A line that starts a new boot or a new dump: maps never continue across it. */
export interface BoundaryRecord {
  kind: 'boundary';
  line: number;
  reason: string;
}

export interface MtrrDefaultRecord {
  kind: 'mtrr-default';
  line: number;
  type: MemoryType;
  field: Field;
  /** Warnings only (a reserved `?` type, planned as UC). */
  problems: Problem[];
}

/** `MTRR fixed ranges enabled:` / `MTRR variable ranges disabled:` and `MTRRs disabled`. */
interface MtrrHeaderRecord {
  kind: 'mtrr-header';
  line: number;
  which: 'fixed' | 'variable' | 'all';
  enabled: boolean;
}

interface MtrrFixedRecord {
  kind: 'mtrr-fixed';
  line: number;
  start: number;
  end: number;
  type: MemoryType;
  fields: { start: Field; end: Field; type: Field };
  /** Warnings only (a reserved `?` type, planned as UC). */
  problems: Problem[];
}

export interface MtrrVariableRecord {
  kind: 'mtrr-variable';
  line: number;
  source: 'dmesg' | 'proc';
  index: number;
  base: number;
  /** Mask without the valid bit; for /proc/mtrr derived from the size (52-bit wide). */
  mask: number;
  /** Bytes covered when the mask is contiguous; /proc/mtrr prints it. */
  size?: number;
  type: MemoryType;
  /** Width of the mask as printed (dmesg): MAXPHYADDR. */
  physAddrBits?: number;
  fields: { base: Field; mask?: Field; size?: Field; type: Field };
  problems: Problem[];
}

/** Where an `info mtree` region sits among its siblings; RAM is decided by the flattening (mtree-flatten.ts). */
interface MtreeRegion {
  priority: number;
  /** `ram`, `rom`, `i/o`, `romd`, `ramd` as QEMU prints the region (for an alias, its target's type). */
  regionType: string;
  /** `alias NAME @TARGET …`: the target's name. */
  aliasOf?: string;
  disabled: boolean;
}

/** Dumps that list MTRRs as typed address ranges, not base/mask pairs. */
export type MtrrRangeSource = 'hvpp' | 'gbhv' | 'ksm' | 'mtrr-cleanup';

/**
 * One typed range of such a list (hvpp `  3) WB [… - …]`, gbhv `MTRR Range: Base=… End=… Type=0x6`,
 * ksm `MTRR Range: … fixed: 0 type: 6`, Linux `reg 0, base: 0GB, range: 2GB, type WB`), half-open.
 */
export interface MtrrRangeRecord {
  kind: 'mtrr-range';
  line: number;
  source: MtrrRangeSource;
  /** A fixed-range MTRR (first MiB); otherwise a variable one. */
  fixed: boolean;
  /** mtrr_cleanup prints the registers before (`original`) and after (`new`) it rewrote them. */
  phase?: 'original' | 'new';
  start: number;
  end: number;
  type: MemoryType;
  fields: { start: Field; end: Field; type: Field };
  endPrints: EndPrints;
  problems: Problem[];
}

/**
 * Linux's `TOM2: 0000000150000000 aka 5376M` (generic.c `print_mtrr_state`), printed after the
 * variable ranges on AMD when SYSCFG forces [4 GiB, TOM2) to WB.
 */
export interface MtrrTom2Record {
  kind: 'mtrr-tom2';
  line: number;
  end: number;
  field: Field;
}

export interface MtrrDisabledRecord {
  kind: 'mtrr-disabled-slot';
  line: number;
  index: number;
}

/**
 * Linux 6.x's `MTRR map: N entries (…), built from N variable MTRRs`: the registers exist but are
 * printed only with `mtrr=debug`. Not part of a dump: it holds no register.
 */
export interface LinuxMtrrMapRecord {
  kind: 'linux-mtrr-map';
  line: number;
}

export type MtrrRecord = MtrrDefaultRecord | MtrrHeaderRecord | MtrrFixedRecord | MtrrVariableRecord | MtrrDisabledRecord | MtrrRangeRecord | MtrrTom2Record;

/** A recognised line with nothing usable: `Problem`s say why (malformed hex and the like). */
export interface MalformedRecord {
  kind: 'malformed';
  line: number;
  format: MapFormat | 'mtrr';
  problems: Problem[];
}

/** A line of `format` whose shape was recognised but whose fields can't be read: `expected` says what was. */
export const malformedRange = (line: number, format: MapFormat, expected: string, field: Field): MalformedRecord =>
  ({ kind: 'malformed', line, format, problems: [{ code: 'malformed-range', message: `expected ${expected}`, severity: 'error', field }] });

/**
 * IA32_VMX_EPT_VPID_CAP as a hypervisor printed it (ksm's `EPT/VPID caps: 0x…`): which EPT page
 * sizes the CPU allows. Changes no map; the plan is checked against it (a 1G leaf on a CPU
 * without 1 GiB EPT pages is an EPT misconfiguration).
 */
export interface EptCapsRecord {
  kind: 'ept-caps';
  line: number;
  /** The value as printed, `0x…` (records stay JSON-safe: no bigint). */
  valueText: string;
  field: Field;
}

export type MapRecord = RangeRecord | E820EditRecord | BoundaryRecord | MtrrRecord | LinuxMtrrMapRecord | EptCapsRecord | MalformedRecord;

/** Moves a record `delta` lines down (lines were inserted or removed above it), with every line it names. */
export function moveRecord(r: MapRecord, delta: number): void {
  r.line += delta;
  if (r.kind !== 'range') return;
  if (r.firstLine !== undefined) r.firstLine += delta;
  if (r.lastLine !== undefined) r.lastLine += delta;
  if (r.spread) {
    const { start, end, type } = r.spread;
    r.spread = { start: { ...start, line: start.line + delta }, end: { ...end, line: end.line + delta }, type: { ...type, line: type.line + delta } };
  }
}
