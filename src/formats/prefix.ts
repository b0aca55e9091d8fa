// Kernel log prefixes in front of the message: `[    0.000000] ` (dmesg), `<6>[ 0.0] ` (raw
// printk levels) and `Nov 30 12:00:00 host kernel: ` (journalctl / syslog).

const DMESG = /^\s*(?:<\d>)?\[\s*\d+\.\d+\]/;
const JOURNAL = /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: (?:\[\s*\d+\.\d+\])?/;

/**
 * Offset of the message after any kernel-log prefix and the blanks after it (0 when there is
 * neither). Old kernels indent (`]  BIOS-e820: …`), MTRR dump entries too (`]   00000-9FFFF …`).
 */
export function messageOffset(text: string): number {
  const c = text.charCodeAt(0);
  let at = 0;
  // Fast path: dmesg lines start with '[' or '<', journal lines with a capital letter.
  if (c === 0x5b || c === 0x3c || c === 0x20) at = DMESG.exec(text)?.[0].length ?? 0;
  else if (c >= 0x41 && c <= 0x5a) at = JOURNAL.exec(text)?.[0].length ?? 0;
  while (at < text.length && (text.charCodeAt(at) === 0x20 || text.charCodeAt(at) === 0x09)) at++;
  return at;
}
