// Messages the plan report's page posts to the extension: {type: 'reveal', line} and
// {type: 'export', format, action}. The page is untrusted, so every message is validated here.
import { EXPORT_FORMATS, type ExportFormat } from './requests';

/** Messages the report page posts to the extension (validate before use: the page is untrusted). */
type ReportMessage =
  | { type: 'reveal'; line: number }
  | { type: 'export'; format: ExportFormat; action: 'save' | 'copy' };

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
    if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format)) return undefined;
    const action = o.action === undefined ? 'save' : o.action;
    if (action !== 'save' && action !== 'copy') return undefined;
    return { type: 'export', format: format as ExportFormat, action };
  }
  return undefined;
}
