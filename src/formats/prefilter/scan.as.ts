// The byte prefilter's scan, in AssemblyScript (compiled to prefilter.wasm by build.mjs): one pass
// over a slice of ASCII log text in 16-byte SIMD blocks, which counts its line feeds and finds the
// lines that hold a key. JS decodes only those lines (prefilter/index.ts, formats/lines.ts).
//
// Keys come at run time, as tables prefilter/tables.ts lays out at `tables`:
//   0..95     Teddy nibble masks: for each of the 3 bytes of an anchor, a 16-byte table indexed by
//             the byte's low nibble and one by its high nibble; lane bit b is set when bucket b has
//             an anchor whose byte has that nibble. A position whose 3 bytes pass all 6 tables for
//             a common bucket may start an anchor; few log positions do.
//   96..      PAIRS: a u16 per (byte, next byte), 1 + the first of the key entries whose anchor
//             starts with those two bytes (0: none), so a Teddy hit checks only the keys it can be.
//   then      entries of 16 bytes: key bytes' address, key length, anchor offset in the key, and
//             whether it is the last entry of its pair.
// Each hit costs at most the bytes of its pair's keys, each candidate line's end is found by one
// scan from its key that stops at its line feed: linear in the slice.

const PAIRS: usize = 96;
const ENTRIES: usize = PAIRS + (65536 << 1);
const ENTRY: usize = 16;
/** The result's header (line feeds, first and last line feed) before its records. */
const HEADER: usize = 16;
const RECORD: usize = 12;

@inline function nibbles(b: v128, lo: v128, hi: v128): v128 {
  return v128.and(i8x16.swizzle(lo, v128.and(b, i8x16.splat(0x0f))), i8x16.swizzle(hi, i8x16.shr_u(b, 4)));
}

/** Whether a key whose anchor starts at `at` lies wholly in the slice. */
@inline function holdsKey(tables: usize, input: usize, n: i32, at: i32): bool {
  const first = <usize>load<u16>(tables + PAIRS + (<usize>load<u16>(input + <usize>at) << 1));
  if (first == 0) return false;
  let e = tables + ENTRIES + (first - 1) * ENTRY;
  for (;;) {
    const len = load<i32>(e, 4);
    const s = at - load<i32>(e, 8);
    if (s >= 0 && s + len <= n && memory.compare(input + <usize>s, <usize>load<i32>(e), <usize>len) == 0) return true;
    if (load<i32>(e, 12) != 0) break;
    e += ENTRY;
  }
  return false;
}

/** The first line feed at or after `from`, or -1. */
function lineFeed(input: usize, from: i32, n: i32): i32 {
  for (let i = from; i < n; i += 16) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(input + <usize>i), i8x16.splat(10)));
    if (m != 0) {
      const at = i + ctz(m);
      return at < n ? at : -1;
    }
  }
  return -1;
}

/**
 * Scans the `n` bytes at `input` (followed by at least 48 zero bytes: the 32-byte turns load up to 34 past their start). Writes at `out` the number
 * of line feeds, the first and the last one's offset (-1: none), then per line after the first that
 * holds a key and ends in the slice: its start, its end (its line feed) and its index (the first
 * line is 0). Returns how many such lines, or -1 when the slice is not for this scan: a byte over
 * 0x7f (not ASCII: JS decodes it as UTF-8) or a CR that does not start a CRLF (JS splits on it).
 */
export function scan(tables: usize, input: usize, n: i32, out: usize): i32 {
  const lo0 = v128.load(tables), hi0 = v128.load(tables, 16);
  const lo1 = v128.load(tables, 32), hi1 = v128.load(tables, 48);
  const lo2 = v128.load(tables, 64), hi2 = v128.load(tables, 80);
  const LF = i8x16.splat(10);
  const CR = i8x16.splat(13);
  let high = i8x16.splat(0);
  let feeds = 0;
  let lineStart = 0;
  // The first line continues the line carried from the slice before: JS always passes it on.
  let lastLine = 0;
  let count = 0;
  let rec = out + HEADER;
  // 32 bytes a turn, as two 16-byte blocks whose masks are joined: one test each for CRs and for
  // anchors (both rare), and the line feeds counted without a branch on whether there are any.
  for (let i = 0; i < n; i += 32) {
    const p = input + <usize>i;
    const a0 = v128.load(p);
    const a1 = v128.load(p, 1);
    const a2 = v128.load(p, 2);
    const c0 = v128.load(p, 16);
    const c1 = v128.load(p, 17);
    const c2 = v128.load(p, 18);
    high = v128.or(high, v128.or(a0, c0));
    const nl = i8x16.bitmask(i8x16.eq(a0, LF)) | (i8x16.bitmask(i8x16.eq(c0, LF)) << 16);
    const crA = i8x16.eq(a0, CR);
    const crC = i8x16.eq(c0, CR);
    if (v128.any_true(v128.or(crA, crC))) {
      const cr = i8x16.bitmask(crA) | (i8x16.bitmask(crC) << 16);
      const lfNext = i8x16.bitmask(i8x16.eq(a1, LF)) | (i8x16.bitmask(i8x16.eq(c1, LF)) << 16);
      if ((cr & ~lfNext) != 0) return -1;
    }
    const mA = v128.and(v128.and(nibbles(a0, lo0, hi0), nibbles(a1, lo1, hi1)), nibbles(a2, lo2, hi2));
    const mC = v128.and(v128.and(nibbles(c0, lo0, hi0), nibbles(c1, lo1, hi1)), nibbles(c2, lo2, hi2));
    if (v128.any_true(v128.or(mA, mC))) {
      const zero = i8x16.splat(0);
      let hits = i8x16.bitmask(i8x16.ne(mA, zero)) | (i8x16.bitmask(i8x16.ne(mC, zero)) << 16);
      for (; hits != 0; hits &= hits - 1) {
        const k = ctz(hits);
        const at = i + k;
        if (at >= n) break;
        const before = nl & ((1 << k) - 1);
        const line = feeds + popcnt(before);
        if (line == lastLine || !holdsKey(tables, input, n, at)) continue;
        lastLine = line;
        store<i32>(rec, before != 0 ? i + 32 - clz(before) : lineStart);
        store<i32>(rec, at, 4);
        store<i32>(rec, line, 8);
        rec += RECORD;
        count++;
      }
    }
    feeds += popcnt(nl);
    lineStart = select(i + 32 - clz(nl), lineStart, nl != 0);
  }
  // The first line feed, found once rather than tested for in every block.
  const first = lineFeed(input, 0, n);
  if (i8x16.bitmask(high) != 0) return -1;
  // Candidates lie on distinct lines, in order: these scans never overlap.
  for (let r = out + HEADER; r < rec; r += RECORD) {
    const end = lineFeed(input, load<i32>(r, 4), n);
    // Only the last can be on the slice's unfinished line, which is carried (and passed) anyway.
    if (end < 0) count--;
    else store<i32>(r, end, 4);
  }
  store<i32>(out, feeds);
  store<i32>(out, first, 4);
  store<i32>(out, lineStart - 1, 8);
  return count;
}
