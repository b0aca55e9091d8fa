// The stream scan's prefilter: where the next line holding one of the readers' keys lies in a
// piece of text, found with String.prototype.indexOf (native, memchr-based) instead of peeling
// every line's envelope. Most lines of a big log hold no key; they are only counted.
//
// Each key is searched by a short window starting at a rare character of it (indexOf runs memchr
// on the window's first character, so a rare one is skipped to fast), keys that hold another key's
// window share its search, and every hit is verified against the whole key. Each window's search
// only moves forward through a piece, so a piece costs one pass per window: linear in its length.

/**
 * How rare a character is in log text: blanks, then the common lowercase letters, digits and
 * `:.-_,[]`, then the rarer lowercase letters, uppercase, anything else.
 */
export function rarity(c: number): number {
  if (c === 0x20 || c === 0x09) return 0;
  if (c >= 0x61 && c <= 0x7a) return COMMON_LOWER.includes(c) ? 1 : 2;
  if (c >= 0x30 && c <= 0x39) return 1;
  if (c === 0x3a || c === 0x2e || c === 0x2d || c === 0x5f || c === 0x2c || c === 0x5b || c === 0x5d) return 1;
  if (c >= 0x41 && c <= 0x5a) return 3;
  return 4;
}

const COMMON_LOWER = [...'etaoinsrhldc'].map((c) => c.charCodeAt(0));

const WINDOW = 4;

/** The keys worth searching: a key that holds another key is found through that one (same line). */
export const essentialKeys = (keys: readonly string[]): string[] =>
  [...new Set(keys.filter((k) => k.length > 0 && !keys.some((o) => o !== k && o.length < k.length && k.includes(o))))];

/** The key's own window: WINDOW characters from its rarest character that leaves at least 3, else from its first non-blank. */
function ownWindow(key: string): string {
  let best = -1;
  let bestRarity = 0;
  for (let i = 0; i + 3 <= key.length; i++) {
    const r = rarity(key.charCodeAt(i));
    if (r > bestRarity) {
      best = i;
      bestRarity = r;
    }
  }
  if (best < 0) best = Math.max(0, key.search(/[^ \t]/));
  return key.slice(best, best + WINDOW);
}

interface Entry {
  key: string;
  /** Where the window lies in the key. */
  offset: number;
}

interface Group {
  window: string;
  /** Entries whose key has this character just before the window (a cheap first test), by char code. */
  byBefore: Map<number, Entry[]>;
  /** Entries whose key starts with the window. */
  atStart: Entry[];
  /** Next raw occurrence of the window at or after `searched`, or -1 for none in this piece. */
  hit: number;
  /** Next verified key start at or after the caller's position, or -1; valid while `hit` is. */
  found: number;
}

export class KeyFinder {
  private readonly groups: Group[];
  private text = '';

  constructor(keys: readonly string[]) {
    const wanted = essentialKeys(keys);
    const own = [...new Set(wanted.map(ownWindow))];
    const byWindow = new Map<string, Entry[]>();
    for (const key of wanted) {
      // A key that holds a window other keys need anyway is found by that search: fewer passes.
      const shared = own.filter((w) => key.includes(w));
      shared.sort((a, b) => wanted.filter((k) => k.includes(b)).length - wanted.filter((k) => k.includes(a)).length);
      const window = shared[0];
      const list = byWindow.get(window) ?? [];
      list.push({ key, offset: key.indexOf(window) });
      byWindow.set(window, list);
    }
    this.groups = [...byWindow].map(([window, entries]) => {
      const byBefore = new Map<number, Entry[]>();
      const atStart: Entry[] = [];
      for (const e of entries) {
        if (e.offset === 0) atStart.push(e);
        else {
          const c = e.key.charCodeAt(e.offset - 1);
          byBefore.set(c, [...(byBefore.get(c) ?? []), e]);
        }
      }
      return { window, byBefore, atStart, hit: -1, found: -1 };
    });
  }

  /** The windows searched, one pass each (for tests and the benchmark's notes). */
  get windows(): string[] {
    return this.groups.map((g) => g.window);
  }

  /** Starts on a new piece of text. */
  reset(text: string): void {
    this.text = text;
    for (const g of this.groups) {
      g.hit = text.indexOf(g.window);
      g.found = -2;
    }
  }

  /**
   * Start of the first key occurrence at or after `from` in the piece, or -1. `from` must not
   * decrease between calls on one piece.
   */
  next(from: number): number {
    let best = -1;
    for (const g of this.groups) {
      if (g.found === -2 || (g.found >= 0 && g.found < from)) this.advance(g, from);
      if (g.found >= 0 && (best < 0 || g.found < best)) best = g.found;
    }
    return best;
  }

  /** Moves the group to its first verified key starting at or after `from`. */
  private advance(g: Group, from: number): void {
    const t = this.text;
    let h = g.hit;
    if (h >= 0 && h < from) h = t.indexOf(g.window, from);
    while (h >= 0) {
      const start = this.verify(g, h, from);
      if (start >= 0) {
        g.hit = h;
        g.found = start;
        return;
      }
      h = t.indexOf(g.window, h + 1);
    }
    g.hit = -1;
    g.found = -1;
  }

  /** Start of a key of the group whose window is the hit at `h`, at or after `from`; -1 if none. */
  private verify(g: Group, h: number, from: number): number {
    const t = this.text;
    // A key found at this hit starts on the hit's line (a key holds no line break but may end
    // with one: join.ts's `=\n`), so any one will do.
    const before = g.byBefore.get(t.charCodeAt(h - 1));
    if (before) {
      for (const e of before) {
        const s = h - e.offset;
        if (s >= from && t.startsWith(e.key, s)) return s;
      }
    }
    if (h >= from) for (const e of g.atStart) if (t.startsWith(e.key, h)) return h;
    return -1;
  }
}
