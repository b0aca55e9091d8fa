// How the replayed hypervisors see the MTRRs: each builds its own list of ranges from the MSRs
// (its own sizing, often `base + 2^bsf(mask)`), then types a page by walking that list in order
// with its own precedence. This module holds the shared mechanics; each policy file supplies the
// list and the walk, with citations. The SDM's own answer is src/planner/mtrr.ts.
import type { MtrrState, MtrrVariableRange } from '../planner/mtrr';
import { typedPieces } from '../planner/mtrr';
import { alignDown, alignUp } from '../planner/normalize';
import type { MemoryType, Range } from '../planner/types';

/** One entry of a hypervisor's own MTRR list: [start, end) as it computed it. */
export interface ViewEntry extends Range {
  type: MemoryType;
  fixed: boolean;
}

/** A walk over the entries that match a page, in list order; undefined means "use the default". */
export type Walk = (matches: readonly ViewEntry[]) => MemoryType | undefined;

/**
 * The walk HyperPlatform, HyperDbg and ksm share: matches in list order, `stop` may end it with a
 * type; otherwise a WT match after a WB result gives WT (SDM 11.11.4.1) and any other match
 * overwrites the result. They differ only in `stop`.
 */
export const wtOverWbWalk = (stop: (e: ViewEntry, sofar: MemoryType | undefined) => MemoryType | undefined): Walk => (hits) => {
  let t: MemoryType | undefined;
  for (const e of hits) {
    const stopped = stop(e, t);
    if (stopped) return stopped;
    t = t === 'WB' && e.type === 'WT' ? 'WT' : e.type;
  }
  return t;
};

/**
 * HyperPlatform's and ksm's walk (ept.cpp `EptpGetMemoryType`, vcpu.c `ept_memory_type`): a fixed
 * or UC match returns at once; a WT entry after a WB result gives WT; otherwise the last matching
 * entry's type (so WT then WB ends WB). No match → the default type.
 */
export const fixedOrUcFirstWalk: Walk = wtOverWbWalk((e) => (e.fixed || e.type === 'UC' ? e.type : undefined));

/**
 * Which entries match a page [p, p + size):
 *  - `first-byte`: the entry contains p (hvpp, HyperDbg, HyperPlatform, ksm look up one address);
 *  - `overlap`: the entry touches any byte of the page (SimpleVisor, gbhv);
 *  - `contain`: the entry holds the whole page (airhv).
 */
export type Match = 'first-byte' | 'overlap' | 'contain';

/**
 * The variable range as `base + 2^bsf(mask)`: what HyperPlatform, hvpp, SimpleVisor, gbhv, airhv,
 * HyperDbg and ksm compute (each cites its own line). It ignores the mask's high bits, so a base
 * not aligned to the size (Hyper-V: base 4 GiB, 64 GiB mask) lands elsewhere than the SDM's
 * `addr & mask == base & mask`. A zero mask has no set bit: _BitScanForward64 leaves the index
 * undefined; the replay takes bit 12 (one page) and says so.
 */
export function bsfRange(base: number, mask: number): { range: Range; zeroMask: boolean } {
  const start = alignDown(base, 0x1000);
  if (mask < 0x1000) return { range: { start, end: start + 0x1000 }, zeroMask: true };
  let size = 0x1000;
  while (Math.floor(mask / size) % 2 === 0) size *= 2;
  return { range: { start, end: start + size }, zeroMask: false };
}

/** A variable range (or the SMRR) as a list entry sized by bsfRange. */
export const bsfEntry = (v: MtrrVariableRange): ViewEntry => ({ ...bsfRange(v.base, v.mask).range, type: v.type, fixed: false });

/** Byte sizes of the hardware fixed-range sub-ranges, MSR by MSR (SDM vol. 3A, fixed-range MTRRs). */
export const FIXED_MSRS: readonly { base: number; size: number }[] = [
  { base: 0x00000, size: 0x10000 },
  { base: 0x80000, size: 0x4000 },
  { base: 0xa0000, size: 0x4000 },
  ...[0xc0000, 0xc8000, 0xd0000, 0xd8000, 0xe0000, 0xe8000, 0xf0000, 0xf8000].map((base) => ({ base, size: 0x1000 })),
];

/**
 * The 88 fixed sub-ranges as the MSRs hold them (8 per MSR), typed from the dump. A dmesg dump
 * prints them merged (`00000-9FFFF write-back`); this splits them back. Sub-ranges the dump says
 * nothing about are left out. Empty when fixed ranges are disabled.
 */
export function fixedBytes(mtrr: MtrrState): { msr: number; start: number; end: number; type: MemoryType | undefined }[] {
  if (!mtrr.fixedEnabled) return [];
  const segs = [...mtrr.fixed].sort((a, b) => a.start - b.start).map((f) => ({ start: f.start, end: f.end, type: f.type }));
  const out: { msr: number; start: number; end: number; type: MemoryType | undefined }[] = [];
  FIXED_MSRS.forEach((m, msr) => {
    for (let k = 0; k < 8; k++) {
      const start = m.base + k * m.size;
      out.push({ msr, start, end: start + m.size, type: segs.length ? typedPieces(segs, start, start + 1)[0]?.type : undefined });
    }
  });
  return out;
}

/** The fixed sub-ranges as entries, for the hypervisors that read them correctly. */
export function fixedEntries(mtrr: MtrrState): ViewEntry[] {
  return fixedBytes(mtrr)
    .filter((f): f is typeof f & { type: MemoryType } => f.type !== undefined)
    .map((f) => ({ start: f.start, end: f.end, type: f.type, fixed: true }));
}

/** Grid-aligned [a, b) of page starts p for which `e` matches [p, p + page). */
function matchRange(e: Range, match: Match, page: number): Range {
  switch (match) {
    case 'first-byte':
      return { start: alignUp(e.start, page), end: alignUp(e.end, page) };
    case 'overlap':
      return { start: alignDown(e.start, page), end: alignUp(e.end, page) };
    case 'contain':
      return { start: alignUp(e.start, page), end: alignDown(e.end, page) };
  }
}

export interface TypedRun extends Range {
  type: MemoryType;
}

/**
 * Types every `page`-sized page of [from, to) (both multiples of `page`) the way a hypervisor
 * does: the entries matching the page, in list order, go through `walk`; no answer → `fallback`.
 * Between two consecutive entry edges (moved to the page grid) the matching set can't change, so
 * one sweep over the sorted edges keeps the active set and walks it once per interval:
 * O(E log E + Σ active·log active), whatever the number of pages. Adjacent equal types merge.
 */
export function typePages(entries: readonly ViewEntry[], match: Match, page: number, from: number, to: number, walk: Walk, fallback: MemoryType): TypedRun[] {
  const edges: { at: number; index: number; open: boolean }[] = [];
  entries.forEach((e, index) => {
    const r = matchRange(e, match, page);
    const s = Math.max(r.start, from);
    const t = Math.min(r.end, to);
    if (t <= s) return;
    edges.push({ at: s, index, open: true }, { at: t, index, open: false });
  });
  edges.sort((a, b) => a.at - b.at);
  const active = new Set<number>();
  const out: TypedRun[] = [];
  let at = from;
  let k = 0;
  while (at < to) {
    while (k < edges.length && edges[k].at === at) {
      const e = edges[k++];
      if (e.open) active.add(e.index);
      else active.delete(e.index);
    }
    const next = k < edges.length ? Math.min(edges[k].at, to) : to;
    const type = walk([...active].sort((a, b) => a - b).map((i) => entries[i])) ?? fallback;
    const last = out[out.length - 1];
    if (last && last.type === type && last.end === at) last.end = next;
    else out.push({ start: at, end: next, type });
    at = next;
  }
  return out;
}

/** Pages of `page` bytes in [from, to) that an entry edge falls strictly inside (airhv, HyperDbg split those). */
export function pagesCutByEntries(entries: readonly Range[], page: number, from: number, to: number): number[] {
  const cut = new Set<number>();
  for (const e of entries) {
    for (const edge of [e.start, e.end]) {
      if (edge % page !== 0 && edge >= from && edge < to) cut.add(alignDown(edge, page));
    }
  }
  return [...cut].sort((a, b) => a - b);
}
