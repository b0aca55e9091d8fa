// Whitespace tokenizer and value parsers shared by the readers. Splitting into words first
// keeps every reader linear in the line length and gives ranges for free.
import type { Field } from './types';

export interface Word {
  text: string;
  start: number;
  end: number;
}

/** Words of text[from, to), with one trailing ',' dropped (`vcpu 1, rip …`). */
export function splitWords(text: string, from = 0, to = text.length): Word[] {
  const words: Word[] = [];
  let i = from;
  while (i < to) {
    while (i < to && isSpace(text.charCodeAt(i))) i++;
    const start = i;
    while (i < to && !isSpace(text.charCodeAt(i))) i++;
    if (i > start) {
      const end = text.charCodeAt(i - 1) === 44 /* , */ && i - 1 > start ? i - 1 : i;
      words.push({ text: text.slice(start, end), start, end });
    }
  }
  return words;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/** The word after the first word equal to `name`. */
export function wordAfter(words: readonly Word[], name: string, count = 1): Word | undefined {
  for (let i = 0; i + count < words.length; i++) if (words[i].text === name) return words[i + count];
  return undefined;
}

const HEX = /^[0-9a-fA-F]{1,16}$/;
const DEC = /^\d{1,15}$/;

/** Hex with or without `0x`, at most 64 bits. */
export function hexBig(text: string): bigint | undefined {
  const digits = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  return HEX.test(digits) ? BigInt(`0x${digits}`) : undefined;
}

/** Hex as a number, only when it is exact (≤ 2^53). */
export function hexNum(text: string): number | undefined {
  const v = hexBig(text);
  return v !== undefined && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

export function decNum(text: string): number | undefined {
  return DEC.test(text) ? Number(text) : undefined;
}

export function field<T>(w: Word | undefined, parse: (s: string) => T | undefined): Field<T> | undefined {
  if (!w) return undefined;
  const value = parse(w.text);
  return value === undefined ? undefined : { value, range: { start: w.start, end: w.end } };
}
