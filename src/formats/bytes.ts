// Byte helpers for the line splitter. Node's own are the fast ones (a SIMD ASCII check, latin1 as
// a plain copy); the browser build swaps in bytes.browser.ts (build.mjs resolves `*.browser.ts`
// beside a module first), which has no Node built-ins.
import { isAscii as nodeIsAscii } from 'node:buffer';

export const isAscii = (bytes: Uint8Array): boolean => nodeIsAscii(bytes);

/** One byte per character; only called on ASCII bytes. */
export const latin1 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** `latin1` of parts of one byte array, without a view per part (the byte prefilter's lines). */
export function latin1Slices(bytes: Uint8Array): (start: number, end: number) => string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (start, end) => b.toString('latin1', start, end);
}
