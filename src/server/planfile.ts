// "Plan Log File…": scans a log given as a stream of byte chunks (a file streamed from disk by the
// Node host, or bytes the client read through vscode.workspace.fs), groups the maps and renders
// the Markdown plan of every usable one. Reports progress and stops when cancelled.
import type { MapRecord } from '../formats';
import { groupMaps } from '../formats';
import { gapLineOf, isUsable, mapTitle, planMap, scanStream } from '../analysis';
import { planToMarkdown } from '../planner/export/markdown';
import type { PlanFileResult } from '../protocol/requests';
import { Cancelled } from './errors';
import type { Settings } from './settings';
import { yieldToEventLoop } from './yield';

interface PlanSource {
  uri: string;
  chunks: AsyncIterable<Uint8Array>;
  /** Bytes in all, for progress. */
  total: number;
}

export type Progress = (bytes: number, total: number) => void;

/** Chunks of at most `size` bytes of `bytes`, so progress and cancellation work on bytes in memory too. */
export async function* slices(bytes: Uint8Array, size = 1 << 20): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

export async function planChunks(
  source: PlanSource,
  settings: Settings,
  onProgress: Progress = () => undefined,
  isCancelled: () => boolean = () => false,
): Promise<PlanFileResult> {
  const t0 = Date.now();
  const { uri, total } = source;
  const stop = (): void => {
    if (isCancelled()) throw new Cancelled('cancelled');
  };
  const records: MapRecord[] = [];
  stop();
  const scanned = await scanStream(source.chunks, {
    onRecord: (r) => records.push(r),
    afterChunk: async (bytes) => {
      onProgress(bytes, total);
      stop();
      // Let other requests through between chunks.
      await yieldToEventLoop();
    },
  });

  const href = uri.replace(/#.*$/, '');
  const name = decodeURIComponent(href.split(/[\\/]/).pop() ?? href);
  const doc = groupMaps(records);
  const parts: string[] = [];
  const secs = Math.max(0.001, (Date.now() - t0) / 1000);
  parts.push(`# EPT plan — ${name}`, '');
  parts.push(`Streamed ${scanned.lines.toLocaleString('en-US')} lines (${(scanned.bytes / 2 ** 20).toFixed(1)} MiB) in ${secs.toFixed(2)} s; ${doc.maps.length} memory map${doc.maps.length === 1 ? '' : 's'} found.`, '');
  if (doc.maps.length === 0) parts.push('No memory map in this file (HyperPlatform, e820, /proc/iomem or Xen range lines).', '');
  for (const map of doc.maps) {
    stop();
    const title = `${doc.maps.length > 1 ? `Map ${map.index + 1}: ` : ''}${mapTitle(map)}`;
    if (!isUsable(map)) {
      // The CLI's rule: a map with no usable address is not planned (an identity map without RAM
      // would be a confident wrong answer); its notes say why.
      const why = map.notes.filter((n) => n.severity === 'error').map((n) => `${n.message} (line ${n.line + 1})`);
      parts.push(`# ${title}`, '', `Not planned: ${why.length ? why.join('; ') : 'this map holds no usable range line'}.`, '');
      continue;
    }
    const mp = planMap(map, settings);
    if (!mp.plan) parts.push(`# ${title}`, '', `No plan: ${mp.error}`, '');
    else parts.push(planToMarkdown(mp.plan, { title, gapLine: gapLineOf(mp), lineLabel: (l) => `${name}:${l + 1}`, lineLink: (l) => `${href}#L${l + 1}` }), '');
  }
  return { title: `EPT plan — ${name}`, markdown: parts.join('\n'), lines: scanned.lines, bytes: scanned.bytes, ms: Date.now() - t0 };
}
