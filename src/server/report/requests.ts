// Server side of the plan report: the `eptLens/report` and `eptLens/export` requests (shapes in
// ./protocol). The server's main module plugs in how to get a document's analysis and settings:
//
//   registerReportRequests(connection, analysisReportSource(async (uri) => {
//     const st = await ready(uri);
//     return { analysis: st.analysis, settings: await getSettings(uri) };
//   }), guard);
import type { CancellationToken, Connection } from 'vscode-languageserver/node';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { Plan } from '../../planner/plan';
import { exportPlan } from '../../planner/export';
import { type Analysis, mapTitle } from '../analysis';
import type { Settings } from '../settings';
import { checkCspInputs, renderMessage, renderReport } from './html';
import {
  type ExportParams, type ExportResult, REPORT_EXPORT_FORMATS, REPORT_EXPORT_INFO, type ReportParams, type ReportResult, ReportRequests,
} from './protocol';

/** What a report is drawn from: the plan of the chosen map, or why there is none. */
export interface ReportPlan {
  plan?: Plan;
  /** Why there is no plan (no memory map, the planner refused the input). */
  error?: string;
  /** File name of the document, e.g. `HyperPlatform.log`. */
  name: string;
  /** Which map: `HyperPlatform map, 9 RAM ranges (lines 1–9)`, with `map 2 of 3` when several. */
  mapLabel?: string;
}

/** Which map of the document: by index, else the one at a 0-based line, else the first. */
export interface MapChoice {
  map?: number;
  line?: number;
}

export type ReportPlanSource = (uri: string, choice: MapChoice, token: CancellationToken) => Promise<ReportPlan>;

/** The server's request wrapper (errors → LSP errors for that request only). */
export type RequestGuard = <P, R>(
  name: string,
  fn: (params: P, token: CancellationToken) => Promise<R> | R,
) => (params: P, token: CancellationToken) => Promise<R | ResponseError<void>>;

export const baseName = (uri: string): string => {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.split('/').pop() || uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
};

/** The report source over the server's per-document analysis: the map at `line`, else the first. */
export function analysisReportSource(
  get: (uri: string) => Promise<{ analysis: Analysis; settings: Settings }>,
): ReportPlanSource {
  return async (uri, { map: index, line }) => {
    const { analysis, settings } = await get(uri);
    const name = baseName(uri);
    const maps = analysis.maps();
    if (maps.length === 0) {
      return { name, error: 'No memory map in this document: the report needs HyperPlatform, e820, /proc/iomem or Xen range lines.' };
    }
    if (index !== undefined && index >= maps.length) throw invalid(`no map ${index} in this document (it has ${maps.length})`);
    const map = (index !== undefined ? maps[index] : undefined) ??
      (line !== undefined && maps.length > 1 ? analysis.mapForLine(line) : undefined) ?? maps[0];
    const mp = analysis.planFor(map, settings);
    const mapLabel = `${mapTitle(map)}${maps.length > 1 ? ` · map ${map.index + 1} of ${maps.length}` : ''}`;
    if (!mp.plan) return { name, mapLabel, error: `No plan for ${mapTitle(map)}: ${mp.error ?? 'the planner refused the input'}` };
    return { name, mapLabel, plan: mp.plan };
  };
}

const invalid = (message: string): ResponseError<void> => new ResponseError(ErrorCodes.InvalidParams, message);

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function checkUriChoice(p: { uri?: unknown; line?: unknown; map?: unknown } | null | undefined): { uri: string; choice: MapChoice } {
  if (!p || typeof p.uri !== 'string' || p.uri.length === 0) throw invalid('uri must be a document URI');
  if (p.line != null && !isIndex(p.line)) throw invalid('line must be a 0-based line number');
  if (p.map != null && !isIndex(p.map)) throw invalid('map must be a 0-based map index');
  return { uri: p.uri, choice: { line: isIndex(p.line) ? p.line : undefined, map: isIndex(p.map) ? p.map : undefined } };
}

/** eptLens/report: the report page for the map at (uri, line). */
export async function reportRequest(source: ReportPlanSource, params: ReportParams, token: CancellationToken): Promise<ReportResult> {
  const { uri, choice } = checkUriChoice(params);
  try {
    checkCspInputs(params.nonce, params.cspSource);
  } catch (e) {
    throw invalid((e as Error).message);
  }
  const rp = await source(uri, choice, token);
  const title = `EPT Plan: ${rp.name}`;
  if (!rp.plan) {
    return { title, html: renderMessage({ nonce: params.nonce, cspSource: params.cspSource, title: rp.name, message: rp.error ?? 'No plan.' }) };
  }
  const html = renderReport(rp.plan, { nonce: params.nonce, cspSource: params.cspSource, title: rp.name, subtitle: rp.mapLabel });
  return { title, html };
}

/** eptLens/export: the plan of the map at (uri, line) as JSON, Markdown, CSV or a C header. */
export async function exportRequest(source: ReportPlanSource, params: ExportParams, token: CancellationToken): Promise<ExportResult> {
  const { uri, choice } = checkUriChoice(params);
  const format = params?.format;
  if (typeof format !== 'string' || !(REPORT_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw invalid(`format must be one of ${REPORT_EXPORT_FORMATS.join(', ')}`);
  }
  const rp = await source(uri, choice, token);
  if (!rp.plan) throw invalid(rp.error ?? 'no plan');
  const title = rp.mapLabel ? `${rp.name} — ${rp.mapLabel}` : rp.name;
  const text = exportPlan(rp.plan, format, { title });
  return { text, filename: `${rp.name.replace(/\.[^.]*$/, '') || 'plan'}.ept-plan.${REPORT_EXPORT_INFO[format].extension}` };
}

/** Registers both requests on the connection (wrapped in the server's guard when given). */
export function registerReportRequests(connection: Connection, source: ReportPlanSource, guard?: RequestGuard): void {
  const report = (p: ReportParams, t: CancellationToken) => reportRequest(source, p, t);
  const exp = (p: ExportParams, t: CancellationToken) => exportRequest(source, p, t);
  if (guard) {
    connection.onRequest(ReportRequests.report, guard('plan report', report));
    connection.onRequest(ReportRequests.export, guard('export plan', exp));
  } else {
    connection.onRequest(ReportRequests.report, report);
    connection.onRequest(ReportRequests.export, exp);
  }
}
