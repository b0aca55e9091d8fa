// What the user chose per document: the map of Choose Memory Map… and the MTRR file of Use MTRRs
// from File…, kept in workspaceState by document URI. The server keeps both too, but only while
// it runs: the client re-sends them when the server (re)starts and when a document is reopened.
// The MTRR file is kept as its URI and read again on re-send, so an updated dump is picked up.
import type * as vscode from 'vscode';

export interface Remembered {
  /** 0-based map index chosen for the document. */
  map?: number;
  /** URI of the MTRR file paired with the document. */
  mtrr?: string;
}

const KEY = 'eptLens.documents';
/** Documents remembered at most (the oldest choices go first): workspaceState is no database. */
const MAX_DOCUMENTS = 200;

export class DocumentMemory {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, Remembered> {
    const v = this.state.get<unknown>(KEY);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Remembered>) : {};
  }

  get(uri: string): Remembered {
    const r = this.all()[uri];
    return {
      ...(typeof r?.map === 'number' && Number.isInteger(r.map) && r.map >= 0 ? { map: r.map } : {}),
      ...(typeof r?.mtrr === 'string' ? { mtrr: r.mtrr } : {}),
    };
  }

  /** Sets (or, with `undefined`, forgets) what `change` names; the rest stays. */
  async update(uri: string, change: Remembered): Promise<void> {
    const all = { ...this.all() };
    const next: Remembered = { ...this.get(uri), ...change };
    for (const k of Object.keys(next) as (keyof Remembered)[]) if (next[k] === undefined) delete next[k];
    delete all[uri]; // re-inserted last: the most recent choice is the last to go
    if (Object.keys(next).length) all[uri] = next;
    const keys = Object.keys(all);
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_DOCUMENTS))) delete all[k];
    await this.state.update(KEY, all);
  }
}
