// Hex fields as logs print them: with or without 0x, zero-padded to 8/9/16 digits.
import { MAX_PHYS_ADDR } from '../planner/types';
import type { Field, Problem } from './records';

export type HexResult = { ok: true; value: number } | { ok: false; problem: Problem };

/**
 * Parses a physical address. Refuses non-hex text and values past 2^52 (the architectural
 * MAXPHYADDR limit; above 2^53 a JS number would not even be exact).
 */
export function parseAddress(text: string, field: Field, what: string): HexResult {
  const digits = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (digits.length === 0 || !/^[0-9a-fA-F]+$/.test(digits)) {
    return { ok: false, problem: { code: 'malformed-hex', message: `${what} '${text}' is not a hex number`, severity: 'error', field } };
  }
  const significant = digits.replace(/^0+/, '');
  if (significant.length > 13) {
    return {
      ok: false,
      problem: { code: 'beyond-52-bits', message: `${what} 0x${significant.toLowerCase()} is past 2^52, the largest physical address x86 allows`, severity: 'error', field },
    };
  }
  const value = significant.length === 0 ? 0 : parseInt(significant, 16);
  return { ok: true, value };
}

export { MAX_PHYS_ADDR };
