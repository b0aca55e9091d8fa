// The plan report's custom requests and webview messages: names and shapes only, no imports, so
// the client can use it without pulling in the planner.
//
//   eptLens/report  {uri, line?, map?, nonce, cspSource} → {html, title}
//   eptLens/export  {uri, line?, map?, format}           → {text, filename}
//
// `map` (index, as the code lens passes it) or else `line` (0-based, the cursor) picks the memory
// map when the document has several; without either the first map is used. The webview posts {type: 'reveal', line} and {type: 'export', format, action}.

export const ReportRequests = {
  report: 'eptLens/report',
  export: 'eptLens/export',
} as const;

export type ReportExportFormat = 'json' | 'md' | 'csv' | 'c';
export const REPORT_EXPORT_FORMATS: readonly ReportExportFormat[] = ['json', 'md', 'csv', 'c'];
export const REPORT_EXPORT_INFO: Readonly<Record<ReportExportFormat, { extension: string; label: string }>> = {
  json: { extension: 'json', label: 'JSON' },
  md: { extension: 'md', label: 'Markdown' },
  csv: { extension: 'csv', label: 'CSV' },
  c: { extension: 'h', label: 'C header' },
};

export interface ReportParams {
  uri: string;
  line?: number;
  map?: number;
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

export interface ExportParams {
  uri: string;
  line?: number;
  map?: number;
  format: ReportExportFormat;
}

export interface ExportResult {
  text: string;
  /** Suggested file name, e.g. `laptop.log.ept-plan.h`. */
  filename: string;
}

/** Messages the report page posts to the extension (validate before use: the page is untrusted). */
export type ReportMessage =
  | { type: 'reveal'; line: number }
  | { type: 'export'; format: ReportExportFormat; action: 'save' | 'copy' };

/** Validates a message from the webview; undefined for anything malformed. */
export function parseReportMessage(m: unknown, lineCount = Number.MAX_SAFE_INTEGER): ReportMessage | undefined {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return undefined;
  const o = m as Record<string, unknown>;
  if (o.type === 'reveal') {
    const line = o.line;
    if (typeof line !== 'number' || !Number.isInteger(line) || line < 0 || line >= lineCount) return undefined;
    return { type: 'reveal', line };
  }
  if (o.type === 'export') {
    const format = o.format;
    if (typeof format !== 'string' || !(REPORT_EXPORT_FORMATS as readonly string[]).includes(format)) return undefined;
    const action = o.action === undefined ? 'save' : o.action;
    if (action !== 'save' && action !== 'copy') return undefined;
    return { type: 'export', format: format as ReportExportFormat, action };
  }
  return undefined;
}
