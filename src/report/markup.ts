// Small pieces of markup every part of the report page shares. Pure.
import type { MemoryType, PageCounts, PageSize } from '../planner/types';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML/SVG text content and quoted attribute values. */
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

export const SIZES: readonly PageSize[] = ['4K', '2M', '1G'];
export const TYPES: readonly MemoryType[] = ['UC', 'WC', 'WT', 'WP', 'WB'];
export const TYPE_NAMES: Record<MemoryType, string> = {
  UC: 'uncacheable',
  WC: 'write-combining',
  WT: 'write-through',
  WP: 'write-protected',
  WB: 'write-back',
};
export const leafTotal = (p: PageCounts): number => p['4K'] + p['2M'] + p['1G'];
/** Percentages with enough digits for sub-pixel accuracy at any sensible width. */
export const pct = (v: number): string => `${Math.max(0, Math.min(100, v)).toFixed(4).replace(/\.?0+$/, '')}%`;
