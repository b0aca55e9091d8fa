// Content keys for big maps (the plan cache, Plan Log File's folding of identical boots): two
// 32-bit FNV-1a style hashes, so equal content gets equal keys in one linear pass. A key only
// picks a bucket: every user compares the content exactly on a match, so a collision can never
// hand one map another map's plan.
import type { MtrrState } from '../planner';

export class ContentHash {
  private h1 = 0x811c9dc5;
  private h2 = 0x9e3779b9;
  private n = 0;

  /** Any number below 2^53 (addresses, counts, flags). */
  num(v: number): this {
    const lo = v % 0x100000000;
    const hi = Math.floor(v / 0x100000000);
    this.h1 = Math.imul(this.h1 ^ lo, 0x01000193) >>> 0;
    this.h1 = Math.imul(this.h1 ^ hi, 0x01000193) >>> 0;
    this.h2 = Math.imul(this.h2 ^ (lo + 0x7f4a7c15), 0x85ebca6b) >>> 0;
    this.h2 = Math.imul(this.h2 ^ (hi + this.n), 0xc2b2ae35) >>> 0;
    this.n++;
    return this;
  }

  text(s: string): this {
    for (let i = 0; i < s.length; i++) this.num(s.charCodeAt(i));
    return this.num(s.length);
  }

  digest(): string {
    return `${this.n}:${this.h1.toString(36)}:${this.h2.toString(36)}`;
  }
}

/** The MTRR state a plan depends on, without line numbers (they differ between identical boots). */
export const mtrrKey = (state: MtrrState | undefined): string => (state ? JSON.stringify(state, (k, v) => (k === 'line' ? undefined : v)) : '-');
