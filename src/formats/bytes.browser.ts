// bytes.ts for the web worker: the same contract without Node's Buffer.
export function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

const ascii = new TextDecoder('utf-8');

/** One byte per character; only called on ASCII bytes, where UTF-8 and latin1 agree. */
export const latin1 = (bytes: Uint8Array): string => ascii.decode(bytes);

/** `latin1` of parts of one byte array (the byte prefilter's lines). */
export const latin1Slices = (bytes: Uint8Array) => (start: number, end: number): string => ascii.decode(bytes.subarray(start, end));
