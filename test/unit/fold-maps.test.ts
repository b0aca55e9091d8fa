// Plan Log File's folding of identical maps: equal content folds (whatever its lines), any
// difference a plan depends on keeps maps apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldMaps } from '../../src/analysis';
import { groupMaps, scanText } from '../../src/formats';

const boot = (ramEnd: string, type = 'usable'): string => [
  'Linux version 6.1.0 (test)',
  'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable',
  `BIOS-e820: [mem 0x0000000000100000-0x${ramEnd}] ${type}`,
].join('\n');

const mapsOf = (text: string) => groupMaps(scanText(text)).maps;

test('identical boots fold into one group, in file order; a different edge or type name does not', () => {
  const maps = mapsOf([boot('000000007fffffff'), boot('000000007fffffff'), boot('000000007ffeffff'), boot('000000007fffffff', 'reserved'), boot('000000007fffffff')].join('\n'));
  assert.equal(maps.length, 5);
  const groups = foldMaps(maps);
  assert.deepEqual(groups.map((g) => g.maps.map((m) => maps.indexOf(m))), [[0, 1, 4], [2], [3]]);
  assert.equal(groups[0].first, maps[0]);
});

