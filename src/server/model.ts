// The document model: one per open document. It keeps the text as lines, the scan result of every
// line and the scan state each line starts in, so an edit re-scans only the changed lines (plus the
// following ones while the state differs from before, or holds a line a mail split). Maps are
// regrouped lazily from the (few) records; an edit that only replaced range lines by range lines
// patches the last grouping instead (regroup.ts). Pure: no LSP connection, testable in plain Node.
import type { Analysis } from '../analysis';
import { CANDIDATE_KEYS, MapDocument, MapEdit, MapRecord, MemoryMap, ScanState, endLines, groupMaps, isIdle, moveRecord, newScanState, readLine, regroupSwapped, splitLines } from '../formats';
import { KeyFinder } from '../formats/candidates';
import { KeyLines } from '../formats/key-lines';
import { BytePrefilter } from '../formats/prefilter';
import { applyManyChanges, changedLines } from './line-chunks';
import { SLICE_MS, yieldToEventLoop } from './yield';

export interface Position {
  line: number;
  character: number;
}

export interface TextChange {
  /** Absent: the whole document is replaced. */
  range?: { start: Position; end: Position };
  text: string;
}

/** Documents with more lines than this are scanned in chunks, yielding to the event loop between them. */
const CHUNK_LINES = 20_000;
/** The background scan checks the clock every SLICE_LINES lines (it yields every SLICE_MS, yield.ts). */
const SLICE_LINES = 250;
/**
 * Hints asked for during the scan also scan this many lines past the visible ones: a map that ends
 * just below them is then settled (Analysis.isSettled) and gets its hints at once, not only at the
 * refresh after the whole scan (the first screen of a big boot log had none until then). A hover
 * doesn't look ahead: its answer must come first, and it says when the map is still being read.
 */
const LOOK_AHEAD_LINES = 5_000;
/** A didChange with more changes than this is applied to the text at once and re-scanned in full. */
const MANY_CHANGES = 50;

const sameState = (a: ScanState, b: ScanState): boolean => {
  for (const k of Object.keys(a) as (keyof ScanState)[]) if (a[k] !== b[k]) return false;
  for (const k of Object.keys(b) as (keyof ScanState)[]) if (!(k in a)) return false;
  return true;
};
const copyState = (s: ScanState): ScanState => ({ ...s });

/**
 * The stream scan's prefilter rule (CANDIDATE_KEYS) and its finders, shared by all models: KeyLines
 * searches a piece of text at once, so no model holds them between calls. `bytes` is undefined
 * where WebAssembly SIMD is missing.
 */
let finders: { text: KeyFinder; bytes: BytePrefilter | undefined } | undefined;
function keyLines(textOnly: boolean): KeyLines {
  finders ??= { text: new KeyFinder(CANDIDATE_KEYS), bytes: BytePrefilter.create(CANDIDATE_KEYS) };
  return new KeyLines(finders.text, textOnly ? undefined : finders.bytes);
}

/** Splits like the editor (CRLF, LF, lone CR); the common LF-only text takes the fast path. */
function splitDocumentLines(text: string): string[] {
  return text.indexOf('\r') < 0 ? text.split('\n') : splitLines(text);
}

/**
 * Snapshots of the scan state, shared between consecutive lines while the state does not change
 * (most lines): one object per change instead of one per line.
 */
class Snapshots {
  private snap: ScanState;
  constructor(start: ScanState) {
    this.snap = start;
  }
  /** The snapshot equal to `state` (the previous one when nothing changed). */
  of(state: ScanState): ScanState {
    if (!sameState(this.snap, state)) this.snap = copyState(state);
    return this.snap;
  }
}

/** Start and end offset of every line of a text: what LineStore keeps instead of line strings. */
interface LineOffsets {
  src: Int32Array<ArrayBuffer>;
  end: Int32Array<ArrayBuffer>;
}

/**
 * The lines of a text without CRs, in one pass of indexOf (a pass to count them first cost as much
 * again on a 64 MiB log): the arrays are sized from the first 64 KiB's lines and grown as needed.
 */
function lineFeedLines(text: string): LineOffsets {
  let feeds = 0;
  const head = Math.min(text.length, 1 << 16);
  for (let p = text.indexOf('\n'); p >= 0 && p < head; p = text.indexOf('\n', p + 1)) feeds++;
  let src = new Int32Array(Math.ceil((((feeds + 1) * text.length) / Math.max(head, 1)) * 1.25) + 16);
  let end = new Int32Array(src.length);
  let l = 0;
  let start = 0;
  for (let p = text.indexOf('\n'); ; p = text.indexOf('\n', p + 1)) {
    if (l === src.length) [src, end] = [grown(src), grown(end)];
    src[l] = start;
    if (p < 0) break;
    end[l++] = p;
    start = p + 1;
  }
  end[l++] = text.length;
  return { src: src.slice(0, l), end: end.slice(0, l) };
}

const grown = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
};

/** The lines of a text with CRs, split like the editor: CRLF, LF and lone CR. */
function breakLines(text: string): LineOffsets {
  let n = 1;
  for (let p = 0; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 10 || (c === 13 && text.charCodeAt(p + 1) !== 10)) n++;
  }
  const src = new Int32Array(n);
  const end = new Int32Array(n);
  let l = 0;
  let start = 0;
  for (let p = 0; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) {
      src[l] = start;
      end[l++] = p;
      if (c === 13 && text.charCodeAt(p + 1) === 10) p++;
      start = p + 1;
    }
  }
  src[l] = start;
  end[l] = text.length;
  return { src, end };
}

/**
 * The document's lines without one string per line: the text as last set in full is kept once,
 * with the start and end offset of every line in typed arrays; lines are cut from it on demand.
 * Lines written by edits are kept as their own strings (`extra`).
 */
class LineStore {
  /** Where lines holding a key lie in `base`, when the scan is prefiltered. */
  constructor(readonly keys?: KeyLines) {}

  private base = '';
  /** >= 0: the line starts at this offset of `base`; < 0: the line is `extra[-src - 1]`. */
  private src = new Int32Array(1);
  /** End offset in `base` of a line that lies in `base` (exclusive, without the line break). */
  private end = new Int32Array(1);
  private extra: string[] = [];
  /** Lines that are `extra` strings (the rest of `extra` is garbage, compacted now and then). */
  private live = 0;
  length = 1;

  setText(text: string): void {
    const { src, end } = text.indexOf('\r') < 0 ? lineFeedLines(text) : breakLines(text);
    const n = src.length;
    this.base = text;
    this.keys?.reset(text);
    this.src = src;
    this.end = end;
    this.extra = [];
    this.live = 0;
    this.length = n;
  }

  at(i: number): string {
    const s = this.src[i];
    return s >= 0 ? this.base.slice(s, this.end[i]) : this.extra[-s - 1];
  }

  /** Replaces `removeCount` lines from `start` with `items`. */
  splice(start: number, removeCount: number, items: readonly string[]): void {
    for (let i = start; i < start + removeCount; i++) if (this.src[i] < 0) this.live--;
    const n = this.length - removeCount + items.length;
    let src = this.src;
    let end = this.end;
    if (n !== this.length) {
      src = new Int32Array(n);
      end = new Int32Array(n);
      src.set(this.src.subarray(0, start));
      end.set(this.end.subarray(0, start));
      src.set(this.src.subarray(start + removeCount, this.length), start + items.length);
      end.set(this.end.subarray(start + removeCount, this.length), start + items.length);
    }
    for (let k = 0; k < items.length; k++) {
      this.extra.push(items[k]);
      src[start + k] = -this.extra.length;
      end[start + k] = 0;
    }
    this.live += items.length;
    this.src = src;
    this.end = end;
    this.length = n;
    if (this.extra.length > 1024 && this.extra.length > 2 * this.live) this.compact();
  }

  /** Drops the `extra` strings no line refers to any more. */
  private compact(): void {
    const extra: string[] = [];
    const src = this.src;
    for (let i = 0; i < this.length; i++) {
      const s = src[i];
      if (s < 0) {
        extra.push(this.extra[-s - 1]);
        src[i] = -extra.length;
      }
    }
    this.extra = extra;
    this.live = extra.length;
  }

  /**
   * The first line in [i, to) that may hold a key (`to` when none does): a line cut from `base`
   * is passed over when the next key line `keys` finds in `base` lies after its line break. Lines
   * written by edits, and a line with no break after it in `base` (its `=\n` could not be seen),
   * are always read. Lines of `base` that edits removed may be searched too: a key there only
   * makes the next line be read, which is always safe.
   */
  nextKeyLine(i: number, to: number): number {
    const src = this.src;
    if (src[i] < 0) return i;
    const k = this.keys!.next(src[i]);
    const at = k < 0 ? Infinity : k;
    const end = this.end;
    const n = this.base.length;
    while (i < to && src[i] >= 0 && end[i] < at && end[i] < n) i++;
    return i;
  }

  join(): string {
    const parts: string[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) parts[i] = this.at(i);
    return parts.join('\n');
  }
}

export class DocumentModel {
  private readonly store: LineStore;
  /** Scan result per line (undefined: nothing recognised, or not scanned yet). */
  private recs: (MapRecord | undefined)[] = [];
  /** Scan state each line starts in. */
  private before: ScanState[] = [];
  /** Lines [0, scanned) are scanned; the rest waits for `scanSome`. */
  private scanned = 0;
  /** Bumps whenever records change or move: derived data keyed on it is stale. */
  structure = 0;
  private grouped?: { structure: number; scanned: number; doc: MapDocument; records: MapRecord[]; edits?: Map<MemoryMap, MapEdit> };
  /**
   * Since the last grouping of the whole document: the record each line had then, for every line
   * whose slot was written (undefined: lines moved or the text was replaced, regroup in full).
   */
  private swapped?: Map<number, MapRecord | undefined>;
  /** Set when `put` stored a record (readAt's answer). */
  private stored = false;
  /** Where readLine's records go: the slot of the line each was read from. */
  private readonly put = (r: MapRecord, line: number): void => {
    this.keepOld(line);
    this.recs[line] = r;
    this.stored = true;
  };

  /** Remembers the record of `line` as the last grouping saw it, before its slot is written. */
  private keepOld(line: number, old = this.recs[line]): void {
    if (this.swapped && !this.swapped.has(line)) this.swapped.set(line, old);
  }

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
    /** Scan everything now (tests); otherwise large documents are scanned by `scanSome`. */
    eager = true,
    /** Read every line, without the prefilter (the reference it is tested against). */
    everyLine = false,
    /** Prefilter with KeyFinder only, as where WebAssembly SIMD is missing (tests). */
    textPrefilter = false,
  ) {
    this.store = new LineStore(everyLine ? undefined : keyLines(textPrefilter));
    this.setText(text, eager);
  }

  get lineCount(): number {
    return this.store.length;
  }

  /** The text of one line (each line is cut from the text when read); '' past the end. */
  lineAt(line: number): string {
    return line >= 0 && line < this.store.length ? this.store.at(line) : '';
  }

  get complete(): boolean {
    return this.scanned >= this.store.length;
  }

  /** Fraction scanned, for progress. */
  get progress(): number {
    return this.store.length === 0 ? 1 : this.scanned / this.store.length;
  }

  getText(): string {
    return this.store.join();
  }

  /** Characters of the text as last set in full (an estimate of the document's size). */
  byteSize = 0;

  private setText(text: string, eager: boolean): void {
    this.byteSize = text.length;
    this.store.setText(text);
    this.restart(eager);
  }

  /** Forgets every record: the text is scanned again from its first line. */
  private restart(eager: boolean): void {
    this.recs = new Array(this.store.length);
    this.before = new Array(this.store.length);
    this.before[0] = newScanState();
    this.scanned = 0;
    this.structure++;
    this.swapped = undefined;
    if (eager || this.store.length <= CHUNK_LINES) this.scanSome(Infinity);
  }

  /** Scans up to `max` more lines; returns true when the whole document is scanned. */
  scanSome(max = CHUNK_LINES): boolean {
    const end = Math.min(this.store.length, this.scanned + max);
    if (this.scanned >= end) return this.complete;
    const first = this.before[this.scanned] ?? newScanState();
    const snaps = new Snapshots(first);
    const state = copyState(first);
    const store = this.store;
    const before = this.before;
    // While the state is idle, lines without a key give no record and leave it idle (CANDIDATE_KEYS):
    // they share the snapshot and are not read, as in the stream scan.
    const prefilter = store.keys !== undefined;
    for (let i = this.scanned; i < end; ) {
      if (prefilter && isIdle(state)) {
        const next = store.nextKeyLine(i, end);
        if (next > i) {
          this.skipLines(i, next, snaps.of(state));
          i = next;
          continue;
        }
      }
      before[i] = snaps.of(state);
      this.readAt(i, state);
      i++;
    }
    if (end < store.length) before[end] = snaps.of(state);
    else endLines(end, state, this.put);
    this.scanned = end; // maps() sees the scan move on by `scanned`, not by `structure`
    return this.complete;
  }

  /**
   * Reads line `i` in `state` (the state it starts in). It decides the record of its own slot and,
   * when `state` holds a line a mail split (join.ts), that line's: the joined record is kept on the
   * line it starts on, so an edit below may change a record above. Returns whether a record was
   * there or is now.
   */
  private readAt(i: number, state: ScanState): boolean {
    const recs = this.recs;
    let had = recs[i] !== undefined;
    this.keepOld(i);
    recs[i] = undefined;
    if (state.held) {
      const f = i - state.held.parts.length;
      had ||= recs[f] !== undefined;
      this.keepOld(f);
      recs[f] = undefined;
    }
    this.stored = false;
    readLine(this.store.at(i), i, state, this.put);
    return had || this.stored;
  }

  /** Lines [from, to) start in `snap` and have no record, as readAt would leave them. */
  private skipLines(from: number, to: number, snap: ScanState): void {
    const recs = this.recs;
    const before = this.before;
    for (let i = from; i < to; i++) {
      before[i] = snap;
      if (recs[i] !== undefined || this.swapped) {
        this.keepOld(i);
        recs[i] = undefined;
      }
    }
  }

  /** Scans synchronously until `line` is scanned (or the end). */
  scanTo(line: number): void {
    if (line >= this.scanned) this.scanSome(line + 1 - this.scanned);
  }

  /** Scans synchronously through `line` and LOOK_AHEAD_LINES past it: what hints for lines up to `line` need. */
  scanFor(line: number): void {
    this.scanTo(Math.min(line + LOOK_AHEAD_LINES, this.store.length - 1));
  }

  /** Lines [0, scannedLines) are scanned. */
  get scannedLines(): number {
    return this.scanned;
  }

  /**
   * Scans the rest of the document, yielding to the event loop every `sliceMs` so requests are
   * served in between (a fixed 20k-line chunk held them up to ~100 ms on loaded machines).
   * `shouldStop` aborts (document closed).
   */
  async scanAll(shouldStop: () => boolean = () => false, sliceMs = SLICE_MS): Promise<void> {
    while (!this.complete) {
      if (shouldStop()) return;
      const t0 = performance.now();
      do this.scanSome(SLICE_LINES);
      while (!this.complete && performance.now() - t0 < sliceMs);
      if (!this.complete) await yieldToEventLoop();
    }
  }

  /** Applies LSP content changes in order (incremental or full). */
  applyChanges(changes: readonly TextChange[], version: number): void {
    if (changes.length > MANY_CHANGES) {
      // Replace All and the like: the text first, then one scan of it (incremental re-scans would
      // each walk the records after the edit). Changes within lines keep the line count, and each
      // is one line of the store; others are applied to the lines in chunks (line-chunks.ts),
      // since each would splice the whole store.
      const store = this.store;
      if (changes.every(withinLine)) {
        for (const c of changes) {
          const { start, count, lines } = changedLines(c.range!, c.text, store.length, (i) => store.at(i), splitDocumentLines);
          store.splice(start, count, lines);
        }
      } else {
        const text = applyManyChanges(store.length, (i) => store.at(i), changes, splitDocumentLines);
        this.byteSize = text.length;
        store.setText(text);
      }
      this.restart(false);
    } else {
      for (const c of changes) this.applyChange(c);
    }
    this.version = version;
  }

  applyChange(change: TextChange): void {
    if (!change.range) {
      this.setText(change.text, false);
      return;
    }
    const { start: sl, count: removed, lines: inserted } = changedLines(change.range, change.text, this.store.length, (i) => this.store.at(i), splitDocumentLines);
    const el = sl + removed - 1;
    const delta = inserted.length - removed;
    const oldScanned = this.scanned;
    const oldRecs = this.recs.slice(sl, el + 1);
    const firstState = this.before[sl];
    if (delta !== 0) this.swapped = undefined;
    else for (let k = 0; k < removed; k++) this.keepOld(sl + k, oldRecs[k]);
    this.store.splice(sl, removed, inserted);
    this.recs = splice(this.recs, sl, removed, new Array<MapRecord | undefined>(inserted.length));
    this.before = splice(this.before, sl, removed, new Array<ScanState>(inserted.length));
    let changedRecords = delta !== 0 || oldRecs.some((r) => r !== undefined);
    const lastNew = sl + inserted.length - 1;
    if (delta !== 0) {
      // Records after the edit keep their objects; only their line numbers move.
      for (let i = lastNew + 1; i < this.recs.length; i++) {
        const r = this.recs[i];
        if (r) moveRecord(r, delta);
      }
    }
    if (sl >= oldScanned) {
      // The edit lies in the part not scanned yet: only the bookkeeping moves.
      if (sl === oldScanned && firstState) this.before[sl] = firstState;
      if (changedRecords) this.structure++;
      return;
    }
    this.scanned = el < oldScanned ? oldScanned + delta : lastNew + 1;
    // Re-scan the new lines, starting in the state the first of them had.
    const entry = firstState ?? newScanState();
    const snaps = new Snapshots(entry);
    const state = copyState(entry);
    for (let i = sl; i <= lastNew; i++) {
      this.before[i] = snaps.of(state);
      if (this.readAt(i, state)) changedRecords = true;
    }
    // Then the following lines while the state they start in differs from before, or holds a line
    // (whose record the next lines decide, and the read just cleared).
    let i = lastNew + 1;
    for (; i < this.scanned; i++) {
      const old = this.before[i];
      if (old && state.held === undefined && sameState(old, state)) break;
      this.before[i] = snaps.of(state);
      if (this.readAt(i, state)) changedRecords = true;
    }
    if (i === this.scanned) {
      if (i < this.store.length) this.before[i] = snaps.of(state);
      else if (state.held) {
        endLines(i, state, this.put);
        changedRecords = true;
      }
    }
    if (changedRecords) this.structure++;
  }

  /** The record of one line (undefined when none or not scanned yet). */
  recordAt(line: number): MapRecord | undefined {
    return this.recs[line];
  }

  /**
   * All records in line order, and the maps grouped from them (cached until the structure changes
   * or the scan moves on). While the background scan runs, a request about a line the last grouping
   * covers (`reach`) reuses it: regrouping the growing scanned part for every hover made each one
   * cost all of it. Its maps but the last are settled (Analysis.isSettled), and what was answered
   * during the scan is refreshed when it ends.
   */
  maps(reach?: number): { doc: MapDocument; records: MapRecord[] } {
    const g = this.grouped;
    if (g && g.structure === this.structure && (g.scanned === this.scanned || (reach !== undefined && !this.complete && reach < g.scanned))) return g;
    if (g && this.swapped && this.complete && g.scanned === this.scanned) {
      const swaps = [...this.swapped].map(([line, old]) => ({ old, now: this.recs[line] }));
      const patched = regroupSwapped(g, swaps);
      this.swapped = new Map();
      if (patched) {
        this.grouped = { structure: this.structure, scanned: this.scanned, ...patched };
        return this.grouped;
      }
    }
    const records: MapRecord[] = [];
    const recs = this.recs;
    for (let i = 0; i < this.scanned; i++) {
      const r = recs[i];
      if (r !== undefined) records.push(r);
    }
    this.grouped = { structure: this.structure, scanned: this.scanned, doc: groupMaps(records), records };
    this.swapped = this.complete ? new Map() : undefined;
    return this.grouped;
  }

  /** How a map of the current grouping came from one of the previous grouping (an edit of its range lines), if it did. */
  editOf(map: MemoryMap): MapEdit | undefined {
    return this.grouped?.edits?.get(map);
  }
}

const withinLine = (c: TextChange): boolean => c.range !== undefined && c.range.start.line === c.range.end.line && !/[\r\n]/.test(c.text);

/** Array splice that also works for millions of items (no argument spreading). */
function splice<T>(arr: T[], start: number, removeCount: number, items: T[]): T[] {
  if (items.length < 10_000) {
    arr.splice(start, removeCount, ...items);
    return arr;
  }
  return arr.slice(0, start).concat(items, arr.slice(start + removeCount));
}

/** The analysis of an open document. */
export type DocAnalysis = Analysis<DocumentModel>;
