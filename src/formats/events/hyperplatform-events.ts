// HyperPlatform lines the EPT code prints (ept.cpp): `[UNK1] VA = %p, PA = %016llx` when an EPT
// violation hits memory it did not pre-map, and `Used pre-allocated entries = %2d / %2d` on unload.
import type { HyperPlatformPreallocatedEvent, HyperPlatformViolationEvent } from './types';
import { field, hexBig, hexNum, splitWords, type Word } from './words';

/** `at` is the index of `[UNK` in text. */
export function readHyperPlatformViolation(text: string, line: number, at: number): HyperPlatformViolationEvent | undefined {
  const tag = text.slice(at + 1, at + 5);
  if ((tag !== 'UNK1' && tag !== 'UNK2') || text[at + 5] !== ']') return undefined;
  const rec: HyperPlatformViolationEvent = {
    kind: 'hyperplatform_violation',
    line,
    tag: { value: tag, range: { start: at + 1, end: at + 5 } },
  };
  const words = splitWords(text, at + 6);
  const va = field(valueOf(words, 'VA'), hexBig);
  const pa = field(valueOf(words, 'PA'), hexNum);
  if (va) rec.va = va;
  if (pa) rec.pa = pa;
  return rec;
}

/** `name = value`, `name= value`, `name =value` or `name=value`. */
function valueOf(words: readonly Word[], name: string): Word | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.text === name) {
      const eq = words[i + 1];
      if (eq?.text === '=') return words[i + 2];
      if (eq?.text.startsWith('=')) return { text: eq.text.slice(1), start: eq.start + 1, end: eq.end };
    } else if (w.text === `${name}=`) {
      return words[i + 1];
    } else if (w.text.startsWith(`${name}=`)) {
      return { text: w.text.slice(name.length + 1), start: w.start + name.length + 1, end: w.end };
    }
  }
  return undefined;
}

const USED = 'Used pre-allocated entries';

export function readHyperPlatformPreallocated(text: string, line: number): HyperPlatformPreallocatedEvent | undefined {
  const at = text.indexOf(USED);
  if (at < 0) return undefined;
  const m = /^\s*=\s*(\d{1,9})\s*\/\s*(\d{1,9})/d.exec(text.slice(at + USED.length));
  if (!m) return undefined;
  const base = at + USED.length;
  const [u0, u1] = m.indices![1];
  const [t0, t1] = m.indices![2];
  return {
    kind: 'hyperplatform_preallocated',
    line,
    used: { value: Number(m[1]), range: { start: base + u0, end: base + u1 } },
    total: { value: Number(m[2]), range: { start: base + t0, end: base + t1 } },
  };
}
