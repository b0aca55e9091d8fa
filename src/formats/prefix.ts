// Kernel log prefixes in front of the message: `[    0.000000] ` (dmesg), `<6>[ 0.0] ` (raw
// printk levels) and `Nov 30 12:00:00 host kernel: ` (journalctl / syslog).

const DMESG = /^\s*(?:<\d>)?\[\s*\d+\.\d+\]\s?/;
const JOURNAL = /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: (?:\[\s*\d+\.\d+\]\s?)?/;

/** Offset of the message after any kernel-log prefix (0 when there is none). */
export function messageOffset(text: string): number {
  const c = text.charCodeAt(0);
  // Fast path: dmesg lines start with '[' or '<', journal lines with a capital letter.
  if (c === 0x5b || c === 0x3c || c === 0x20) return DMESG.exec(text)?.[0].length ?? 0;
  if (c >= 0x41 && c <= 0x5a) return JOURNAL.exec(text)?.[0].length ?? 0;
  return 0;
}
