// Hovers: addresses (RAM or gap, the leaf that maps them, EPT walk), range lines (size and the gap's
// breakdown), annotations, exit qualifications, EPT entries, MTRR lines, memory-type words and
// ksm's EPT/VPID capabilities. Addresses on range and MTRR lines come from the reader's record.
import type { Hover, Position } from 'vscode-languageserver';
import type { EndPrints, Field, MapRecord, MtrrRangeRecord, MtrrVariableRecord, RangeRecord } from '../formats';
import { DUMP_SOURCES, FORMAT_NAMES } from '../formats';
import { EventRecord, parseEventLine } from '../formats/events';
import { MAX_JOINED } from '../formats/join';
import { decodeEptVpidCap, describeEptVpidCap } from '../planner/decode/ept-vpid-cap';
import { EptLevel, decodeEptEntry, describeEptEntry } from '../planner/decode/ept-entry';
import { decodeEptViolationQualification, qualificationMarkdown } from '../planner/decode/qualifications';
import { describeMemoryType, memoryTypeNumber, parseMemoryTypeWord } from '../planner/decode/memory-types';
import { MAX_BLOCKS, MAX_PHYS_BITS, MemoryType, formatSize, hex, leafAt, variableRangeBlocks } from '../planner';
import { type MapPlan, ramLineOf } from '../analysis';
import type { DocAnalysis as Analysis } from './model';
import { addressMarkdown, isFirstInput, markdown, mtrrSourceSentence, pagesShort, rangeText, spanBreakdown, plainText } from './describe';
import { eventMarkdown, exitQualification, exitReasonMarkdown } from './events';
import type { Settings } from './settings';

type Span = { start: number; end: number };
const inside = (f: Span | undefined, ch: number): f is Span => !!f && f.start <= ch && ch <= f.end;
const hoverOf = (line: number, f: Span, lines: string[]): Hover => ({
  contents: { kind: 'markdown', value: markdown(lines) },
  range: { start: { line, character: f.start }, end: { line, character: f.end } },
});

/**
 * The record a line belongs to: its own, a range printed over several lines that ends below it
 * (a /sys/firmware/memmap entry: its start, end and type files, so at most two lines below), or a
 * range a mail split that starts above it (kept on its first line, `lastLine` its last; at most
 * MAX_JOINED lines above).
 */
function recordCovering(model: Analysis['model'], line: number): MapRecord | undefined {
  const own = model.recordAt(line);
  if (own) return own;
  for (let k = line + 1; k <= line + 2 && k < model.scannedLines; k++) {
    const r = model.recordAt(k);
    if (r) {
      if (r.kind === 'range' && r.firstLine !== undefined && r.firstLine <= line) return r;
      break;
    }
  }
  for (let k = line - 1; k >= 0 && k > line - MAX_JOINED; k--) {
    const r = model.recordAt(k);
    if (r) return r.kind === 'range' && r.lastLine !== undefined && r.lastLine >= line ? r : undefined;
  }
  return undefined;
}

export function hover(analysis: Analysis, settings: Settings, pos: Position): Hover | null {
  const model = analysis.model;
  if (pos.line < 0 || pos.line >= model.lineCount) return null;
  const text = model.lineAt(pos.line);
  if (text.length > 4096) return null;
  const ch = pos.character;
  const rec = recordCovering(model, pos.line);
  if (rec) {
    const h = recordHover(analysis, settings, rec, pos.line, ch, text);
    if (h) return h;
  } else {
    const ev = parseEventLine(text, pos.line);
    if (ev) {
      const h = eventHover(analysis, settings, ev, ch);
      if (h) return h;
      // Other numbers on an event line are guest-virtual (rip, VA) or not addresses at all.
      return wordHover(analysis, settings, pos.line, text, ch, false);
    }
  }
  return wordHover(analysis, settings, pos.line, text, ch, true);
}

function planForLine(analysis: Analysis, settings: Settings, line: number): MapPlan | undefined {
  const map = analysis.mapForLine(line);
  return map ? analysis.planFor(map, settings) : undefined;
}

function addressLines(analysis: Analysis, settings: Settings, line: number, addr: number): string[] {
  const mp = planForLine(analysis, settings, line);
  return addressMarkdown(mp, addr, (i) => (mp ? ramLineOf(mp, i) : undefined));
}

/** `line` is the hovered line: the record's own, or one of a multi-line record's (`spread`). */
function recordHover(analysis: Analysis, settings: Settings, rec: MapRecord, line: number, ch: number, text: string): Hover | null {
  switch (rec.kind) {
    case 'ept-caps':
      return inside(rec.field, ch) ? hoverOf(line, rec.field, describeEptVpidCap(decodeEptVpidCap(BigInt(rec.valueText)), settings.maxPage)) : null;
    case 'range': {
      const mp = planForLine(analysis, settings, rec.line);
      // Where the memory types below come from (a paired MTRR file is named), before they are listed.
      const info = rangeLines(mp, rec, mp?.plan ? `_${mtrrSourceSentence(mp, settings)}._` : undefined);
      const fields = fieldsOn(rec, line);
      const address = addressField(fields, rec, ch);
      if (address) return addressHover(analysis, settings, line, rec.line, address, info);
      if (rec.annotation && inside(rec.annotation.field, ch)) {
        return hoverOf(line, rec.annotation.field, [annotationLine(mp, rec), '', ...info]);
      }
      // A line a mail split the range onto, below its first: all of it is the range's.
      const below = rec.lastLine !== undefined && line > rec.line;
      const first = below ? 0 : Math.min(...[fields.start, fields.end, fields.type].filter((f): f is Field => !!f).map((f) => f.start));
      if (ch >= first) return hoverOf(line, { start: first, end: text.length }, info);
      return null;
    }
    case 'mtrr-range': {
      const info = mtrrRangeLines(rec);
      if (inside(rec.fields.type, ch)) return hoverOf(line, rec.fields.type, [...info, '', ...typeLines(rec.type)]);
      const address = addressField(rec.fields, rec, ch);
      return address ? addressHover(analysis, settings, line, line, address, info) : null;
    }
    case 'mtrr-variable': {
      const all = [rec.fields.base, rec.fields.mask, rec.fields.size, rec.fields.type].filter((f): f is Field => !!f);
      const f = all.find((x) => inside(x, ch));
      if (!f) return null;
      if (f === rec.fields.type) return hoverOf(line, f, typeLines(rec.type));
      return hoverOf(line, f, mtrrVariableLines(rec, settings));
    }
    case 'mtrr-fixed': {
      const f = [rec.fields.start, rec.fields.end, rec.fields.type].find((x) => inside(x, ch));
      if (!f) return null;
      return hoverOf(line, f, [`**Fixed-range MTRR** \`${rangeText(rec.start, rec.end)}\` (${formatSize(rec.end - rec.start)}): **${rec.type}**`, '', ...typeLines(rec.type)]);
    }
    case 'mtrr-default':
      if (!inside(rec.field, ch)) return null;
      return hoverOf(line, rec.field, ['**MTRR default type** (IA32_MTRR_DEF_TYPE bits 7:0): memory no range covers gets this type', '', ...typeLines(rec.type)]);
    case 'mtrr-tom2':
      if (!inside(rec.field, ch)) return null;
      return hoverOf(line, rec.field, [
        `**AMD TOM2** (TOP_MEM2, MSR C001_001D) \`${hex(rec.end)}\` (${formatSize(rec.end)}): the end of DRAM above 4 GiB`,
        '',
        rec.end > 2 ** 32
          ? `Linux types \`${rangeText(2 ** 32, rec.end)}\` **WB** whatever the default type and the variable MTRRs say (SYSCFG Tom2ForceMemTypeWB; generic.c \`map_add_var\`), and so does the plan`
          : 'At or below 4 GiB: no memory is forced WB',
      ]);
    case 'malformed': {
      const p = rec.problems.find((x) => inside(x.field, ch));
      return p ? hoverOf(line, p.field, [`**Not usable**: ${plainText(p.message)}`]) : null;
    }
    default:
      return null;
  }
}

/** A range record's fields on `line`: all of them on its own line, else those `spread` puts there. */
function fieldsOn(rec: RangeRecord, line: number): { start?: Field; end?: Field; type?: Field } {
  if (!rec.spread) return line === rec.line ? rec.fields : {};
  const on = (k: 'start' | 'end' | 'type') => (rec.spread![k].line === line ? rec.spread![k].field : undefined);
  return { start: on('start'), end: on('end'), type: on('type') };
}

/** The address a printed end stands for: the last byte, the first byte after, or none (a size). */
const END_ADDRESS: Record<EndPrints, (end: number) => number | undefined> = { last: (e) => e - 1, next: (e) => e, size: () => undefined };

/**
 * The start or end field under `ch` and the address it prints, from the record (its half-open
 * `end` read back as the reader says the field prints it); `value` undefined: the field is a size.
 */
function addressField(
  fields: { start?: Field; end?: Field },
  rec: { start: number; end: number; endPrints: EndPrints },
  ch: number,
): { field: Field; value: number | undefined } | undefined {
  if (inside(fields.start, ch)) return { field: fields.start, value: rec.start };
  if (inside(fields.end, ch)) return { field: fields.end, value: END_ADDRESS[rec.endPrints](rec.end) };
  return undefined;
}

/**
 * An address field's hover on `line`: where the address lands in the plan of the map `recordLine`
 * belongs to (a multi-line record's first lines may lie before its map starts), then what the
 * line says (`info`); a size field gets `info` alone.
 */
function addressHover(analysis: Analysis, settings: Settings, line: number, recordLine: number, a: { field: Field; value: number | undefined }, info: string[]): Hover {
  return hoverOf(line, a.field, a.value === undefined ? info : [...addressLines(analysis, settings, recordLine, a.value), '', '---', '', ...info]);
}

function mtrrRangeLines(r: MtrrRangeRecord): string[] {
  const kind = r.fixed ? 'Fixed-range' : 'Variable-range';
  const out = [`**${kind} MTRR** \`${rangeText(r.start, r.end)}\` (${formatSize(r.end - r.start)}): **${r.type}**`, '', `From the ${DUMP_SOURCES[r.source]}.`];
  if (r.phase === 'original') out.push('Listed under `original variable MTRRs`: the firmware\'s registers, before mtrr_cleanup replaced them.');
  if (r.phase === 'new') out.push('Listed under `New variable MTRRs`: what mtrr_cleanup wrote; they replace the variable MTRRs of an earlier dump of this boot.');
  if (r.problems.length) out.push('');
  for (const p of r.problems) out.push(`- ${p.severity}: ${plainText(p.message)}`);
  return out;
}

/** `mtrrNote`: how the plan's memory types were decided, said under the range's size. */
export function rangeLines(mp: MapPlan | undefined, r: RangeRecord, mtrrNote?: string): string[] {
  const out: string[] = [];
  const size = formatSize(Math.max(0, r.end - r.start));
  out.push(`#### ${r.ram ? 'RAM' : plainText(r.typeName)} range \`${rangeText(r.start, r.end)}\``, '', `${size}, from ${FORMAT_NAMES[r.format]}`);
  if (mtrrNote) out.push('', mtrrNote);
  if (r.problems.length) out.push('');
  for (const p of r.problems) out.push(`- ${p.severity}: ${plainText(p.message)}`);
  const plan = mp?.plan;
  if (!plan) {
    if (mp?.error) out.push('', `No plan: ${mp.error}`);
    return out;
  }
  if (!r.ram || r.depth > 0) {
    if (r.start >= plan.limit) {
      out.push('', `Past the limit ${hex(plan.limit)}: not mapped`);
      return out;
    }
    const at = leafAt(plan, r.start);
    if (at?.kind === 'gap') {
      out.push('', `Not RAM: it lies in the gap \`${rangeText(at.span.start, at.span.end)}\``, '', ...spanBreakdown(at.span));
    } else if (at) {
      // A sub-resource of RAM (iomem `Kernel code` under `System RAM`): planned as that RAM.
      const idx = plan.ram.indexOf(at.span as (typeof plan.ram)[number]);
      const ramLine = idx >= 0 ? ramLineOf(mp!, idx) : undefined;
      // A range reaching past it (a PCI root window over everything, as VirtualBox prints) only starts in it.
      const where = `the RAM range \`${rangeText(at.span.start, at.span.end)}\`${ramLine !== undefined ? ` (line ${ramLine + 1})` : ''}`;
      out.push('', r.end <= at.span.end ? `Part of ${where}: mapped as RAM, with it` : `Starts in ${where}: where it overlaps RAM, the plan maps RAM`, '', ...spanBreakdown(at.span));
    }
    return out;
  }
  if (r.start >= plan.limit) {
    out.push('', `Past the limit ${hex(plan.limit)} (${formatSize(plan.limit)}): not mapped. Raise \`eptLens.limit\` to map it.`);
    return out;
  }
  const idx = mp!.ramByLine.get(r.line);
  if (idx === undefined) return out;
  const ram = plan.ram[idx];
  if (!isFirstInput(mp!, r)) out.push('', `Merged with the RAM range on line ${(ramLineOf(mp!, idx) ?? 0) + 1} (they overlap or touch).`);
  const same = ram.start === r.start && ram.end === r.end;
  out.push('', same ? '**As RAM:**' : `**As RAM** \`${rangeText(ram.start, ram.end)}\` (rounded to 4 KiB and merged):`, '', ...spanBreakdown(ram));
  const g = mp!.gapBefore[idx];
  if (g && isFirstInput(mp!, r)) out.push('', `**Gap before it** \`${rangeText(g.start, g.end)}\`:`, '', ...spanBreakdown(g));
  if (mp!.tail && r.line === lastRangeLine(mp!)) out.push('', `**Tail** up to the limit \`${rangeText(mp!.tail.start, mp!.tail.end)}\`:`, '', ...spanBreakdown(mp!.tail));
  return out;
}

const lastRangeLine = (mp: MapPlan): number | undefined => mp.map.ranges[mp.map.ranges.length - 1]?.line;

function annotationLine(mp: MapPlan | undefined, r: RangeRecord): string {
  const claimed = pagesShort({ '4K': r.annotation?.claimed['4K'] ?? 0, '2M': r.annotation?.claimed['2M'] ?? 0, '1G': r.annotation?.claimed['1G'] ?? 0 });
  const idx = mp?.ramByLine.get(r.line);
  const g = idx === undefined ? undefined : mp?.gapBefore[idx];
  if (!mp?.plan || idx === undefined) return `**Hand annotation** claims ${claimed} for the gap before this range`;
  if (!g) return `**Hand annotation** claims ${claimed}; there is no gap before this range`;
  return `**Hand annotation** claims ${claimed}; the plan for the gap \`${rangeText(g.start, g.end)}\` is **${pagesShort(g.pages)}**`;
}

function typeLines(t: MemoryType): string[] {
  const notes: Record<MemoryType, string> = {
    UC: 'Every access goes to the bus, in order, uncached: what MMIO needs. Map device memory UC in EPT (WB-mapped MMIO hangs machines).',
    WC: 'Uncached, but writes may be combined and reordered: frame buffers.',
    WT: 'Reads cached, writes go through to memory.',
    WP: 'Reads cached, writes propagate to the bus and invalidate cached lines.',
    WB: 'Fully cached, write-back: normal RAM.',
  };
  return [`**${describeMemoryType(t)}**`, '', notes[t], '', `In an EPT leaf: bits 5:3 = ${memoryTypeNumber(t)}; with ignore-PAT (bit 6) it replaces the guest PAT type.`];
}

function mtrrVariableLines(r: MtrrVariableRecord, settings: Settings): string[] {
  // The mask is ones above MAXPHYADDR (as wide as Linux printed it): an ordinary 39-bit mask is one block.
  const bits = settings.physAddrBits ?? r.physAddrBits ?? MAX_PHYS_BITS;
  const { blocks, truncated } = variableRangeBlocks(r.base, r.mask, 2 ** MAX_PHYS_BITS, MAX_BLOCKS, bits);
  const out = [`**Variable-range MTRR ${r.index}**: **${r.type}**, base \`${hex(r.base)}\`, mask \`${hex(r.mask)}\``];
  const shown = blocks.slice(0, 8).map((b) => `\`${rangeText(b.start, b.end)}\` (${formatSize(b.end - b.start)})`);
  out.push(`Covers ${shown.join(', ')}${blocks.length > 8 || truncated ? ` and ${truncated ? 'many' : blocks.length - 8} more blocks (non-contiguous mask)` : ''}`);
  if (blocks.length === 1 && blocks[0].start !== r.base) out.push(`Note: the base is not aligned to the mask size; the CPU matches \`addr & mask == base & mask\`, so the range starts at \`${hex(blocks[0].start)}\`.`);
  return out;
}

const GUEST_VIRTUAL = [
  '**Guest-virtual address**: it goes through the guest\'s own page tables before EPT, so it has no EPT walk of its own.',
  '',
  'The guest-physical address of an EPT exit is on the `kvm_page_fault` (`address`) or `kvm_mmio` (`gpa`) line next to it.',
];

function eventHover(analysis: Analysis, settings: Settings, ev: EventRecord, ch: number): Hover | null {
  const line = ev.line;
  const virtual = (f: { value: bigint; range: Span } | undefined, name: string): Hover | null =>
    f && inside(f.range, ch) ? hoverOf(line, f.range, [`#### ${name} \`0x${f.value.toString(16)}\``, '', ...GUEST_VIRTUAL]) : null;
  switch (ev.kind) {
    case 'kvm_exit': {
      if (inside(ev.reason.range, ch)) return hoverOf(line, ev.reason.range, exitReasonMarkdown(ev));
      if (ev.info1 && inside(ev.info1.range, ch)) {
        const q = exitQualification(ev);
        return hoverOf(line, ev.info1.range, q ? qualificationMarkdown(q, ev.info1.value) : exitReasonMarkdown(ev));
      }
      const rip = virtual(ev.rip, 'Guest RIP');
      if (rip) return rip;
      break;
    }
    case 'kvm_page_fault': {
      if (inside(ev.errorCode.range, ch)) return hoverOf(line, ev.errorCode.range, qualificationMarkdown(decodeEptViolationQualification(ev.errorCode.value), ev.errorCode.value));
      const rip = virtual(ev.rip, 'Guest RIP');
      if (rip) return rip;
      if (ev.address && inside(ev.address.range, ch)) return hoverOf(line, ev.address.range, addressLines(analysis, settings, line, ev.address.value));
      break;
    }
    case 'kvm_mmio':
      if (inside(ev.gpa.range, ch)) return hoverOf(line, ev.gpa.range, addressLines(analysis, settings, line, ev.gpa.value));
      break;
    case 'kvm_mmu_set_spte':
      if (inside(ev.spte.range, ch) && ev.level.value >= 1 && ev.level.value <= 4) {
        return hoverOf(line, ev.spte.range, describeEptEntry(decodeEptEntry(ev.spte.value, ev.level.value as EptLevel)));
      }
      if (inside(ev.gfn.range, ch)) return hoverOf(line, ev.gfn.range, [`gfn \`${hex(ev.gfn.value)}\` = GPA \`${hex(ev.gfn.value * 0x1000)}\``, '', ...addressLines(analysis, settings, line, ev.gfn.value * 0x1000)]);
      break;
    case 'kvm_mmu_spte_requested':
      if (inside(ev.gfn.range, ch)) return hoverOf(line, ev.gfn.range, [`gfn \`${hex(ev.gfn.value)}\` = GPA \`${hex(ev.gfn.value * 0x1000)}\``, '', ...addressLines(analysis, settings, line, ev.gfn.value * 0x1000)]);
      break;
    case 'hyperplatform_violation': {
      if (ev.pa && inside(ev.pa.range, ch)) return hoverOf(line, ev.pa.range, addressLines(analysis, settings, line, ev.pa.value));
      const va = virtual(ev.va, 'VA');
      if (va) return va;
      break;
    }
    default:
      break;
  }
  const name = 'event' in ev ? ev.event.range : undefined;
  if (name && inside(name, ch)) return hoverOf(line, name, eventMarkdown(analysis, settings, ev));
  return null;
}

const WORD = /[A-Za-z0-9_-]+/g;

/** Memory-type words anywhere, and bare hex addresses when `addresses` (not on event lines). */
function wordHover(analysis: Analysis, settings: Settings, line: number, text: string, ch: number, addresses: boolean): Hover | null {
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (end < ch) continue;
    if (start > ch) break;
    const word = m[0];
    const type = parseMemoryTypeWord(word);
    if (type && (word.length > 2 || word === word.toUpperCase())) return hoverOf(line, { start, end }, typeLines(type));
    // Hex words: 0x… or 8+ digits (logs zero-pad to 8/9/16); 52-bit physical addresses only.
    const hexm = /^(?:0[xX])?([0-9a-fA-F]{1,16})$/.exec(word);
    const significant = hexm ? hexm[1].replace(/^0+(?=.)/, '') : '';
    if (addresses && hexm && significant.length <= 13 && (/^0x/i.test(word) || (word.length >= 8 && /\d/.test(word)))) {
      const value = parseInt(significant, 16);
      return hoverOf(line, { start, end }, addressLines(analysis, settings, line, value));
    }
    return null;
  }
  return null;
}
