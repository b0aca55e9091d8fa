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
 * The anchor: the rarest ANCHOR bytes of the key that the scan can place on the key's line. A key
 * may end in a line break (join.ts's `=\n`), so the anchor starts before it: the bytes from the
 * key's start to the anchor's first byte hold no break, and the line of that byte is the key's.
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

/**
 * How often a bucket's nibble tables would let a position through, guessed: each anchor position
 * passes every byte whose low and high nibble some anchor of the bucket has there.
 */
function passes(anchors: (number | undefined)[][]): number {
  let p = 1;
  for (let j = 0; j < ANCHOR; j++) {
    const lo = new Set<number>();
    const hi = new Set<number>();
    for (const a of anchors) {
      const c = a[j];
      for (let nib = 0; nib < 16; nib++) {
        if (c === undefined || (c & 15) === nib) lo.add(nib);
        if (c === undefined || c >> 4 === nib) hi.add(nib);
      }
    }
    let f = 0;
    for (const h of hi) for (const l of lo) f += ((h << 4) | l) > 0x7f ? 0 : FREQUENCY[rarity((h << 4) | l)];
    p *= Math.min(1, f);
  }
  return p;
}

/**
 * Spreads the anchors over the buckets: each (the loosest first: a short key's open byte) goes
 * where it lets the fewest extra byte triples through, which keeps false hits few.
 */
function buckets(anchors: (number | undefined)[][]): Map<string, number> {
  const into: (number | undefined)[][][] = Array.from({ length: BUCKETS }, () => []);
  const out = new Map<string, number>();
  for (const a of [...anchors].sort((x, y) => passes([y]) - passes([x]))) {
    let best = 0;
    let cost = Infinity;
    for (let b = 0; b < BUCKETS; b++) {
      const c = passes([...into[b], a]) - (into[b].length ? passes(into[b]) : 0);
      if (c < cost) {
        cost = c;
        best = b;
      }
    }
    into[best].push(a);
    out.set(a.join(','), best);
  }
  return out;
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
  const bucketOf = buckets([...new Set(list.map((k) => k.anchor.join(',')))].map((a) => a.split(',').map((c) => (c === '' ? undefined : Number(c)))));
  const byPair = new Map<number, Key[]>();
  for (const k of list) {
    const pair = k.anchor[0]! | (k.anchor[1]! << 8);
    byPair.set(pair, [...(byPair.get(pair) ?? []), k]);
  }
  const entries = [...byPair.values()].flat();
  const keyBytes = MASKS + PAIRS * 2 + entries.length * ENTRY;
  const out = new Uint8Array(keyBytes + entries.reduce((n, k) => n + k.bytes.length, 0));
  const view = new DataView(out.buffer);
  for (const k of list) {
    const bit = 1 << bucketOf.get(k.anchor.join(','))!;
    k.anchor.forEach((c, j) => {
      for (let nib = 0; nib < 16; nib++) {
        if (c === undefined || (c & 15) === nib) out[32 * j + nib] |= bit;
        if (c === undefined || c >> 4 === nib) out[32 * j + 16 + nib] |= bit;
      }
    });
  }
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
