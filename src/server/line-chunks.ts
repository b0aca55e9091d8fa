// What a content change does to a document's lines (changedLines: the one rule, for the model's
// single edits and for batches), and the many changes of one didChange (Replace All, a multi-cursor
// edit) applied at once. LSP applies them one after another, each against the text the ones before
// it left; the lines are held in chunks here, so that a change costs its chunk and the list of
// chunks, not the whole document (one by one, 10k line-inserting changes to 300k lines took 4 s).
import type { TextChange } from './model';

/** Lines a chunk holds; every chunk holds at least half as many (while there are two or more), so there are few. */
const CHUNK = 1024;

/** Cuts `lines` into chunks of CHUNK, a short last one joined to the one before. */
function cut(lines: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < lines.length; i += CHUNK) out.push(lines.slice(i, i + CHUNK));
  if (out.length > 1 && out[out.length - 1].length < CHUNK / 2) {
    const short = out.pop()!;
    out[out.length - 1] = out[out.length - 1].concat(short);
  }
  return out.length ? out : [[]];
}

/** Array.prototype.flat is generic and slow in V8 (~0.1 ms a chunk). */
function flat(chunks: readonly string[][]): string[] {
  const out: string[] = [];
  for (const c of chunks) for (const line of c) out.push(line);
  return out;
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

class ChunkedLines {
  private chunks: string[][];
  length: number;

  constructor(lines: string[]) {
    this.chunks = cut(lines);
    this.length = lines.length;
  }

  /** The chunk holding line `i` and the line's index in it (the last chunk's end for `i` past it). */
  private find(i: number): [number, number] {
    let c = 0;
    while (c < this.chunks.length - 1 && i >= this.chunks[c].length) i -= this.chunks[c++].length;
    return [c, i];
  }

  at(i: number): string {
    const [c, k] = this.find(i);
    return this.chunks[c][k];
  }

  /** Replaces the `count` lines from `start` with `items`. */
  splice(start: number, count: number, items: readonly string[]): void {
    let [c0, k] = this.find(start);
    let c1 = c0;
    for (let rest = k + count; c1 < this.chunks.length - 1 && rest > this.chunks[c1].length; c1++) rest -= this.chunks[c1].length;
    const region = c0 === c1 ? this.chunks[c0] : flat(this.chunks.slice(c0, c1 + 1));
    let lines = region.slice(0, k).concat(items, region.slice(k + count));
    // A region left under half a chunk takes a neighbour in, so that chunks stay at least half full.
    if (lines.length < CHUNK / 2 && this.chunks.length > c1 - c0 + 1) {
      if (c1 + 1 < this.chunks.length) lines = lines.concat(this.chunks[++c1]);
      else lines = this.chunks[--c0].concat(lines);
    }
    this.chunks.splice(c0, c1 - c0 + 1, ...cut(lines));
    this.length += items.length - count;
  }

  join(): string {
    return flat(this.chunks).join('\n');
  }
}

/**
 * What a ranged change does to a document of `lineCount` lines read by `lineAt`: the `count` lines
 * from `start` become `lines`. Positions past the text are clamped to it (LSP clients never send
 * them; a hostile one must not break the model).
 */
export function changedLines(range: NonNullable<TextChange['range']>, text: string, lineCount: number, lineAt: (i: number) => string, split: (text: string) => string[]): { start: number; count: number; lines: string[] } {
  const sl = clamp(range.start.line, 0, lineCount - 1);
  const el = clamp(range.end.line, sl, lineCount - 1);
  const first = lineAt(sl);
  const last = el === sl ? first : lineAt(el);
  const lines = split(text);
  lines[0] = first.slice(0, clamp(range.start.character, 0, first.length)) + lines[0];
  lines[lines.length - 1] += last.slice(clamp(range.end.character, 0, last.length));
  return { start: sl, count: el - sl + 1, lines };
}

/** The text after `changes`, applied in order to the document of `lineCount` lines read by `lineAt`. */
export function applyManyChanges(lineCount: number, lineAt: (i: number) => string, changes: readonly TextChange[], split: (text: string) => string[]): string {
  const doc = new ChunkedLines(Array.from({ length: lineCount }, (_, i) => lineAt(i)));
  const at = (i: number): string => doc.at(i);
  for (const c of changes) {
    if (!c.range) {
      doc.splice(0, doc.length, split(c.text));
      continue;
    }
    const { start, count, lines } = changedLines(c.range, c.text, doc.length, at, split);
    doc.splice(start, count, lines);
  }
  return doc.join();
}
