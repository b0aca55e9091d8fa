// Fixture access for tests: files copied from real machines into test/fixtures/.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = process.env.EPT_LENS_ROOT ?? process.cwd();
export const fixturePath = (name: string): string => path.join(ROOT, 'test', 'fixtures', name);
export const fixture = (name: string): string => fs.readFileSync(fixturePath(name), 'utf8');
