// Plan Log File on Node: streams a regular file from disk (any size, also past VS Code's 50 MB sync
// limit) into planChunks. Only file: URIs of regular files are read: a FIFO without a writer would
// block a thread-pool thread in open() for ever, a device could stream without end.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PlanFileResult } from '../protocol/requests';
import { Cancelled, RequestError } from './errors';
import { type PageOptions, planChunks, type Progress } from './planfile';
import type { Settings } from './settings';

/** The local path of a file: URI; anything else is refused. */
function pathOf(uri: string): string {
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

/** Streams the file behind a file: URI into planChunks. */
export async function planFile(uri: string, settings: Settings, onProgress?: Progress, isCancelled: () => boolean = () => false, page?: PageOptions): Promise<PlanFileResult> {
  const file = pathOf(uri);
  if (isCancelled()) throw new Cancelled('cancelled');
  const { handle, size: total } = await openRegular(file);
  // The stream owns the handle from here and closes it when it ends or is destroyed.
  const stream = handle.createReadStream({ highWaterMark: 1 << 20 });
  try {
    return await planChunks({ uri: new URL(uri).href, chunks: stream, total }, settings, onProgress, isCancelled, page);
  } finally {
    stream.destroy();
  }
}
