// Joins the physical lines a mail put one record on back into one logical line, before the
// readers see it. Two cases, both seen in real mailing-list logs (test/fixtures/real/mail-*):
// - quoted-printable soft line breaks: a line ending in `=` continues on the next one, and `=XX`
//   is an escaped byte (`=3D` is `=`). Only when the text is QP: a `Content-Transfer-Encoding:
//   quoted-printable` header, or a soft break where QP puts one (a line of 70–76 characters ending
//   in `=`; RFC 2045 caps encoded lines at 76). Elsewhere a line ending in `=` is left alone
//   (`console=` at the end of a command line is no soft break).
// - a mail client's hard wrap of a range line: `… [mem 0x…-0x…]` and then the type name alone
//   on the next line (`usable`). Joined only when the next line is exactly a known type name.
// One rule for every reader of lines: the CLI's and Plan Log File's stream scan, scanText and the
// editor's incremental model all join through scan.ts's readLine, and what is held back lives in
// the scan state, so the editor snapshots it between lines like the rest and an edit re-reads from
// there. The joined record keeps the first physical line's index (where the editor shows it), its
// fields moved back onto the real lines (columns.ts). Each line is looked at once and a logical
// line spans at most MAX_JOINED physical lines of at most MAX_HELD characters: linear, and the
// prefilter may skip lines whenever nothing is held (scan.ts isIdle).
import { type Columns, type Part, WHOLE, logicalLine } from './columns';
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

/**
 * Past these a line is not held back: a soft break on every line (hostile or broken input) must not
 * make one logical line of the whole text. A record line QP breaks at 76 columns spans a few
 * lines; a line longer than the scan reads (MAX_RECORD_LINE) is no record line anyway.
 */
export const MAX_JOINED = 64;
const MAX_HELD = 4096;

/** A line held back: the next one may continue it. Replaced, never mutated (states are snapshotted). */
export interface Held {
  /** The raw (undecoded) text so far, without soft-break `=`s. */
  readonly text: string;
  /** A QP soft break ended it: the next line continues it, whatever it is. Else: a range line that may lack its type. */
  readonly soft: boolean;
  /** Where each physical line's part of `text` begins; as many as lines held. */
  readonly parts: readonly Part[];
}

/** What the joiner carries from line to line (part of the scan state). */
export interface JoinState {
  /** The text was seen to be quoted-printable: soft breaks join and `=XX` is decoded from there on. */
  qp: boolean;
  held: Held | undefined;
}

/**
 * Receives a logical line: its text, the document line it starts on, where its characters came from
 * (none: that line as it is), with the state and `sink` joinLine was given (passed through, so the
 * caller needs no closure per line).
 */
export type LogicalLine<S extends JoinState, X> = (s: S, text: string, line: number, cols: Columns | undefined, sink: X) => void;

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
 * Takes physical line `line` (lines come in order): passes on, to `out`, the logical lines it
 * completes: the line held before it, when this one does not continue it, and this one, unless it
 * is held in turn.
 */
export function joinLine<S extends JoinState, X>(s: S, text: string, line: number, out: LogicalLine<S, X>, sink: X): void {
  const h = s.held;
  if (h === undefined) return take(s, text, line, WHOLE, out, sink);
  s.held = undefined;
  const first = line - h.parts.length;
  if (h.soft) return take(s, h.text + text, first, [...h.parts, { at: h.text.length, col: 0 }], out, sink);
  if (isWrappedType(h.text, text)) {
    const head = h.text.trimEnd();
    const name = text.trim();
    return emit(s, `${head} ${name}`, first, [...h.parts, { at: head.length + 1, col: text.indexOf(name) }], out, sink);
  }
  emit(s, h.text, first, h.parts, out, sink);
  take(s, text, line, WHOLE, out, sink);
}

/** At the end of the input (`lines` lines): passes on the line still held, if any. */
export function endJoin<S extends JoinState, X>(s: S, lines: number, out: LogicalLine<S, X>, sink: X): void {
  const h = s.held;
  if (h === undefined) return;
  s.held = undefined;
  emit(s, h.text, lines - h.parts.length, h.parts, out, sink);
}

/** A logical line so far (`first`: where it starts): held back when the next line may continue it, else passed on. */
function take<S extends JoinState, X>(s: S, text: string, first: number, parts: readonly Part[], out: LogicalLine<S, X>, sink: X): void {
  if (!s.qp && startsQp(text)) s.qp = true;
  if (parts.length < MAX_JOINED && text.length <= MAX_HELD) {
    if (s.qp && endsWithSoftBreak(text)) {
      s.held = { text: text.slice(0, -1), soft: true, parts };
      return;
    }
    if (mayLackType(text)) {
      s.held = { text, soft: false, parts };
      return;
    }
  }
  emit(s, text, first, parts, out, sink);
}

/** Passes on a logical line: decoded when the text is QP, with its column map when it is not one physical line as it is. */
function emit<S extends JoinState, X>(s: S, raw: string, first: number, parts: readonly Part[], out: LogicalLine<S, X>, sink: X): void {
  if (parts.length === 1 && !s.qp) return out(s, raw, first, undefined, sink);
  const { text, cols } = logicalLine(raw, parts, s.qp);
  out(s, text, first, cols, sink);
}
