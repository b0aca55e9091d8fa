// The greedy cover shared by the exact plan, Xen and KVM: largest aligned page that fits, capped
// per owner (RAM / non-RAM), split where the memory type changes. Types come from a function of
// the owner, so Xen and KVM can force theirs.
import { forEachRun } from '../planner/cover';
import { TypedSegment, typedPieces } from '../planner/mtrr';
import { MemoryType, PageSize, Range } from '../planner/types';
import type { PolicyRun } from './types';

interface GreedyRule {
  ramPage: PageSize;
  gapPage: PageSize;
  /** Types over [0, end) for RAM and for everything else. */
  ramTypes: readonly TypedSegment[];
  gapTypes: readonly TypedSegment[];
}

/** Leaves over [0, end): RAM ranges (sorted, disjoint) and the gaps between them. Linear in ranges + typed segments. */
export function greedyRuns(ram: readonly Range[], end: number, rule: GreedyRule): PolicyRun[] {
  const out: PolicyRun[] = [];
  const cover = (start: number, stop: number, isRam: boolean): void => {
    for (const seg of typedPieces(isRam ? rule.ramTypes : rule.gapTypes, start, stop)) {
      forEachRun(seg.start, seg.end, isRam ? rule.ramPage : rule.gapPage, (s, e, size, count) => out.push({ start: s, end: e, size, count, memoryType: seg.type, eager: true }));
    }
  };
  let at = 0;
  for (const r of ram) {
    if (r.start >= end) break;
    if (r.start > at) cover(at, r.start, false);
    at = Math.min(r.end, end);
    cover(r.start, at, true);
  }
  if (at < end) cover(at, end, false);
  return out;
}

export const uniform = (end: number, type: MemoryType): TypedSegment[] => [{ start: 0, end, type }];
