// The stream scan's prefilter (CANDIDATE_KEYS) over a text held as one string: the editor's
// document model. Where a line holding a key lies, found piece by piece: an ASCII piece is
// encoded (one byte per character, so byte offsets are string offsets) and scanned by the
// WebAssembly byte prefilter, as lines.ts does for the stream; any other piece (non-ASCII, a lone
// CR, no WebAssembly SIMD) by KeyFinder on the text. Only one piece's bytes are held at a time.
import type { KeyFinder } from './candidates';
import { type BytePrefilter, SLICE } from './prefilter';

const encoder = new TextEncoder();

/**
 * Finds, in increasing order, where lines that may hold a key lie in `text`. `next(from)` takes a
 * line start and answers an offset inside the first such line at or after it (from its start to
 * its line break), or -1: a line that ends before that offset holds no key.
 */
export class KeyLines {
  private text = '';
  /** Text [start, done) is searched; `hits` hold every offset found in it, in order. */
  private start = 0;
  private done = 0;
  private hits: number[] = [];
  private cursor = 0;

  constructor(
    /** Shared between models: each piece is searched at once, so they hold nothing between calls. */
    private readonly finder: KeyFinder,
    private readonly pre?: BytePrefilter,
  ) {}

  /** Starts on a new text. */
  reset(text: string): void {
    this.text = text;
    this.start = this.done = 0;
    this.hits.length = 0;
    this.cursor = 0;
  }

  /** See the class comment. `from` must be a line start of the text (a jump back searches again). */
  next(from: number): number {
    if (from < this.start || from > this.done) this.moveTo(from);
    const { hits } = this;
    // Back within the piece searched (a re-scan from an earlier line): its hits from the start.
    if (this.cursor > 0 && hits[this.cursor - 1] >= from) this.cursor = 0;
    for (;;) {
      while (this.cursor < hits.length && hits[this.cursor] < from) this.cursor++;
      if (this.cursor < hits.length) return hits[this.cursor];
      if (this.done >= this.text.length) return -1;
      // None in [from, done): the next piece's hits replace those before `from`.
      this.start = from;
      this.searchPiece();
    }
  }

  private moveTo(from: number): void {
    this.start = this.done = from;
    this.hits.length = 0;
    this.cursor = 0;
  }

  /** Searches the next piece: whole lines, up to SLICE - 1 characters where lines are that short. */
  private searchPiece(): void {
    const { text, done } = this;
    let end = text.length;
    if (done + SLICE - 1 < end) {
      end = text.lastIndexOf('\n', done + SLICE - 2) + 1;
      // A line longer than the slice: it alone is the piece, for KeyFinder.
      if (end <= done) end = (text.indexOf('\n', done + SLICE - 1) + 1 || text.length);
    }
    this.done = end;
    this.hits.length = 0;
    this.cursor = 0;
    const piece = text.slice(done, end);
    if (!this.scanBytes(piece, done)) this.scanText(piece, done);
  }

  /** The byte prefilter's hits in `piece` (at `at` in the text); false when it cannot take the piece. */
  private scanBytes(piece: string, at: number): boolean {
    const { pre } = this;
    if (!pre || piece.length >= SLICE) return false;
    // Encoded straight into the scan's input, after a line feed: the scan reports lines after the
    // first of a slice (lines.ts carries that one over), so this makes the piece's first line one.
    const input = pre.inputArea;
    input[0] = 10;
    const { read, written } = encoder.encodeInto(piece, input.subarray(1));
    // All characters read into as many bytes: ASCII. Otherwise one was past it (or did not fit).
    if (read !== piece.length || written !== read || !pre.scanInput(written + 1)) return false;
    const { count, records } = pre;
    // A record's start is its line's, one byte after the leading line feed.
    for (let r = 0; r < count; r++) this.hits.push(at + records[3 * r] - 1);
    return true;
  }

  /** KeyFinder's hits in `piece`: each key's start (a line break ends a key, never starts one). */
  private scanText(piece: string, at: number): void {
    const { finder } = this;
    finder.reset(piece);
    for (let k = finder.next(0); k >= 0; k = finder.next(k + 1)) this.hits.push(at + k);
  }
}
