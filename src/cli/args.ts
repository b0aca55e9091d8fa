// Command-line options of `ept-plan` (pure: argv in, options or a usage error out).
import type { MemoryType, PageSize } from '../planner/types';
import { parsePageSize, parseSize } from '../planner/units';
import { parseMemoryTypeWord } from '../planner/decode/memory-types';
import { MIN_PHYS_BITS, isPhysBits } from '../planner/phys-bits';
import { DEFAULT_PLAN_SETTINGS, limitProblem, parseLimit } from '../analysis/options';
import { POLICY_USAGE, PolicyOptions, checkPolicyOptions, takePolicyFlag } from './policies';

export type ExportFormat = 'text' | 'json' | 'md' | 'csv' | 'c';

export interface CliOptions extends PolicyOptions {
  files: string[];
  limit: number;
  /** `--limit phys`: the limit is 2^MAXPHYADDR, known per map once its MTRRs are read. */
  limitPhys?: boolean;
  /** `--phys-bits N`: MAXPHYADDR; else the MTRR dump's mask width, else 52. */
  physBits?: number;
  maxPage: PageSize;
  ramPage: PageSize;
  mtrrFile?: string;
  mtrrDefault?: MemoryType;
  noMtrr: boolean;
  format: ExportFormat;
  /** 1-based map to plan; all maps (text) or the last one (other formats) when absent. */
  map?: number;
  output?: string;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: ept-plan [options] [FILE|-]...

Plans the Intel EPT identity map for the memory map found in each input: HyperPlatform
'Physical Memory Range' logs, Linux dmesg 'BIOS-e820' maps, /proc/iomem, Xen e820 dumps,
with MTRRs from dmesg dumps or /proc/mtrr. Non-RAM ranges get the largest aligned page
that fits (1G, 2M, 4K); RAM stays at --ram-page. Reads standard input when no FILE is given.

Options:
  --limit SIZE          end of the identity map: 512G (default), 1T, 64G, 0x8000000000,
                        or phys: 2^MAXPHYADDR (the CPU's physical address space)
  --phys-bits N         MAXPHYADDR, 32-52 (default: the MTRR dump's mask width, else 52)
  --max-page 4K|2M|1G   largest EPT page the CPU allows (default 1G)
  --ram-page 4K|2M|1G   largest page for RAM (default 4K)
  --mtrr FILE           take MTRRs from FILE (/proc/mtrr or a dmesg MTRR dump)
  --mtrr-default TYPE   MTRR default type (UC, WC, WT, WP, WB): /proc/mtrr has none, UC is assumed
  --no-mtrr             ignore MTRRs: gaps UC, RAM WB
  --json                print the plan as JSON (same as --format json)
  --format FMT          text (default), json, md, csv or c (a C header for hypervisor code)
  --map N               plan only the N-th memory map of the input (1-based)
  --output FILE         write to FILE instead of standard output (replaced only when complete)
${POLICY_USAGE}
  -h, --help            show this help
  -V, --version         show the version

Exit status: 0 planned; 1 no memory map found, an input could not be read or the output
not written; 2 usage error (including an --output that is one of the inputs); 3 a --check failed;
4 planned, but a planned map holds no RAM range (every address a gap: see its warning).`;

export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = { files: [], limit: DEFAULT_PLAN_SETTINGS.limit, maxPage: '1G', ramPage: '4K', noMtrr: false, format: 'text', help: false, version: false, policies: false, check: false };
  const fail = (msg: string): never => {
    throw new UsageError(msg);
  };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline: string | undefined;
    if (a.startsWith('--') && a.includes('=')) {
      inline = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const take = (name: string): string => {
      if (inline !== undefined) return inline;
      const v = value(i, name);
      i++;
      return v;
    };
    switch (a) {
      case '--limit': {
        const t = take(a);
        o.limitPhys = t.trim().toLowerCase() === 'phys';
        if (o.limitPhys) break;
        const n = parseLimit(t);
        if (n === undefined) {
          const bytes = parseSize(t);
          const why = bytes === undefined ? 'it is not a size such as 512G, 1T or 0x8000000000' : limitProblem(bytes);
          throw new UsageError(`--limit: '${t}': ${why}`);
        }
        o.limit = n;
        break;
      }
      case '--phys-bits': {
        const t = take(a);
        const n = Number(t);
        if (!/^\d+$/.test(t.trim()) || !isPhysBits(n)) throw new UsageError(`--phys-bits: '${t}' is not a physical address width from ${MIN_PHYS_BITS} to 52 (36, 39, 46, 48, 52)`);
        o.physBits = n;
        break;
      }
      case '--max-page':
      case '--ram-page': {
        const t = take(a);
        const p = parsePageSize(t);
        if (!p) throw new UsageError(`${a}: '${t}' is not one of 4K, 2M, 1G`);
        if (a === '--max-page') o.maxPage = p;
        else o.ramPage = p;
        break;
      }
      case '--mtrr':
        o.mtrrFile = take(a);
        break;
      case '--mtrr-default': {
        const t = take(a);
        const ty = parseMemoryTypeWord(t);
        if (!ty) throw new UsageError(`--mtrr-default: '${t}' is not one of UC, WC, WT, WP, WB`);
        o.mtrrDefault = ty;
        break;
      }
      case '--no-mtrr':
        o.noMtrr = true;
        break;
      case '--json':
        o.format = 'json';
        break;
      case '--format': {
        const t = take(a);
        if (!['text', 'json', 'md', 'csv', 'c'].includes(t)) throw new UsageError(`--format: '${t}' is not one of text, json, md, csv, c`);
        o.format = t as ExportFormat;
        break;
      }
      case '--map': {
        const t = take(a);
        const n = Number(t);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--map: '${t}' is not a map number (1, 2, …)`);
        o.map = n;
        break;
      }
      case '--output':
      case '-o':
        o.output = take(a);
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '-V':
      case '--version':
        o.version = true;
        break;
      default:
        if (takePolicyFlag(a, take, o, fail)) break;
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
        o.files.push(a);
    }
  }
  if (o.noMtrr && (o.mtrrFile || o.mtrrDefault)) throw new UsageError('--no-mtrr cannot be combined with --mtrr or --mtrr-default');
  checkPolicyOptions(o, fail);
  if (o.files.length === 0) o.files.push('-');
  return o;
}
