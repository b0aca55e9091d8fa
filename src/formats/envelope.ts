// The envelope around a log line's message: what a logger, a pager, a mail client or a web page
// put in front of and behind what the kernel, Xen or a hypervisor printed. It is peeled once per
// line here, and every reader gets offsets into the original line, so each field keeps its
// true column for the editor and no string is copied.
//
// In front (any combination, in any order, each layer at most where it makes sense):
//   `> `, `>>`, `> > `, `&gt; `          mail quoting, any depth
//   `<6>`, `&lt;6&gt;`                    printk level (`dmesg -r`, /dev/kmsg, syslog PRI)
//   `kern  :info  : `                     `dmesg -x`
//   `[    0.000000]`, `[ 0.1 < 0.0>]`     dmesg time (`-d` deltas too)
//   `[    T0]`, `[    C1]`               printk caller ids (CONFIG_PRINTK_CALLER)
//   `[Tue Nov  4 21:29:37 2025]`          `dmesg -T` (day and month in any language)
//   `[2025-11-04 21:29:37.123]`, `2025-11-04T21:29:37,123456+01:00 `   ISO-like times
//   `Nov  4 21:29:37 host kernel: `       syslog / journal (`dez`, `Okt`, `mai.`: any month word)
//   `2025-11-04T21:29:37+0100 host kernel: `  journal short-iso, RFC 5424 syslog
//   `[    0.893358] host kernel: `       journal short-monotonic (`kernel:` either side of the time)
//   `(XEN) `, `(XEN) [0000001b4a3297f3] `, `(XEN) [    2.760248] `   Xen console, console_timestamps
//   `07:23:37.223 TAB DBG TAB #2 TAB 4 TAB 7656 TAB System TAB`   HyperPlatform's columns
//   ` qemu-system-x86-31218 [000] d... 159269.806542: `   trace-cmd report / ftrace
//   ` 1841 17:54:41.419712  `            LAVA/KernelCI line number and time
//   `7月 21 15:20:47 host kernel: `, `1730751577.123456 host kernel: `, `Tue 2025-11-04 21:29:37 CET host kernel: `
//   `<pre>`, `<p>`, `<code>`              HTML a page wrapped the line in
// Behind: blanks, `<br>`, `<br/>`, `<br />`, `&nbsp;`, closing tags (`</span>`).

/** Where a line's message lies: text[at, end). */
export interface Envelope {
  /** Just after the last prefix layer: the message's own leading blanks start here (iomem nesting). */
  indent: number;
  /** The message's first non-blank character. */
  at: number;
  /** Just after the message's last character: trailing blanks and HTML cut. */
  end: number;
  /** The line came through Xen's console (`(XEN)`): Xen's own messages, not the kernel's. */
  xen: boolean;
}

export const newEnvelope = (): Envelope => ({ indent: 0, at: 0, end: 0, xen: false });

// The layers as one sticky regular expression, tested once per line: irregexp runs it as native
// code, several times faster than the same checks written with charCodeAt (measured on the bench
// log), and every part fails on its first character for lines that don't have it. Every
// repetition is bounded or anchored, so a hostile line costs linear time.
const WORD = '[A-Za-z\\u00c0-\\u1fff]{2,12}\\.?'; // a day or month name in any alphabet
const MONTH = `(?:${WORD}|\\d{1,2}[\\u6708\\uc6d4])`; // `Nov`, `dez`, `mai.`, `7月`, `7월`
const SECS = '\\d{1,12}\\.\\d{1,12}';
const CLOCK = '\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d{1,9})?';
const DATE = '\\d{4}-\\d\\d-\\d\\d';
const ZONE = '(?:Z|[+-]\\d\\d:?\\d\\d)?';
const KERNEL = '(?:\\S{1,64} )?kernel: ';
/** Inside `[…]`: dmesg time (and `-d` delta), caller id, `-T` ctime, ISO-like time. */
const STAMP = `\\[(?: *${SECS}(?: < *${SECS}>)?| *[TC]\\d{1,10}|${WORD} +${MONTH} +\\d{1,2} ${CLOCK} \\d{4}|${DATE}[T ]${CLOCK}${ZONE})\\]`;
const QUOTE = '(?:[ \\t]*(?:>[ ]?|&gt;[ ]?|&nbsp;|<(?:pre|p|code|tt|samp|div|span|br ?/?)>))*';
const LEVEL = '(?:<\\d{1,3}>|&lt;\\d{1,3}&gt;)';
const HEADER = [
  STAMP,
  LEVEL,
  // Xen console, with console_timestamps=raw|boot|date|datems.
  `\\(XEN\\)(?: *\\[(?:[0-9a-fA-F]{16}| *${SECS}|${DATE} ${CLOCK})\\])?`,
  // syslog, journal short/short-precise, CJK months
  `${MONTH} +\\d{1,2} ${CLOCK} ${KERNEL}`,
  // journal short-iso, RFC 5424, dmesg --time-format=iso
  `${DATE}T${CLOCK}${ZONE} (?:${KERNEL})?`,
  // journal short-full, short-unix
  `${WORD} ${DATE} ${CLOCK} [A-Za-z]{1,6} ${KERNEL}`,
  `${SECS} ${KERNEL}`,
  // dmesg -x
  'kern *:[a-z]{1,8} *: ',
  // HyperPlatform: time, level, #cpu, pid, tid, image; TABs, or blanks after a copy-paste
  '\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(?:\\t[A-Z]{3}\\t#\\d{1,4}\\t[^\\t]{0,12}\\t[^\\t]{0,12}\\t[^\\t]{0,40}\\t| +[A-Z]{3} +#\\d{1,4} +\\d{1,10} +\\d{1,10} +\\S{1,40} +)',
  // LAVA/KernelCI: line number and time
  `\\d{1,10} ${CLOCK}[ \\t]+`,
  // trace-cmd report / ftrace: task (blanks and dashes allowed), pid, [cpu], flags, seconds
  `\\S.{0,62}?-\\d{1,10} +\\[\\d{1,5}\\](?: +\\S{4,5})? +${SECS}: `,
].join('|');
const FOLLOW = `(?:[ \\t]*(?:${STAMP}|${LEVEL}|${KERNEL}))*`;
const ENVELOPE = new RegExp(`${QUOTE}(?:[ \\t]*(?:${HEADER})${FOLLOW})?`, 'y');

/**
 * Peels the envelope of `text` into `out` (the scan reuses one: no allocation per line). A layer
 * is only taken when all of it is there, so a message is never cut into.
 */
export function readEnvelope(text: string, out: Envelope = newEnvelope()): Envelope {
  ENVELOPE.lastIndex = 0;
  const indent = ENVELOPE.test(text) ? ENVELOPE.lastIndex : 0;
  let at = indent;
  while (at < text.length && (text.charCodeAt(at) === 0x20 || text.charCodeAt(at) === 0x09)) at++;
  out.indent = indent;
  out.at = at;
  out.end = messageEnd(text, at);
  out.xen = indent >= 5 && text.lastIndexOf('(XEN)', indent - 5) >= 0;
  return out;
}

/** JavaScript's `\s`, by char code. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** End of the message starting at `at`: blanks, `<br>`-likes, `&nbsp;` and closing tags cut. */
export function messageEnd(text: string, at: number): number {
  let end = text.length;
  for (;;) {
    if (end <= at) return at;
    const c = text.charCodeAt(end - 1);
    if (isSpace(c)) end--;
    else if (c === 0x3e /* > */) {
      const lt = text.lastIndexOf('<', end - 1);
      if (lt < at || !isTailTag(text, lt, end)) return end;
      end = lt;
    } else if (c === 0x3b /* ; */ && end - 6 >= at && text.startsWith('&nbsp;', end - 6)) end -= 6;
    else return end;
  }
}

/** `<br>`, `<br/>`, `<br />`, `</…>` (any case): markup, not message. */
function isTailTag(t: string, lt: number, end: number): boolean {
  const tag = t.slice(lt + 1, end - 1).toLowerCase();
  if (tag === 'br' || tag === 'br/' || tag === 'br /') return true;
  return tag.length > 1 && tag.length < 10 && tag.charCodeAt(0) === 0x2f && /^\/[a-z]+$/.test(tag);
}

const shared = newEnvelope();

/** The message's first character (after the envelope and the blanks after it). */
export const messageOffset = (text: string): number => readEnvelope(text, shared).at;
