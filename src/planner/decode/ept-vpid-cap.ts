// Decodes IA32_VMX_EPT_VPID_CAP (MSR 0x48C), Intel SDM Vol. 3D Appendix A.10 "VPID and EPT
// Capabilities". Every bit below was checked against the SDM's own sentences ("If bit 17 is read
// as 1, the logical processor allows software to configure a EPT PDPTE to map a 1-Gbyte page";
// A-8: "bits 5:1, bit 7, bits 13:9, bit 15, bits 19:18, bits 24:22, bits 31:27, bits 39:33, and
// bits 63:44 are reserved" in the editions before 5-level EPT, advanced VM-exit information and
// CET); later editions define bit 7 (page-walk length 5), bit 22 (advanced VM-exit information for
// EPT violations) and bit 23 (supervisor shadow-stack control). Pure.
import { PAGE_BYTES, type PageSize } from '../types';

/** One capability bit: where it is, what it allows. */
interface CapBit {
  bit: number;
  key: CapKey;
  text: string;
}

type CapKey =
  | 'executeOnly' | 'walk4' | 'walk5' | 'uc' | 'wb' | 'pages2M' | 'pages1G' | 'invept' | 'accessedDirty'
  | 'advancedExitInfo' | 'supervisorShadowStack' | 'inveptSingle' | 'inveptAll' | 'invvpid'
  | 'invvpidIndividual' | 'invvpidSingle' | 'invvpidAll' | 'invvpidSingleRetainingGlobals';

/** The defined bits, in bit order: the one table the decoder and its description read. */
const BITS: readonly CapBit[] = [
  { bit: 0, key: 'executeOnly', text: 'execute-only EPT entries (bits 2:0 = 100b)' },
  { bit: 6, key: 'walk4', text: 'page-walk length 4 (4-level EPT)' },
  { bit: 7, key: 'walk5', text: 'page-walk length 5 (5-level EPT)' },
  { bit: 8, key: 'uc', text: 'EPT paging-structure memory type UC (EPTP bits 2:0 = 0)' },
  { bit: 14, key: 'wb', text: 'EPT paging-structure memory type WB (EPTP bits 2:0 = 6)' },
  { bit: 16, key: 'pages2M', text: '2 MiB pages (EPT PDE bit 7)' },
  { bit: 17, key: 'pages1G', text: '1 GiB pages (EPT PDPTE bit 7)' },
  { bit: 20, key: 'invept', text: 'INVEPT' },
  { bit: 21, key: 'accessedDirty', text: 'accessed and dirty flags for EPT (EPTP bit 6)' },
  { bit: 22, key: 'advancedExitInfo', text: 'advanced VM-exit information for EPT violations' },
  { bit: 23, key: 'supervisorShadowStack', text: 'supervisor shadow-stack control (EPTP bit 7)' },
  { bit: 25, key: 'inveptSingle', text: 'single-context INVEPT' },
  { bit: 26, key: 'inveptAll', text: 'all-context INVEPT' },
  { bit: 32, key: 'invvpid', text: 'INVVPID' },
  { bit: 40, key: 'invvpidIndividual', text: 'individual-address INVVPID' },
  { bit: 41, key: 'invvpidSingle', text: 'single-context INVVPID' },
  { bit: 42, key: 'invvpidAll', text: 'all-context INVVPID' },
  { bit: 43, key: 'invvpidSingleRetainingGlobals', text: 'single-context-retaining-globals INVVPID' },
];

const DEFINED = BITS.reduce((m, b) => m | (1n << BigInt(b.bit)), 0n);

export type EptVpidCap = Readonly<Record<CapKey, boolean>> & {
  value: bigint;
  /** The largest EPT leaf the CPU allows: what `maxPage` must not exceed. */
  maxPage: PageSize;
  /** Bits set that A.10 does not define (reserved, read as 0 on the CPUs the SDM describes). */
  undefinedBits: number[];
};

export function decodeEptVpidCap(value: bigint): EptVpidCap {
  const v = BigInt.asUintN(64, value);
  const flags = Object.fromEntries(BITS.map((b) => [b.key, ((v >> BigInt(b.bit)) & 1n) === 1n])) as Record<CapKey, boolean>;
  const undefinedBits: number[] = [];
  for (let b = 0; b < 64; b++) if (((v & ~DEFINED) >> BigInt(b)) & 1n) undefinedBits.push(b);
  // The planner's maxPage caps 1G and 2M leaves together: without 2M pages only 4K leaves fit,
  // whatever bit 17 says.
  const maxPage: PageSize = !flags.pages2M ? '4K' : flags.pages1G ? '1G' : '2M';
  return { ...flags, value: v, maxPage, undefinedBits };
}

/**
 * Markdown lines: the value, what it means for the plan (a plan with larger leaves than the CPU
 * allows cannot be loaded: the CPU raises EPT misconfigurations on them), then every defined bit.
 * `planMaxPage` is the largest leaf the plan uses (the `eptLens.maxPage` setting).
 */
export function describeEptVpidCap(c: EptVpidCap, planMaxPage: PageSize): string[] {
  const out = [`#### IA32_VMX_EPT_VPID_CAP \`0x${c.value.toString(16).padStart(16, '0')}\``, '', 'MSR 0x48C (Intel SDM Vol. 3D, Appendix A.10)', ''];
  const names = [!c.pages2M && '2 MiB', !c.pages1G && '1 GiB'].filter(Boolean).join(' or ');
  const bits = !c.pages2M && !c.pages1G ? 'bits 16 and 17 clear' : !c.pages2M ? 'bit 16 clear' : 'bit 17 clear';
  if (PAGE_BYTES[planMaxPage] > PAGE_BYTES[c.maxPage]) {
    out.push(
      `**This CPU has no ${names} EPT pages** (${bits}), but the plan uses leaves up to ${planMaxPage} (\`eptLens.maxPage\`): ` +
        `an EPT PDPTE/PDE with bit 7 set is a misconfiguration here. Set \`eptLens.maxPage\` to \`${c.maxPage}\` ` +
        `(CLI: \`--max-page ${c.maxPage}\`) for a plan this CPU can load.`,
    );
  } else {
    out.push(`Largest EPT leaf: **${c.maxPage}**${names ? ` (no ${names} pages: ${bits})` : ''}; the plan's leaves go up to ${planMaxPage} (\`eptLens.maxPage\`): within it.`);
  }
  if (!c.walk4) out.push('', '**No page-walk length 4**: this CPU cannot use a 4-level EPT at all.');
  if (!c.wb) out.push('', '**No WB paging-structure memory type**: the EPTP must use UC.');
  out.push('', '| bit | capability | |', '| ---: | --- | --- |');
  for (const b of BITS) out.push(`| ${b.bit} | ${b.text} | ${c[b.key] ? 'yes' : 'no'} |`);
  if (c.undefinedBits.length) out.push('', `Bits set that A.10 does not define (reserved): ${c.undefinedBits.join(', ')}.`);
  return out;
}
