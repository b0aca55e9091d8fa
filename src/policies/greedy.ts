// The greedy cover shared by the exact plan, Xen and KVM: largest aligned page that fits, capped
// per owner (RAM / non-RAM), split where the memory type changes. Types come from a function of
// the owner, so Xen and KVM can force theirs.
import { forEachRun } from '../planner/cover';
import { TypedSegment, typedPieces } from '../planner/mtrr';
import { MemoryType, PageSize, Range } from '../planner/types';
import { subtract } from './build';
import type { PolicyRun } from './types';

interface GreedyRule {
  ramPage: PageSize;
  gapPage: PageSize;
  /** Types over [0, end) for RAM and for everything else. */
  ramTypes: readonly TypedSegment[];
  gapTypes: readonly TypedSegment[];
}

/** Leaves over [0, end): RAM ranges and the gaps between them. Linear in ranges + typed segments. */
export function greedyRuns(ram: readonly Range[], end: number, rule: GreedyRule): PolicyRun[] {
  const out: PolicyRun[] = [];
  const inside = ram.filter((r) => r.start < end).map((r) => ({ start: r.start, end: Math.min(r.end, end) }));
  const spans: { r: Range; isRam: boolean }[] = [];
  const gaps = subtract([{ start: 0, end }], inside);
  let i = 0;
  let j = 0;
  while (i < inside.length || j < gaps.length) {
    if (j >= gaps.length || (i < inside.length && inside[i].start < gaps[j].start)) spans.push({ r: inside[i++], isRam: true });
    else spans.push({ r: gaps[j++], isRam: false });
  }
  for (const { r, isRam } of spans) {
    for (const seg of typedPieces(isRam ? rule.ramTypes : rule.gapTypes, r.start, r.end)) {
      forEachRun(seg.start, seg.end, isRam ? rule.ramPage : rule.gapPage, (s, e, size, count) => out.push({ start: s, end: e, size, count, memoryType: seg.type, eager: true }));
    }
  }
  return out;
}

export const uniform = (end: number, type: MemoryType): TypedSegment[] => [{ start: 0, end, type }];
