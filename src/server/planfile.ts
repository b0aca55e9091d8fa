// "Plan Log File…": streams a file from disk (any size, also past VS Code's 50 MB sync limit),
// scans it line by line, groups the maps and renders the Markdown plan. Reports progress and
// stops when cancelled.
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MapRecord, groupMaps, newScanState, scanLine } from '../formats';
import { forEachLine } from '../formats/lines';
import { planMemoryMap } from '../planner';
import { planToMarkdown } from '../planner/export/markdown';
import { ramInputs } from '../formats';
import { mapTitle } from './analysis';
import type { PlanFileResult } from './protocol';
import { type Settings, planOptions } from './settings';

export class Cancelled extends Error {}

export function pathOf(uriOrPath: string): string {
  return /^file:/i.test(uriOrPath) ? fileURLToPath(uriOrPath) : uriOrPath;
}

export async function planFile(
  uriOrPath: string,
  settings: Settings,
  onProgress: (bytes: number, total: number) => void = () => undefined,
  isCancelled: () => boolean = () => false,
): Promise<PlanFileResult> {
  const t0 = Date.now();
  const file = pathOf(uriOrPath);
  const total = (await fs.promises.stat(file)).size;
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const state = newScanState();
  const records: MapRecord[] = [];
  let line = 0;
  let bytes = 0;
  try {
    await forEachLine(
      stream,
      (text) => {
        const r = scanLine(text, line++, state);
        if (r) records.push(r);
      },
      async (n) => {
        bytes += n;
        onProgress(bytes, total);
        if (isCancelled()) throw new Cancelled('cancelled');
        // Let other requests through between chunks.
        await new Promise<void>((r) => setImmediate(r));
      },
    );
  } finally {
    stream.destroy();
  }

  const name = file.split(/[\\/]/).pop() ?? file;
  const doc = groupMaps(records);
  const parts: string[] = [];
  const secs = Math.max(0.001, (Date.now() - t0) / 1000);
  parts.push(`# EPT plan — ${name}`, '');
  parts.push(`Streamed ${line.toLocaleString('en-US')} lines (${(bytes / 2 ** 20).toFixed(1)} MiB) in ${secs.toFixed(2)} s; ${doc.maps.length} memory map${doc.maps.length === 1 ? '' : 's'} found.`, '');
  if (doc.maps.length === 0) parts.push('No memory map in this file (HyperPlatform, e820, /proc/iomem or Xen range lines).', '');
  for (const map of doc.maps) {
    if (isCancelled()) throw new Cancelled('cancelled');
    const title = `${doc.maps.length > 1 ? `Map ${map.index + 1}: ` : ''}${mapTitle(map)}`;
    try {
      const mtrr = settings.mmioMemoryType === 'mtrr' ? map.mtrr?.state : undefined;
      const plan = planMemoryMap(ramInputs(map), { ...planOptions(settings), mtrr });
      parts.push(planToMarkdown(plan, { title, lineLabel: (l) => `${name}:${l + 1}`, lineLink: (l) => `${pathToFileURL(file).href}#L${l + 1}` }), '');
    } catch (e) {
      parts.push(`# ${title}`, '', `No plan: ${e instanceof Error ? e.message : String(e)}`, '');
    }
  }
  return { title: `EPT plan — ${name}`, markdown: parts.join('\n'), lines: line, bytes, ms: Date.now() - t0 };
}
