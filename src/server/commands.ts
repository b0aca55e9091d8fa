// What the client's palette commands ask the server for: plans as JSON / Markdown, status-bar
// totals, go-to-address, decoders. Pure functions over the analysis.
import type { MemoryMap, RangeRecord } from '../formats';
import { EptLevel, decodeEptEntry, describeEptEntry, parseEntryInput } from '../planner/decode/ept-entry';
import { decodeExitQualification } from '../planner/decode/exit-qualification';
import { exitReason } from '../planner/decode/exit-reasons';
import { decodeQualification, qualificationMarkdown } from '../planner/decode/qualifications';
import { planToJson } from '../planner/export/json';
import { planToMarkdown } from '../planner/export/markdown';
import { formatCount, formatSize, hex, leafAt, parseSize } from '../planner';
import type { Analysis } from './analysis';
import { mapTitle } from './analysis';
import { gapLines, pagesShort, rangeText } from './describe';
import type { DecodeParams, DecodeResult, FindAddressResult, PlanParams, PlanResult, SummaryResult } from './protocol';
import type { Settings } from './settings';

export class CommandError extends Error {}

function pickMap(analysis: Analysis, p: { map?: number; line?: number }): MemoryMap | undefined {
  const maps = analysis.maps();
  if (typeof p.map === 'number') {
    if (!Number.isInteger(p.map) || p.map < 0 || p.map >= maps.length) throw new CommandError(`no map ${p.map} in this document (it has ${maps.length})`);
    return maps[p.map];
  }
  if (typeof p.line === 'number' && maps.length > 1) return analysis.mapForLine(p.line);
  return undefined;
}

const baseName = (uri: string): string => decodeURIComponent(uri.replace(/[?#].*$/, '').split('/').pop() || uri);

export function planText(analysis: Analysis, settings: Settings, p: PlanParams): PlanResult {
  const maps = analysis.maps();
  if (maps.length === 0) throw new CommandError('no memory map in this document (HyperPlatform, e820, /proc/iomem or Xen range lines)');
  const chosen = pickMap(analysis, p);
  const name = baseName(analysis.model.uri);
  if (p.format === 'json') {
    const map = chosen ?? maps[0];
    const mp = analysis.planFor(map, settings);
    if (!mp.plan) throw new CommandError(`cannot plan ${mapTitle(map)}: ${mp.error}`);
    return { text: JSON.stringify(planToJson(mp.plan), null, 2) + '\n', title: `${name} — ${mapTitle(map)}`, maps: maps.length };
  }
  const list = chosen ? [chosen] : maps;
  const parts: string[] = [];
  if (list.length > 1) parts.push(`# EPT plans for ${name}`, '', `${list.length} memory maps in this document; each is planned on its own.`, '');
  for (const map of list) {
    const mp = analysis.planFor(map, settings);
    const title = `${list.length > 1 ? `Map ${map.index + 1}: ` : ''}${name} — ${mapTitle(map)}`;
    if (!mp.plan) parts.push(`# ${title}`, '', `No plan: ${mp.error}`, '');
    else parts.push(planToMarkdown(mp.plan, { title }), '');
  }
  return { text: parts.join('\n'), title: `EPT plan — ${name}`, maps: maps.length };
}

export function summary(analysis: Analysis, settings: Settings): SummaryResult | null {
  const maps = analysis.maps();
  if (maps.length === 0) return null;
  const mp = analysis.planFor(maps[0], settings);
  if (!mp.plan) return { text: 'EPT: no plan', tooltip: mp.error ?? '', maps: maps.length };
  const p = mp.plan;
  const tables = p.tables.pml4 + p.tables.pdpt + p.tables.pd + p.tables.pt;
  const more = maps.length > 1 ? ` (+${maps.length - 1} map${maps.length > 2 ? 's' : ''})` : '';
  const tooltip = [
    mapTitle(maps[0]),
    `whole plan: ${formatCount(p.comparison.plan.leaves)} leaves, ${formatCount(tables)} tables (${formatSize(p.bytes)})`,
    `gaps: ${pagesShort(p.totals.mmio)}`,
    `RAM: ${pagesShort(p.totals.ram)}`,
    `limit ${formatSize(p.limit)}, max page ${p.options.maxPage}, RAM pages ${p.options.ramPage}`,
    'Click for the plan report',
  ].join('\n');
  return { text: `EPT plan: ${formatCount(p.comparison.plan.leaves)} leaves · ${formatCount(tables)} tables${more}`, tooltip, maps: maps.length };
}

/** Parses what a user types for an address: hex with or without 0x (logs print hex), or `4G`. */
export function parseAddressInput(text: string): number | undefined {
  const s = text.trim().replace(/_/g, '').replace(/^`|`$/g, '');
  const h = /^(?:0x)?([0-9a-f]{1,13})$/i.exec(s);
  if (h && (/^0x/i.test(s) || /[a-f]/i.test(s) || s.length >= 5)) return parseInt(h[1], 16);
  const n = parseSize(s);
  return n !== undefined && n < 2 ** 52 ? n : undefined;
}

export function findAddress(analysis: Analysis, settings: Settings, text: string): FindAddressResult {
  const addr = parseAddressInput(text);
  if (addr === undefined) return { kind: 'invalid', message: `'${text}' is not an address (try 0x101000)` };
  const maps = analysis.maps();
  // The innermost listed range containing it (iomem nests), preferring RAM.
  let best: RangeRecord | undefined;
  for (const map of maps) {
    for (const r of map.ranges) {
      if (r.start <= addr && addr < r.end && !r.problems.some((p) => p.severity === 'error')) {
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
    const gi = mp.plan!.gaps.findIndex((x) => x.start <= addr && addr < x.end);
    const g = mp.plan!.gaps[gi];
    const line = gapLines(mp).line[gi];
    if (line < 0) continue;
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
export function parseBig(text: string): bigint | undefined {
  const s = text.trim().replace(/[_`]/g, '');
  const m = /^(?:0x)?([0-9a-f]{1,16})$/i.exec(s);
  return m ? BigInt('0x' + m[1]) : undefined;
}

const LEVEL_NAMES: Record<EptLevel, string> = { 1: 'PTE (level 1)', 2: 'PDE (level 2)', 3: 'PDPTE (level 3)', 4: 'PML4E (level 4)' };

/**
 * A qualification as typed or pasted: `0x181`, `IO_INSTRUCTION 0x3f80008`, `0x3f80008 30`, or a
 * kvm_exit excerpt `reason IO_INSTRUCTION … info1 0x…`. The reason defaults to EPT_VIOLATION.
 */
export function parseQualificationInput(text: string, reasonText?: string): { value: bigint; reason: string } | string {
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
    if (typeof parsed === 'string') throw new CommandError(parsed);
    const reason = exitReason(parsed.reason);
    if (!reason) throw new CommandError(`unknown exit reason '${parsed.reason}'`);
    const v = parsed.value;
    const q = decodeQualification(reason, v);
    const out = [`# Exit qualification \`0x${v.toString(16)}\` of ${reason.name} (${reason.number})`, '', `The guest exited because of ${reason.meaning}.`, ''];
    if (!q) out.push(`${reason.name} has no exit qualification to decode.`, '');
    else out.push(...qualificationMarkdown(q, v), '');
    if (reason.qualification === 'ept-violation') {
      out.push('## Every bit', '', '| bit | meaning | value |', '| ---: | --- | --- |');
      for (const b of decodeExitQualification(v).bits) out.push(`| ${b.bit} | ${b.name} | ${b.set ? '**1**' : '0'} |`);
      out.push('');
    }
    return { title: `Exit qualification 0x${v.toString(16)} (${reason.name})`, markdown: out.join('\n') };
  }
  if (p.what !== 'entry') throw new CommandError(`unknown decode kind '${String(p.what)}'`);
  const parsed = parseEntryInput(String(p.value ?? ''));
  if (typeof parsed === 'string') throw new CommandError(parsed);
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
  throw new CommandError(`EPT level must be 1 to 4, got ${n}`);
}
