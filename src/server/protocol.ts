// Custom requests between the EPT Lens client and server (names and shapes). Shared by both sides;
// types only, plus the method names.

export const Requests = {
  /** The plan of a document (or one of its maps) as JSON or Markdown. */
  plan: 'eptLens/plan',
  /** One-line totals of a document for the status bar. */
  summary: 'eptLens/summary',
  /** The line of the range containing an address. */
  findAddress: 'eptLens/findAddress',
  /** Decode an EPT entry or an exit qualification typed by the user. */
  decode: 'eptLens/decode',
  /** Plan a file on disk, streamed (any size); progress through `workDoneToken`. */
  planFile: 'eptLens/planFile',
} as const;

export interface PlanParams {
  uri: string;
  /** Index of the map; without it the map at `line`, else every map (Markdown) or the first (JSON). */
  map?: number;
  /** 0-based line (the cursor) used to pick the map. */
  line?: number;
  format: 'json' | 'md';
}

export interface PlanResult {
  /** JSON text (planToJson, pretty-printed) or Markdown. */
  text: string;
  title: string;
  maps: number;
}

export interface SummaryParams {
  uri: string;
}

export interface SummaryResult {
  /** Status-bar text, e.g. `EPT 373×4K 541×2M 503×1G · 15.9 MiB`. */
  text: string;
  tooltip: string;
  maps: number;
}

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

export interface DecodeParams {
  what: 'entry' | 'qualification';
  /** Hex (`0x181`, `181`) or decimal with a `0d`/`#` prefix is not needed: logs print hex. */
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

export interface PlanFileParams {
  /** A file: URI or a local path. */
  uri: string;
  workDoneToken?: string | number;
}

export interface PlanFileResult {
  title: string;
  markdown: string;
  lines: number;
  bytes: number;
  ms: number;
}
