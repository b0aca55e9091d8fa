// An independent oracle for the real-log corpus (test/fixtures/real/). It shares no code with
// src/: its own few regexes turn a log into written-down ranges (`extract`, run once per file
// and checked in as <file>.oracle.json, then read by hand against the log), and `plan` computes
// the exact identity-map plan from those ranges by the rules in the README, written out again:
// RAM rounded outward to 4 KiB and merged, gaps covered greedily with the largest aligned page
// of one MTRR type, tables counted per region.
//
//   node test/oracle/oracle.mjs extract FORMAT FILE   # prints the .oracle.json for FILE
//   node test/oracle/oracle.mjs plan FILE.oracle.json # prints the plan's figures
//   node test/oracle/oracle.mjs figures FORMAT FILE [dmesg|none]  # extract + plan
//   node test/oracle/oracle.mjs plans SPEC...         # full plans as one JSON object (the test)
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const K4 = 1n << 12n;
const M2 = 1n << 21n;
const G1 = 1n << 30n;
const PAGES = { '1G': G1, '2M': M2, '4K': K4 };
const MIB = 1n << 20n;

// ---------- extraction: one tiny regex per source format ----------

/** Strips what a web page or mail client adds around a line (the oracle's own minimal peel). */
const bare = (s) => s.replace(/<br\s*\/?>|&nbsp;/gi, '').trimEnd();

// Each entry: a line regex giving (start, end, type) and whether the end is inclusive.
const RAM_FORMATS = {
  // [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bfd93fff] usable
  e820: { re: /BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\]\s+(.*)$/i, inclusive: true, ram: /^(usable|System RAM)$/ },
  // 2.6-era: BIOS-e820: 0000000000100000 - 00000000bfee0000 (usable)
  'e820-old': { re: /BIOS-e820: ([0-9a-f]{8,16}) - ([0-9a-f]{8,16}) \((.*)\)/i, inclusive: false, ram: /^usable$/ },
  // 2.4-era, size first: BIOS-e820: 0000000003ef8000 @ 0000000000100000 (usable) (see sizeFirst)
  'e820-24': { re: /BIOS-e820: ([0-9a-f]{16}) @ ([0-9a-f]{16}) \((.*)\)/i, inclusive: false, ram: /^usable$/, sizeFirst: true },
  // (XEN)  [0000000000100000, 000000007ffdffff] (usable)
  xen: { re: /\[([0-9a-f]{16}), ([0-9a-f]{16})\] \((.*)\)/i, inclusive: true, ram: /^usable$/ },
  // (XEN)  0000000000100000 - 000000007ffe0000 (usable)
  'xen-old': { re: /\(XEN\)\s+([0-9a-f]{16}) - ([0-9a-f]{16}) \((.*)\)/i, inclusive: false, ram: /^usable$/ },
  // [    0.000000] Xen: [mem 0x0000000000100000-0x000000007fffffff] usable
  'xen-pv': { re: /Xen: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\]\s+(.*)$/i, inclusive: true, ram: /^usable$/ },
  // SeaBIOS's dump_map (QEMU debugcon, Xen HVM console `(XEN) HVM4: `):   3: 0000000000100000 - 000000007f7ff000 = 1 RAM
  seabios: { re: /\s\d+: ([0-9a-f]{16}) - ([0-9a-f]{16}) = (\d+ [A-Z]+)$/, inclusive: false, ram: /^1 RAM$/ },
  // /proc/iomem top level only: 00100000-cf1f9fff : System RAM (optionally "> "-quoted)
  iomem: { re: /^(?:>\s?)*([0-9a-f]+)-([0-9a-f]+) : (.*)$/i, inclusive: true, ram: /^System RAM$/ },
  // HyperPlatform: Physical Memory Range: 0000000000015000 - 0000000000058000
  hyperplatform: { re: /Physical Memory Range: ([0-9a-f]{16}) - ([0-9a-f]{16})()/i, inclusive: false, ram: /^$/ },
};

const TYPE_NAMES = {
  uncachable: 'UC', 'write-combining': 'WC', 'write-through': 'WT', 'write-protect': 'WP', 'write-back': 'WB',
};

/** The dmesg MTRR dump (`MTRR default type:` … `MTRR variable ranges enabled:` …). */
function extractMtrrDump(lines) {
  let mtrr = null;
  let block = null;
  for (const raw of lines) {
    const line = bare(raw);
    let m;
    if ((m = /MTRR default type: ([a-z-]+)/.exec(line))) {
      mtrr = { source: 'dmesg', enabled: true, defaultType: TYPE_NAMES[m[1]], fixedEnabled: false, fixed: [], variable: [], physBits: null };
      block = null;
    } else if (!mtrr) continue;
    else if ((m = /MTRR fixed ranges (enabled|disabled):/.exec(line))) { mtrr.fixedEnabled = m[1] === 'enabled'; block = 'fixed'; }
    // "variable ranges disabled" is Linux's way of saying MTRRs are off (E clear): all UC.
    else if ((m = /MTRR variable ranges (enabled|disabled):/.exec(line))) { mtrr.enabled = m[1] === 'enabled'; block = 'variable'; }
    else if (block === 'fixed' && (m = /\s([0-9A-F]{5})-([0-9A-F]{5}) ([a-z-]+)$/.exec(line))) mtrr.fixed.push([`0x${m[1]}`, `0x${m[2]}`, TYPE_NAMES[m[3]]]);
    else if (block === 'variable' && (m = /\s(\d+) base ([0-9A-F]+) mask ([0-9A-F]+) ([a-z-]+)$/.exec(line))) mtrr.variable.push([`0x${m[2]}`, `0x${m[3]}`, TYPE_NAMES[m[4]]]);
    else if (block === 'variable' && /\s\d+ disabled$/.test(line)) continue;
    else if ((m = /TOM2: ([0-9a-f]{16}) aka \d+M$/.exec(line))) { mtrr.tom2 = `0x${BigInt(`0x${m[1]}`).toString(16)}`; block = null; }
    else block = null;
  }
  if (mtrr) {
    // The mask's highest one is bit MAXPHYADDR-1 (Linux prints the mask with ones up to there).
    const bits = mtrr.variable.map(([, mask]) => BigInt(mask).toString(2).length);
    mtrr.physBits = bits.length ? Math.max(...bits) : null;
  }
  return mtrr;
}

/**
 * QEMU `info mtree` (tree or `-f` flat view): inside the `address-space: memory` block or the
 * flat view of AS "memory", every `(prio N, ram)` line (a RAM region or an alias of one) is RAM,
 * end inclusive; `rom`, `i/o` and `romd` lines are not. Other address spaces and the
 * `memory-region:` listings (the RAM blocks themselves, not where they are mapped) don't count.
 */
function extractMtree(lines) {
  const ram = [];
  let active = false;
  lines.forEach((raw, i) => {
    const line = bare(raw);
    if (/^\s*address-space: memory\s*$/.test(line) || /^\s*AS "memory"/.test(line)) { active = true; return; }
    if (/^\s*(address-space:|memory-region:|FlatView #)/.test(line)) { active = false; return; }
    const m = /^\s*([0-9a-f]{16})-([0-9a-f]{16}) \(prio -?\d+, ([a-z/]+)\):/.exec(line);
    if (active && m && m[3] === 'ram') ram.push({ start: `0x${m[1]}`, end: `0x${m[2]}`, line: i + 1 });
  });
  return ram;
}

/** `grep "" /sys/firmware/memmap/N/{start,end,type}` output: start, end (inclusive) and type per entry directory. */
function extractSysfsMemmap(lines) {
  const entries = new Map();
  lines.forEach((raw, i) => {
    const m = /\/sys\/firmware\/memmap\/(\d+)\/(start|end|type):(.*)$/.exec(bare(raw));
    if (!m) return;
    const e = entries.get(m[1]) ?? { line: i + 1 };
    e[m[2]] = m[3].trim();
    entries.set(m[1], e);
  });
  return [...entries.values()].filter((e) => e.type === 'System RAM').map((e) => ({ start: e.start, end: e.end, line: e.line }));
}

/** The PhysMask of a size-aligned range of `size` bytes (the sources below give base and size). */
const maskFor = (size, physBits) => ((1n << BigInt(physBits)) - 1n) & ~(size - 1n);

/** /proc/mtrr: `reg00: base=0x000000000 (    0MB), size= 2048MB, count=1: write-back`. */
function extractProcMtrr(lines, physBits) {
  const variable = [];
  for (const raw of lines) {
    // Newer kernels: `size= 2048MB, count=1: write-back`; 2.4/2.6: `size= 256MB: uncachable, count=1`.
    const m = /reg\d+: base=0x([0-9a-f]+) \(\s*\d+MB\), size=\s*(\d+)([MK])B, count=\d+: ([a-z-]+)/.exec(bare(raw))
      ?? /reg\d+: base=0x([0-9a-f]+) \(\s*\d+MB\), size=\s*(\d+)([MK])B: ([a-z-]+), count=\d+/.exec(bare(raw));
    if (!m) continue;
    const mask = maskFor(BigInt(m[2]) << (m[3] === 'M' ? 20n : 10n), physBits);
    variable.push([`0x${BigInt(`0x${m[1]}`).toString(16)}`, `0x${mask.toString(16)}`, TYPE_NAMES[m[4]]]);
  }
  return { source: 'proc', defaultType: 'UC', fixedEnabled: false, fixed: [], variable, physBits };
}

/** mtrr_cleanup (RHEL 6 era): `reg 0, base: 0GB, range: 16GB, type WB`, the last block printed. */
function extractCleanup(lines, physBits) {
  let variable = [];
  const unit = { K: 10n, M: 20n, G: 30n };
  for (const raw of lines) {
    const line = bare(raw);
    if (/(original|New) variable MTRRs/.test(line)) { variable = []; continue; }
    const m = /reg \d+, base: (\d+)([KMG])B, range: (\d+)([KMG])B, type (\w+)/.exec(line);
    if (!m) continue;
    const base = BigInt(m[1]) << unit[m[2]];
    const mask = maskFor(BigInt(m[3]) << unit[m[4]], physBits);
    variable.push([`0x${base.toString(16)}`, `0x${mask.toString(16)}`, m[5]]);
  }
  return { source: 'cleanup', defaultType: 'UC', fixedEnabled: false, fixed: [], variable, physBits };
}

export function extract(text, format, { mtrr = 'dmesg', physBits = null } = {}) {
  const lines = text.split(/\r?\n/);
  const own = { 'sysfs-memmap': extractSysfsMemmap, mtree: extractMtree }[format];
  const f = own ? { re: /(?!)/, ram: /(?!)/, inclusive: true } : RAM_FORMATS[format];
  if (!f) throw new Error(`oracle: unknown format ${format}`);
  const ram = [];
  lines.forEach((raw, i) => {
    const m = f.re.exec(bare(raw));
    if (!m || !f.ram.test(m[3].trim())) return;
    // Written down as the source prints them; a size-first line becomes [start, start + size).
    if (!f.sizeFirst) ram.push({ start: `0x${m[1].toLowerCase()}`, end: `0x${m[2].toLowerCase()}`, line: i + 1 });
    else ram.push({ start: `0x${m[2]}`, end: `0x${(BigInt(`0x${m[2]}`) + BigInt(`0x${m[1]}`)).toString(16).padStart(16, '0')}`, line: i + 1 });
  });
  if (own) ram.push(...own(lines));
  const spec = { format, endInclusive: f.inclusive, ram };
  if (mtrr === 'dmesg') spec.mtrr = extractMtrrDump(lines);
  else if (mtrr === 'proc') spec.mtrr = extractProcMtrr(lines, physBits ?? 36);
  else if (mtrr === 'cleanup') spec.mtrr = extractCleanup(lines, physBits ?? 36);
  else spec.mtrr = null;
  return spec;
}

// ---------- planning ----------

const CODE = { UC: 0, WC: 1, WT: 4, WP: 5, WB: 6 };

/** The effective MTRR type of every address as sorted pieces [{start, type}] up to `top`. */
function typePieces(mtrr, top) {
  if (!mtrr || mtrr.enabled === false) return [{ start: 0n, type: 'UC' }];
  const phys = 1n << BigInt(mtrr.physBits ?? 52);
  const regions = mtrr.variable.map(([b, m, type]) => {
    // Ones above MAXPHYADDR: a contiguous mask is one block below 2^MAXPHYADDR, no aliases.
    const mask = BigInt(m) | ~(phys - 1n);
    const size = mask & -mask;
    if (mask + size !== 0n) throw new Error(`oracle: non-contiguous mask ${m}`);
    const start = BigInt(b) & mask & (phys - 1n);
    return { start, end: start + size, type };
  });
  const fixed = mtrr.fixedEnabled ? mtrr.fixed.map(([s, e, type]) => ({ start: BigInt(s), end: BigInt(e) + 1n, type })) : [];
  // AMD TOM2 (`"tom2"`, from Linux's `TOM2:` line): [4 GiB, TOM2) is WB whatever the variable
  // MTRRs say (Linux generic.c: `map_add_var` adds it as a fixed WB entry ahead of them).
  const tom2 = mtrr.tom2 ? BigInt(mtrr.tom2) : 0n;
  const cuts = new Set([0n, MIB, phys, top, ...(tom2 > 1n << 32n ? [1n << 32n, tom2] : [])]);
  for (const r of [...regions, ...fixed]) { cuts.add(r.start); cuts.add(r.end); }
  const points = [...cuts].filter((c) => c <= top).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const typeAt = (a) => {
    if (a < MIB && mtrr.fixedEnabled) {
      const f = fixed.find((r) => r.start <= a && a < r.end);
      if (f) return f.type;
    }
    if (a >= 1n << 32n && a < tom2) return 'WB';
    if (a >= phys) return mtrr.defaultType;
    const hits = regions.filter((r) => r.start <= a && a < r.end).map((r) => r.type);
    if (hits.length === 0) return mtrr.defaultType;
    if (hits.every((t) => t === hits[0])) return hits[0];
    if (hits.includes('UC')) return 'UC';
    if (hits.every((t) => t === 'WT' || t === 'WB')) return 'WT';
    return 'UC';
  };
  const pieces = [];
  for (const p of points.slice(0, -1)) {
    const type = typeAt(p);
    if (pieces.length === 0 || pieces[pieces.length - 1].type !== type) pieces.push({ start: p, type });
  }
  return pieces;
}

const hex = (n) => `0x${n.toString(16)}`;

export function plan(spec, { limit = 512n * G1, maxPage = '1G' } = {}) {
  limit = BigInt(limit);
  // RAM: half-open, 4 KiB outward, merged when touching or overlapping, clipped at the limit.
  const raw = spec.ram.map((r) => {
    const s = BigInt(r.start);
    const e = BigInt(r.end) + (spec.endInclusive ? 1n : 0n);
    return [(s / K4) * K4, ((e + K4 - 1n) / K4) * K4];
  }).filter(([s, e]) => e > s).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const ram = [];
  for (const [s, e] of raw) {
    const last = ram[ram.length - 1];
    if (last && s <= last[1]) { if (e > last[1]) last[1] = e; } else ram.push([s, e]);
  }
  const clipped = ram.filter(([s]) => s < limit).map(([s, e]) => [s, e < limit ? e : limit]);

  const pieces = typePieces(spec.mtrr, limit);
  const nextCut = (a) => { // first type change after a (or Infinity)
    let lo = 0, hi = pieces.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (pieces[mid].start <= a) lo = mid + 1; else hi = mid; }
    return lo < pieces.length ? pieces[lo].start : null;
  };
  const pd = new Set(); // 1 GiB regions holding a 2M or 4K leaf
  const pt = new Set(); // 2 MiB regions holding a 4K leaf
  const sizes = ['1G', '2M', '4K'].slice(['1G', '2M', '4K'].indexOf(maxPage));
  const gaps = [];
  const totals = { '4K': 0, '2M': 0, '1G': 0 };
  const cover = (s, e) => {
    const pages = { '4K': 0, '2M': 0, '1G': 0 };
    let a = s;
    while (a < e) {
      const cut = nextCut(a);
      const name = sizes.find((n) => a % PAGES[n] === 0n && a + PAGES[n] <= e && (cut === null || cut >= a + PAGES[n]));
      pages[name]++;
      if (name !== '1G') pd.add(a / G1);
      if (name === '4K') pt.add(a / M2);
      a += PAGES[name];
    }
    return pages;
  };
  /** A gap's type: one type, or `mixed` with a piece per run of one type (as `--json` prints them). */
  const typed = (s, e) => {
    const out = [];
    for (let a = s; a < e;) {
      const cut = nextCut(a);
      const b = cut === null || cut > e ? e : cut;
      out.push({ start: hex(a), end: hex(b), memoryType: typeOf(a) });
      a = b;
    }
    return out.length === 1 ? { memoryType: out[0].memoryType } : { memoryType: 'mixed', pieces: out };
  };
  const typeOf = (a) => {
    let lo = 0, hi = pieces.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (pieces[mid].start <= a) lo = mid; else hi = mid - 1; }
    return pieces[lo].type;
  };
  let at = 0n;
  for (const [s, e] of [...clipped, [limit, limit]]) {
    if (s > at) {
      const pages = cover(at, s);
      for (const k in totals) totals[k] += pages[k];
      const t = typed(at, s);
      if (t.pieces) for (const p of t.pieces) p.pages = cover(BigInt(p.start), BigInt(p.end));
      gaps.push({ start: hex(at), end: hex(s), pages, ...t });
    }
    // RAM at 4K: every 2 MiB and 1 GiB region it touches needs a PT and a PD.
    if (e > s) {
      for (let r = s / M2; r <= (e - 1n) / M2; r++) pt.add(r);
      for (let r = s / G1; r <= (e - 1n) / G1; r++) pd.add(r);
    }
    at = e > at ? e : at;
  }
  const ram4k = clipped.reduce((n, [s, e]) => n + Number((e - s) / K4), 0);
  const pdpt = new Set();
  for (const r of pd) pdpt.add(r / 512n);
  // Every 512 GiB region below the limit holds leaves, since the whole range is mapped.
  const pdptCount = Number((limit + 512n * G1 - 1n) / (512n * G1));
  const tables = { pml4: 1, pdpt: pdptCount, pd: pd.size, pt: pt.size };
  const bytes = 4096 * (tables.pml4 + tables.pdpt + tables.pd + tables.pt);
  // RAM's type: WB without MTRRs, else the MTRR pieces (RAM leaves are 4K, so a piece's pages are its 4K count).
  const ramTyped = (s, e) => {
    if (!spec.mtrr) return { memoryType: 'WB' };
    const t = typed(s, e);
    for (const p of t.pieces ?? []) p.pages = { '4K': Number((BigInt(p.end) - BigInt(p.start)) / K4), '2M': 0, '1G': 0 };
    return t;
  };
  return {
    ram: clipped.map(([s, e]) => ({ start: hex(s), end: hex(e), ...ramTyped(s, e) })),
    gaps,
    totals: { mmio: totals, ram: { '4K': ram4k, '2M': 0, '1G': 0 } },
    tables,
    bytes,
  };
}

/**
 * Known MMIO the identity map leaves out: the hand-read windows of `spec.mmio` (same end rule as
 * its RAM) past the limit, clipped to start there; a window inside an earlier one is not repeated.
 */
export function mmioPastLimit(spec, { limit = 512n * G1 } = {}) {
  limit = BigInt(limit);
  const out = [];
  let reach = 0n;
  const windows = (spec.mmio ?? []).map((w) => ({ ...w, s: BigInt(w.start), e: BigInt(w.end) + (spec.endInclusive ? 1n : 0n) }))
    .sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.line - b.line));
  for (const w of windows) {
    if (w.e <= limit || w.e <= reach) continue;
    reach = w.e;
    out.push({ start: hex(w.s > limit ? w.s : limit), end: hex(w.e), name: w.name, line: w.line });
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === 'extract') {
    const [format, file, mtrr, physBits] = rest;
    const spec = extract(fs.readFileSync(file, 'utf8'), format, { mtrr: mtrr ?? 'dmesg', physBits: physBits ? Number(physBits) : null });
    const { format: fmt, endInclusive, ram, mtrr: m } = spec;
    const one = (v) => JSON.stringify(v);
    const out = [
      '{',
      `  "source": ${one(fs.readFileSync(file, 'utf8').split('\n')[0].replace(/^# source: /, ''))},`,
      `  "format": ${one(fmt)}, "endInclusive": ${endInclusive},`,
      '  "ram": [',
      ram.map((r) => `    ${one(r)}`).join(',\n'),
      m ? '  ],' : '  ],\n  "mtrr": null',
    ];
    if (m) {
      const enabled = m.enabled === false ? ' "enabled": false,' : '';
      out.push('  "mtrr": {', `    "source": ${one(m.source)},${enabled} "defaultType": ${one(m.defaultType)}, "physBits": ${m.physBits}, "fixedEnabled": ${m.fixedEnabled},`);
      if (m.tom2) out.push(`    "tom2": ${one(m.tom2)},`);
      out.push(`    "fixed": [${m.fixed.map(one).join(', ')}],`);
      out.push(`    "variable": [${m.variable.length ? '\n' : ''}${m.variable.map((v) => `      ${one(v)}`).join(',\n')}${m.variable.length ? '\n    ' : ''}]`, '  }');
    }
    out.push('}');
    process.stdout.write(`${out.join('\n')}\n`);
  } else if (cmd === 'plan') {
    const spec = JSON.parse(fs.readFileSync(rest[0], 'utf8'));
    const p = plan(spec, spec.options ?? {});
    console.log(JSON.stringify({ totals: p.totals, tables: p.tables, bytes: p.bytes, gaps: p.gaps.length, ram: p.ram.length }));
  } else if (cmd === 'figures') {
    // Extract and plan in one go (checking the oracle itself on logs with known figures).
    const [format, file, mtrr] = rest;
    const p = plan(extract(fs.readFileSync(file, 'utf8'), format, { mtrr: mtrr ?? 'dmesg' }));
    console.log(JSON.stringify({ totals: p.totals, tables: p.tables, bytes: p.bytes }));
  } else if (cmd === 'plans') {
    // Full plans of several .oracle.json files as one JSON object keyed by file (for the test).
    const out = {};
    for (const f of rest) { const spec = JSON.parse(fs.readFileSync(f, 'utf8')); out[f] = { ...plan(spec, spec.options ?? {}), mmioPastLimit: mmioPastLimit(spec, spec.options ?? {}) }; }
    process.stdout.write(JSON.stringify(out));
  } else {
    console.error('usage: oracle.mjs extract FORMAT FILE [dmesg|proc|cleanup|none] [PHYSBITS] | plan SPEC | figures FORMAT FILE [MTRR] | plans SPEC...');
    process.exit(2);
  }
}
