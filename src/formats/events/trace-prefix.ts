// The `task-pid [cpu] flags timestamp:` prefix of trace-cmd report and ftrace lines, e.g.
// ` qemu-system-x86-31218 [000] 159269.806542:` or `CPU 1/KVM-110350  [006] d... 410259.258862:`.
import type { Field, TracePrefix } from './types';

// Task names contain spaces and dashes ("CPU 1/KVM"), so the pid is the last `-digits` before
// `[cpu]`. The leading \S pins the start so leading blanks cannot backtrack quadratically.
// The `d` flag gives group offsets, which become the field ranges.
const PREFIX = /^\s*(\S.*)-(\d{1,10})\s+\[(\d{1,5})\](?:\s+(\S{4,5}))?\s+(\d{1,12}\.\d{1,12}):\s*$/d;

function group<T>(m: RegExpExecArray, i: number, value: T): Field<T> {
  const [start, end] = m.indices![i];
  return { value, range: { start, end } };
}

/**
 * Parses text[from, end) as a prefix; `end` is where the event name starts, `from` where the
 * line's quoting ends (the envelope layer's: a trace mailed as `> qemu-…` keeps its task name).
 */
export function parseTracePrefix(text: string, end: number, from = 0): TracePrefix | undefined {
  const m = PREFIX.exec(text.slice(from, end));
  if (!m) return undefined;
  if (from > 0) for (const ix of m.indices!) if (ix) (ix[0] += from), (ix[1] += from);
  const prefix: TracePrefix = {
    task: group(m, 1, m[1]),
    pid: group(m, 2, Number(m[2])),
    cpu: group(m, 3, Number(m[3])),
    timestamp: group(m, 5, Number(m[5])),
  };
  if (m[4] !== undefined) prefix.flags = group(m, 4, m[4]);
  return prefix;
}
