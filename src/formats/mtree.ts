// QEMU's monitor `info mtree` (memory.c mtree_print_mr): `address-space: memory` and then one line
// per region, indented two spaces per level,
//   `  0000000000000000-000000003fffffff (prio 0, ram): alias ram-below-4g @pc.ram 0000000000000000-000000003fffffff`
// (inclusive end), and the flat view `info mtree -f` (`FlatView #1`, ` AS "memory", root: system`,
// ` Root memory region: system`, `  0000000000050000-000000000009ffff (prio 0, ram): pc.ram @0000000000050000 KVM`).
// Only the `memory` address space (and the flat view that serves it) is the guest-physical map:
// I/O ports, cpu-memory-N copies, device bus-master spaces and `memory-region:` listings are skipped.
// Which lines are RAM where regions overlap is decided per map (mtree-flatten.ts).
import { ownString } from './own-string';
import { MAX_PHYS_ADDR } from '../planner/types';
import type { Envelope } from './envelope';
import type { BoundaryRecord, Field, Problem, RangeRecord } from './records';

export type MtreeSection = 'none' | 'memory' | 'other' | 'flat' | 'flat-memory' | 'flat-view';

/** The lines that open a part of the dump (its regions are read only inside one; `memory-region:` opens a part that is skipped). */
export const MTREE_KEYS = ['address-space: ', 'memory-region: ', 'FlatView #'];
const REGION = /^([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16}) \(prio (-?\d+), ([^)]+)\): (.*)$/;
const ALIAS = /^alias (\S+) @(\S+)/;
/** QEMU 2.x's readable/writable flags where later versions print the region's type. */
const ACCESS_FLAGS = /^[R-][W-]$/;

/** Reads one line; `section` is the part of the dump the lines before opened. */
export function readMtree(text: string, line: number, env: Envelope, section: MtreeSection): { section: MtreeSection; record?: RangeRecord | BoundaryRecord } {
  const { at, end } = env;
  const c = text.charCodeAt(at);
  if (c === 0x61 /* a */ && text.startsWith('address-space: ', at)) {
    const name = text.slice(at + 15, end).trim();
    return name === 'memory'
      ? { section: 'memory', record: { kind: 'boundary', line, reason: 'QEMU info mtree: address-space: memory' } }
      : { section: 'other' };
  }
  if (c === 0x6d /* m */ && text.startsWith('memory-region: ', at)) return { section: 'other' };
  if (c === 0x46 /* F */ && text.startsWith('FlatView #', at)) return { section: 'flat' };
  if (section === 'flat' || section === 'flat-memory') {
    if (text.startsWith('AS "', at)) return { section: section === 'flat' && text.startsWith('AS "memory"', at) ? 'flat-memory' : section };
    if (text.startsWith('Root memory region:', at)) {
      return section === 'flat-memory'
        ? { section: 'flat-view', record: { kind: 'boundary', line, reason: 'QEMU info mtree -f: the flat view of address-space memory' } }
        : { section: 'other' };
    }
    return { section: 'none' };
  }
  if (section === 'none') return { section };
  const msg = text.slice(at, end);
  const m = REGION.exec(msg);
  if (!m) return { section: 'none' };
  if (section === 'other') return { section };
  // Two blanks per level after the envelope (`> ` quoting, a dmesg time): `system` is at level 1.
  return { section, record: region(m, line, at, section === 'flat-view' ? 0 : Math.max(0, ((at - env.indent) >> 1) - 1)) };
}

/** Addresses past 2^52 don't exist physically: QEMU's containers reach 2^64 - 1, the map stops at 2^52. */
const address = (digits: string): number => Math.min(parseInt(digits, 16), MAX_PHYS_ADDR);

function region(m: RegExpExecArray, line: number, at: number, depth: number): RangeRecord {
  const start = address(m[1]);
  const last = address(m[2]);
  const end = Math.min(last + 1, MAX_PHYS_ADDR);
  const regionType = m[4].trim();
  let name = m[5].trimEnd();
  const disabled = name.endsWith('[disabled]');
  if (disabled) name = name.slice(0, -10).trimEnd();
  const alias = ALIAS.exec(name);
  const problems: Problem[] = [];
  const startField: Field = { start: at, end: at + m[1].length };
  const endField: Field = { start: at + m[1].length + 1, end: at + m[1].length + 1 + m[2].length };
  const typeAt = at + m[0].length - m[5].length;
  let ram = regionType === 'ram';
  // QEMU before 4.2 printed every alias as `i/o`, whatever it aliased, and QEMU 2.x printed access
  // flags instead of a type (memory.c mtree_print_mr: `(prio %d, %c%c)`); the guest's RAM is still
  // the alias of pc.ram (`ram-below-4g @pc.ram`). A read-only one (`R-`: PAM's shadow ROM) is what
  // later versions print as `rom`, not RAM.
  const flags = ACCESS_FLAGS.test(regionType);
  if (!ram && !disabled && alias && alias[2] === 'pc.ram' && (regionType === 'i/o' || regionType === 'RW')) {
    ram = true;
    problems.push({
      code: 'mtree-old-alias',
      message: flags
        ? `alias of pc.ram printed with access flags ${regionType} (QEMU 2.x printed no region type): counted as RAM`
        : `alias of pc.ram printed as i/o (QEMU before 4.2 printed every alias so): counted as RAM`,
      severity: 'information',
      field: { start: typeAt, end: typeAt + name.length },
    });
  }
  if (end <= start) problems.push({ code: 'end-before-start', message: 'region ends before it starts', severity: 'error', field: { start: startField.start, end: endField.end } });
  return {
    kind: 'range',
    format: 'mtree',
    line,
    start,
    end,
    ram,
    typeName: ownString(name),
    fields: { start: startField, end: endField, type: { start: typeAt, end: typeAt + name.length } },
    endPrints: 'last',
    depth,
    mtree: { priority: Number(m[3]), regionType, aliasOf: alias ? ownString(alias[2]) : undefined, disabled },
    problems,
  };
}
