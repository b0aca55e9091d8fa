// Fixture access for tests: files copied from real machines into test/fixtures/.
import fs from 'node:fs';
import path from 'node:path';
import { groupMaps, ramInputs, scanText } from '../../src/formats';
import { planMemoryMap, type Plan } from '../../src/planner';

export const ROOT = process.env.EPT_LENS_ROOT ?? process.cwd();
export const fixturePath = (name: string): string => path.join(ROOT, 'test', 'fixtures', name);
export const fixture = (name: string): string => fs.readFileSync(fixturePath(name), 'utf8');

/** Every sample file under `dir` (test/fixtures/ by default), at any depth. */
export function fixtureFiles(dir = path.join(ROOT, 'test', 'fixtures'), out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) fixtureFiles(p, out);
    else if (!/\.(json|mjs|md)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The samples that hold a memory map. */
export const MAP_FIXTURES = ['hyperplatform-laptop-8gb.log', 'hyperplatform-issue29.log', 'surface-pro-7.dmesg', 'thinkpad-x240.dmesg', 'desktop-i7-2600.iomem'];

/** The plan of a sample's first map, with its own MTRRs when it has them. */
export function planOf(name: string): Plan {
  const map = groupMaps(scanText(fixture(name))).maps[0];
  return planMemoryMap(ramInputs(map), { mtrr: map.mtrr?.state });
}
