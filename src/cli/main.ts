// `ept-plan`: the planner for terminals and CI. All side effects (files, streams, exit codes)
// live here; reading, planning and rendering are pure functions from src/formats and src/planner.
import fs from 'node:fs';
import { FORMAT_NAMES, LATE_START_HEAD, MapRecord, groupMaps, lateStart, lateStartNote, ramInputs } from '../formats';
import { MtrrFileReader, PROBLEM_CODES, mtrrSourceNote, problemLine, dumpProblems, isUsable, lineProblems, mapProblems, planOptions, planProblems, scanStream } from '../analysis';
import type { MemoryMap, MtrrDump } from '../formats/maps';
import { type MtrrState, tom2Range } from '../planner/mtrr';
import { RamInput } from '../planner/normalize';
import { Plan, PlanError, planMemoryMap } from '../planner/plan';
import { describePhysBits } from '../planner/phys-bits';
import { hex } from '../planner/units';
import { exportPlan, planJsonPieces } from '../planner/export';
import { CliOptions, USAGE, UsageError, parseArgs } from './args';
import { CLI_TERMS, planTextPieces } from './render';
import { highestAddress, runPolicies } from './policies';
import { Sink, WriteError, fileSink, inputOverwritten, stdoutSink } from './output';
import pkg from '../../package.json';

interface Input {
  name: string;
  /** Global index of the file's first line. */
  firstLine: number;
}

class InputError extends Error {}

/**
 * Why a set of dmesg files without a map has none, when each begins after boot (the ring buffer
 * had dropped the boot messages): the note for the first such file, else undefined. Only on the
 * no-map path, and only a file's first 64 KiB: the scan itself stays one pass.
 */
function lateInputs(files: readonly string[]): string | undefined {
  let first: string | undefined;
  for (const file of files) {
    if (file === '-') return undefined;
    let head: string;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        const buf = Buffer.alloc(LATE_START_HEAD);
        head = buf.toString('utf8', 0, fs.readSync(fd, buf, 0, buf.length, 0));
      } finally { fs.closeSync(fd); }
    } catch { return undefined; }
    const late = lateStart(head);
    if (!late) return undefined;
    first ??= lateStartNote(late, files.length > 1 ? file : undefined);
  }
  return first;
}

/**
 * Streams `files` line by line into `onRecord`, one global line numbering across them; `inputs`
 * grows as each file starts.
 */
async function scanFiles(files: readonly string[], inputs: Input[], onRecord: (r: MapRecord) => void): Promise<void> {
  let line = 0;
  for (const file of files) {
    const name = file === '-' ? '<stdin>' : file;
    inputs.push({ name, firstLine: line });
    try {
      if (file !== '-' && fs.statSync(file).isDirectory()) throw new InputError(`${name}: is a directory`);
      const input = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1 << 20 });
      line += (await scanStream(input, { firstLine: line, onRecord })).lines;
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      throw new InputError(`${name}: cannot read: ${why}`);
    }
  }
}

function locate(inputs: readonly Input[], line: number): { file: string; line: number } {
  // The last file starting at or before the line (binary search: `ept-plan *.log` of thousands of
  // files locates every RAM range).
  let lo = 1;
  let hi = inputs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (inputs[mid].firstLine <= line) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  return { file: inputs[i].name, line: line - inputs[i].firstLine + 1 };
}

function withDefault(dump: MtrrDump, o: CliOptions): MtrrState {
  return o.mtrrDefault ? { ...dump.state, defaultType: o.mtrrDefault, defaultTypeKnown: true } : dump.state;
}

function mtrrFor(map: MemoryMap, o: CliOptions, fileDump: MtrrDump | undefined, inputs: readonly Input[]): { dump?: MtrrDump; state?: MtrrState; note: string; notes: string[] } {
  if (o.noMtrr) return { note: mtrrSourceNote({ ignored: true }, CLI_TERMS), notes: [] };
  const dump = fileDump ?? map.mtrr;
  if (!dump) return { note: mtrrSourceNote({}, CLI_TERMS), notes: [] };
  const at = locate(inputs, dump.firstLine);
  const where = fileDump ? o.mtrrFile! : `${at.file} line ${at.line}`;
  const state = withDefault(dump, o);
  const notes = dumpProblems(dump, o.physBits, CLI_TERMS).map((p) => p.message);
  // A --mtrr FILE's lines count from that file, not from the main input.
  const lineOf = (l: number): string => (fileDump ? `${o.mtrrFile} line ${l + 1}` : `line ${locate(inputs, l).line}`);
  return { dump, state, note: `${mtrrSourceNote({ dump, state, where }, CLI_TERMS)}${tom2Note(state, lineOf)}`, notes };
}

/** `; AMD TOM2 …: [4 GiB, TOM2) WB`, when the dump has Linux's `TOM2:` line (planner/mtrr.ts `tom2Range`). */
function tom2Note(state: MtrrState, lineOf: (line: number) => string): string {
  const wb = tom2Range(state.tom2, Infinity);
  if (!wb) return '';
  const at = state.tom2!.line === undefined ? '' : ` (${lineOf(state.tom2!.line)})`;
  return `; AMD TOM2 ${hex(wb.end)}${at}: [${hex(wb.start)}, ${hex(wb.end)}) WB whatever the variable MTRRs say, as Linux types it`;
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

/**
 * Stands for the number of maps in headings rendered before the input is all read (text output
 * plans each map as it comes); replaced once the count is known. No file name holds a NUL.
 */
const MAP_COUNT = '\u0000maps\u0000';

/**
 * Reads the inputs as a stream and plans map by map: records are grouped a boot at a time (no
 * map or MTRR dump belongs across a boundary line such as `Linux version`), each boot's maps are
 * checked, planned and rendered, and their records dropped, so memory stays flat however long
 * the log. Output is written once everything is planned (a heading quotes the number of maps,
 * and a failure must not leave half a plan behind). Returns the exit status.
 */
async function planInputs(o: CliOptions, sink: Sink, err: (s: string) => void): Promise<number> {
  let fileDump: MtrrDump | undefined;
  const inputs: Input[] = [];
  const mtrrInputs: Input[] = [];
  /** `file:line[:col]`; a --mtrr FILE's dump lines are numbered in that file. */
  const atIn = (ins: readonly Input[]) => (line: number, col?: number): string => {
    const l = locate(ins, line);
    return `${l.file}:${l.line}${col === undefined ? '' : `:${col + 1}`}`;
  };
  const at = (line: number, col?: number, inDump = false): string => atIn(inDump && fileDump ? mtrrInputs : inputs)(line, col);
  let maps = 0;
  let usable = 0;
  let dumps = 0;
  /** Non-text formats plan one map (--map N, else the last usable one), once the input is read. */
  let chosen: MemoryMap | undefined;
  let chosenUnusable = false;
  // Kept as UTF-8 bytes, not strings: a text plan of every boot of a 1 GiB log is ~8 MB, and
  // the strings (two-byte once they hold a '…' or '×') joined and then replaced were three copies
  // of it at once, which set the CLI's peak RSS at 1 GiB.
  const chunks: Buffer[][] = [];
  const keep = (chunk: string | Iterable<string>): void => {
    chunks.push(typeof chunk === 'string' ? [Buffer.from(chunk)] : Array.from(chunk, (piece) => Buffer.from(piece)));
  };
  const failures: string[] = [];
  let failed = false;
  /** A plan with no RAM is printed but never exits 0 (the map's no-ram note said why). */
  let noRam = false;

  /** Plans one map and renders it in the output format; undefined when the planner refused. */
  const render = (map: MemoryMap, total: string): string | Iterable<string> | undefined => {
    const first = locate(inputs, map.firstLine);
    const last = locate(inputs, map.lastLine);
    const ram: RamInput[] = ramInputs(map).map((r) => {
      const l = locate(inputs, r.line!);
      // One object shape, no spread: a map can hold a million ranges.
      return { start: r.start, end: r.end, line: l.line - 1, source: l.file };
    });
    if (ram.length === 0) noRam = true;
    const mt = mtrrFor(map, o, fileDump, inputs);
    let plan: Plan;
    try {
      plan = planMemoryMap(ram, planOptions({ limit: o.limit, limitPhys: o.limitPhys, physAddrBits: o.physBits, maxPage: o.maxPage, ramPage: o.ramPage, useMtrr: true }, mt.state));
    } catch (e) {
      if (!(e instanceof PlanError)) throw e;
      err(`${first.file}:${first.line}: ${e.message}`);
      failed = true;
      return undefined;
    }
    // The limit past MAXPHYADDR, RAM and known MMIO past the limit, MTRR conflicts and truncated masks: the list the editor's diagnostics render.
    const problems = [...planProblems(map, plan, mt.dump, CLI_TERMS)];
    for (const p of problems) err(problemLine(p, at));
    const { physAddrBits, physAddrBitsFrom } = plan.options;
    const physWarning = problems.find((p) => p.code === PROBLEM_CODES.limitPastPhys)?.message;
    const heading = `${first.file}: ${FORMAT_NAMES[map.format]} map ${map.index + 1} of ${total}, lines ${first.line}–${last.line}, ${ram.length} RAM ranges`;
    const ctx = { map, plan, at: (line: number) => at(line), heading };
    if (o.policy || o.policies || o.check) {
      const pol = runPolicies(ctx, o, o.format);
      failures.push(...pol.failures);
      if (pol.chunk !== undefined) return pol.chunk;
    }
    if (o.format === 'json') {
      // Pieces, not one string: the JSON of a million-range map is hundreds of MB (see planJsonPieces).
      return planJsonPieces(
        plan,
        { file: first.file, format: map.format, lines: [first.line, last.line], map: map.index + 1, maps: Number(total) },
        { mtrrSource: mt.state ? { note: mt.note, notes: mt.notes } : undefined, ...(physWarning ? { warnings: [physWarning] } : {}) },
      );
    }
    if (o.format !== 'text') {
      const sizing = o.format === 'c' ? { highestAddress: highestAddress(ctx) } : undefined;
      return exportPlan(plan, o.format, { title: `${first.file} lines ${first.line}-${last.line}`, lineLabel: (l) => `line ${l + 1}`, sizing, mtrrSource: mt.note }).trimEnd();
    }
    return planTextPieces(plan, {
      heading,
      mtrrNote: `${describePhysBits(physAddrBits, physAddrBitsFrom)}; ${mt.note}`,
      notes: [...(physWarning ? [`warning: ${physWarning}`] : []), ...mt.notes],
      where: (line) => (line < 0 ? '' : `line ${line + 1}`),
    });
  };

  const onMap = (map: MemoryMap): void => {
    for (const p of mapProblems(map)) err(problemLine(p, at));
    // A map that holds no usable address at all (an all-zero /proc/iomem read without root, only
    // malformed or over-long lines) is not planned: an identity map with no RAM would be a
    // confident wrong answer. The problems reported above said why.
    const ok = isUsable(map);
    if (ok) usable++;
    if (o.map !== undefined && map.index + 1 !== o.map) return;
    if (o.map !== undefined && !ok) chosenUnusable = true;
    else if (!ok) return;
    // Text plans every map now, its records go; other formats plan one map at the end.
    else if (o.format !== 'text') chosen = map;
    else if (!failed) {
      const chunk = render(map, MAP_COUNT);
      if (chunk !== undefined) keep(chunk);
    }
  };

  let boot: MapRecord[] = [];
  const groupBoot = (): void => {
    for (const r of boot) for (const p of lineProblems(r)) err(problemLine(p, at));
    const doc = groupMaps(boot, { mapBreaks: inputs.map((i) => i.firstLine) });
    boot = [];
    dumps += doc.dumps.length;
    for (const m of doc.maps) m.index += maps;
    maps += doc.maps.length;
    for (const m of doc.maps) onMap(m);
  };
  const onRecord = (r: MapRecord): void => {
    if (r.kind === 'boundary') groupBoot();
    boot.push(r);
  };

  try {
    if (o.mtrrFile) {
      const reader = new MtrrFileReader();
      await scanFiles([o.mtrrFile], mtrrInputs, (r) => reader.add(r));
      const file = reader.finish(o.mtrrFile);
      // The MTRR file's own problems, `file:line:col` like the main input's.
      for (const p of file.problems) err(problemLine(p, atIn(mtrrInputs)));
      if (!file.dump) throw new InputError(file.error!);
      fileDump = file.dump;
    }
    await scanFiles(o.files, inputs, onRecord);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    err(e.message);
    return 1;
  }
  groupBoot();
  if (failed) return 1;

  const names = inputs.map((i) => i.name).join(', ');
  if (maps === 0) {
    const late = lateInputs(o.files);
    if (late) {
      err(`no memory map found in ${names}: ${late}`);
      return 1;
    }
    const mtrrOnly = dumps ? ' (only MTRRs: give the memory map too, e.g. ept-plan /proc/iomem /proc/mtrr)' : '';
    err(`no memory map found in ${names}${mtrrOnly}. Known formats: ${Object.values(FORMAT_NAMES).join(', ')}.`);
    return 1;
  }
  if (o.map !== undefined && o.map > maps) {
    err(`--map ${o.map}: the input holds ${maps} memory map${maps === 1 ? '' : 's'}`);
    return 2;
  }
  if (chosenUnusable) {
    err(`--map ${o.map}: this map holds no usable range line; nothing planned`);
    return 1;
  }
  if (o.map === undefined && usable === 0) {
    err(`no usable memory map in ${names}: ${maps === 1 ? 'its only map holds' : `its ${maps} maps hold`} no usable range line`);
    return 1;
  }
  if (o.format !== 'text') {
    if (o.map === undefined && maps > 1) {
      err(`${maps} memory maps found; planning the last${usable < maps ? ' usable' : ''} one (map ${chosen!.index + 1}); choose another with --map N`);
    }
    const chunk = render(chosen!, String(maps));
    if (chunk === undefined) return 1;
    if (typeof chunk === 'string') keep(chunk);
    else {
      // JSON: one map, planned and checked; written piece by piece as it is printed.
      for (const piece of chunk) await sink.write(piece);
      await sink.write('\n');
      for (const f of failures) process.stderr.write(f + '\n');
      return failures.length ? 3 : noRam ? 4 : 0;
    }
  }
  // A piece at a time: the same bytes as joining the pieces with newlines and the maps with blank
  // lines, without the copy. Only a piece with a NUL (a heading's MAP_COUNT) becomes a string again.
  const count = String(maps);
  for (let i = 0; i < chunks.length; i++) {
    const pieces = chunks[i];
    for (let j = 0; j < pieces.length; j++) {
      const piece = pieces[j];
      await sink.write(piece.includes(0) ? piece.toString().replaceAll(MAP_COUNT, count) : piece);
      await sink.write(j < pieces.length - 1 || i === chunks.length - 1 ? '\n' : '\n\n');
    }
    chunks[i] = [];
  }
  if (chunks.length === 0) await sink.write('\n');
  // Unprefixed, so CI problem matchers (`file:line: error:`) pick them up.
  for (const f of failures) process.stderr.write(f + '\n');
  return failures.length ? 3 : noRam ? 4 : 0;
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
