// One pass over a log: each line is offered to the readers, cheapest rejection first, and the
// recognised ones become records. The only state carried from line to line is which MTRR list
// (fixed or variable) a dmesg dump has opened, so the scan can run on a stream.
import { readE820 } from './e820';
import { readHyperPlatformRange } from './hyperplatform';
import { readIomem } from './iomem';
import { MtrrBlock, readMtrrDmesg, readProcMtrr } from './mtrr-text';
import { messageOffset } from './prefix';
import type { MapRecord } from './records';
import { readXen } from './xen';

export interface ScanState {
  block: MtrrBlock;
}

export const newScanState = (): ScanState => ({ block: 'none' });

/** Lines longer than this are not memory-map lines; skipping them keeps hostile input cheap. */
export const MAX_RECORD_LINE = 4096;

export function scanLine(text: string, line: number, state: ScanState): MapRecord | undefined {
  if (text.length === 0 || text.length > MAX_RECORD_LINE) {
    state.block = 'none';
    return undefined;
  }
  const rec = readAny(text, line, state);
  if (rec?.kind === 'mtrr-header') state.block = rec.enabled && rec.which !== 'all' ? rec.which : 'none';
  else if (!(rec && (rec.kind === 'mtrr-fixed' || rec.kind === 'mtrr-variable' || rec.kind === 'mtrr-disabled-slot'))) {
    if (rec?.kind !== 'mtrr-default') state.block = 'none';
  }
  return rec;
}

function readAny(text: string, line: number, state: ScanState): MapRecord | undefined {
  const hp = readHyperPlatformRange(text, line);
  if (hp) return hp;
  const io = readIomem(text, line);
  if (io) return io;
  const at = messageOffset(text);
  return (
    readE820(text, line, at) ??
    readMtrrDmesg(text, line, at, state.block) ??
    readXen(text, line, at) ??
    (at === 0 ? readProcMtrr(text, line) : undefined)
  );
}

/** Splits on CRLF, LF and lone CR, as editors do. */
export const splitLines = (text: string): string[] => text.split(/\r\n|\r|\n/);

export function scanText(text: string): MapRecord[] {
  const state = newScanState();
  const out: MapRecord[] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const r = scanLine(lines[i], i, state);
    if (r) out.push(r);
  }
  return out;
}
