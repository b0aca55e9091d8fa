// Does the head of a file look like something EPT Lens reads? Used when a `.log` / `.txt` file
// opens under another language, to offer switching. Cheap line tests on the first kilobytes only;
// a guess to offer, never a parse.

const TESTS: ReadonlyArray<[RegExp, string]> = [
  [/Physical Memory Range:\s+[0-9a-fA-F]{8,16}\s+-\s+[0-9a-fA-F]{8,16}/, 'a HyperPlatform memory map'],
  [/\b(?:BIOS-e820|e820):?\s+\[mem\s+0x[0-9a-fA-F]+-0x[0-9a-fA-F]+\]/, 'a Linux e820 memory map'],
  [/\bkvm_(?:exit|page_fault|mmio|mmu_set_spte):\s/, 'a KVM trace'],
  [/^\s*[0-9a-fA-F]{8,16}-[0-9a-fA-F]{8,16} : (?:System RAM|reserved|PCI Bus)/m, 'a /proc/iomem listing'],
  [/^reg\d{2}: base=0x[0-9a-fA-F]+/m, 'a /proc/mtrr listing'],
  [/\(XEN\)\s+(?:\[[0-9a-fA-F]{16}, [0-9a-fA-F]{16}\]|[0-9a-fA-F]{16} - [0-9a-fA-F]{16})/, 'a Xen memory map'],
];

/** What the text looks like (`a KVM trace`), or undefined. Looks at the first 64 KiB at most. */
export function sniffLog(head: string): string | undefined {
  const text = head.length > 65536 ? head.slice(0, 65536) : head;
  for (const [re, what] of TESTS) if (re.test(text)) return what;
  return undefined;
}

/** A files.associations pattern for files named like this one: `HyperPlatform.log` → `HyperPlatform*.log`. */
export function associationPattern(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot) : '';
  const stem = (dot > 0 ? base.slice(0, dot) : base).replace(/[-_.]?\d.*$/, '');
  return `${stem || '*'}*${ext}`;
}
