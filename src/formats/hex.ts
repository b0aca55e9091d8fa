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
  // One pass over the characters (two regexes and parseInt per field were a fifth of reading an
  // e820 line).
  const from = text.charCodeAt(0) === 0x30 && (text.charCodeAt(1) | 0x20) === 0x78 ? 2 : 0;
  let first = -1;
  let value = 0;
  for (let i = from; i < text.length; i++) {
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0) return malformedHex(text, field, what);
    if (first < 0 && d > 0) first = i;
    value = value * 16 + d;
  }
  if (text.length === from) return malformedHex(text, field, what);
  const significant = first < 0 ? 0 : text.length - first;
  if (significant > 13) {
    const digits = text.slice(first);
    const shown = significant > 20 ? `0x${digits.slice(0, 16).toLowerCase()}… (${significant} hex digits)` : `0x${digits.toLowerCase()}`;
    return {
      ok: false,
      problem: { code: 'beyond-52-bits', message: `${what} ${shown} is past 2^52, the largest physical address x86 allows`, severity: 'error', field },
    };
  }
  return { ok: true, value };
}

/** The value of a hex digit's character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

const malformedHex = (text: string, field: Field, what: string): HexResult =>
  ({ ok: false, problem: { code: 'malformed-hex', message: `${what} '${quoteInput(text)}' is not a hex number`, severity: 'error', field } });

export { MAX_PHYS_ADDR };
