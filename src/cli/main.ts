// `ept-plan`: the planner for terminals and CI. All side effects (files, streams, exit codes)
// live here; reading, planning and rendering are pure functions from src/formats and src/planner.
import fs from 'node:fs';
import { FORMAT_NAMES, MapRecord, checkMapRanges, groupMaps, newScanState, ramInputs, scanLine } from '../formats';
import { DUMP_SOURCES, MemoryMap, MtrrDump, buildDump } from '../formats/maps';
import { MAX_BLOCKS, MtrrState } from '../planner/mtrr';
import { RamInput } from '../planner/normalize';
import { PlanError, planMemoryMap } from '../planner/plan';
import { describePhysBits, physLimitWarning } from '../planner/phys-bits';
import { exportPlan, planToJson } from '../planner/export';
import { CliOptions, USAGE, UsageError, parseArgs } from './args';
import { forEachLine } from '../formats/lines';
import { renderPlanText } from './render';
import { highestAddress, mmioPastLimit, runPolicies } from './policies';
import { Sink, WriteError, fileSink, inputOverwritten, stdoutSink } from './output';
import pkg from '../../package.json';

interface Input {
  name: string;
  /** Global index of the file's first line. */
  firstLine: number;
}

interface Scanned {
  records: MapRecord[];
  inputs: Input[];
}

class InputError extends Error {}

async function scanFiles(files: readonly string[]): Promise<Scanned> {
  const records: MapRecord[] = [];
  const inputs: Input[] = [];
  let line = 0;
  for (const file of files) {
    const name = file === '-' ? '<stdin>' : file;
    inputs.push({ name, firstLine: line });
    const state = newScanState();
    try {
      if (file !== '-' && fs.statSync(file).isDirectory()) throw new InputError(`${name}: is a directory`);
      const input = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1 << 20 });
      await forEachLine(input, (text) => {
        const r = scanLine(text, line, state);
        if (r) records.push(r);
        line++;
      });
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      throw new InputError(`${name}: cannot read: ${why}`);
    }
  }
  return { records, inputs };
}

function locate(inputs: readonly Input[], line: number): { file: string; line: number } {
  let i = inputs.length - 1;
  while (i > 0 && inputs[i].firstLine > line) i--;
  return { file: inputs[i].name, line: line - inputs[i].firstLine + 1 };
}

function reportProblems(scanned: Scanned, maps: readonly MemoryMap[], err: (s: string) => void): void {
  const at = (line: number, col?: number): string => {
    const l = locate(scanned.inputs, line);
    return `${l.file}:${l.line}${col === undefined ? '' : `:${col + 1}`}`;
  };
  for (const r of scanned.records) {
    const problems = 'problems' in r ? r.problems : [];
    for (const p of problems) err(`${at(r.line, p.field.start)}: ${p.severity}: ${p.message}`);
  }
  for (const m of maps) {
    for (const p of checkMapRanges(m)) err(`${at(p.line, p.field.start)}: ${p.severity}: ${p.message}`);
    for (const n of m.notes) err(`${at(n.line)}: ${n.severity}: ${n.message}`);
  }
}

/** A map worth planning: at least one range line without errors, and not an all-zero iomem. */
const isUsable = (m: MemoryMap): boolean =>
  !m.notes.some((n) => n.code === 'iomem-no-root') && m.ranges.some((r) => !r.problems.some((p) => p.severity === 'error'));

function withDefault(dump: MtrrDump, o: CliOptions): MtrrState {
  return o.mtrrDefault ? { ...dump.state, defaultType: o.mtrrDefault, defaultTypeKnown: true } : dump.state;
}

function mtrrFor(map: MemoryMap, o: CliOptions, fileDump: MtrrDump | undefined, scanned: Scanned): { state?: MtrrState; note: string; notes: string[] } {
  if (o.noMtrr) return { note: 'MTRRs ignored (--no-mtrr): gaps UC, RAM WB', notes: [] };
  const dump = fileDump ?? map.mtrr;
  if (!dump) return { note: 'no MTRRs found: gaps UC, RAM WB (give --mtrr FILE to use them)', notes: [] };
  const where = fileDump ? o.mtrrFile! : `${locate(scanned.inputs, dump.firstLine).file} line ${locate(scanned.inputs, dump.firstLine).line}`;
  const state = withDefault(dump, o);
  const assumed = state.defaultTypeKnown ? '' : ` (default type ${state.defaultType} assumed; set --mtrr-default)`;
  const notes = [...dump.notes];
  const shown = dump.state.physAddrBits;
  if (o.physBits !== undefined && shown !== undefined && shown !== o.physBits) {
    notes.push(`the MTRR masks are ${shown} bits wide, but --phys-bits ${o.physBits} is used`);
  }
  return { state, note: `memory types from the ${DUMP_SOURCES[dump.source]} at ${where}${assumed}`, notes };
}

async function main(argv: string[]): Promise<number> {
  const out = (s: string): void => void process.stdout.write(s.endsWith('\n') ? s : s + '\n');
  const err = (s: string): void => void process.stderr.write(`ept-plan: ${s}\n`);
  let o: CliOptions;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(e.message);
    process.stderr.write("Try 'ept-plan --help'.\n");
    return 2;
  }
  if (o.help) return out(USAGE), 0;
  if (o.version) return out(`ept-plan ${pkg.version}`), 0;
  if (o.output) {
    const clash = inputOverwritten(o.output, o.mtrrFile ? [...o.files, o.mtrrFile] : o.files);
    if (clash) {
      err(`--output ${o.output}: that is the input ${clash}; refusing to overwrite it`);
      return 2;
    }
  }
  let sink: Sink;
  try {
    sink = o.output ? fileSink(o.output) : stdoutSink();
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    err(e.message);
    return 1;
  }
  try {
    const code = await planInputs(o, sink, err);
    if (code === 0) await sink.close();
    else sink.discard();
    return code;
  } catch (e) {
    sink.discard();
    if (!(e instanceof WriteError)) throw e;
    err(e.message);
    return 1;
  }
}

/** Reads, plans and writes to `sink`; the exit status. */
async function planInputs(o: CliOptions, sink: Sink, err: (s: string) => void): Promise<number> {

  let scanned: Scanned;
  let fileDump: MtrrDump | undefined;
  try {
    scanned = await scanFiles(o.files);
    if (o.mtrrFile) {
      const m = await scanFiles([o.mtrrFile]);
      // The MTRR file's own problems, `file:line:col` like the main input's.
      reportProblems(m, [], err);
      const recs = m.records.filter((r) => r.kind.startsWith('mtrr-'));
      if (recs.length === 0) throw new InputError(`${o.mtrrFile}: no MTRRs found (expected /proc/mtrr lines or a dmesg 'MTRR default type' dump)`);
      fileDump = buildDump(recs as Parameters<typeof buildDump>[0]);
    }
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    err(e.message);
    return 1;
  }

  const doc = groupMaps(scanned.records, { mapBreaks: scanned.inputs.map((i) => i.firstLine) });
  reportProblems(scanned, doc.maps, err);
  const names = scanned.inputs.map((i) => i.name).join(', ');
  if (doc.maps.length === 0) {
    const mtrrOnly = doc.dumps.length ? ' (only MTRRs: give the memory map too, e.g. ept-plan /proc/iomem /proc/mtrr)' : '';
    err(`no memory map found in ${names}${mtrrOnly}. Known formats: ${Object.values(FORMAT_NAMES).join(', ')}.`);
    return 1;
  }
  if (o.map !== undefined && o.map > doc.maps.length) {
    err(`--map ${o.map}: the input holds ${doc.maps.length} memory map${doc.maps.length === 1 ? '' : 's'}`);
    return 2;
  }
  // A map that holds no usable address at all (an all-zero /proc/iomem read without root, only
  // malformed or over-long lines) is not planned: an identity map with no RAM would be a confident
  // wrong answer. The problems reported above said why.
  const usable = doc.maps.filter(isUsable);
  if (o.map !== undefined && !isUsable(doc.maps[o.map - 1])) {
    err(`--map ${o.map}: this map holds no usable range line; nothing planned`);
    return 1;
  }
  if (o.map === undefined && usable.length === 0) {
    err(`no usable memory map in ${names}: ${doc.maps.length === 1 ? 'its only map holds' : `its ${doc.maps.length} maps hold`} no usable range line`);
    return 1;
  }
  const selected = o.map !== undefined ? [doc.maps[o.map - 1]] : o.format === 'text' ? usable : [usable[usable.length - 1]];
  if (o.map === undefined && o.format !== 'text' && doc.maps.length > 1) {
    err(`${doc.maps.length} memory maps found; planning the last${usable.length < doc.maps.length ? ' usable' : ''} one (map ${selected[0].index + 1}); choose another with --map N`);
  }

  const chunks: string[] = [];
  const failures: string[] = [];
  const atLine = (line: number): string => {
    const l = locate(scanned.inputs, line);
    return `${l.file}:${l.line}`;
  };
  for (const map of selected) {
    const first = locate(scanned.inputs, map.firstLine);
    const last = locate(scanned.inputs, map.lastLine);
    const ram: RamInput[] = ramInputs(map).map((r) => {
      const l = locate(scanned.inputs, r.line!);
      return { ...r, line: l.line - 1, source: l.file };
    });
    const mt = mtrrFor(map, o, fileDump, scanned);
    let plan;
    try {
      plan = planMemoryMap(ram, { limit: o.limitPhys ? 'phys' : o.limit, physAddrBits: o.physBits, maxPage: o.maxPage, ramPage: o.ramPage, mtrr: mt.state });
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      err(`${first.file}:${first.line}: ${e.message}`);
      return 1;
    }
    const dumpLines = (fileDump ?? map.mtrr)?.records;
    for (const index of plan.mtrrTruncated) {
      const reg = fileDump ? undefined : dumpLines?.find((x) => x.kind === 'mtrr-variable' && x.index === index);
      const where = reg ? `${locate(scanned.inputs, reg.line).file}:${locate(scanned.inputs, reg.line).line}` : (fileDump ? o.mtrrFile! : first.file);
      err(`${where}: warning: MTRR ${index} has a non-contiguous mask matching more separate blocks than are followed (${MAX_BLOCKS.toLocaleString('en-US')} per map): past the first ones it is ignored, so memory types there may be wrong`);
    }
    // RAM past the limit, on the lines that say so (file:line:col like every other problem).
    const past = map.ranges.filter((r) => r.ram && r.end > plan.limit && !r.problems.some((p) => p.severity === 'error'));
    for (const r of past) {
      const l = locate(scanned.inputs, r.line);
      err(`${l.file}:${l.line}:${r.fields.start.start + 1}: warning: RAM [0x${Math.max(r.start, plan.limit).toString(16)}, 0x${r.end.toString(16)}) lies beyond the limit 0x${plan.limit.toString(16)} and is not mapped (raise --limit)`);
    }
    if (past.length === 0) {
      for (const b of plan.beyondLimit) err(`${first.file}: warning: RAM [0x${b.start.toString(16)}, 0x${b.end.toString(16)}) lies beyond the limit and is not mapped (raise --limit)`);
    }
    const { physAddrBits, physAddrBitsFrom } = plan.options;
    const physWarning = physLimitWarning(plan.limit, physAddrBits, physAddrBitsFrom, '--limit phys');
    if (physWarning) err(`${first.file}: warning: ${physWarning}`);
    const heading = `${first.file}: ${FORMAT_NAMES[map.format]} map ${map.index + 1} of ${doc.maps.length}, lines ${first.line}–${last.line}, ${ram.length} RAM ranges`;
    const ctx = { map, plan, at: atLine, heading };
    for (const w of mmioPastLimit(ctx)) err(w);
    if (o.policy || o.policies || o.check) {
      const pol = runPolicies(ctx, o, o.format);
      failures.push(...pol.failures);
      if (pol.chunk !== undefined) {
        chunks.push(pol.chunk);
        continue;
      }
    }
    if (o.format === 'json') {
      const json = {
        file: first.file,
        format: map.format,
        lines: [first.line, last.line],
        map: map.index + 1,
        maps: doc.maps.length,
        ...planToJson(plan),
        mtrrSource: mt.state ? { note: mt.note, notes: mt.notes } : undefined,
        ...(physWarning ? { warnings: [physWarning] } : {}),
      };
      chunks.push(JSON.stringify(json, null, 2));
    } else if (o.format !== 'text') {
      const sizing = o.format === 'c' ? { highestAddress: highestAddress(ctx) } : undefined;
      chunks.push(exportPlan(plan, o.format, { title: `${first.file} lines ${first.line}-${last.line}`, lineLabel: (l) => `line ${l + 1}`, sizing }).trimEnd());
    } else {
      chunks.push(renderPlanText(plan, {
        heading,
        mtrrNote: `${describePhysBits(physAddrBits, physAddrBitsFrom)}; ${mt.note}`,
        notes: [...(physWarning ? [`warning: ${physWarning}`] : []), ...mt.notes],
        where: (line) => (line < 0 ? '' : `line ${line + 1}`),
      }));
    }
  }
  await sink.write(chunks.join('\n\n') + '\n');
  // Unprefixed, so CI problem matchers (`file:line: error:`) pick them up.
  for (const f of failures) process.stderr.write(f + '\n');
  return failures.length ? 3 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ept-plan: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 70;
  },
);
