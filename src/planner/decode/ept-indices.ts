// Splits a guest-physical address into the four EPT table indices walked by the CPU
// (SDM vol. 3, "EPT Translation Mechanism"): PML4 47:39, PDPT 38:30, PD 29:21, PT 20:12.
// Addresses exceed 32 bits, so this uses division instead of JavaScript's 32-bit bit operators.

export interface EptIndices {
  gpa: number;
  pml4: number;
  pdpt: number;
  pd: number;
  pt: number;
  /** Byte offset inside the 4 KiB, 2 MiB and 1 GiB page that would contain the address. */
  offset4K: number;
  offset2M: number;
  offset1G: number;
}

const field = (gpa: number, lowBit: number): number => Math.floor(gpa / 2 ** lowBit) % 512;

export function eptIndices(gpa: number): EptIndices {
  if (!Number.isSafeInteger(gpa) || gpa < 0) throw new RangeError(`not a guest-physical address: ${gpa}`);
  return {
    gpa,
    pml4: field(gpa, 39),
    pdpt: field(gpa, 30),
    pd: field(gpa, 21),
    pt: field(gpa, 12),
    offset4K: gpa % 0x1000,
    offset2M: gpa % 0x200000,
    offset1G: gpa % 0x40000000,
  };
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Hover lines: the walk path and the offset for each leaf size. */
export function describeEptIndices(i: EptIndices): string[] {
  return [
    `GPA \`${hex(i.gpa)}\`: PML4[${i.pml4}] → PDPT[${i.pdpt}] → PD[${i.pd}] → PT[${i.pt}]`,
    `offset in 4K page \`${hex(i.offset4K)}\`, in 2M page \`${hex(i.offset2M)}\`, in 1G page \`${hex(i.offset1G)}\``,
  ];
}
