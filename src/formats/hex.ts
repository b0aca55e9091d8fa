// Hex fields as logs print them: with or without 0x, zero-padded to 8/9/16 digits.
import { MAX_PHYS_ADDR } from '../planner/types';
import type { Field, Problem } from './records';

type HexResult = { ok: true; value: number } | { ok: false; problem: Problem };

/** Longest piece of input text a message quotes; longer text is cut with `…`. */
const QUOTE_MAX = 40;

/**
 * Input text as a message may show it: control characters and other invisibles (NUL bytes from a
 * crashed guest, escape sequences that would drive a terminal) written as `\xNN`/`\uNNNN`, and cut
 * to a few dozen characters so a runaway field doesn't become a runaway message.
 */
export function quoteInput(text: string, max = QUOTE_MAX): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  let out = '';
  for (let i = 0; i < cut.length; i++) {
    const c = cut.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if ((c >= 0x80 && c < 0xa0) || c === 0xfeff || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0xd800 && c <= 0xdfff)) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += cut[i];
  }
  return text.length > max ? `${out}… (${text.length} characters)` : out;
}

/**
 * Parses a physical address. Refuses non-hex text and values past 2^52 (the architectural
 * MAXPHYADDR limit; above 2^53 a JS number would not even be exact).
 */
export function parseAddress(text: string, field: Field, what: string): HexResult {
  const digits = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (digits.length === 0 || !/^[0-9a-fA-F]+$/.test(digits)) {
    return { ok: false, problem: { code: 'malformed-hex', message: `${what} '${quoteInput(text)}' is not a hex number`, severity: 'error', field } };
  }
  const significant = digits.replace(/^0+/, '');
  if (significant.length > 13) {
    const shown = significant.length > 20 ? `0x${significant.slice(0, 16).toLowerCase()}… (${significant.length} hex digits)` : `0x${significant.toLowerCase()}`;
    return {
      ok: false,
      problem: { code: 'beyond-52-bits', message: `${what} ${shown} is past 2^52, the largest physical address x86 allows`, severity: 'error', field },
    };
  }
  const value = significant.length === 0 ? 0 : parseInt(significant, 16);
  return { ok: true, value };
}

export { MAX_PHYS_ADDR };
