// Kernel log prefixes in front of the message: `[    0.000000] ` (dmesg), `<6>[ 0.0] ` (raw
// printk levels) and `Nov 30 12:00:00 host kernel: ` (journalctl / syslog).

const JOURNAL = /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: (?:\[\s*\d+\.\d+\])?/;

/** JavaScript's `\s`, by char code. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * Length of the match of `^\s*(?:<\d>)?\[\s*\d+\.\d+\]` at the start of `text`, or 0. Hand-coded:
 * it runs on every dmesg and trace line, where a regex exec costs more than the rest of the scan.
 */
function dmesgPrefix(text: string): number {
  const n = text.length;
  let i = 0;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 0x3c /* < */ && isDigit(text.charCodeAt(i + 1)) && text.charCodeAt(i + 2) === 0x3e /* > */) i += 3;
  if (text.charCodeAt(i) !== 0x5b /* [ */) return 0;
  i++;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  const d1 = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === d1 || text.charCodeAt(i) !== 0x2e /* . */) return 0;
  i++;
  const d2 = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === d2 || text.charCodeAt(i) !== 0x5d /* ] */) return 0;
  return i + 1;
}

/**
 * Offset of the message after any kernel-log prefix and the blanks after it (0 when there is
 * neither). Old kernels indent (`]  BIOS-e820: …`), MTRR dump entries too (`]   00000-9FFFF …`).
 */
export function messageOffset(text: string): number {
  const c = text.charCodeAt(0);
  let at = 0;
  // Fast path: dmesg lines start with '[' or '<', journal lines with a capital letter (and have a
  // blank after the three-letter month).
  if (c === 0x5b || c === 0x3c || c === 0x20) at = dmesgPrefix(text);
  else if (c >= 0x41 && c <= 0x5a && text.charCodeAt(3) === 0x20) at = JOURNAL.exec(text)?.[0].length ?? 0;
  while (at < text.length && (text.charCodeAt(at) === 0x20 || text.charCodeAt(at) === 0x09)) at++;
  return at;
}
