// The byte prefilter: the WASM scan (scan.as.ts) over slices of raw bytes, for formats/lines.ts.
// Where WebAssembly or its SIMD is missing, `BytePrefilter.create` gives undefined and the line
// splitter falls back to KeyFinder (candidates.ts) on decoded text.
import wasm from './prefilter.wasm';
import { keyTables } from './tables';

/** Bytes scanned per call: the slice and its results stay a few MiB of the module's memory. */
export const SLICE = 1 << 18;
/** Zero bytes after the slice: the scan's loads (32-byte turns, at +18) may run past its end. */
const PAD = 48;
const HEADER = 16;
/** Per line holding a key: start, end, index. A key is at least 2 bytes, so a line of one at least 2. */
const RECORD = 12;
const MAX_RECORDS = SLICE / 2 + 1;

// WebAssembly is not in the project's libs (ES2022, no DOM): just what this module uses.
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
type ScanFn = (tables: number, input: number, n: number, out: number) => number;

/** The compiled module, for the WebAssembly it was compiled with (tests take it away). */
let compiled: { api: WasmApi | undefined; module: object | undefined } | undefined;

function compile(): object | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (compiled && compiled.api === api) return compiled.module;
  let module: object | undefined;
  try {
    // validate() is false where the engine lacks SIMD (the module's v128 instructions).
    if (typeof api?.validate === 'function' && api.validate(wasm)) module = new api.Module(wasm);
  } catch {
    module = undefined;
  }
  compiled = { api, module };
  return module;
}

const align = (n: number): number => (n + 15) & ~15;

export class BytePrefilter {
  /** After a scan that took its slice: its line feeds, the offsets of the first and last (-1: none), its lines holding a key. */
  feeds = 0;
  first = -1;
  last = -1;
  count = 0;
  /** `count` records (start, end at the line feed, index in the slice) of lines after the first that hold a key. */
  readonly records: Int32Array;
  /** The module's input, SLICE bytes: what is written here is scanned by `scanInput` without a copy. */
  readonly inputArea: Uint8Array;
  private readonly heap: Uint8Array;
  private readonly header: Int32Array;

  private constructor(private readonly run: ScanFn, memory: WasmMemory, tables: Uint8Array, private readonly input: number, private readonly out: number) {
    const end = out + HEADER + RECORD * MAX_RECORDS;
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    this.heap = new Uint8Array(memory.buffer);
    this.heap.set(tables, 0);
    this.inputArea = this.heap.subarray(input, input + SLICE);
    this.header = new Int32Array(memory.buffer, out, 3);
    this.records = new Int32Array(memory.buffer, out + HEADER, 3 * MAX_RECORDS);
  }

  /** A scanner for `keys` with its own memory, or undefined where WebAssembly SIMD is not available. */
  static create(keys: readonly string[]): BytePrefilter | undefined {
    const module = compile();
    if (!module) return undefined;
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
    const tables = keyTables(keys, 0);
    const input = align(tables.length);
    try {
      const { exports } = new api.Instance(module, {});
      return new BytePrefilter(exports.scan as ScanFn, exports.memory as WasmMemory, tables, input, align(input + SLICE + PAD));
    } catch {
      // No memory for it (memory.grow throws): the text prefilter needs none.
      return undefined;
    }
  }

  /**
   * Scans `bytes` (at most SLICE). False when the scan cannot take them: a byte over 0x7f, or a CR
   * that does not start a CRLF in them (a CR at their end may be half of one: lines.ts decides).
   */
  scan(bytes: Uint8Array): boolean {
    this.heap.set(bytes, this.input);
    return this.scanInput(bytes.length);
  }

  /** `scan` of the first `n` bytes of `inputArea`, written there by the caller (the model encodes its text there). */
  scanInput(n: number): boolean {
    const { heap, input } = this;
    heap.fill(0, input + n, input + n + PAD);
    const count = this.run(0, input, n, this.out);
    if (count < 0) return false;
    this.count = count;
    this.feeds = this.header[0];
    this.first = this.header[1];
    this.last = this.header[2];
    return true;
  }
}
