// The document model: one per open document. It keeps the text as lines, the scan result of every
// line and the scan state each line starts in, so an edit re-scans only the changed lines (plus the
// following ones while the MTRR-block state differs from before). Maps are regrouped lazily from
// the (few) records. Pure: no LSP connection, testable in plain Node.
import { MapDocument, MapRecord, ScanState, groupMaps, newScanState, scanLine, splitLines } from '../formats';

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
export const CHUNK_LINES = 20_000;
/** A didChange with more changes than this on a large document is re-scanned in full. */
export const MANY_CHANGES = 50;

const sameState = (a: ScanState, b: ScanState): boolean => {
  for (const k of Object.keys(a) as (keyof ScanState)[]) if (a[k] !== b[k]) return false;
  for (const k of Object.keys(b) as (keyof ScanState)[]) if (!(k in a)) return false;
  return true;
};
const copyState = (s: ScanState): ScanState => ({ ...s });

/** Splits like the editor (CRLF, LF, lone CR); the common LF-only text takes the fast path. */
export function splitDocumentLines(text: string): string[] {
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

export class DocumentModel {
  lines: string[] = [];
  /** Scan result per line (undefined: nothing recognised, or not scanned yet). */
  private recs: (MapRecord | undefined)[] = [];
  /** Scan state each line starts in. */
  private before: ScanState[] = [];
  /** Lines [0, scanned) are scanned; the rest waits for `scanSome`. */
  private scanned = 0;
  /** Bumps whenever records change or move: derived data keyed on it is stale. */
  structure = 0;
  private grouped?: { structure: number; doc: MapDocument; records: MapRecord[] };

  constructor(
    readonly uri: string,
    public version: number,
    text: string,
    /** Scan everything now (tests); otherwise large documents are scanned by `scanSome`. */
    eager = true,
  ) {
    this.setText(text, eager);
  }

  get lineCount(): number {
    return this.lines.length;
  }

  get complete(): boolean {
    return this.scanned >= this.lines.length;
  }

  /** Fraction scanned, for progress. */
  get progress(): number {
    return this.lines.length === 0 ? 1 : this.scanned / this.lines.length;
  }

  getText(): string {
    return this.lines.join('\n');
  }

  /** Characters of the text as last set in full (an estimate of the document's size). */
  byteSize = 0;

  private setText(text: string, eager: boolean): void {
    this.byteSize = text.length;
    this.lines = splitDocumentLines(text);
    this.recs = new Array(this.lines.length);
    this.before = new Array(this.lines.length);
    this.before[0] = newScanState();
    this.scanned = 0;
    this.structure++;
    if (eager || this.lines.length <= CHUNK_LINES) this.scanSome(Infinity);
  }

  /** Scans up to `max` more lines; returns true when the whole document is scanned. */
  scanSome(max = CHUNK_LINES): boolean {
    const end = Math.min(this.lines.length, this.scanned + max);
    if (this.scanned >= end) return this.complete;
    const first = this.before[this.scanned] ?? newScanState();
    const snaps = new Snapshots(first);
    const state = copyState(first);
    const lines = this.lines;
    const recs = this.recs;
    const before = this.before;
    for (let i = this.scanned; i < end; i++) {
      before[i] = snaps.of(state);
      recs[i] = scanLine(lines[i], i, state);
    }
    if (end < lines.length) before[end] = snaps.of(state);
    this.scanned = end;
    this.structure++;
    return this.complete;
  }

  /** Scans synchronously until `line` is scanned (or the end). */
  scanTo(line: number): void {
    if (line >= this.scanned) this.scanSome(line + 1 - this.scanned);
  }

  /** Lines [0, scannedLines) are scanned. */
  get scannedLines(): number {
    return this.scanned;
  }

  /** Scans the rest of the document, yielding between chunks. `shouldStop` aborts (document closed). */
  async scanAll(shouldStop: () => boolean = () => false): Promise<void> {
    while (!this.complete) {
      if (shouldStop()) return;
      this.scanSome();
      if (!this.complete) await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Applies LSP content changes in order (incremental or full). */
  applyChanges(changes: readonly TextChange[], version: number): void {
    if (changes.length > MANY_CHANGES && this.lines.length > CHUNK_LINES) {
      // Replace-all and the like: splice the text only, then re-scan once (incremental re-scans
      // would each walk the records after the edit).
      for (const c of changes) {
        if (!c.range) this.lines = splitDocumentLines(c.text);
        else this.spliceText(c.range, c.text);
      }
      this.recs = new Array(this.lines.length);
      this.before = new Array(this.lines.length);
      this.before[0] = newScanState();
      this.scanned = 0;
      this.structure++;
    } else {
      for (const c of changes) this.applyChange(c);
    }
    this.version = version;
  }

  /** Applies one change to the lines alone (records are rebuilt by a full re-scan). */
  private spliceText(range: NonNullable<TextChange['range']>, text: string): void {
    const { start, end } = range;
    const n = this.lines.length;
    const sl = clamp(start.line, 0, n - 1);
    const el = clamp(end.line, sl, n - 1);
    const inserted = splitDocumentLines(text);
    inserted[0] = this.lines[sl].slice(0, clamp(start.character, 0, this.lines[sl].length)) + inserted[0];
    inserted[inserted.length - 1] += this.lines[el].slice(clamp(end.character, 0, this.lines[el].length));
    this.lines = splice(this.lines, sl, el - sl + 1, inserted);
  }

  applyChange(change: TextChange): void {
    if (!change.range) {
      this.setText(change.text, false);
      return;
    }
    const { start, end } = change.range;
    const n = this.lines.length;
    const sl = clamp(start.line, 0, n - 1);
    const el = clamp(end.line, sl, n - 1);
    const head = this.lines[sl].slice(0, clamp(start.character, 0, this.lines[sl].length));
    const tail = this.lines[el].slice(clamp(end.character, 0, this.lines[el].length));
    const inserted = splitDocumentLines(change.text);
    inserted[0] = head + inserted[0];
    inserted[inserted.length - 1] += tail;
    const removed = el - sl + 1;
    const delta = inserted.length - removed;
    const oldScanned = this.scanned;
    const oldRecs = this.recs.slice(sl, el + 1);
    const firstState = this.before[sl];
    this.lines = splice(this.lines, sl, removed, inserted);
    this.recs = splice(this.recs, sl, removed, new Array<MapRecord | undefined>(inserted.length));
    this.before = splice(this.before, sl, removed, new Array<ScanState>(inserted.length));
    let changedRecords = delta !== 0 || oldRecs.some((r) => r !== undefined);
    const lastNew = sl + inserted.length - 1;
    if (delta !== 0) {
      // Records after the edit keep their objects; only their line numbers move.
      for (let i = lastNew + 1; i < this.recs.length; i++) {
        const r = this.recs[i];
        if (r) r.line += delta;
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
      const r = scanLine(this.lines[i], i, state);
      this.recs[i] = r;
      if (r) changedRecords = true;
    }
    // Then the following lines while the state they start in differs from before.
    let i = lastNew + 1;
    for (; i < this.scanned; i++) {
      const old = this.before[i];
      if (old && sameState(old, state)) break;
      this.before[i] = snaps.of(state);
      const prev = this.recs[i];
      const r = scanLine(this.lines[i], i, state);
      this.recs[i] = r;
      if (r || prev) changedRecords = true;
    }
    if (i === this.scanned && i < this.lines.length) this.before[i] = snaps.of(state);
    if (changedRecords) this.structure++;
  }

  /** The record of one line (undefined when none or not scanned yet). */
  recordAt(line: number): MapRecord | undefined {
    return this.recs[line];
  }

  /** All records in line order, and the maps grouped from them (cached until the structure changes). */
  maps(): { doc: MapDocument; records: MapRecord[] } {
    if (this.grouped?.structure === this.structure) return this.grouped;
    const records: MapRecord[] = [];
    const recs = this.recs;
    for (let i = 0; i < this.scanned; i++) {
      const r = recs[i];
      if (r !== undefined) records.push(r);
    }
    this.grouped = { structure: this.structure, doc: groupMaps(records), records };
    return this.grouped;
  }
}

/** Array splice that also works for millions of items (no argument spreading). */
function splice<T>(arr: T[], start: number, removeCount: number, items: T[]): T[] {
  if (items.length < 10_000) {
    arr.splice(start, removeCount, ...items);
    return arr;
  }
  return arr.slice(0, start).concat(items, arr.slice(start + removeCount));
}

function clamp(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}
