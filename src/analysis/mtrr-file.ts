// MTRRs read from a file of their own: `ept-plan --mtrr FILE`, and the editor's Use MTRRs from
// File… pairing a /proc/mtrr file with a /proc/iomem document. One rule for both: the file's MTRR
// lines make one dump (whatever else it holds is ignored), the problems the readers found on its
// lines are reported in the file's own line numbers, and a file without an MTRR line is refused
// with the same words. Pure.
import type { MapRecord, MtrrDump, MtrrRecord } from '../formats';
import { buildDump } from '../formats';
import { type MapProblem, lineProblems } from './problems';

export interface MtrrFile {
  /** Undefined when the file holds no MTRR line (`error` says so). */
  dump?: MtrrDump;
  /** What the readers found wrong on the file's lines (0-based lines of the file, `inDump`). */
  problems: MapProblem[];
  error?: string;
}

/** Collects an MTRR file's records as they are scanned (the CLI streams, the server has the text). */
export class MtrrFileReader {
  private readonly records: MtrrRecord[] = [];
  private readonly problems: MapProblem[] = [];

  add(r: MapRecord): void {
    for (const p of lineProblems(r)) this.problems.push({ ...p, inDump: true });
    if (r.kind.startsWith('mtrr-')) this.records.push(r as MtrrRecord);
  }

  /** The dump, or why there is none; `name` is how the file is named in the message. */
  finish(name: string): MtrrFile {
    if (this.records.length === 0) {
      return { problems: this.problems, error: `${name}: no MTRRs found (expected /proc/mtrr lines or a dmesg 'MTRR default type' dump)` };
    }
    return { dump: buildDump(this.records), problems: this.problems };
  }
}

/** An MTRR file's records, all at once. */
export function readMtrrFile(records: Iterable<MapRecord>, name: string): MtrrFile {
  const reader = new MtrrFileReader();
  for (const r of records) reader.add(r);
  return reader.finish(name);
}
