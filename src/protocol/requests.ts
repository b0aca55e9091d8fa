// Every custom request and notification between the EPT Lens client and server, typed, imported by
// both sides. Types only from the planner (erased at build time), so the client bundle carries no
// planner code.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { ExportFormat } from '../planner/export';

/** File extension and label of every export format; a format the planner adds fails to compile here. */
export const EXPORT_FORMAT_INFO: Readonly<Record<ExportFormat, { extension: string; label: string }>> = {
  json: { extension: 'json', label: 'JSON' },
  md: { extension: 'md', label: 'Markdown' },
  csv: { extension: 'csv', label: 'CSV' },
  c: { extension: 'h', label: 'C header' },
};
export const EXPORT_FORMATS = Object.keys(EXPORT_FORMAT_INFO) as ExportFormat[];
export type { ExportFormat };

/** Which map of a document: by index, else the one at a 0-based line, else the default (see chooseMap). */
export interface MapChoice {
  uri: string;
  map?: number;
  line?: number;
}

export interface ExportParams extends MapChoice {
  format: ExportFormat;
  /** Markdown of every map of the document instead of one (format `md` only). */
  allMaps?: boolean;
}

export interface ExportResult {
  text: string;
  /** Suggested file name, e.g. `laptop.log.ept-plan.h`. */
  filename: string;
  title: string;
  /** How many maps the document holds. */
  maps: number;
}

/** The plan of one map (or every map, Markdown) in an export format. */
export const ExportRequest = new RequestType<ExportParams, ExportResult, void>('eptLens/export');

/**
 * The older name of eptLens/export, still answered for clients written against it: formats
 * `json`|`md`; Markdown without `map` or `line` lists every map.
 */
export const PlanRequest = new RequestType<Omit<ExportParams, 'allMaps'>, ExportResult, void>('eptLens/plan');

export interface ReportParams extends MapChoice {
  /** Nonce for the page's CSP (at least 16 base64 characters, fresh per render). */
  nonce: string;
  /** webview.cspSource. */
  cspSource: string;
}

export interface ReportResult {
  /** A complete HTML document for webview.html. */
  html: string;
  /** Panel title. */
  title: string;
}

/** The plan report page for the chosen map. */
export const ReportRequest = new RequestType<ReportParams, ReportResult, void>('eptLens/report');

export interface SummaryResult {
  /** Status text, e.g. `EPT 373×4K 541×2M 503×1G · 15.9 MiB`. */
  text: string;
  tooltip: string;
  maps: number;
  /** True when the summary says no plan could be made. */
  error?: boolean;
  /** 0-based index of the map summarised, and its first line. */
  map?: number;
  firstLine?: number;
  /** True when that map was chosen for the document (eptLens/chooseMap), not the default. */
  chosen?: boolean;
}

/** One-line totals of a document's default map (what the language status item shows). */
export const SummaryRequest = new RequestType<{ uri: string }, SummaryResult | null, void>('eptLens/summary');

export interface FindAddressParams {
  uri: string;
  /** `0x101000`, `101000` (hex, as logs print), or a size such as `4G`. */
  address: string;
}

export interface FindAddressResult {
  /** Undefined when the address was not found or did not parse (see `message`). */
  line?: number;
  start?: number;
  end?: number;
  kind: 'ram' | 'range' | 'gap' | 'none' | 'invalid';
  message: string;
}

/** The line of the range (or of the gap's hint) containing an address. */
export const FindAddressRequest = new RequestType<FindAddressParams, FindAddressResult, void>('eptLens/findAddress');

export interface DecodeParams {
  what: 'entry' | 'qualification';
  /** Hex, with or without 0x: logs print hex. */
  value: string;
  /** EPT level for entries: 1 PTE, 2 PDE, 3 PDPTE, 4 PML4E (default: 1, and 2 too when bit 7 is set). */
  level?: number;
  /** Exit reason for qualifications (`IO_INSTRUCTION`, `30`); default EPT_VIOLATION. */
  reason?: string;
}

export interface DecodeResult {
  title: string;
  markdown: string;
}

/** Decode an EPT entry or an exit qualification typed by the user. */
export const DecodeRequest = new RequestType<DecodeParams, DecodeResult, void>('eptLens/decode');

export interface PlanFileParams {
  /** A file: URI of a regular file (the Node server streams it), or any URI with `content`. */
  uri: string;
  workDoneToken?: string | number;
  /**
   * The file's bytes, read by the client through vscode.workspace.fs where the server can't read
   * the URI itself (the browser, virtual file systems): a Uint8Array over a MessagePort, base64
   * over JSON transports.
   */
  content?: Uint8Array | string;
  /** With `cspSource`: also render the result as a page (`html`) for a webview; a fresh nonce per request. */
  nonce?: string;
  cspSource?: string;
}

export interface PlanFileResult {
  title: string;
  markdown: string;
  lines: number;
  bytes: number;
  ms: number;
  /** Memory maps in the file, and how many differ (identical maps are folded into one entry). */
  maps?: number;
  distinct?: number;
  /** `Linux version` lines. */
  boots?: number;
  /** The page (summary, folded maps, each distinct plan) when the request carried a nonce and cspSource. */
  html?: string;
}

/** Plan a file on disk, streamed (any size); progress through `workDoneToken`. */
export const PlanFileRequest = new RequestType<PlanFileParams, PlanFileResult, void>('eptLens/planFile');

/** One memory map of a document, as Choose Memory Map… lists it. */
export interface MapInfo {
  /** 0-based map index (what `map` means in every request). */
  index: number;
  /** The format's name: `Linux dmesg BIOS-e820`, `/proc/iomem`, … */
  format: string;
  /** 0-based first and last line. */
  firstLine: number;
  lastLine: number;
  /** RAM range lines (nested iomem ones too). */
  ramRanges: number;
  /** The `Linux version …` line of the boot the map belongs to (0-based line, text from `Linux version`). */
  boot?: { line: number; text: string };
  /** The plan's totals (the code lens's words), or why the map has no plan. */
  totals: string;
  /** False when the map gets no plan (`totals` says why). */
  planned: boolean;
}

export interface MapListResult {
  maps: MapInfo[];
  /** The map chosen for the document with eptLens/chooseMap, if any (and still in range). */
  chosen?: number;
  /** The map the report, the status item and Copy Plan take when no map is named: the chosen one, else the default. */
  current?: number;
  /** The map taken without a choice (the last usable one). */
  defaultMap?: number;
}

/** Every memory map of a document, described in one pass (linear in the document's maps). */
export const MapListRequest = new RequestType<{ uri: string }, MapListResult, void>('eptLens/maps');

export interface ChooseMapParams {
  uri: string;
  /** 0-based map index; null: no choice, the default rule again (see chooseMap). */
  map: number | null;
}

/**
 * Remembers the map the report, status item and Copy Plan use for a document (a map named in a
 * request still wins). Kept by the server per URI; the client re-sends it after a restart.
 * Answers the document's summary with the choice applied (null: no document open or no map).
 */
export const ChooseMapRequest = new RequestType<ChooseMapParams, SummaryResult | null, void>('eptLens/chooseMap');

export interface PairMtrrParams {
  /** The document (a /proc/iomem dump, or any memory map) planned with the MTRRs. */
  uri: string;
  /** The MTRR file's name, as messages say it (`mtrr`, `desktop.mtrr`). */
  name?: string;
  /**
   * The MTRR file's text, read by the client (vscode.workspace.fs, so any file system and the web
   * build alike: the server never reads a path itself). Absent: unpair.
   */
  text?: string;
}

export interface PairMtrrResult {
  /** Whether the document is now planned with the file's MTRRs. */
  paired: boolean;
  /** What the file holds: `MTRRs (/proc/mtrr): 8 variable ranges, default UC (assumed)`. */
  dump?: string;
  /** Problems on the file's lines and in its dump, `name:line:col: severity: message`, as `ept-plan --mtrr FILE` prints them. */
  problems: string[];
}

/**
 * Plans a document with the MTRRs of a file of their own, as `ept-plan --mtrr FILE` does (every map
 * of the document, ahead of its own dump); without `text`, back to the document's own. A file with
 * no MTRR line is refused (the pairing before stays). Kept per URI; the client re-sends it.
 */
export const PairMtrrRequest = new RequestType<PairMtrrParams, PairMtrrResult, void>('eptLens/pairMtrr');

interface PlanChangedParams {
  uri: string;
  version: number;
  /** The document's summary after the change (null: no memory map). */
  summary: SummaryResult | null;
}

/** Sent after a document's diagnostics are published: its plan may have changed. */
export const PlanChangedNotification = new NotificationType<PlanChangedParams>('eptLens/planChanged');
