// Streams the lines of a file or standard input without reading it whole (logs can be GiBs).
// Splits on LF, CRLF and lone CR; detects UTF-16 byte-order marks. A callback per line, not an
// async iterator: a microtask per line would dominate on 10 million lines.
import fs from 'node:fs';
import { TextDecoder } from 'node:util';

export async function forEachLine(path: string, onLine: (text: string) => void): Promise<void> {
  const stream = path === '-' ? process.stdin : fs.createReadStream(path, { highWaterMark: 1 << 20 });
  let decoder: TextDecoder | undefined;
  let carry = '';
  const emit = (line: string): void => {
    if (line.indexOf('\r') < 0) onLine(line);
    else for (const part of line.split('\r')) onLine(part);
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!decoder) {
      const le = chunk[0] === 0xff && chunk[1] === 0xfe;
      const be = chunk[0] === 0xfe && chunk[1] === 0xff;
      decoder = new TextDecoder(le ? 'utf-16le' : be ? 'utf-16be' : 'utf-8');
    }
    const s = carry + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
      const end = nl > start && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      emit(s.slice(start, end));
      start = nl + 1;
    }
    carry = s.slice(start);
    // Lone-CR files have no LF at all: don't let the carry grow without bound. A CR at the very
    // end may be half of a CRLF split across chunks, so it stays.
    const lastCR = carry.length > 1 ? carry.lastIndexOf('\r', carry.length - 2) : -1;
    if (lastCR >= 0) {
      emit(carry.slice(0, lastCR));
      carry = carry.slice(lastCR + 1);
    }
  }
  const rest = carry + (decoder?.decode() ?? '');
  if (rest.length > 0) emit(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
}
