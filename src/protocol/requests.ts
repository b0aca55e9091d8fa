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

interface PlanChangedParams {
  uri: string;
  version: number;
  /** The document's summary after the change (null: no memory map). */
  summary: SummaryResult | null;
}

/** Sent after a document's diagnostics are published: its plan may have changed. */
export const PlanChangedNotification = new NotificationType<PlanChangedParams>('eptLens/planChanged');
