// The shape of every request's parameters, checked at the request boundary (guard.ts) before any
// feature sees them: a malformed request gets InvalidParams (-32602) saying what is wrong, never a
// TypeError from deep inside a feature. A malformed notification is logged and ignored (server.ts).
import type { CodeActionParams, DidOpenTextDocumentParams, InlayHint, InlayHintParams, Range, TextDocumentPositionParams } from 'vscode-languageserver';
import {
  type ChooseMapParams, type DecodeParams, EXPORT_FORMATS, type ExportFormat, type ExportParams, type FindAddressParams, type MapChoice,
  type PairMtrrParams, type PlanFileParams, type ReportParams,
} from '../protocol/requests';
import { checkCspInputs } from '../report';
import { RequestError } from './errors';

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RequestError(`${what} must be an object`);
  return v as Obj;
}

function str(o: Obj, key: string, what = key): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) throw new RequestError(`${what} must be a non-empty string`);
  return v;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31;

function index(o: Obj, key: string, what = key): number {
  const v = o[key];
  if (!isIndex(v)) throw new RequestError(`${what} must be a non-negative integer`);
  return v;
}

function optionalIndex(o: Obj, key: string, what: string): number | undefined {
  return o[key] == null ? undefined : index(o, key, what);
}

function textDocument(o: Obj): { uri: string } {
  return { uri: str(obj(o.textDocument, 'textDocument'), 'uri', 'textDocument.uri') };
}

function position(v: unknown, what: string): { line: number; character: number } {
  const p = obj(v, what);
  return { line: index(p, 'line', `${what}.line`), character: index(p, 'character', `${what}.character`) };
}

function range(v: unknown, what: string): Range {
  const r = obj(v, what);
  return { start: position(r.start, `${what}.start`), end: position(r.end, `${what}.end`) };
}

export const anyParams = (raw: unknown): unknown => raw;

export function documentParams(raw: unknown): { textDocument: { uri: string } } {
  return { textDocument: textDocument(obj(raw, 'params')) };
}

/** textDocument/didOpen: the text and version the document model starts from. */
export function openParams(raw: unknown): DidOpenTextDocumentParams {
  const d = obj(obj(raw, 'params').textDocument, 'textDocument');
  const uri = str(d, 'uri', 'textDocument.uri');
  if (typeof d.text !== 'string') throw new RequestError('textDocument.text must be a string');
  if (typeof d.version !== 'number' || !Number.isInteger(d.version)) throw new RequestError('textDocument.version must be an integer');
  return { textDocument: { uri, languageId: typeof d.languageId === 'string' ? d.languageId : '', version: d.version, text: d.text } };
}

export function positionParams(raw: unknown): TextDocumentPositionParams {
  const o = obj(raw, 'params');
  return { textDocument: textDocument(o), position: position(o.position, 'position') };
}

export function rangeParams(raw: unknown): InlayHintParams {
  const o = obj(raw, 'params');
  return { textDocument: textDocument(o), range: range(o.range, 'range') };
}

export function codeActionParams(raw: unknown): CodeActionParams {
  const o = obj(raw, 'params');
  const context = obj(o.context, 'context');
  if (!Array.isArray(context.diagnostics)) throw new RequestError('context.diagnostics must be an array');
  return { textDocument: textDocument(o), range: range(o.range, 'range'), context: context as unknown as CodeActionParams['context'] };
}

export function inlayHintParams(raw: unknown): InlayHint {
  const o = obj(raw, 'params');
  position(o.position, 'position');
  return o as unknown as InlayHint;
}

function mapChoice(o: Obj): MapChoice {
  return { uri: str(o, 'uri'), map: optionalIndex(o, 'map', 'map (a 0-based map index)'), line: optionalIndex(o, 'line', 'line (a 0-based line number)') };
}

export function uriParams(raw: unknown): { uri: string } {
  return { uri: str(obj(raw, 'params'), 'uri') };
}

function format<F extends string>(o: Obj, allowed: readonly F[]): F {
  const f = o.format;
  if (typeof f !== 'string' || !(allowed as readonly string[]).includes(f)) throw new RequestError(`format must be one of ${allowed.join(', ')}`);
  return f as F;
}

export function exportParams(raw: unknown): ExportParams {
  const o = obj(raw, 'params');
  if (o.allMaps != null && typeof o.allMaps !== 'boolean') throw new RequestError('allMaps must be a boolean');
  return { ...mapChoice(o), format: format<ExportFormat>(o, EXPORT_FORMATS), allMaps: o.allMaps === true };
}

/** eptLens/plan: JSON or Markdown; Markdown without a map or line lists every map. */
export function planParams(raw: unknown): ExportParams {
  const o = obj(raw, 'params');
  const choice = mapChoice(o);
  const f = format(o, ['json', 'md'] as const);
  return { ...choice, format: f, allMaps: f === 'md' && choice.map === undefined && choice.line === undefined };
}

export function reportParams(raw: unknown): ReportParams {
  const o = obj(raw, 'params');
  const choice = mapChoice(o);
  try {
    checkCspInputs(o.nonce, o.cspSource);
  } catch (e) {
    throw new RequestError((e as Error).message);
  }
  return { ...choice, nonce: o.nonce as string, cspSource: o.cspSource as string };
}

export function findAddressParams(raw: unknown): FindAddressParams {
  const o = obj(raw, 'params');
  const a = o.address;
  if (typeof a !== 'string' && typeof a !== 'number') throw new RequestError('address must be a string such as 0xfee00000');
  return { uri: str(o, 'uri'), address: String(a) };
}

export function chooseMapParams(raw: unknown): ChooseMapParams {
  const o = obj(raw, 'params');
  return { uri: str(o, 'uri'), map: o.map === null ? null : index(o, 'map', 'map (a 0-based map index, or null)') };
}

/** An MTRR file of /proc/mtrr size: anything near this is not one (and must not be scanned). */
const MAX_MTRR_TEXT = 4 * 2 ** 20;

export function pairMtrrParams(raw: unknown): PairMtrrParams {
  const o = obj(raw, 'params');
  if (o.name != null && typeof o.name !== 'string') throw new RequestError('name must be a string');
  if (o.text != null && typeof o.text !== 'string') throw new RequestError('text must be a string (the MTRR file\'s content)');
  if (typeof o.text === 'string' && o.text.length > MAX_MTRR_TEXT) throw new RequestError(`text is ${(o.text.length / 2 ** 20).toFixed(1)} MiB: an MTRR file is a few KiB`);
  return { uri: str(o, 'uri'), ...(typeof o.name === 'string' ? { name: o.name } : {}), ...(typeof o.text === 'string' ? { text: o.text } : {}) };
}

export function decodeParams(raw: unknown): DecodeParams {
  const o = obj(raw, 'params');
  if (o.what !== 'entry' && o.what !== 'qualification') throw new RequestError(`what must be 'entry' or 'qualification'`);
  if (typeof o.value !== 'string' && typeof o.value !== 'number') throw new RequestError('value must be a hex string');
  if (o.level != null && (!isIndex(o.level) || o.level < 1 || o.level > 4)) throw new RequestError('EPT level must be 1 to 4');
  if (o.reason != null && typeof o.reason !== 'string' && typeof o.reason !== 'number') throw new RequestError('reason must be an exit reason such as IO_INSTRUCTION or 30');
  return { what: o.what, value: String(o.value), level: o.level == null ? undefined : (o.level as number), reason: o.reason == null ? undefined : String(o.reason) };
}

export function planFileParams(raw: unknown): PlanFileParams & { content?: Uint8Array } {
  const o = obj(raw, 'params');
  const t = o.workDoneToken;
  if (t != null && typeof t !== 'string' && !(typeof t === 'number' && Number.isInteger(t))) throw new RequestError('workDoneToken must be a string or an integer');
  const c = o.content;
  if (c != null && !(c instanceof Uint8Array) && typeof c !== 'string') throw new RequestError('content must be bytes or a base64 string');
  const page = o.nonce != null || o.cspSource != null;
  if (page) {
    try {
      checkCspInputs(o.nonce, o.cspSource);
    } catch (e) {
      throw new RequestError((e as Error).message);
    }
  }
  return {
    uri: str(o, 'uri'),
    workDoneToken: t == null ? undefined : t,
    content: c == null ? undefined : typeof c === 'string' ? fromBase64(c) : c,
    ...(page ? { nonce: o.nonce as string, cspSource: o.cspSource as string } : {}),
  };
}

function fromBase64(text: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    throw new RequestError('content is not valid base64');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
