// One streaming scan for the CLI and Plan Log File: bytes in (a file, standard input), records out,
// in constant memory per line. The caller opens and closes the stream; this only reads it.
import type { MapRecord } from '../formats';
import { newScanState, scanLine } from '../formats';
import { forEachLine } from '../formats/lines';

interface ScanStreamOptions {
  /** Line number of the stream's first line (several inputs share one line space). Default 0. */
  firstLine?: number;
  /** Called with each record, in line order. */
  onRecord: (record: MapRecord) => void;
  /** Awaited after each chunk with the bytes read so far: report progress, yield, or throw to stop. */
  afterChunk?: (bytes: number) => void | Promise<void>;
}

/** Scans every line of `chunks`; resolves to the number of lines and bytes read. */
export async function scanStream(chunks: AsyncIterable<Uint8Array>, opts: ScanStreamOptions): Promise<{ lines: number; bytes: number }> {
  const state = newScanState();
  const first = opts.firstLine ?? 0;
  let line = first;
  let bytes = 0;
  const { onRecord, afterChunk } = opts;
  await forEachLine(
    chunks,
    (text) => {
      const r = scanLine(text, line++, state);
      if (r) onRecord(r);
    },
    async (n) => {
      bytes += n;
      if (afterChunk) await afterChunk(bytes);
    },
  );
  return { lines: line - first, bytes };
}
