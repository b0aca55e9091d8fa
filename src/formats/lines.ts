// Splits a byte stream (a file, standard input) into lines without holding it whole (logs can be
// GiBs): shared by `ept-plan` and the server's Plan Log File.
// Splits on LF, CRLF and lone CR; detects UTF-16 byte-order marks. A callback per line, not an
// async iterator: a microtask per line would dominate on 10 million lines.
//
// Speed (benchmarks/run.mjs): pure-ASCII chunks (nearly every log) are decoded as latin1, which
// is a plain copy into a one-byte string, instead of through the UTF-8 decoder; chunks without a
// CR take a loop that checks nothing but LF; the line carried over a chunk boundary is joined to
// the first line of the next chunk only, so the chunk string is never copied again; chunks are
// decoded in 32 KiB pieces so their strings die young. With a byte prefilter (prefilter/), ASCII
// LF/CRLF slices are not decoded at all: only the lines it finds keys in become strings.
import { isAscii, latin1, latin1Slices } from './bytes';
import type { KeyFinder } from './candidates';
import { type BytePrefilter, SLICE } from './prefilter';
import { MAX_LINE_KEPT } from './scan';

/** Decoded at a time: below V8's large-object threshold (128 KiB), and even for UTF-16. */
const PIECE = 1 << 15;

/**
 * Lets the splitter skip lines: while `maySkip()` holds, a line in which `finder` finds no key
 * is only counted, never sliced out nor passed on (the scan's prefilter, candidates.ts). `bytes`,
 * when WebAssembly SIMD runs, finds them in the raw bytes of the slices it can take instead.
 */
export interface LineSkipper {
  maySkip(): boolean;
  finder: KeyFinder;
  bytes?: BytePrefilter;
}

/**
 * Calls `onLine` for every line of `chunks` (with its 0-based index), then `afterChunk` (awaited:
 * it may report progress, yield to other work or throw to cancel) after each chunk. With `skip`,
 * lines it lets go are counted but not passed. Resolves to the number of lines.
 */
export async function forEachLine(
  chunks: AsyncIterable<Uint8Array>,
  onLine: (text: string, index: number) => void,
  afterChunk?: (bytes: number) => void | Promise<void>,
  skip?: LineSkipper,
): Promise<number> {
  let index = 0;
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  /** UTF-8 input: ASCII chunks bypass the decoder, unless it may hold part of a character. */
  let utf8 = true;
  let decoderDirty = false;
  let carry = '';
  /** Whether `carry` holds a CR: kept as it grows, since scanning a 1 MiB carry per piece was quadratic. */
  let carryCR = false;
  /** The carried line passed MAX_LINE_KEPT: its head is kept, the rest skipped up to the next break. */
  let skipping = false;
  const emit = (line: string): void => {
    if (line.indexOf('\r') < 0) onLine(line, index++);
    else for (const part of line.split('\r')) onLine(part, index++);
  };
  const piece = (chunk: Uint8Array): void => {
    let s: string;
    if (utf8 && !decoderDirty && isAscii(chunk)) s = latin1(chunk);
    else {
      s = decoder!.decode(chunk, { stream: true });
      // After an ASCII chunk the decoder holds nothing back; after other bytes it may.
      decoderDirty = !(utf8 && isAscii(chunk));
    }
    if (s.length === 0) return;
    if (skipping) {
      let brk = s.indexOf('\n');
      const cr = s.indexOf('\r');
      if (cr >= 0 && (brk < 0 || cr < brk)) brk = cr;
      if (brk < 0) return;
      skipping = false;
      s = s.slice(brk);
    }
    split(s);
    // A file without line breaks (a binary dump) must not become one giant string: past
    // MAX_LINE_KEPT the line is no memory-map line anyway (scanLine reads 4,096 characters).
    if (carry.length > MAX_LINE_KEPT) {
      carry = carry.slice(0, MAX_LINE_KEPT);
      skipping = true;
    }
  };
  const split = (s: string): void => {
    const cr = carryCR ? 0 : s.indexOf('\r');
    if (!carryCR && (cr < 0 || onlyCRLF(s, cr))) {
      // LF or CRLF only: the common case. `cut` drops the CR of a CRLF.
      const crlf = cr >= 0;
      const cut = (nl: number): number => (crlf && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      let nl = s.indexOf('\n');
      if (nl < 0) {
        carry += s;
        return;
      }
      // The line carried over from the piece before is always passed on: a key may span the pieces.
      onLine(carry.length === 0 ? s.slice(0, cut(nl)) : carry + s.slice(0, cut(nl)), index++);
      let start = nl + 1;
      if (skip) {
        skip.finder.reset(s);
        for (;;) {
          nl = s.indexOf('\n', start);
          if (!skip.maySkip()) {
            if (nl < 0) break;
            onLine(s.slice(start, cut(nl)), index++);
            start = nl + 1;
            continue;
          }
          // Count the lines before the next key's line; pass that line on.
          const key = skip.finder.next(start);
          while (nl >= 0 && (key < 0 || nl < key)) {
            index++;
            start = nl + 1;
            nl = s.indexOf('\n', start);
          }
          if (key < 0 || nl < 0) break;
          onLine(s.slice(start, cut(nl)), index++);
          start = nl + 1;
        }
      } else {
        for (nl = s.indexOf('\n', start); nl >= 0; nl = s.indexOf('\n', start)) {
          onLine(s.slice(start, cut(nl)), index++);
          start = nl + 1;
        }
      }
      carry = s.slice(start);
      return;
    }
    s = carry + s;
    let start = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
      const end = nl > start && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      emit(s.slice(start, end));
      start = nl + 1;
    }
    carry = s.slice(start);
    // Lone-CR files have no LF at all: don't let the carry grow without bound. A CR at the very
    // end may be half of a CRLF split across chunks, so it stays.
    const lastCR = carry.length > 1 ? carry.lastIndexOf('\r', carry.length - 2) : -1;
    if (lastCR >= 0) {
      emit(carry.slice(0, lastCR));
      carry = carry.slice(lastCR + 1);
    }
    // Only a CR at the very end can be left (half of a CRLF).
    carryCR = carry.charCodeAt(carry.length - 1) === 13;
  };
  /** The unfinished last line of a slice the byte prefilter took joins the carry, up to MAX_LINE_KEPT as in `piece`. */
  const keep = (tail: Uint8Array): void => {
    if (skipping) return;
    const room = MAX_LINE_KEPT + 1 - carry.length;
    carry += latin1(tail.length > room ? tail.subarray(0, room) : tail);
    if (carry.length > MAX_LINE_KEPT) {
      carry = carry.slice(0, MAX_LINE_KEPT);
      skipping = true;
    }
  };
  /**
   * The byte prefilter's path for an ASCII slice with LF or CRLF breaks only (false: not taken, the
   * pieces path reads it): lines between the ones holding a key are counted, not decoded, while
   * `maySkip()` holds; while it does not, each line is passed on.
   */
  const slice = (b: Uint8Array, { bytes: pre, maySkip }: Required<LineSkipper>): boolean => {
    if (carryCR || !utf8 || decoderDirty || !pre.scan(b)) return false;
    const { feeds, first, last, count, records } = pre;
    if (feeds === 0) {
      keep(b);
      return true;
    }
    const decode = latin1Slices(b);
    const text = (start: number, end: number): string => decode(start, end > start && b[end - 1] === 13 ? end - 1 : end);
    // The line carried over from the slice before is always passed on: a key may span the slices.
    onLine(skipping ? carry : carry + text(0, first), index++);
    carry = '';
    skipping = false;
    let line = 1;
    let start = first + 1;
    for (let next = 0; line < feeds; ) {
      if (!maySkip()) {
        const nl = b.indexOf(10, start);
        onLine(text(start, nl), index++);
        line++;
        start = nl + 1;
        continue;
      }
      while (next < count && records[3 * next + 2] < line) next++;
      if (next === count) {
        index += feeds - line;
        break;
      }
      index += records[3 * next + 2] - line;
      line = records[3 * next + 2] + 1;
      onLine(text(records[3 * next], records[3 * next + 1]), index++);
      start = records[3 * next + 1] + 1;
      next++;
    }
    keep(b.subarray(last + 1));
    return true;
  };
  const bytePath = skip?.bytes ? (skip as Required<LineSkipper>) : undefined;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    if (!decoder) {
      const le = chunk[0] === 0xff && chunk[1] === 0xfe;
      const be = chunk[0] === 0xfe && chunk[1] === 0xff;
      utf8 = !le && !be;
      // A UTF-8 BOM is only dropped at the start of the input: when the first chunk is read as
      // ASCII, the decoder (used later for non-ASCII chunks) must keep any U+FEFF it meets.
      const ascii = utf8 && isAscii(chunk);
      decoder = new TextDecoder(le ? 'utf-16le' : be ? 'utf-16be' : 'utf-8', { ignoreBOM: ascii });
    }
    // Strings of at most PIECE characters are allocated in V8's young generation and die there;
    // 1 MiB strings would go to the large-object space and pile up until a full GC (peak RSS).
    const step = bytePath ? SLICE : PIECE;
    for (let at = 0; at < chunk.length; at += step) {
      const part = at === 0 && chunk.length <= step ? chunk : chunk.subarray(at, at + step);
      if (bytePath && slice(part, bytePath)) continue;
      for (let p = 0; p < part.length; p += PIECE) piece(p === 0 && part.length <= PIECE ? part : part.subarray(p, p + PIECE));
    }
    if (afterChunk) await afterChunk(chunk.length);
  }
  const rest = carry + (skipping ? '' : decoder?.decode() ?? '');
  if (rest.length > 0) emit(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  return index;
}

/** Whether every CR of `s` from `cr` on is the first half of a CRLF (a CR at the very end may not be). */
function onlyCRLF(s: string, cr: number): boolean {
  for (let i = cr; i >= 0; i = s.indexOf('\r', i + 2)) if (s.charCodeAt(i + 1) !== 10) return false;
  return true;
}
