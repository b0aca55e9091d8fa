// The key tables the WASM scan reads (their layout is described in scan.as.ts): each key gets a
// 3-byte anchor, anchors are spread over Teddy's 8 buckets, and keys are listed by the first two
// bytes of their anchor for the exact check.
import { essentialKeys, rarity } from '../candidates';

const ANCHOR = 3;
const BUCKETS = 8;
const MASKS = 96;
const PAIRS = 1 << 16;
const ENTRY = 16;

interface Key {
  bytes: number[];
  /** Where the anchor starts in the key. */
  offset: number;
  /** The anchor's bytes; a key shorter than the anchor leaves the rest any byte (undefined). */
  anchor: (number | undefined)[];
}

/**
 * The anchor: the rarest ANCHOR bytes of the key (all of a shorter one). A key may end in a line
 * break (join.ts's `=\n`), never hold one before: the anchor's first byte is before any break, so
 * the scan puts the key on that byte's line.
 */
function anchorOf(bytes: number[]): Key {
  let offset = 0;
  let best = -1;
  for (let i = 0; i + ANCHOR <= bytes.length; i++) {
    const r = bytes.slice(i, i + ANCHOR).reduce((sum, c) => sum + rarity(c), 0);
    if (r > best) {
      best = r;
      offset = i;
    }
  }
  const anchor = Array.from({ length: ANCHOR }, (_, j) => bytes[offset + j]);
  return { bytes, offset, anchor };
}

/** A guess at how often a byte occurs in log text, from its rarity class (candidates.ts). */
const FREQUENCY = [0.15, 0.03, 0.01, 0.004, 0.002];

/** A bucket's nibble sets at each anchor position, as 16-bit masks: low nibbles, high nibbles. */
type Nibbles = [lo: number, hi: number][];

/** An anchor's nibbles; an open byte (past a short key's end) has them all. */
const nibblesOf = (anchor: (number | undefined)[]): Nibbles =>
  anchor.map((c) => (c === undefined ? [0xffff, 0xffff] : [1 << (c & 15), 1 << (c >> 4)]));

const union = (x: Nibbles, y: Nibbles): Nibbles => x.map(([lo, hi], j) => [lo | y[j][0], hi | y[j][1]]);

/**
 * How often a bucket lets a position through, guessed: at each anchor position it passes every
 * byte whose low and high nibble are both in its sets.
 */
function passes(n: Nibbles): number {
  let p = 1;
  for (const [lo, hi] of n) {
    let f = 0;
    for (let c = 0; c < 0x80; c++) if (lo & (1 << (c & 15)) && hi & (1 << (c >> 4))) f += FREQUENCY[rarity(c)];
    p *= Math.min(1, f);
  }
  return p;
}

/**
 * Spreads the anchors over the buckets: each (the loosest first: a short key's open byte) goes
 * where it lets the fewest extra positions through, which keeps false hits few. Gives each
 * bucket's nibbles (none: an empty bucket).
 */
function buckets(anchors: (number | undefined)[][]): (Nibbles | undefined)[] {
  const nibbles: (Nibbles | undefined)[] = Array.from({ length: BUCKETS }, () => undefined);
  const loose = anchors.map((a) => ({ n: nibblesOf(a), p: passes(nibblesOf(a)) })).sort((x, y) => y.p - x.p);
  for (const { n } of loose) {
    let best = 0;
    let cost = Infinity;
    for (let b = 0; b < BUCKETS; b++) {
      const has = nibbles[b];
      const c = has ? passes(union(has, n)) - passes(has) : passes(n);
      if (c < cost) {
        cost = c;
        best = b;
      }
    }
    nibbles[best] = nibbles[best] ? union(nibbles[best]!, n) : n;
  }
  return nibbles;
}

const isAscii = (key: string): boolean => /^[\0-\x7f]*$/.test(key);

/**
 * The tables for `keys`, to be copied to `base` in the module's memory (the entries hold absolute
 * addresses of the key bytes). Keys outside ASCII are left out: the scan only takes ASCII slices,
 * where they cannot occur. A key the scan cannot place on one line is refused (no key is one).
 */
export function keyTables(keys: readonly string[], base: number): Uint8Array {
  const wanted = essentialKeys(keys).filter(isAscii);
  for (const k of wanted) {
    if (k.length < 2 || /[\r\n]./.test(k)) throw new Error(`prefilter: key ${JSON.stringify(k)} is shorter than 2 bytes or breaks a line before its end`);
  }
  const list = wanted.map((k) => anchorOf([...k].map((c) => c.charCodeAt(0))));
  const nibbles = buckets([...new Map(list.map((k) => [k.anchor.join(','), k.anchor])).values()]);
  const byPair = new Map<number, Key[]>();
  for (const k of list) {
    const pair = k.anchor[0]! | (k.anchor[1]! << 8);
    const same = byPair.get(pair);
    if (same) same.push(k);
    else byPair.set(pair, [k]);
  }
  const entries = [...byPair.values()].flat();
  const keyBytes = MASKS + PAIRS * 2 + entries.length * ENTRY;
  const out = new Uint8Array(keyBytes + entries.reduce((n, k) => n + k.bytes.length, 0));
  const view = new DataView(out.buffer);
  nibbles.forEach((n, b) =>
    n?.forEach(([lo, hi], j) => {
      for (let nib = 0; nib < 16; nib++) {
        if (lo & (1 << nib)) out[32 * j + nib] |= 1 << b;
        if (hi & (1 << nib)) out[32 * j + 16 + nib] |= 1 << b;
      }
    }),
  );
  let entry = 0;
  let at = keyBytes;
  for (const [pair, ks] of byPair) {
    view.setUint16(MASKS + pair * 2, entry + 1, true);
    ks.forEach((k, i) => {
      const e = MASKS + PAIRS * 2 + entry * ENTRY;
      view.setInt32(e, base + at, true);
      view.setInt32(e + 4, k.bytes.length, true);
      view.setInt32(e + 8, k.offset, true);
      view.setInt32(e + 12, i === ks.length - 1 ? 1 : 0, true);
      out.set(k.bytes, at);
      at += k.bytes.length;
      entry++;
    });
  }
  return out;
}
