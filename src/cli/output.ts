// Where `ept-plan` writes: standard output, or `--output FILE`. A file is written under a
// temporary name beside it and renamed into place at the end, so a failure halfway (a full disk,
// an interrupt) leaves the old file as it was, never a truncated plan. Every write error becomes
// one WriteError whose message says what failed and why; main.ts turns it into exit status 1.
import fs from 'node:fs';
import path from 'node:path';

export class WriteError extends Error {}

export interface Sink {
  write(text: string | Uint8Array): Promise<void>;
  /** Everything written: flush, and rename the file into place. */
  close(): Promise<void>;
  /** Give up: remove the temporary file. */
  discard(): void;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EPIPE: 'the reader closed the pipe',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'no such directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
};

const reason = (e: unknown): string => REASONS[(e as NodeJS.ErrnoException).code ?? ''] ?? (e as Error).message;
const failed = (name: string, e: unknown): WriteError => (e instanceof WriteError ? e : new WriteError(`${name}: cannot write: ${reason(e)}`));

/** Standard output, each write awaited so that a closed pipe or a full device is seen here. */
export function stdoutSink(): Sink {
  // Errors arrive in the write callbacks; without a listener the 'error' event would crash.
  process.stdout.on('error', () => undefined);
  return {
    write: (text) =>
      new Promise((resolve, reject) => {
        process.stdout.write(text, (e) => (e ? reject(failed('standard output', e)) : resolve()));
      }),
    close: async () => undefined,
    discard: () => undefined,
  };
}

const statOrUndefined = (file: string): fs.Stats | undefined => {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
};

/**
 * The input `output` would overwrite, if any: the same file after resolving links (or a hard link
 * to it), standard input included when it is redirected from that file. Only regular files count:
 * `--output /dev/null` with input from /dev/null overwrites nothing.
 */
export function inputOverwritten(output: string, inputs: readonly string[]): string | undefined {
  const out = statOrUndefined(output);
  if (!out?.isFile()) return undefined;
  for (const input of inputs) {
    let st: fs.Stats | undefined;
    if (input === '-') {
      try {
        st = fs.fstatSync(0);
      } catch {
        st = undefined;
      }
    } else st = statOrUndefined(input);
    if (st && st.dev === out.dev && st.ino === out.ino) return input === '-' ? 'standard input' : input;
  }
  return undefined;
}

export function fileSink(name: string): Sink {
  // The name as given, never `path.resolve`d: `missing/../x` is an error for the kernel (the check
  // against the inputs stats it the same way), while resolving it by text gives `x`, which may be
  // an input the check never saw.
  let target = name;
  const st = statOrUndefined(target);
  if (st?.isDirectory()) throw new WriteError(`${name}: cannot write: is a directory`);
  // Devices and FIFOs (/dev/null, /dev/stdout, a named pipe) are written directly: there is
  // nothing to rename over, and a temporary file in /dev would be wrong.
  const direct = st !== undefined && !st.isFile();
  if (st?.isFile()) target = fs.realpathSync(target); // replace what a link points to, not the link
  // Joined by hand: path.join would fold `missing/..` away by text as well.
  const temp = direct ? undefined : `${path.dirname(target)}${path.sep}.${path.basename(target)}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    fd = temp ? fs.openSync(temp, 'wx', st ? st.mode & 0o7777 : 0o666) : fs.openSync(target, 'w');
  } catch (e) {
    throw failed(name, e);
  }
  const closeFd = (): void => {
    if (fd === undefined) return;
    const f = fd;
    fd = undefined;
    fs.closeSync(f);
  };
  const sink: Sink = {
    write: async (text) => {
      try {
        const buf = typeof text === 'string' ? Buffer.from(text) : text;
        for (let at = 0; at < buf.length; ) at += fs.writeSync(fd!, buf, at);
      } catch (e) {
        sink.discard();
        throw failed(name, e);
      }
    },
    close: async () => {
      try {
        closeFd();
        if (temp) fs.renameSync(temp, target);
      } catch (e) {
        sink.discard();
        throw failed(name, e);
      }
    },
    discard: () => {
      try {
        closeFd();
      } catch {
        // already failing: the first error is the one reported
      }
      if (temp) fs.rmSync(temp, { force: true });
    },
  };
  return sink;
}
