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

export type MapFormat = 'hyperplatform' | 'e820' | 'iomem' | 'xen';

export const FORMAT_NAMES: Readonly<Record<MapFormat, string>> = {
  hyperplatform: 'HyperPlatform `Physical Memory Range`',
  e820: 'Linux dmesg `BIOS-e820`',
  iomem: '/proc/iomem',
  xen: 'Xen `(XEN)` e820',
};

/** A hand-written note after a HyperPlatform range line, claiming counts for the gap before it. */
export interface Annotation {
  field: Field;
  text: string;
  claimed: Partial<PageCounts>;
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
  /** iomem nesting depth (2 spaces per level); 0 elsewhere. Only depth 0 forms the map. */
  depth: number;
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
export interface MtrrHeaderRecord {
  kind: 'mtrr-header';
  line: number;
  which: 'fixed' | 'variable' | 'all';
  enabled: boolean;
}

export interface MtrrFixedRecord {
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

export type MtrrRecord = MtrrDefaultRecord | MtrrHeaderRecord | MtrrFixedRecord | MtrrVariableRecord | MtrrDisabledRecord;

/** A recognised line with nothing usable: `Problem`s say why (malformed hex and the like). */
export interface MalformedRecord {
  kind: 'malformed';
  line: number;
  format: MapFormat | 'mtrr';
  problems: Problem[];
}

export type MapRecord = RangeRecord | E820EditRecord | BoundaryRecord | MtrrRecord | LinuxMtrrMapRecord | MalformedRecord;
