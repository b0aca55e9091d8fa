// Exports of a plan: Markdown, CSV, C header (compiled with gcc -fsyntax-only) and exportPlan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PAGE_BYTES, formatCount, planMemoryMap } from '../../src/planner';
import { EXPORT_FORMATS } from '../../src/protocol/requests';
import { CSV_HEADER, exportPlan, planJsonPieces, planToCHeader, planToCsv, planToJson, planToMarkdown } from '../../src/planner/export';
import { MAP_FIXTURES as FIXTURES, ROOT, planOf } from '../support/fixtures';


test('Markdown: summary, the gap table with the seed gap 0x9f000–0x100000 → 97×4K on line 4, comparison', () => {
  const md = planToMarkdown(planOf('hyperplatform-laptop-8gb.log'), { title: 'laptop | 8 GB' });
  assert.match(md, /^# laptop \\\| 8 GB\n/);
  assert.match(md, /\| Gaps \(MMIO\) \| 10 \| 504 GiB \| 373 \| 541 \| 503 \| 1,417 \|/);
  assert.match(md, /Tables: 1 PML4 · 1 PDPT · 9 PD · 4,067 PT = \*\*4,078 pages \(15\.9 MiB\)\*\*/);
  assert.match(md, /## Gaps\n\n\| # \| line \| start \| end \| size \| 4K \| 2M \| 1G \| type \|/);
  assert.match(md, /\| 4 \| line 4 \| `0x9f000` \| `0x100000` \| 388 KiB \| 97 \| 0 \| 0 \| UC \|/);
  assert.match(md, /\| 10 \| line 9 \(tail\) \| `0x26f600000` \| `0x8000000000` \| 502 GiB \| 0 \| 133 \| 502 \| UC \|/);
  assert.match(md, /\| 4K only \(HyperPlatform\) \| 134,217,728 \| 262,658 \| 1\.0 GiB \|/);
  assert.match(md, /fits HyperPlatform's 50 pre-allocated pages/);
  const gapRows = md.split('## Gaps')[1].split('## RAM')[0].split('\n').filter((l) => /^\| \d+ \|/.test(l));
  assert.equal(gapRows.length, 10);
});

test('Markdown: custom line labels; mixed gaps list their pieces', () => {
  const md = planToMarkdown(planOf('surface-pro-7.dmesg'), { lineLabel: (l) => `L${l + 1}` });
  assert.match(md, /\| 1 \| L26 \| `0xa0000` \| `0x100000` \| 384 KiB \| 96 \| 0 \| 0 \| mixed \(UC, WP\) \|/);
  assert.match(md, /- `0xa0000`–`0x100000`: `0xa0000`–`0xc0000` UC 32×4K; `0xc0000`–`0x100000` WP 64×4K/);
});

for (const name of FIXTURES) {
  test(`CSV (${name}): one row per RAM range and gap in address order, sums match the plan`, () => {
    const plan = planOf(name);
    const csv = planToCsv(plan);
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines[0], CSV_HEADER);
    const rows = lines.slice(1).map((l) => l.split(','));
    assert.equal(rows.length, plan.ram.length + plan.gaps.length);
    let cursor = 0;
    const sums = { ram: [0, 0, 0], gap: [0, 0, 0] };
    for (const [kind, start, end, size, p4, p2, p1, type] of rows) {
      assert.ok(kind === 'ram' || kind === 'gap');
      assert.equal(parseInt(start, 16), cursor, 'rows tile [0, limit)');
      cursor = parseInt(end, 16);
      assert.equal(Number(size), parseInt(end, 16) - parseInt(start, 16));
      assert.equal(Number(p4) * PAGE_BYTES['4K'] + Number(p2) * PAGE_BYTES['2M'] + Number(p1) * PAGE_BYTES['1G'], Number(size));
      assert.match(type, /^(UC|WC|WT|WP|WB|mixed)$/);
      const s = sums[kind as 'ram' | 'gap'];
      s[0] += Number(p4);
      s[1] += Number(p2);
      s[2] += Number(p1);
    }
    assert.equal(cursor, plan.limit);
    assert.deepEqual(sums.gap, [plan.totals.mmio['4K'], plan.totals.mmio['2M'], plan.totals.mmio['1G']]);
    assert.deepEqual(sums.ram, [plan.totals.ram['4K'], plan.totals.ram['2M'], plan.totals.ram['1G']]);
  });
}

const gcc = spawnSync('gcc', ['--version']).status === 0;

for (const name of FIXTURES) {
  test(`C header (${name}): valid C99 (gcc -std=c99 -pedantic -Wall -Wextra -Werror), values match the plan`, { skip: gcc ? false : 'gcc missing' }, () => {
    const plan = planOf(name);
    const h = planToCHeader(plan, { title: `${name} */ trying to close the comment` });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ept-h-'));
    try {
      fs.writeFileSync(path.join(dir, 'ept_plan.h'), h);
      // The header twice (include guard) and a program that checks the totals at compile time.
      const runs = [...plan.ram, ...plan.gaps].flatMap((s) => s.runs).filter((r) => r.size !== '4K');
      fs.writeFileSync(path.join(dir, 'main.c'), `#include "ept_plan.h"
#include "ept_plan.h"
typedef char check_leaves[(EPT_PLAN_LEAVES_4K == ${plan.totals.mmio['4K'] + plan.totals.ram['4K']}ULL) ? 1 : -1];
typedef char check_pt[(EPT_PLAN_TABLES_PT == ${plan.tables.pt}ULL) ? 1 : -1];
typedef char check_bytes[(EPT_PLAN_TABLE_BYTES == ${plan.bytes}ULL) ? 1 : -1];
typedef char check_count[(EPT_PLAN_LARGE_RUN_COUNT == ${runs.length}u) ? 1 : -1];
typedef char check_size[(sizeof ept_plan_large_runs / sizeof ept_plan_large_runs[0] == ${runs.length + 1}) ? 1 : -1];
int main(void) { return (int)ept_plan_large_runs[0].memory_type; }
`);
      const r = spawnSync('gcc', ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', 'main.c'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // One array entry per large-page run with base, size, page size and the EPT type number.
    const entries = [...h.matchAll(/\{ (0x[0-9a-f]+)ULL, (0x[0-9a-f]+)ULL, EPT_PLAN_PAGE_SIZE_(2M|1G), (\d) \}/g)];
    const runs = [...plan.ram, ...plan.gaps].flatMap((s) => s.runs).filter((r) => r.size !== '4K').sort((a, b) => a.start - b.start);
    assert.equal(entries.length, runs.length);
    entries.forEach((m, i) => {
      assert.equal(parseInt(m[1], 16), runs[i].start);
      assert.equal(parseInt(m[2], 16), runs[i].end - runs[i].start);
      assert.equal(m[3], runs[i].size);
      assert.equal(Number(m[4]), { UC: 0, WC: 1, WT: 4, WP: 5, WB: 6 }[runs[i].memoryType]);
    });
    assert.ok(!h.includes('*/ trying'), 'the title cannot close the comment');
  });
}

test('C header: the typography of titles becomes ASCII, not question marks', () => {
  const plan = planOf('hyperplatform-laptop-8gb.log');
  const h = planToCHeader(plan, { title: 'laptop.log · map 1 of 2, lines 4–12 — 97×4K → ok' });
  assert.match(h, /Source: laptop\.log - map 1 of 2, lines 4-12 - 97x4K -> ok/);
  assert.ok(!h.includes('?'), 'no ? for non-ASCII characters');
});

test('C header: a plan without large pages still has a valid array (zero terminator); bad prefixes are refused', () => {
  const plan = planMemoryMap([{ start: 0, end: 0x100000 }], { limit: 0x200000, maxPage: '4K' });
  const h = planToCHeader(plan, { prefix: 'my_ept' });
  assert.match(h, /#define MY_EPT_LARGE_RUN_COUNT 0u/);
  assert.match(h, /static const struct my_ept_large_run my_ept_large_runs\[1\] = \{\n    \{ 0, 0, 0, 0 \}\n\};/);
  if (gcc) {
    const r = spawnSync('gcc', ['-std=c99', '-pedantic', '-Wall', '-Werror', '-fsyntax-only', '-x', 'c', '-'], { input: h, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  assert.throws(() => planToCHeader(plan, { prefix: '1bad name' }), /C identifier/);
});

test('exportPlan: every format; JSON is planToJson pretty-printed', () => {
  const plan = planOf('thinkpad-x240.dmesg');
  assert.deepEqual([...EXPORT_FORMATS], ['json', 'md', 'csv', 'c'], 'the protocol lists every format the planner exports');
  for (const f of EXPORT_FORMATS) assert.ok(exportPlan(plan, f).length > 0, f);
  assert.equal(exportPlan(plan, 'json'), JSON.stringify(planToJson(plan), null, 2) + '\n');
  assert.deepEqual(JSON.parse(exportPlan(plan, 'json')), planToJson(plan));
  assert.equal(exportPlan(plan, 'md', { title: 'x' }), planToMarkdown(plan, { title: 'x' }));
  assert.equal(exportPlan(plan, 'csv'), planToCsv(plan));
  assert.equal(exportPlan(plan, 'c'), planToCHeader(plan));
  assert.throws(() => exportPlan(plan, 'pdf' as never), /unknown export format/);
  assert.match(exportPlan(plan, 'md'), new RegExp(formatCount(plan.totals.mmio['4K'])));
});

test('planJsonPieces: the same text as JSON.stringify of the whole object, for every fixture and past a batch', () => {
  const wrap = (plan: ReturnType<typeof planMemoryMap>, before: Record<string, unknown>, after: Record<string, unknown>): void => {
    const pieces = [...planJsonPieces(plan, before, after)];
    assert.equal(pieces.join(''), JSON.stringify({ ...before, ...planToJson(plan), ...after }, null, 2));
  };
  for (const name of FIXTURES) wrap(planOf(name), { file: name, lines: [1, 2], map: 1 }, { mtrrSource: undefined, warnings: ['w "q"\n'] });
  // 5,000 ranges: several batches; an empty plan: empty arrays print as [].
  const many = Array.from({ length: 5000 }, (_, i) => ({ start: i * 0x3000, end: i * 0x3000 + 0x1000, line: i, source: i % 7 ? undefined : 'a.log' }));
  const plan = planMemoryMap(many);
  assert.ok([...planJsonPieces(plan)].length > 2, 'more than one piece');
  wrap(plan, {}, {});
  wrap(planMemoryMap([]), { file: 'x' }, {});
});

const CLI = path.join(ROOT, 'dist', 'cli.js');
test('CLI parity: ept-plan --format csv|md|c produce these exports', { skip: fs.existsSync(CLI) ? false : 'dist/cli.js not built' }, () => {
  const name = 'surface-pro-7.dmesg';
  const plan = planOf(name);
  const cli = (format: string): string => {
    const r = spawnSync(process.execPath, [CLI, '--format', format, path.join('test', 'fixtures', name)], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  assert.equal(cli('csv').trimEnd(), planToCsv(plan).trimEnd());
  // The title differs (the CLI names file and lines); everything after it is the same.
  const afterTitle = (s: string): string => s.slice(s.indexOf('\n')).trimEnd();
  // The CLI also says which dump the memory types came from (the library only knows the plan).
  const where = /memory types from the MTRR dump at test\/fixtures\/surface-pro-7\.dmesg line \d+/;
  assert.match(cli('md'), where);
  assert.match(cli('c'), where);
  const sameSource = (s: string): string => s.replace(where, 'memory types from the MTRRs');
  assert.equal(sameSource(afterTitle(cli('md'))), afterTitle(planToMarkdown(plan)));
  const noSource = (s: string): string => sameSource(s.replace(/^ \* Source: .*\n/m, '')).trimEnd();
  // The CLI adds pool sizing from the map: its highest known range is the PCI root window
  // [mem 0x4000000000-0x7fffffffff window] (dmesg line 339), ending at 512 GiB; RAM ends at 0x46ac00000.
  assert.equal(noSource(cli('c')), noSource(planToCHeader(plan, { sizing: { highestAddress: 0x8000000000 } })));
});
