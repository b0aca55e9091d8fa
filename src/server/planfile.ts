// "Plan Log File…": streams a regular file from disk (any size, also past VS Code's 50 MB sync
// limit), scans it, groups the maps and renders the Markdown plan of every usable one. Reports
// progress and stops when cancelled. Only file: URIs of regular files are read: a FIFO without a
// writer would block a thread-pool thread in open() for ever, a device could stream without end.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MapRecord } from '../formats';
import { groupMaps } from '../formats';
import { gapLineOf, isUsable, mapTitle, planMap, scanStream } from '../analysis';
import { planToMarkdown } from '../planner/export/markdown';
import type { PlanFileResult } from '../protocol/requests';
import { Cancelled, RequestError } from './errors';
import type { Settings } from './settings';

/** The local path of a file: URI; anything else is refused. */
export function pathOf(uri: string): string {
  if (!/^file:/i.test(uri)) throw new RequestError(`Plan Log File reads file: URIs only, not '${uri.slice(0, 100)}'`);
  try {
    return fileURLToPath(uri);
  } catch (e) {
    throw new RequestError(`'${uri.slice(0, 100)}' is not a usable file: URI (${(e as Error).message})`);
  }
}

function kindOf(st: fs.Stats): string {
  return st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
}

/** Opens a regular file for reading without ever blocking in open() (O_NONBLOCK), and checks it again on the descriptor. */
async function openRegular(file: string): Promise<{ handle: fs.promises.FileHandle; size: number }> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RequestError(`${file}: ${code === 'ENOENT' ? 'no such file (ENOENT)' : code === 'EACCES' ? 'permission denied (EACCES)' : (e as Error).message}`);
  }
  if (!st.isFile()) throw new RequestError(`${file} is ${kindOf(st)}: Plan Log File reads regular files only`);
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  const again = await handle.stat();
  if (!again.isFile()) {
    await handle.close();
    throw new RequestError(`${file} is ${kindOf(again)}: Plan Log File reads regular files only`);
  }
  return { handle, size: again.size };
}

export async function planFile(
  uri: string,
  settings: Settings,
  onProgress: (bytes: number, total: number) => void = () => undefined,
  isCancelled: () => boolean = () => false,
): Promise<PlanFileResult> {
  const t0 = Date.now();
  const file = pathOf(uri);
  const stop = (): void => {
    if (isCancelled()) throw new Cancelled('cancelled');
  };
  const { handle, size: total } = await openRegular(file);
  // The stream owns the handle from here and closes it when it ends or is destroyed.
  const stream = handle.createReadStream({ highWaterMark: 1 << 20 });
  const records: MapRecord[] = [];
  let scanned: { lines: number; bytes: number };
  try {
    stop();
    scanned = await scanStream(stream, {
      onRecord: (r) => records.push(r),
      afterChunk: async (bytes) => {
        onProgress(bytes, total);
        stop();
        // Let other requests through between chunks.
        await new Promise<void>((r) => setImmediate(r));
      },
    });
  } finally {
    stream.destroy();
  }

  const name = file.split(/[\\/]/).pop() ?? file;
  const href = new URL(uri).href.replace(/#.*$/, '');
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
