// Where the characters of a logical line came from, when a mail split it over physical lines or
// quoted-printable escaped it (join.ts): the readers see the joined, decoded text, and the records
// they make are moved back onto the document's lines here, so the editor underlines and hovers the
// characters the user sees. Built only for such lines: an ordinary line is its own logical line.
import type { Field, LineField, MapRecord } from './records';

/** One physical line's share of a joined line: from raw offset `at` on, copied from column `col` of line `line` (relative). */
export interface Part {
  readonly at: number;
  readonly col: number;
}

/** The whole of a line that was not joined. */
export const WHOLE: readonly Part[] = [{ at: 0, col: 0 }];

/**
 * Runs of the logical text, in order: from offset `at` on, characters come from physical line
 * `line` (0 = the first) at column `col`, one by one, or (`escape`) one character stands for the
 * three of a `=XX` escape.
 */
export interface Columns {
  readonly at: number[];
  readonly line: number[];
  readonly col: number[];
  readonly escape: boolean[];
  /** Per physical line: the column past its last character that is part of the logical line (where fields are cut). */
  readonly ends: number[];
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * The logical text of `raw` (the physical lines' parts, `parts` says where each begins) and, when it
 * is not simply the one physical line, where its characters came from. `qp`: `=XX` escapes are
 * decoded (hex pairs only; anything else stays as it is). One pass over `raw`.
 */
export function logicalLine(raw: string, parts: readonly Part[], qp: boolean): { text: string; cols: Columns | undefined } {
  const escapes = qp && raw.indexOf('=') >= 0;
  if (parts.length === 1 && !escapes) return { text: raw, cols: undefined };
  const cols: Columns = { at: [], line: [], col: [], escape: [], ends: [] };
  let text = '';
  for (let k = 0; k < parts.length; k++) {
    const from = parts[k].at;
    const to = k + 1 < parts.length ? parts[k + 1].at : raw.length;
    const piece = raw.slice(from, to);
    const col0 = parts[k].col;
    cols.ends.push(col0 + piece.length);
    let copied = 0;
    const run = (escape: boolean, col: number): void => {
      cols.at.push(text.length);
      cols.line.push(k);
      cols.col.push(col0 + col);
      cols.escape.push(escape);
    };
    run(false, 0);
    if (escapes) {
      for (let p = piece.indexOf('='); p >= 0; p = piece.indexOf('=', p + 1)) {
        const hex = piece.slice(p + 1, p + 3);
        if (!HEX.test(hex)) continue;
        text += piece.slice(copied, p);
        run(true, p);
        text += String.fromCharCode(parseInt(hex, 16));
        copied = p + 3;
        run(false, copied);
        p += 2;
      }
    }
    text += piece.slice(copied);
  }
  return { text, cols };
}

/** The run holding logical offset `c` (the last run starting at or before it). */
function runAt(cols: Columns, c: number): number {
  let lo = 0;
  let hi = cols.at.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cols.at[mid] <= c) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Physical line (relative) and column of a field's first character, or of the place past its last one (`end`). */
function place(cols: Columns, c: number, end: boolean): { line: number; col: number } {
  if (!end || c === 0) {
    const r = runAt(cols, c);
    return { line: cols.line[r], col: cols.col[r] + (cols.escape[r] ? 0 : c - cols.at[r]) };
  }
  const r = runAt(cols, c - 1);
  return { line: cols.line[r], col: cols.col[r] + (cols.escape[r] ? 3 : c - cols.at[r]) };
}

/** `f` on the physical line where it starts, cut at that line's end when it runs on past it. */
function onItsLine(cols: Columns, f: Field): { line: number; field: Field } {
  const s = place(cols, f.start, false);
  const e = place(cols, Math.max(f.end, f.start), true);
  return { line: s.line, field: { start: s.col, end: e.line === s.line ? e.col : cols.ends[s.line] } };
}

/** `f` on the first physical line (the record's): cut at its end, or empty there when `f` lies wholly below. */
function onFirstLine(cols: Columns, f: Field): Field {
  const p = onItsLine(cols, f);
  return p.line === 0 ? p.field : { start: cols.ends[0], end: cols.ends[0] };
}

/** Fields a record may carry (records.ts): one rule to move them all, whatever the kind. */
interface Fielded {
  field?: Field;
  fields?: Record<string, Field | undefined>;
  problems?: { field: Field }[];
  annotation?: { field: Field; counts: Field };
}

/**
 * Moves the fields of `rec` (read from a logical line that starts on document line `first`) onto
 * the first physical line, where the record is kept; a range that runs over several lines also
 * gets `spread` (each value on its own line, for hovers) and `lastLine`. Mutates `rec`, which the
 * reader just made.
 */
export function placeRecord(rec: MapRecord, first: number, cols: Columns): void {
  const lines = cols.ends.length;
  if (rec.kind === 'range' && lines > 1) {
    const at = (f: Field): LineField => {
      const p = onItsLine(cols, f);
      return { line: first + p.line, field: p.field };
    };
    const { start, end, type } = rec.fields;
    rec.spread = { start: at(start), end: at(end), type: at(type ?? end) };
    rec.lastLine = first + lines - 1;
  }
  const r = rec as Fielded;
  const move = (f: Field): Field => onFirstLine(cols, f);
  if (r.field) r.field = move(r.field);
  if (r.fields) {
    // A copy: records read alike share one fields object (range-record.ts).
    const moved = { ...r.fields };
    for (const k of Object.keys(moved)) if (moved[k]) moved[k] = move(moved[k]!);
    r.fields = moved;
  }
  if (r.problems) for (const p of r.problems) p.field = move(p.field);
  if (r.annotation) r.annotation = { ...r.annotation, field: move(r.annotation.field), counts: move(r.annotation.counts) };
}
