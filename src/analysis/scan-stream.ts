// One streaming scan for the CLI and Plan Log File: bytes in (a file, standard input), records out,
// in constant memory per line. The caller opens and closes the stream; this only reads it.
// Lines that hold none of the readers' keys while no list is open are counted, not read (the
// prefilter: formats/prefilter/ on raw bytes where WebAssembly SIMD runs, else formats/candidates.ts
// on decoded text): most lines of a big log are none of the readers'.
import type { MapRecord } from '../formats';
import { CANDIDATE_KEYS, endLines, isIdle, newScanState, readLine } from '../formats';
import { KeyFinder } from '../formats/candidates';
import { forEachLine } from '../formats/lines';
import { BytePrefilter } from '../formats/prefilter';

interface ScanStreamOptions {
  /** Line number of the stream's first line (several inputs share one line space). Default 0. */
  firstLine?: number;
  /** Called with each record, in line order. */
  onRecord: (record: MapRecord) => void;
  /** Awaited after each chunk with the bytes read so far: report progress, yield, or throw to stop. */
  afterChunk?: (bytes: number) => void | Promise<void>;
  /** Read every line (the reference the prefilter is tested against). Default false. */
  everyLine?: boolean;
  /** Prefilter decoded text only (KeyFinder), as where WebAssembly SIMD is missing: for tests. Default false. */
  textPrefilter?: boolean;
}

/** Scans every line of `chunks`; resolves to the number of lines and bytes read. */
export async function scanStream(chunks: AsyncIterable<Uint8Array>, opts: ScanStreamOptions): Promise<{ lines: number; bytes: number }> {
  const state = newScanState();
  const first = opts.firstLine ?? 0;
  let bytes = 0;
  const { onRecord, afterChunk } = opts;
  // readLine joins mail-split lines (formats/join.ts); while it holds one back the state is not
  // idle, so the line that may continue it is not skipped.
  const skip = opts.everyLine ? undefined : {
    maySkip: () => isIdle(state),
    finder: new KeyFinder(CANDIDATE_KEYS),
    bytes: opts.textPrefilter ? undefined : BytePrefilter.create(CANDIDATE_KEYS),
  };
  const lines = await forEachLine(
    chunks,
    (text, index) => readLine(text, first + index, state, onRecord),
    async (n) => {
      bytes += n;
      if (afterChunk) await afterChunk(bytes);
    },
    skip,
  );
  endLines(first + lines, state, onRecord);
  return { lines, bytes };
}
