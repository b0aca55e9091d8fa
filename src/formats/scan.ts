// One pass over a log: each line is offered to the readers, cheapest rejection first, and the
// recognised ones become records. The only state carried from line to line is which list a
// header line opened (a dmesg MTRR dump's fixed or variable list, hvpp's lists, mtrr_cleanup's,
// a QEMU mtree address space), a /sys/firmware/memmap entry still missing lines and a line a mail
// split that the next one may continue (join.ts), so the scan can run on a stream.
import { JOIN_KEYS, type JoinState, endJoin, joinLine } from './join';
import { type Columns, placeRecord } from './columns';
import { GBHV_KEYS, endsWithTypeNumber, readGbhvMtrr } from './gbhv';
import { HVPP_KEYS, HvppList, readHvpp } from './hvpp';
import { E820_KEYS, isCutAtMem, readE820, readE820Rest } from './e820';
import { Envelope, newEnvelope, readEnvelope } from './envelope';
import { HYPERPLATFORM_KEYS, PHYSICAL_MEMORY_RANGE, readHyperPlatformRange } from './hyperplatform';
import { IOMEM_KEYS, readIomem } from './iomem';
import { KSM_KEYS, readKsm } from './ksm';
import { isMemInfoRange, readMemInfo } from './meminfo';
import { CleanupList, MTRR_CLEANUP_KEYS, readMtrrCleanup } from './mtrr-cleanup';
import { MTRR_TEXT_KEYS, MtrrBlock, readMtrrDmesg, readProcMtrr } from './mtrr-text';
import { MTREE_KEYS, MtreeSection, readMtree } from './mtree';
import type { MalformedRecord, MapRecord } from './records';
import { MemmapEntry, SYSFS_MEMMAP_KEYS, readSysfsMemmap } from './sysfs-memmap';
import { SEABIOS_KEYS, readSeabios } from './seabios';
import { XEN_KEYS, readXen } from './xen';

export interface ScanState extends JoinState {
  block: MtrrBlock;
  hvpp: HvppList;
  cleanup: CleanupList;
  mtree: MtreeSection;
  /** Replaced, never mutated: the server compares states by identity. */
  memmap: MemmapEntry | undefined;
  /**
   * The line before was an e820 entry cut at the blank after `[mem` (a mailer's word wrap:
   * Google Groups, kasan-dev 2024-10-03): this line may hold the rest, `0x…-0x…] usable`.
   */
  memOpen: boolean;
}

export const newScanState = (): ScanState => ({ block: 'none', hvpp: 'none', cleanup: 'none', mtree: 'none', memmap: undefined, memOpen: false, qp: false, held: undefined });

/**
 * No list is open and no line is held back: the next line's record (if any) depends on that line
 * alone. (QP mode is no list: a line without keys stays one after decoding.)
 */
export const isIdle = (s: ScanState): boolean =>
  s.block === 'none' && s.hvpp === 'none' && s.cleanup === 'none' && s.mtree === 'none' && s.memmap === undefined && !s.memOpen && s.held === undefined;

/**
 * The rule the stream scan's prefilter (candidates.ts) relies on: while the state is idle, a line
 * that holds none of these keys gives no record and leaves the state idle, so it may be skipped
 * without peeling its envelope. Each reader declares its own keys beside its patterns; a reader
 * that starts reading lines of another shape must add a key there (test/unit/prefilter.test.ts
 * compares the prefiltered scan with the full one on every fixture and on generated logs).
 */
export const CANDIDATE_KEYS: readonly string[] = [
  ...HYPERPLATFORM_KEYS, ...IOMEM_KEYS, ...E820_KEYS, ...MTRR_TEXT_KEYS, ...XEN_KEYS, ...MTREE_KEYS,
  ...MTRR_CLEANUP_KEYS, ...SYSFS_MEMMAP_KEYS, ...KSM_KEYS, ...GBHV_KEYS, ...HVPP_KEYS,
  ...SEABIOS_KEYS, ...JOIN_KEYS,
];

/** Lines longer than this are not memory-map lines; skipping them keeps hostile input cheap. */
const MAX_RECORD_LINE = 4096;
/** Stream readers keep at most this much of one line (a file without line breaks is not one string). */
export const MAX_LINE_KEPT = 1 << 20;

export function scanLine(text: string, line: number, state: ScanState): MapRecord | undefined {
  const open = state.memOpen;
  state.memOpen = false;
  if (text.length === 0) {
    state.block = 'none';
    state.hvpp = 'none';
    state.cleanup = 'none';
    state.mtree = 'none';
    return undefined;
  }
  if (text.length > MAX_RECORD_LINE) {
    const rec = tooLong(text, line, state);
    state.block = 'none';
    return rec;
  }
  // The rest of an entry cut at `[mem `: read on this line, where its addresses and type are.
  const rest = open ? readE820Rest(text, line, readEnvelope(text, envelope)) : undefined;
  const rec = rest ?? readAny(text, line, state);
  if (rec?.kind === 'mtrr-header') state.block = rec.enabled && rec.which !== 'all' ? rec.which : 'none';
  else if (!(rec && (rec.kind === 'mtrr-fixed' || rec.kind === 'mtrr-variable' || rec.kind === 'mtrr-disabled-slot' || isMtrrProblem(rec)))) {
    if (rec?.kind !== 'mtrr-default') state.block = 'none';
  }
  return rec;
}

/** A line of an MTRR list that could not be used: reported, and the list stays open (issue 11). */
const isMtrrProblem = (rec: MapRecord): boolean => rec.kind === 'malformed' && rec.format === 'mtrr';

/**
 * A line past MAX_RECORD_LINE is not read; when its beginning looks like a memory-map or MTRR line
 * (a range with a runaway annotation, binary junk glued to a record), say so rather than drop a
 * range silently. Only the beginning is looked at, so this stays cheap whatever the length.
 */
function tooLong(text: string, line: number, state: ScanState): MalformedRecord | undefined {
  const head = readAny(text.slice(0, MAX_RECORD_LINE), line, { ...state });
  if (!head) return undefined;
  const format = head.kind === 'range' || head.kind === 'malformed' ? head.format : head.kind.startsWith('mtrr-') ? 'mtrr' : undefined;
  if (!format) return undefined;
  return {
    kind: 'malformed',
    line,
    format,
    problems: [{
      code: 'line-too-long',
      message: `line of ${text.length >= MAX_LINE_KEPT ? 'over 1 MiB' : `${text.length.toLocaleString('en-US')} characters`}: lines over ${MAX_RECORD_LINE.toLocaleString('en-US')} characters are not read as memory-map lines, so this one is not used`,
      severity: 'warning',
      field: { start: 0, end: MAX_RECORD_LINE },
    }],
  };
}

const isHexDigit = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/**
 * Whether an iomem line can start at `i`: ` *` + a hex digit + `[0-9a-zA-Z]*` + `-`, the start of
 * iomem's pattern. Most log lines fail it within a few characters, before any substring search.
 */
function mayBeIomem(text: string, i: number): boolean {
  while (text.charCodeAt(i) === 0x20) i++;
  if (!isHexDigit(text.charCodeAt(i))) return false;
  i++;
  while (isAlnum(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 0x2d;
}

/** `MTRR fixed…`, `MTRR variable…`, `MTRR default type`, `MTRR map:`, `MTRRs disabled`, `MTRR: …`: not HyperPlatform's `MTRR Default=6`. */
function mayBeMtrrHeader(text: string, at: number): boolean {
  const c = text.charCodeAt(at + 4);
  if (c !== 0x20) return c === 0x73 /* s */ || c === 0x3a /* : */;
  const d = text.charCodeAt(at + 5);
  return d === 0x66 /* f */ || d === 0x76 /* v */ || d === 0x64 /* d */ || d === 0x6d /* m: Linux 6.x `MTRR map:` */;
}

/** One envelope, reused for every line (scanLine is synchronous and readers never keep it). */
const envelope = newEnvelope();

// The envelope is peeled once; each reader below is only asked when the message can be one of its
// records (the checks are the first thing each reader tests, done here once, so most lines are
// rejected by a few char codes).
function readAny(text: string, line: number, state: ScanState): MapRecord | undefined {
  const env = readEnvelope(text, envelope);
  const key = text.indexOf(PHYSICAL_MEMORY_RANGE, env.at);
  if (key >= 0) return isMemInfoRange(text, key) ? readMemInfo(text, line, key) : readHyperPlatformRange(text, line, env);
  if (mayBeIomem(text, env.indent)) {
    const io = readIomem(text, line, env);
    if (io) return io;
  }
  const { at } = env;
  const c = text.charCodeAt(at);
  if (c === 0x42 /* B */ || c === 0x65 /* e */ || c === 0x4c /* L */ || c === 0x58 /* X */ || c === 0x70 /* p: pci_bus root window */) {
    if (isCutAtMem(text, env)) {
      state.memOpen = true;
      return undefined;
    }
    const e = readE820(text, line, env);
    if (e) return e;
  }
  if (state.block !== 'none' || (c === 0x4d /* M */ && mayBeMtrrHeader(text, at))) {
    const m = readMtrrDmesg(text, line, at, state.block, env.end);
    if (m) return m;
  }
  if (env.xen) {
    const x = readXen(text, line, env);
    if (x) return x;
  }
  // SeaBIOS's e820 entries: `  3: …` on QEMU's debug console, `HVM4:   3: …`/`(d4)   3: …` on Xen's.
  if ((c >= 0x30 && c <= 0x39) || c === 0x48 /* H */ || c === 0x28 /* ( */) {
    const sb = readSeabios(text, line, env);
    if (sb) return sb;
  }
  if (at === env.indent && c === 0x72 /* r */) {
    const p = readProcMtrr(text, line, at, env.end);
    if (p) return p;
  }
  if ((c < 128 && LISTED_FIRST[c] === 1) || state.hvpp !== 'none' || state.mtree !== 'none' || state.cleanup !== 'none' || state.memmap || text.charCodeAt(env.end - 1) === 0x29 /* ) */) {
    return readListed(text, line, env, c, state);
  }
  return undefined;
}

/** First characters of the messages readListed can use when no list is open (a table beats a chain of compares). */
const LISTED_FIRST = new Uint8Array(128);
for (const ch of 'amFoN/k[(M') LISTED_FIRST[ch.charCodeAt(0)] = 1;

/**
 * Whether a line can be one of hvpp's: an entry ends in ` kb)`, a header in `ranges (N)`. Seven
 * lines in a hundred of a mixed log end in `)`; these few char codes reject them.
 */
function mayBeHvpp(text: string, n: number): boolean {
  if (text.charCodeAt(n - 1) !== 0x29 /* ) */) return false;
  if (text.charCodeAt(n - 2) === 0x62 /* b */) return text.charCodeAt(n - 3) === 0x6b /* k */;
  let i = n - 2;
  while (i > n - 7 && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i--;
  return i < n - 2 && text.charCodeAt(i) === 0x28 /* ( */ && text.charCodeAt(i - 2) === 0x73 /* s */;
}

/** The lines that open a part of a QEMU `info mtree` dump. */
const mayOpenMtree = (text: string, at: number, c: number): boolean =>
  (c === 0x61 /* a */ && text.startsWith('address-space: ', at)) ||
  (c === 0x6d /* m */ && text.startsWith('memory-region: ', at)) ||
  (c === 0x46 /* F */ && text.startsWith('FlatView #', at));

/**
 * The sources that come after the ones above (none of their lines can be one of theirs): QEMU
 * mtree, /sys/firmware/memmap, and the hypervisors' and mtrr_cleanup's lists. Apart from the
 * lists a header line opened, each is gated by a few char codes.
 */
function readListed(text: string, line: number, env: Envelope, c: number, state: ScanState): MapRecord | undefined {
  const { at, end } = env;
  if (state.hvpp !== 'none' || state.mtree !== 'none' || state.cleanup !== 'none' || state.memmap) return readInList(text, line, env, c, state);
  switch (c) {
    case 0x61 /* a */:
    case 0x6d /* m */:
    case 0x46 /* F */:
      return mayOpenMtree(text, at, c) ? readInList(text, line, env, c, state) : undefined;
    case 0x6f /* o */:
    case 0x4e /* N */:
      return text.startsWith('original variable MTRRs', at) || text.startsWith('New variable MTRRs', at) ? readInList(text, line, env, c, state) : undefined;
    case 0x2f /* / */:
      return text.startsWith('/sys/firmware/memmap/', at) ? readInList(text, line, env, c, state) : undefined;
    case 0x6b /* k */:
      return text.startsWith('ksm: ', at) ? readKsm(text, line, at, end) : undefined;
    // gbhv prints `[DEBUG] …`, HyperDbg `(07:04:24.042 - core : 3 …) … | …`; or the bare message.
    case 0x5b /* [ */:
    case 0x28 /* ( */:
    case 0x4d /* M */:
      if (endsWithTypeNumber(text, end)) return readGbhvMtrr(text, line, end);
      break;
    default:
      break;
  }
  return mayBeHvpp(text, end) ? readInList(text, line, env, c, state) : undefined;
}

/** A line of a list a header opened, or one that may open one. */
function readInList(text: string, line: number, env: Envelope, c: number, state: ScanState): MapRecord | undefined {
  const { at, end } = env;
  if (state.hvpp !== 'none' || mayBeHvpp(text, end)) {
    const h = readHvpp(text, line, at, state.hvpp, end);
    state.hvpp = h.list;
    if (h.record) return h.record;
  }
  if (state.mtree !== 'none' || mayOpenMtree(text, at, c)) {
    const q = readMtree(text, line, env, state.mtree);
    state.mtree = q.section;
    if (q.record) return q.record;
  }
  if (state.cleanup !== 'none' || c === 0x6f /* o */ || c === 0x4e /* N */) {
    const k = readMtrrCleanup(text, line, at, state.cleanup, end);
    state.cleanup = k.list;
    if (k.record) return k.record;
  }
  if (state.memmap || c === 0x2f /* / */) {
    const s = readSysfsMemmap(text, line, at, state.memmap, end);
    state.memmap = s.pending;
    if (s.record) return s.record;
  }
  return undefined;
}

/** Splits on CRLF, LF and lone CR, as editors do. */
export const splitLines = (text: string): string[] => text.split(/\r\n|\r|\n/);

/** Receives a record and the line it was read from (its logical line's first: where the editor keeps it). */
export type RecordSink = (record: MapRecord, line: number) => void;

/**
 * Reads physical line `line` (lines in order, each once): joins what a mail split (join.ts) and
 * scans each logical line that completes, calling `out` with its record. A line may complete none
 * (it is held back), or two (the line held before it, then itself). The one entry point of the
 * stream scan, scanText and the editor's model, so all three read a text alike.
 */
export function readLine(text: string, line: number, state: ScanState, out: RecordSink): void {
  joinLine(state, text, line, scanLogical, out);
}

/** At the end of the input (`lines` lines): reads the line still held back, if any. */
export function endLines(lines: number, state: ScanState, out: RecordSink): void {
  endJoin(state, lines, scanLogical, out);
}

function scanLogical(state: ScanState, text: string, line: number, cols: Columns | undefined, out: RecordSink): void {
  const r = scanLine(text, line, state);
  if (!r) return;
  if (cols) placeRecord(r, line, cols);
  out(r, line);
}

export function scanText(text: string): MapRecord[] {
  const state = newScanState();
  const out: MapRecord[] = [];
  const lines = splitLines(text);
  const push = (r: MapRecord): void => {
    out.push(r);
  };
  for (let i = 0; i < lines.length; i++) readLine(lines[i], i, state, push);
  endLines(lines.length, state, push);
  return out;
}
