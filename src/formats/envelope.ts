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
//   `[  +0.000123]`, `[Aug 4 12:58]`      `dmesg -H`/`-e` (--reltime): delta, and the minute it changes
//   `[    T0]`, `[    C1]`               printk caller ids (CONFIG_PRINTK_CALLER)
//   `[Tue Nov  4 21:29:37 2025]`          `dmesg -T` (day and month in any language)
//   `[2025-11-04 21:29:37.123]`, `2025-11-04T21:29:37,123456+01:00 `   ISO-like times
//   `Nov  4 21:29:37 host kernel: `       syslog / journal (`dez`, `Okt`, `mai.`: any month word)
//   `2025-11-04T21:29:37+0100 host kernel: `  journal short-iso, RFC 5424 syslog
//   `[    0.893358] host kernel: `       journal short-monotonic (`kernel:` either side of the time)
//   `(XEN) `, `(XEN) [0000001b4a3297f3] `, `(XEN) [    2.760248] `   Xen console, console_timestamps
//   `(early) [    0.000000] `               a Linux guest's early Xen console (`earlyprintk=xen`)
//   `07:23:37.223 TAB DBG TAB #2 TAB 4 TAB 7656 TAB System TAB`   HyperPlatform's columns
//   ` qemu-system-x86-31218 [000] d... 159269.806542: `   trace-cmd report / ftrace
//   ` 1841 17:54:41.419712  `            LAVA/KernelCI line number and time
//   `7月 21 15:20:47 host kernel: `, `1730751577.123456 host kernel: `, `Tue 2025-11-04 21:29:37 CET host kernel: `
//   `<pre>`, `<p>`, `<code>`              HTML a page wrapped the line in
//   `[07:50:34.978][Moby           ][Info   ] `   Docker for Windows' log of its Moby (Hyper-V) VM's console
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

// The headers as sticky regular expressions, one per first character, so a line tests one
// expression at most: irregexp runs them as native code, faster than the same checks written with
// charCodeAt loops on the sliced lines a stream yields (measured on the bench log). Every
// repetition is bounded or anchored, so a hostile line costs linear time.
const WORD = '[A-Za-z\\u00c0-\\u1fff]{2,12}\\.?'; // a day or month name in any alphabet
const MONTH = `(?:${WORD}|\\d{1,2}[\\u6708\\uc6d4])`; // `Nov`, `dez`, `mai.`, `7月`, `7월`
const SECS = '\\d{1,12}\\.\\d{1,12}';
const CLOCK = '\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d{1,9})?';
const DATE = '\\d{4}-\\d\\d-\\d\\d';
const ZONE = '(?:Z|[+-]\\d\\d:?\\d\\d)?';
const KERNEL = '(?:\\S{1,64} )?kernel: ';
/** Inside `[…]`: dmesg time (and `-d` delta), caller id, `-T` ctime, ISO-like time. */
const STAMP = `\\[(?: *\\+?${SECS}(?: < *${SECS}>)?| *[TC]\\d{1,10}|${WORD} +${MONTH} +\\d{1,2} ${CLOCK} \\d{4}|${MONTH} +\\d{1,2} \\d\\d:\\d\\d|${DATE}[T ]${CLOCK}${ZONE})\\]`;
const QUOTE = /(?:[ \t]*(?:>[ ]?|&gt;[ ]?|&nbsp;|<(?:pre|p|code|tt|samp|div|span|br ?\/?)>))*/y;
const LEVEL = '(?:<\\d{1,3}>|&lt;\\d{1,3}&gt;)';
const FOLLOW = `(?:[ \\t]*(?:${STAMP}|${LEVEL}|${KERNEL}))*`;
// trace-cmd report / ftrace: task (blanks and dashes allowed), pid, [cpu], flags, seconds
const TRACE = `\\S.{0,62}?-\\d{1,10} +\\[\\d{1,5}\\](?: +\\S{4,5})? +${SECS}: `;
const sticky = (alternatives: string[], follow = true): RegExp => new RegExp(`(?:${alternatives.join('|')})${follow ? FOLLOW : ''}`, 'y');
// One expression per first character of the header, so a line only tries the layers it can start.
// Docker for Windows logs its Linux VM's console as `[time][component][level] ` (docker/for-win#267):
// the component and level are padded with blanks to a column, so both are bounded runs of non-`]`.
const DOCKER = `\\[${CLOCK}\\]\\[[^\\]]{1,40}\\]\\[[A-Za-z]{1,12} *\\]`;
const AFTER_BRACKET = sticky([DOCKER, STAMP]);
const AFTER_ANGLE = sticky([`${LEVEL}(?:[ \\t]*${MONTH} +\\d{1,2} ${CLOCK} ${KERNEL})?`, TRACE]);
const AFTER_DIGIT = sticky([
  // HyperPlatform: time, level, #cpu, pid, tid, image; TABs, or blanks after a copy-paste
  '\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(?:\\t[A-Z]{3}\\t#\\d{1,4}\\t[^\\t]{0,12}\\t[^\\t]{0,12}\\t[^\\t]{0,40}\\t| +[A-Z]{3} +#\\d{1,4} +\\d{1,10} +\\d{1,10} +\\S{1,40} +)',
  // journal short-iso, RFC 5424, dmesg --time-format=iso
  `${DATE}T${CLOCK}${ZONE} (?:${KERNEL})?`,
  // LAVA/KernelCI: line number and time
  `\\d{1,10} ${CLOCK}[ \\t]+`,
  // journal short-unix, syslog with a CJK month
  `${SECS} ${KERNEL}`,
  `${MONTH} +\\d{1,2} ${CLOCK} ${KERNEL}`,
]);
const AFTER_LETTER = sticky([
  // syslog, journal short/short-precise, in any language
  `${MONTH} +\\d{1,2} ${CLOCK} ${KERNEL}`,
  // journal short-full, dmesg -x
  `${WORD} ${DATE} ${CLOCK} [A-Za-z]{1,6} ${KERNEL}`,
  'kern *:[a-z]{1,8} *: ',
  TRACE,
]);
const AFTER_OTHER = sticky([TRACE], false);
// Xen console, with console_timestamps=raw|boot|date|datems; nothing follows.
const XEN_STAMP = new RegExp(` *\\[(?:[0-9a-fA-F]{16}| *${SECS}|${DATE} ${CLOCK})\\]`, 'y');

/** End of the header starting at `s` (0 = none): the expression chosen by its first character. */
function header(text: string, s: number, out: Envelope): number {
  const c = text.charCodeAt(s);
  let re: RegExp;
  if (c === 0x5b /* [ */) re = AFTER_BRACKET;
  else if (c >= 0x30 && c <= 0x39) re = AFTER_DIGIT;
  else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c >= 0xc0) re = AFTER_LETTER;
  else if (c === 0x28 /* ( */) {
    if (text.startsWith('(early) ', s)) {
      // A Linux guest's early Xen console (`earlyprintk=xen`): the kernel's own lines, stamp after it.
      let t = s + 8;
      while (isBlank(text.charCodeAt(t))) t++;
      return header(text, t, out) || t;
    }
    if (!text.startsWith('(XEN)', s)) return 0;
    out.xen = true;
    XEN_STAMP.lastIndex = s + 5;
    return XEN_STAMP.test(text) ? XEN_STAMP.lastIndex : s + 5;
  } else if (c === 0x3c /* < */ || c === 0x26 /* & */) re = AFTER_ANGLE;
  else if (s < text.length) re = AFTER_OTHER;
  else return 0;
  re.lastIndex = s;
  return re.test(text) ? re.lastIndex : 0;
}

/** End of the line's mail quoting and wrapping markup (`> > `, `&gt; `, `<pre>`): 0 when there is none. */
export function quotingEnd(text: string): number {
  let s = 0;
  while (isBlank(text.charCodeAt(s))) s++;
  const c = text.charCodeAt(s);
  if (c !== 0x3e && c !== 0x26 && c !== 0x3c) return 0;
  QUOTE.lastIndex = 0;
  return QUOTE.test(text) ? QUOTE.lastIndex : 0;
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;

/**
 * Peels the envelope of `text` into `out` (the scan reuses one: no allocation per line). A layer
 * is only taken when all of it is there, so a message is never cut into.
 */
export function readEnvelope(text: string, out: Envelope = newEnvelope()): Envelope {
  out.xen = false;
  const quoted = quotingEnd(text);
  let s = quoted;
  while (isBlank(text.charCodeAt(s))) s++;
  const h = header(text, s, out);
  const indent = h > 0 ? h : quoted;
  let at = h > 0 ? h : s;
  while (isBlank(text.charCodeAt(at))) at++;
  out.indent = indent;
  out.at = at;
  out.end = messageEnd(text, at);
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
  const last = text.charCodeAt(end - 1);
  // Most lines end in a printable ASCII character that is not `>` or `;`: nothing to cut.
  if (last > 0x20 && last < 0x7f && last !== 0x3e && last !== 0x3b) return end > at ? end : at;
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
