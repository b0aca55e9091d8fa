// Joins the physical lines a mail put one record on back into one logical line, before the
// readers see it. Two cases, both seen in real mailing-list logs (test/fixtures/real/mail-*):
// - quoted-printable soft line breaks: a line ending in `=` continues on the next one, and `=XX`
//   is an escaped byte (`=3D` is `=`). Only when the text is QP: a `Content-Transfer-Encoding:
//   quoted-printable` header, or a soft break where QP puts one (a line of 70–76 characters ending
//   in `=`; RFC 2045 caps encoded lines at 76). Elsewhere a line ending in `=` is left alone
//   (`console=` at the end of a command line is no soft break).
// - a mail client's hard wrap of a range line: `… [mem 0x…-0x…]` and then the type name alone
//   on the next line (`usable`). Joined only when the next line is exactly a known type name.
// The joined record keeps the first physical line's index (where the editor shows it); columns
// past a break are those of the joined text. Each line is looked at once, and at most one line is
// held back: linear, and the prefilter may skip lines whenever nothing is held (`holding()`).
import { isE820TypeName } from './e820-types';

/**
 * The prefilter (candidates.ts) must pass on every line that can turn QP decoding on: the header,
 * and any line ending in `=` (a soft break at 70–76 columns), key or no key, or a skipped line
 * would leave the rest of the text read differently from the editor's scan of every line.
 */
export const JOIN_KEYS = ['quoted-printable', '=\n', '=\r'];

const QP_HEADER = /^content-transfer-encoding:\s*quoted-printable\s*$/i;
/** The shortest line a QP encoder breaks softly when it does not have to (some break at 72–76). */
const QP_MIN_SOFT = 70;
const QP_MAX_LINE = 76;

export interface LineJoiner {
  /** Takes the next physical line (in order, with its 0-based index). */
  push(text: string, index: number): void;
  /** Passes on the line held back, if any: call at the end of the input. */
  flush(): void;
  /** Whether a line is held back (the next line may continue it, so it must not be skipped). */
  holding(): boolean;
}

/** Decodes QP `=XX` escapes (hex pairs only; anything else stays as it is). */
export function decodeQp(text: string): string {
  if (text.indexOf('=') < 0) return text;
  return text.replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const endsWithSoftBreak = (t: string): boolean => t.charCodeAt(t.length - 1) === 0x3d; /* = */

/** A line that shows the text is QP: the header, or a soft break where QP puts one (70–76 columns). */
const startsQp = (t: string): boolean =>
  (endsWithSoftBreak(t) && t.length >= QP_MIN_SOFT && t.length <= QP_MAX_LINE) || (t.length < 60 && QP_HEADER.test(t));

/** A range line whose type may have been wrapped away: it ends in `]` after a `[mem ` range. */
const mayLackType = (t: string): boolean => {
  let n = t.length;
  while (n > 0 && t.charCodeAt(n - 1) === 0x20) n--;
  return n > 0 && t.charCodeAt(n - 1) === 0x5d /* ] */ && t.lastIndexOf('[mem ', n) >= 0;
};

/** `next` is the type name a mail client wrapped off the range line `prev`. */
const isWrappedType = (prev: string, next: string): boolean => {
  const name = next.trim();
  return mayLackType(prev) && name.length > 0 && name.length <= 40 && isE820TypeName(name);
};

/**
 * The first line (0-based) where a mail split lines the way the joiner mends, or -1. The editor
 * reads physical lines (its model re-scans line by line), so it says so there instead of reading
 * such a range as ept-plan and Plan Log File do. One pass.
 */
export function firstMailSplit(lineAt: (i: number) => string, count: number): number {
  let prev = '';
  for (let i = 0; i < count; i++) {
    const t = lineAt(i);
    if (startsQp(t)) return i;
    if (i > 0 && isWrappedType(prev, t)) return i - 1;
    prev = t;
  }
  return -1;
}

export function createLineJoiner(onLine: (text: string, index: number) => void): LineJoiner {
  let qp = false;
  /** The held line: a QP line that continues (`soft`), or a range line that may lack its type. */
  let held: string | undefined;
  let heldIndex = 0;
  let soft = false;
  const emit = (text: string, index: number): void => onLine(qp ? decodeQp(text) : text, index);
  const take = (text: string, index: number): void => {
    if (!qp && startsQp(text)) qp = true;
    if (qp && endsWithSoftBreak(text)) {
      held = text.slice(0, -1);
      heldIndex = index;
      soft = true;
      return;
    }
    if (mayLackType(text)) {
      held = text;
      heldIndex = index;
      soft = false;
      return;
    }
    emit(text, index);
  };
  return {
    push(text, index) {
      if (held === undefined) return take(text, index);
      const h = held;
      held = undefined;
      if (soft) return take(h + text, heldIndex);
      if (isWrappedType(h, text)) return emit(`${h.trimEnd()} ${text.trim()}`, heldIndex);
      emit(h, heldIndex);
      take(text, index);
    },
    flush() {
      if (held === undefined) return;
      const h = held;
      held = undefined;
      emit(h, heldIndex);
    },
    holding: () => held !== undefined,
  };
}
