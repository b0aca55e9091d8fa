// The custom requests (shapes in src/protocol/requests.ts): plans in every export format, the plan
// report page, the status summary, go to address and the decoders. Pure functions over a
// document's analysis; they throw domain errors (errors.ts), the guard turns them into LSP errors.
import type { MemoryMap, RangeRecord } from '../formats';
import { FORMAT_NAMES, LATE_START_LINES, hasError, lateStart, lateStartNote, scanText } from '../formats';
import {
  type Analysis, type MapPlan, type PairedMtrr, chooseMap, dumpProblems, errorNotes, gapLineOf, isUsable, mapTitle,
  problemLine, ramLineOf, ramRangeCount, readMtrrFile,
} from '../analysis';
import { EptLevel, decodeEptEntry, describeEptEntry, parseEntryInput } from '../planner/decode/ept-entry';
import { decodeExitQualification } from '../planner/decode/exit-qualification';
import { exitReason } from '../planner/decode/exit-reasons';
import { decodeQualification, qualificationMarkdown } from '../planner/decode/qualifications';
import { exportPlan } from '../planner/export';
import { type Gap, formatCount, formatSize, hex, leafAt, parseSize, runToEnd, tableTotal } from '../planner';
import {
  type DecodeParams, type DecodeResult, EXPORT_FORMAT_INFO, type ExportParams, type ExportResult, type FindAddressResult,
  type MapChoice, type MapInfo, type MapListResult, type PairMtrrResult, type ReportParams, type ReportResult, type SummaryResult,
} from '../protocol/requests';
import { renderMessage, renderReportSteps } from '../report';
import { POLICIES, type PolicyView, comparePolicy, machineFromMap, policyView } from '../policies';
import type { DocumentModel } from './model';
import { mtrrSourceText, pagesShort, rangeText } from './describe';
import { RequestError } from './errors';
import { type Settings, editorTerms } from './settings';
import { planTotals } from './lenses';
import { dumpTitle } from './symbols';
import { traceSummary, traceTables } from './trace-summary';

/** What a request about a document works on. */
export interface DocContext {
  analysis: Analysis<DocumentModel>;
  settings: Settings;
  /** The map chosen for the document (eptLens/chooseMap), if any. */
  chosen?: number;
}

const NO_MAP = 'no memory map in this document (HyperPlatform, e820, /proc/iomem or Xen range lines)';

/**
 * Why the document has no map when it is a dmesg that starts after boot (the same note as the CLI
 * and Plan Log File, formats/late-start.ts), else undefined. Reads only its first lines.
 */
function lateNote(ctx: DocContext): string | undefined {
  const model = ctx.analysis.model;
  const head = Array.from({ length: Math.min(LATE_START_LINES, model.lineCount) }, (_, i) => model.lineAt(i)).join('\n');
  const late = lateStart(head);
  return late && lateStartNote(late);
}

const noMap = (ctx: DocContext): string => {
  const late = lateNote(ctx);
  return late ? `no memory map in this document: ${late}` : NO_MAP;
};

const baseName = (uri: string): string => {
  const last = uri.replace(/[?#].*$/, '').split('/').pop() || uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
};

/** `HyperPlatform map, 9 RAM ranges (lines 1–9)`, with `· map 2 of 3` when there are several. */
const mapLabel = (map: MemoryMap, count: number): string => `${mapTitle(map)}${count > 1 ? ` · map ${map.index + 1} of ${count}` : ''}`;

/** Why a map gets no plan, or undefined when it has one. */
function noPlanReason(map: MemoryMap, mp: MapPlan): string | undefined {
  if (!isUsable(map)) {
    const why = errorNotes(map);
    return `${mapTitle(map)} holds no usable range line${why ? `: ${why}` : ''}; nothing planned`;
  }
  return mp.plan ? undefined : `cannot plan ${mapTitle(map)}: ${mp.error}`;
}

/** The chosen map and its plan; throws when there is none. */
function planned(ctx: DocContext, choice: MapChoice): { map: MemoryMap; mp: MapPlan; count: number } {
  const maps = ctx.analysis.maps();
  const map = chooseMap(maps, { ...choice, chosen: ctx.chosen });
  if (!map) throw new RequestError(noMap(ctx));
  const mp = ctx.analysis.planFor(map, ctx.settings);
  const why = noPlanReason(map, mp);
  if (why) throw new RequestError(why);
  return { map, mp, count: maps.length };
}

/** eptLens/export (and eptLens/plan): one map, or with `allMaps` every map as Markdown. */
export const exportRequest = (ctx: DocContext, p: ExportParams): ExportResult => runToEnd(exportSteps(ctx, p));

/** exportRequest in steps, for runInSteps: every map of a log of thousands of boots is one step. */
export function* exportSteps(ctx: DocContext, p: ExportParams): Generator<void, ExportResult> {
  const name = baseName(ctx.analysis.model.uri);
  const filename = `${name.replace(/\.[^.]*$/, '') || 'plan'}.ept-plan.${EXPORT_FORMAT_INFO[p.format].extension}`;
  const maps = ctx.analysis.maps();
  if (maps.length === 0) throw new RequestError(noMap(ctx));
  // A map chosen for the document is what Copy Plan copies, even without a cursor.
  if (p.allMaps && p.format === 'md' && maps.length > 1 && chosenIn(ctx, maps) === undefined) {
    const parts = [`# EPT plans for ${name}`, '', `${maps.length} memory maps in this document; each is planned on its own.`, ''];
    for (const map of maps) {
      yield;
      const mp = ctx.analysis.planFor(map, ctx.settings);
      const title = `Map ${map.index + 1}: ${name} — ${mapTitle(map)}`;
      const why = noPlanReason(map, mp);
      parts.push(why ? `# ${title}\n\nNo plan: ${why}\n` : exportPlan(mp.plan!, 'md', { title, gapLine: gapLineOf(mp), mtrrSource: mtrrSourceText(mp, ctx.settings) }), '');
    }
    return { text: parts.join('\n'), filename, title: `EPT plan — ${name}`, maps: maps.length };
  }
  const { map, mp, count } = planned(ctx, p);
  const title = `${name} — ${count > 1 ? mapLabel(map, count) : mapTitle(map)}`;
  return { text: exportPlan(mp.plan!, p.format, { title, gapLine: gapLineOf(mp), mtrrSource: mtrrSourceText(mp, ctx.settings) }), filename, title, maps: count };
}

/** eptLens/report: the report page of the chosen map, or a page saying why there is none. */
export const reportRequest = (ctx: DocContext, p: ReportParams): ReportResult => runToEnd(reportSteps(ctx, p));

/**
 * reportRequest in steps, for runInSteps: it yields after the plan, the gap lines, each
 * hypervisor's policy and each big section of the page (a map of 300k ranges takes up to ~0.2 s a
 * step), so the server answers other requests while it works.
 */
export function* reportSteps(ctx: DocContext, p: ReportParams): Generator<void, ReportResult> {
  const name = baseName(ctx.analysis.model.uri);
  const title = `EPT Plan: ${name}`;
  const page = { nonce: p.nonce, cspSource: p.cspSource, title: name };
  const maps = ctx.analysis.maps();
  const map = chooseMap(maps, { ...p, chosen: ctx.chosen });
  if (!map) {
    const late = lateNote(ctx);
    return { title, html: renderMessage({ ...page, message: late ? `No memory map in this document: ${late}` : 'No memory map in this document: the report needs HyperPlatform, e820, /proc/iomem or Xen range lines.' }) };
  }
  const mp = ctx.analysis.planFor(map, ctx.settings);
  const why = noPlanReason(map, mp);
  if (why) return { title, html: renderMessage({ ...page, message: `No plan: ${why}` }) };
  yield;
  const gapLine = gapLineOf(mp);
  const lineOf = (kind: 'ram' | 'gap', i: number): number | undefined => (kind === 'ram' ? ramLineOf(mp, i) : gapLine(i));
  const o = mp.plan!.options;
  yield;
  const machine = machineFromMap(map, { limit: mp.plan!.limit, maxPage: o.maxPage, ramPage: o.ramPage, mtrr: o.mtrr });
  const hypervisors: PolicyView[] = [];
  for (const policy of POLICIES) {
    yield;
    hypervisors.push(policyView(comparePolicy(policy, machine)));
  }
  yield;
  const summary = traceSummary(ctx.analysis, ctx.settings);
  const trace = summary && traceTables(summary);
  const mtrrNote = mtrrSourceText(mp, ctx.settings);
  return { title, html: yield* renderReportSteps(mp.plan!, { ...page, subtitle: mapLabel(map, maps.length), lineOf, hypervisors, trace, mtrrNote }) };
}

/** The chosen map's index when it is still in range. */
const chosenIn = (ctx: DocContext, maps: readonly MemoryMap[]): number | undefined =>
  ctx.chosen !== undefined && ctx.chosen < maps.length ? ctx.chosen : undefined;

/**
 * eptLens/maps: every map with its format, lines, RAM ranges, boot and plan totals, for Choose
 * Memory Map…. One pass over the maps and the records (the boot of each map is the last `Linux
 * version` line before it), so a log of thousands of boots answers in one request.
 */
export const mapList = (ctx: DocContext): MapListResult => runToEnd(mapListSteps(ctx));

/** mapList in steps, for runInSteps: a step per map (each is planned for its totals). */
export function* mapListSteps(ctx: DocContext): Generator<void, MapListResult> {
  const { analysis, settings } = ctx;
  const model = analysis.model;
  const maps = analysis.maps();
  const { records } = model.maps();
  const out: MapInfo[] = new Array(maps.length);
  let r = 0;
  let boot: MapInfo['boot'];
  for (let i = 0; i < maps.length; i++) {
    const map = maps[i];
    for (; r < records.length && records[r].line < map.firstLine; r++) {
      const rec = records[r];
      if (rec.kind !== 'boundary' || !rec.reason.startsWith('Linux version')) continue;
      const text = model.lineAt(rec.line);
      const at = text.indexOf('Linux version');
      boot = { line: rec.line, text: text.slice(at < 0 ? 0 : at, (at < 0 ? 0 : at) + MAX_BOOT_TEXT).trimEnd() };
    }
    yield;
    const totals = planTotals(analysis, settings, map);
    out[i] = {
      index: i,
      format: FORMAT_NAMES[map.format].replace(/`/g, ''),
      firstLine: map.firstLine,
      lastLine: map.lastLine,
      ramRanges: ramRangeCount(map),
      ...(boot ? { boot } : {}),
      totals: totals.text,
      planned: totals.planned,
    };
  }
  const chosen = chosenIn(ctx, maps);
  const current = chooseMap(maps, { chosen })?.index;
  const defaultMap = chooseMap(maps)?.index;
  return { maps: out, ...(chosen !== undefined ? { chosen } : {}), ...(current !== undefined ? { current, defaultMap } : {}) };
}

/** The `Linux version …` text a map list carries at most (the line goes on with compiler versions). */
const MAX_BOOT_TEXT = 120;

/**
 * eptLens/pairMtrr's reading of the file: its dump (exactly what `ept-plan --mtrr FILE` plans with)
 * and its problems as the CLI prints them, the file's lines numbered in the file. Throws when the
 * file holds no MTRRs.
 */
export function readPairedMtrr(name: string, text: string, settings: Settings): { paired: PairedMtrr; result: PairMtrrResult } {
  const file = readMtrrFile(scanText(text), name);
  const at = (line: number, col?: number): string => `${name}:${line + 1}${col === undefined ? '' : `:${col + 1}`}`;
  const problems = file.problems.map((p) => problemLine(p, at));
  if (!file.dump) throw new RequestError(file.error!);
  for (const p of dumpProblems(file.dump, settings.physAddrBits, editorTerms(settings))) problems.push(problemLine(p, at));
  return { paired: { dump: file.dump, name }, result: { paired: true, dump: dumpTitle(file.dump), problems } };
}

/** eptLens/summary, and what eptLens/planChanged carries: the chosen (else the default) map's totals. */
export function summary(ctx: DocContext): SummaryResult | null {
  const maps = ctx.analysis.maps();
  const chosen = chosenIn(ctx, maps);
  const map = chooseMap(maps, { chosen });
  if (!map) return null;
  const which = { map: map.index, firstLine: map.firstLine, ...(chosen !== undefined ? { chosen: true } : {}) };
  const mp = ctx.analysis.planFor(map, ctx.settings);
  const why = noPlanReason(map, mp);
  if (why) return { text: 'EPT: no plan', tooltip: why, maps: maps.length, error: true, ...which };
  const p = mp.plan!;
  const more = maps.length > 1 ? ` (map ${map.index + 1} of ${maps.length})` : '';
  const tables = formatCount(tableTotal(p.tables));
  const tooltip = [
    mapLabel(map, maps.length),
    `whole plan: ${formatCount(p.comparison.plan.leaves)} leaves, ${tables} tables (${formatSize(p.bytes)})`,
    `gaps: ${pagesShort(p.totals.mmio)}`,
    `RAM: ${pagesShort(p.totals.ram)}`,
    `limit ${formatSize(p.limit)}, max page ${p.options.maxPage}, RAM pages ${p.options.ramPage}`,
    mtrrSourceText(mp, ctx.settings),
  ].join('\n');
  return { text: `EPT plan: ${formatCount(p.comparison.plan.leaves)} leaves · ${tables} tables${more}`, tooltip, maps: maps.length, ...which };
}

/** Parses what a user types for an address: hex with or without 0x (logs print hex), or `4G`. */
export function parseAddressInput(text: string): number | undefined {
  const s = text.trim().replace(/_/g, '').replace(/^`|`$/g, '');
  const h = /^(?:0x)?([0-9a-f]{1,13})$/i.exec(s);
  if (h && (/^0x/i.test(s) || /[a-f]/i.test(s) || s.length >= 5)) return parseInt(h[1], 16);
  const n = parseSize(s);
  return n !== undefined && n < 2 ** 52 ? n : undefined;
}

export function findAddress({ analysis, settings }: DocContext, text: string): FindAddressResult {
  const addr = parseAddressInput(text);
  if (addr === undefined) return { kind: 'invalid', message: `'${text}' is not an address (try 0x101000)` };
  const maps = analysis.maps();
  // The innermost listed range containing it (iomem nests), preferring RAM.
  let best: RangeRecord | undefined;
  for (const map of maps) {
    for (const r of map.ranges) {
      if (r.start <= addr && addr < r.end && !hasError(r)) {
        if (!best || r.depth > best.depth || (r.depth === best.depth && r.ram && !best.ram)) best = r;
      }
    }
    if (best) break;
  }
  if (best) {
    return {
      line: best.line,
      start: best.fields.start.start,
      end: best.fields.end.end,
      kind: best.ram ? 'ram' : 'range',
      message: `${hex(addr)} is in ${best.ram ? 'RAM' : best.typeName} ${rangeText(best.start, best.end)} (line ${best.line + 1})`,
    };
  }
  // In a gap: go to the line the gap belongs to (the hole's own line when it is listed; where its hint is).
  for (const map of maps) {
    const mp = analysis.planFor(map, settings);
    const at = mp.plan && leafAt(mp.plan, addr);
    if (!at || at.kind !== 'gap') continue;
    const g = at.span as Gap;
    const line = gapLineOf(mp)(mp.plan!.gaps.indexOf(g));
    if (line === undefined) continue;
    const r = map.ranges.find((x) => x.line === line);
    return {
      line,
      start: r?.fields.start.start ?? 0,
      end: r?.fields.end.end ?? 0,
      kind: 'gap',
      message: `${hex(addr)} is in the ${g.before === undefined ? 'tail' : 'gap'} ${rangeText(g.start, g.end)} (line ${line + 1}), mapped by a ${at.run.size} leaf ${at.run.memoryType}`,
    };
  }
  return { kind: 'none', message: maps.length ? `${hex(addr)} is in no range of this document` : 'no memory map in this document' };
}

/** Parses an entry / qualification value: hex with or without 0x. */
function parseBig(text: string): bigint | undefined {
  const s = text.trim().replace(/[_`]/g, '');
  const m = /^(?:0x)?([0-9a-f]{1,16})$/i.exec(s);
  return m ? BigInt('0x' + m[1]) : undefined;
}

const LEVEL_NAMES: Record<EptLevel, string> = { 1: 'PTE (level 1)', 2: 'PDE (level 2)', 3: 'PDPTE (level 3)', 4: 'PML4E (level 4)' };

/**
 * A qualification as typed or pasted: `0x181`, `IO_INSTRUCTION 0x3f80008`, `0x3f80008 30`, or a
 * kvm_exit excerpt `reason IO_INSTRUCTION … info1 0x…`. The reason defaults to EPT_VIOLATION.
 */
function parseQualificationInput(text: string, reasonText?: string): { value: bigint; reason: string } | string {
  const words = text.trim().replace(/[`,]/g, ' ').split(/\s+/).filter(Boolean);
  let reason = reasonText;
  let value: bigint | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (/^(reason|rip|info2|intr_info|error_code|vcpu)$/.test(w)) {
      if (w === 'reason') reason = words[++i];
      else i++;
      continue;
    }
    if (w === 'info1' || w === 'info') continue;
    if (/^[A-Za-z][A-Za-z_]+$/.test(w) && exitReason(w)) reason = w;
    else if (value === undefined && parseBig(w) !== undefined) value = parseBig(w);
    else if (value !== undefined && /^\d{1,2}$/.test(w) && exitReason(w)) reason = w;
    else return `'${w}' is neither a hex qualification nor an exit reason (EPT_VIOLATION, IO_INSTRUCTION, CR_ACCESS, 48…)`;
  }
  if (value === undefined) return 'type an exit qualification in hex, optionally with its exit reason: 0x181, IO_INSTRUCTION 0x3f80008';
  return { value, reason: reason ?? 'EPT_VIOLATION' };
}

export function decode(p: DecodeParams): DecodeResult {
  if (p.what === 'qualification') {
    const parsed = parseQualificationInput(String(p.value ?? ''), p.reason);
    if (typeof parsed === 'string') throw new RequestError(parsed);
    const reason = exitReason(parsed.reason);
    if (!reason) throw new RequestError(`unknown exit reason '${parsed.reason}'`);
    const v = parsed.value;
    const q = decodeQualification(reason, v);
    const out = [`# Exit qualification \`0x${v.toString(16)}\` of ${reason.name} (${reason.number})`, '', `**Why the guest exited**: ${reason.meaning}.`, ''];
    if (!q) out.push(`${reason.name} has no exit qualification to decode.`, '');
    else out.push(...qualificationMarkdown(q, v), '');
    if (reason.qualification === 'ept-violation') {
      out.push('## Every bit', '', '| bit | meaning | value |', '| ---: | --- | --- |');
      for (const b of decodeExitQualification(v).bits) out.push(`| ${b.bit} | ${b.name} | ${b.set ? '**1**' : '0'} |`);
      out.push('');
    }
    return { title: `Exit qualification 0x${v.toString(16)} (${reason.name})`, markdown: out.join('\n') };
  }
  if (p.what !== 'entry') throw new RequestError(`unknown decode kind '${String(p.what)}'`);
  const parsed = parseEntryInput(String(p.value ?? ''));
  if (typeof parsed === 'string') throw new RequestError(parsed);
  const v = parsed.value;
  const given = p.level ?? parsed.level;
  const levels: EptLevel[] = given !== undefined ? [checkLevel(given)] : (v >> 7n) & 1n ? [2, 3] : [1];
  const parts = [`# EPT entry \`0x${v.toString(16)}\``, ''];
  for (const level of levels) {
    parts.push(`## As a ${LEVEL_NAMES[level]}`, '', ...describeEptEntry(decodeEptEntry(v, level)).map((l) => `${l}  `), '');
  }
  if (given === undefined) parts.push('_Pass a level (1 PTE, 2 PDE, 3 PDPTE, 4 PML4E) to decode it at another level._', '');
  return { title: `EPT entry 0x${v.toString(16)}`, markdown: parts.join('\n') };
}

function checkLevel(n: number): EptLevel {
  if (n === 1 || n === 2 || n === 3 || n === 4) return n;
  throw new RequestError(`EPT level must be 1 to 4, got ${n}`);
}
