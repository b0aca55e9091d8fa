// "Plan Log File…": scans a log given as a stream of byte chunks (a file streamed from disk by the
// Node host, or bytes the client read through vscode.workspace.fs), groups the maps, folds the
// identical ones (a log of a thousand boots of one machine holds one map a thousand times) and
// renders a summary, the folded map list and the plan of every distinct map, as Markdown and, when
// the client sends a nonce, as a page (src/report/planfile-page.ts). Progress covers both phases,
// scanning and planning, up to 100%; stops when cancelled.
import type { MapRecord, MemoryMap } from '../formats';
import { LATE_START_HEAD, groupMaps, lateStart, lateStartNote } from '../formats';
import { type MapPlan, errorNotes, foldMaps, gapLineOf, isUsable, mapTitle, planMap, ramLineOf, scanStream } from '../analysis';
import { planToMarkdown } from '../planner/export/markdown';
import { formatCount } from '../planner/units';
import type { PlanFileResult } from '../protocol/requests';
import { type PlanFileEntry, entryName, renderPlanFilePage } from '../report/planfile-page';
import { Cancelled } from './errors';
import type { Settings } from './settings';
import { SLICE_MS, yieldToEventLoop } from './yield';

interface PlanSource {
  uri: string;
  chunks: AsyncIterable<Uint8Array>;
  /** Bytes in all, for progress. */
  total: number;
}

/** One progress step: how far the whole request is, and what it is doing. */
export interface ProgressStep {
  percentage: number;
  message: string;
  /** The last step (always sent, not throttled). */
  final?: boolean;
}

export type Progress = (step: ProgressStep) => void;

/** The share of the bar scanning takes; planning and rendering the distinct maps take the rest. */
const SCAN_SHARE = 90;
/** Most line numbers a folded entry lists in the Markdown (the page lists them all, folded). */
const MARKDOWN_LINES = 100;

/** Chunks of at most `size` bytes of `bytes`, so progress and cancellation work on bytes in memory too. */
export async function* slices(bytes: Uint8Array, size = 1 << 20): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** What the page needs: a fresh nonce and the webview's cspSource (PlanFileParams). */
export interface PageOptions {
  nonce: string;
  cspSource: string;
}

const MiB = (n: number): string => (n / 2 ** 20).toFixed(n < 10 * 2 ** 20 ? 1 : 0);

/** Why a map is not planned, or undefined when it is (the CLI's rule: no usable address, no plan). */
function notPlanned(map: MemoryMap): string | undefined {
  if (isUsable(map)) return undefined;
  return `Not planned: ${errorNotes(map) || 'this map holds no usable range line'}.`;
}

export async function planChunks(
  source: PlanSource,
  settings: Settings,
  onProgress: Progress = () => undefined,
  isCancelled: () => boolean = () => false,
  pageOptions?: PageOptions,
): Promise<PlanFileResult> {
  const t0 = Date.now();
  const { uri, total } = source;
  const stop = (): void => {
    if (isCancelled()) throw new Cancelled('cancelled');
  };
  const records: MapRecord[] = [];
  let boots = 0;
  stop();
  // The file's first bytes, kept for the no-map message (a dmesg that starts after boot).
  const head = new Uint8Array(LATE_START_HEAD);
  let headBytes = 0;
  async function* keepHead(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const c of chunks) {
      if (headBytes < head.length) {
        const n = Math.min(c.length, head.length - headBytes);
        head.set(c.subarray(0, n), headBytes);
        headBytes += n;
      }
      yield c;
    }
  }
  const scanned = await scanStream(keepHead(source.chunks), {
    onRecord: (r) => {
      if (r.kind === 'boundary' && r.reason.startsWith('Linux version')) boots++;
      records.push(r);
    },
    afterChunk: async (bytes) => {
      const mbs = bytes / 2 ** 20 / Math.max(0.001, (Date.now() - t0) / 1000);
      onProgress({ percentage: total ? Math.min(SCAN_SHARE, Math.floor((bytes / total) * SCAN_SHARE)) : 0, message: `scanning: ${MiB(bytes)} of ${MiB(total)} MiB, ${mbs.toFixed(0)} MB/s` });
      stop();
      // Let other requests through between chunks.
      await yieldToEventLoop();
    },
  });
  const scanMs = Date.now() - t0;

  const href = uri.replace(/#.*$/, '');
  const name = decodeURIComponent(href.split(/[\\/]/).pop() ?? href);
  onProgress({ percentage: SCAN_SHARE, message: `grouping ${formatCount(scanned.lines)} lines into maps` });
  const doc = groupMaps(records);
  records.length = 0;
  const groups = foldMaps(doc.maps);
  const title = `EPT plan — ${name}`;
  const lineLabel = (l: number): string => `${name}:${l + 1}`;
  const entries: PlanFileEntry[] = [];
  const sections: string[] = [];
  let lastStep = 0;
  let lastYield = Date.now();
  for (const [i, g] of groups.entries()) {
    stop();
    const now = Date.now();
    if (now - lastStep > 100) {
      lastStep = now;
      onProgress({ percentage: SCAN_SHARE + Math.floor(((100 - SCAN_SHARE) * i) / groups.length), message: `planning map ${i + 1} of ${groups.length} distinct (${doc.maps.length} in all)` });
    }
    // Other requests go through between maps, as often as between the scan's chunks (planning 400
    // maps between yields every 100 ms held a hover up to 0.45 s).
    if (now - lastYield >= SLICE_MS) {
      await yieldToEventLoop();
      stop();
      lastYield = Date.now();
    }
    const map = g.first;
    const label = `${mapTitle(map)}${g.maps.length > 1 ? `, ${formatCount(g.maps.length)} times` : ''}`;
    const heading = `${groups.length > 1 || g.maps.length > 1 ? `Map ${entryName(i)}: ` : ''}${label}`;
    const lines = g.maps.map((m) => m.firstLine);
    const why = notPlanned(map);
    let mp: MapPlan | undefined;
    if (!why) mp = planMap(map, settings);
    const error = why ?? (mp && !mp.plan ? `No plan: ${mp.error}` : undefined);
    entries.push({
      title: mapTitle(map),
      lines,
      plan: mp?.plan,
      why: error,
      gapLine: mp?.plan ? gapLineOf(mp) : undefined,
      ramLine: mp?.plan ? (k) => ramLineOf(mp!, k) : undefined,
    });
    if (error) sections.push(`# ${heading}`, '', error, '');
    else sections.push(planToMarkdown(mp!.plan!, { title: heading, gapLine: gapLineOf(mp!), lineLabel, lineLink: (l) => `${href}#L${l + 1}` }), '');
  }
  const planMs = Date.now() - t0 - scanMs;

  const parts: string[] = [`# ${title}`, ''];
  const distinct = groups.length !== doc.maps.length ? ` (${groups.length} distinct)` : '';
  parts.push(
    `Streamed ${formatCount(scanned.lines)} lines (${MiB(scanned.bytes)} MiB) in ${((scanMs + planMs) / 1000).toFixed(2)} s; ${doc.maps.length} memory map${doc.maps.length === 1 ? '' : 's'} found${distinct}.`,
    '',
  );
  const late = doc.maps.length === 0 ? lateStart(new TextDecoder().decode(head.subarray(0, headBytes))) : undefined;
  const noMap = late ? lateStartNote(late) : undefined;
  if (doc.maps.length === 0) parts.push(noMap ? `No memory map in this file: ${noMap}` : 'No memory map in this file (HyperPlatform, e820, /proc/iomem or Xen range lines).', '');
  else {
    parts.push('| | map | times | first lines |', '| --- | --- | ---: | --- |');
    for (const [i, e] of entries.entries()) {
      const shown = e.lines.slice(0, MARKDOWN_LINES).map((l) => String(l + 1)).join(', ');
      parts.push(`| ${entryName(i)} | ${e.title} | ${e.lines.length} | ${shown}${e.lines.length > MARKDOWN_LINES ? `, … (${e.lines.length - MARKDOWN_LINES} more)` : ''} |`);
    }
    parts.push('');
  }
  parts.push(...sections);
  const result: PlanFileResult = { title, markdown: parts.join('\n'), lines: scanned.lines, bytes: scanned.bytes, ms: Date.now() - t0, maps: doc.maps.length, distinct: groups.length, boots };
  if (pageOptions) {
    result.html = renderPlanFilePage({
      ...pageOptions,
      title,
      summary: { file: name, bytes: scanned.bytes, lines: scanned.lines, maps: doc.maps.length, boots, scanMs, planMs },
      entries,
      noMap,
    });
  }
  result.ms = Date.now() - t0;
  onProgress({ percentage: 100, message: `done: ${doc.maps.length} map${doc.maps.length === 1 ? '' : 's'} in ${(result.ms / 1000).toFixed(2)} s`, final: true });
  return result;
}
