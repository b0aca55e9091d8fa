// A dmesg that starts after boot. The kernel prints its memory map (BIOS-e820, Xen, EFI) at
// [    0.000000], before any other subsystem runs; `dmesg` reads a fixed-size ring buffer, so on a
// machine that has been up for a while (linuxhw.org's collected logs often are) the boot messages
// were overwritten and the log begins hours later with USB or firewall lines. Saying "no memory map
// found ... known formats" then sends the user hunting for a format problem; this names the cause.

/** How many of a log's first lines `lateStart` looks at for its first timestamp. */
export const LATE_START_LINES = 50;

/** `[ 7854.711347] …` at the start of a line (dmesg's own timestamp, nothing before it). */
const STAMP = /^\s*\[\s*(\d+\.\d+)\]/;

export interface LateStart {
  /** 1-based line of the first timestamped line. */
  line: number;
  /** Its uptime in seconds. */
  seconds: number;
  /** The timestamp as printed (`7854.711347`). */
  stamp: string;
}

/**
 * Where a dmesg starts after boot: the first line carrying a dmesg timestamp, when that timestamp
 * is past 0 (`undefined` for a log whose first stamped line is at [0.000000], or that has none).
 * Linux prints the firmware's memory map in setup_arch, before the clock that stamps the lines
 * starts, so every line of it reads [0.000000]: a log starting later has lost it, whether the ring
 * buffer wrapped or the log was cut. Reads at most `maxLines` lines of `head`, so callers pass only
 * the start of a file.
 */
export function lateStart(head: string, maxLines = LATE_START_LINES): LateStart | undefined {
  let at = 0;
  for (let line = 1; line <= maxLines && at <= head.length; line++) {
    const nl = head.indexOf('\n', at);
    const text = head.slice(at, nl < 0 ? head.length : nl);
    const m = STAMP.exec(text);
    if (m) {
      const seconds = Number(m[1]);
      return seconds > 0 ? { line, seconds, stamp: m[1] } : undefined;
    }
    if (nl < 0) break;
    at = nl + 1;
  }
  return undefined;
}

/** How many bytes of a file's start `lateStart` needs at most (its first lines). */
export const LATE_START_HEAD = 1 << 16;

/**
 * The sentence every "no memory map" message ends with for such a log (CLI, Plan Log File), so the
 * two say the same; `subject` names the log (a file name when several were given).
 */
export function lateStartNote(late: LateStart, subject = 'the log'): string {
  const hours = late.seconds / 3600;
  const ago = hours >= 48 ? `${Math.round(hours / 24)} days` : hours >= 1 ? `${Math.round(hours)} h`
    : late.seconds >= 60 ? `${Math.round(late.seconds / 60)} min` : `${late.stamp} s`;
  return `${subject} starts ${ago} after boot (line ${late.line}, [${late.stamp}]): the kernel prints its memory map at boot ([0.000000]), and those lines are gone (dmesg's ring buffer dropped them, or the log was cut). Take the log from the boot's start (journalctl -k -b, /var/log/dmesg, or dmesg right after booting) or give /proc/iomem (read as root).`;
}
