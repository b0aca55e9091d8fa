// What the editor says about a KVM / HyperPlatform event line: the field a hint sits after, its
// short label, and the Markdown of its hover. Pure.
import type { EventRecord, KvmExitEvent, Span } from '../formats/events';
import { EptLevel, decodeEptEntry, describeEptEntry } from '../planner/decode/ept-entry';
import { exitReason } from '../planner/decode/exit-reasons';
import { DecodedQualification, decodeEptViolationQualification, decodeQualification, qualificationMarkdown } from '../planner/decode/qualifications';
import { eptIndices } from '../planner/decode/ept-indices';
import { hex } from '../planner';
import { type MapPlan, ramLineOf } from '../analysis';
import type { DocAnalysis as Analysis } from './model';
import { addressMarkdown, landingShort } from './describe';
import type { Settings } from './settings';

/** The guest-physical address an event is about, if any. */
export function eventAddress(ev: EventRecord): number | undefined {
  switch (ev.kind) {
    case 'kvm_mmio':
      return ev.gpa.value;
    case 'kvm_page_fault':
      return ev.address?.value;
    case 'kvm_mmu_set_spte':
    case 'kvm_mmu_spte_requested':
      return ev.gfn.value * 0x1000;
    case 'hyperplatform_violation':
      return ev.pa?.value;
    default:
      return undefined;
  }
}

/** The decoded qualification of a kvm_exit (info1), when its reason has one. */
export function exitQualification(ev: KvmExitEvent): DecodedQualification | undefined {
  const reason = exitReason(ev.reason.value);
  if (!reason) return undefined;
  if (reason.qualification === 'ept-misconfig') return decodeQualification(reason, 0n);
  return ev.info1 ? decodeQualification(reason, ev.info1.value, ev.intrInfo?.value) : undefined;
}

/** The field an event's hint goes right after: the one it decodes. */
export function eventAnchor(ev: EventRecord): Span | undefined {
  switch (ev.kind) {
    case 'kvm_exit':
      return exitQualification(ev)?.kind === 'EPT misconfiguration' ? ev.reason.range : (ev.info1?.range ?? ev.reason.range);
    case 'kvm_page_fault':
      return ev.errorCode.range;
    case 'kvm_mmio':
      return ev.gpa.range;
    case 'kvm_mmu_set_spte':
      return ev.permissions ? { start: ev.permissions.range.start - 1, end: ev.permissions.range.end + 1 } : ev.spte.range;
    case 'kvm_mmu_spte_requested':
      return ev.gfn.range;
    case 'hyperplatform_violation':
      return ev.pa?.range;
    case 'hyperplatform_preallocated':
      return ev.total.range;
    default:
      return undefined;
  }
}

function planOf(analysis: Analysis, settings: Settings, line: number): MapPlan | undefined {
  const map = analysis.mapForLine(line);
  return map ? analysis.planFor(map, settings) : undefined;
}

export function eventLabel(analysis: Analysis, settings: Settings, ev: EventRecord): string | undefined {
  const where = (addr: number | undefined): string | undefined => {
    if (addr === undefined) return undefined;
    const mp = planOf(analysis, settings, ev.line);
    if (mp?.plan) return landingShort(mp, addr);
    const i = eptIndices(addr);
    return `EPT ${i.pml4}/${i.pdpt}/${i.pd}/${i.pt}`;
  };
  switch (ev.kind) {
    case 'kvm_mmio': {
      const w = where(ev.gpa.value);
      return `${ev.access.value}${w ? ` · ${w}` : ''}`;
    }
    case 'kvm_exit':
      return exitQualification(ev)?.summary;
    case 'kvm_page_fault': {
      const access = decodeEptViolationQualification(ev.errorCode.value).summary;
      const w = where(ev.address?.value);
      return w ? `${access} · ${w.replace(' leaf ', ' ')}` : access;
    }
    case 'kvm_mmu_set_spte': {
      const level = ev.level.value;
      if (level < 1 || level > 4) return undefined;
      const e = decodeEptEntry(ev.spte.value, level as EptLevel);
      const perms = `${e.read ? 'r' : '-'}${e.write ? 'w' : '-'}${e.execute ? 'x' : '-'}`;
      const kind = e.leaf ? `${e.pageSize} leaf ${e.memoryType ?? 'bad type'}` : 'table';
      const w = where(eventAddress(ev));
      const misconf = e.misconfigurations.length ? ' · MISCONFIG' : '';
      return `${kind} ${perms}${misconf}${w ? ` · ${w.split(' · ')[0]}` : ''}`;
    }
    case 'kvm_mmu_spte_requested': {
      const w = where(eventAddress(ev));
      return w ? `GPA ${hex(ev.gfn.value * 0x1000)} · ${w.split(' · ')[0]}` : undefined;
    }
    case 'hyperplatform_violation': {
      const w = where(ev.pa?.value);
      return w ? `EPT violation · ${w}` : undefined;
    }
    case 'hyperplatform_preallocated': {
      const mp = planOf(analysis, settings, ev.line);
      if (!mp?.plan) return undefined;
      return `plan: ${mp.plan.comparison.mmioTables} MMIO-only tables`;
    }
    default:
      return undefined;
  }
}

/** `### kvm_exit: EPT_VIOLATION (48)` and what the exit means. */
export function exitReasonMarkdown(ev: KvmExitEvent): string[] {
  const r = exitReason(ev.reason.value);
  if (!r) return [`### Exit reason \`${ev.reason.value}\``, '', 'Not a VMX basic exit reason EPT Lens knows (SDM vol. 3, appendix C).'];
  const out = [`### Exit reason ${r.name} (${r.number})`, '', `**Why the guest exited**: ${r.meaning}.`];
  const q = exitQualification(ev);
  if (q) out.push('', ...qualificationMarkdown(q, ev.info1?.value ?? 0n));
  else if (r.qualification === 'none') out.push('', '_This exit has no exit qualification: `info1` carries nothing for it._');
  return out;
}

/** Markdown for an event line: decoded qualification / entry and where its address lands. */
export function eventMarkdown(analysis: Analysis, settings: Settings, ev: EventRecord): string[] {
  const out: string[] = [];
  if (ev.kind === 'kvm_exit') out.push(...exitReasonMarkdown(ev));
  if (ev.kind === 'kvm_page_fault') {
    out.push('### EPT fault (kvm_page_fault)', '', ...qualificationMarkdown(decodeEptViolationQualification(ev.errorCode.value), ev.errorCode.value));
  }
  if (ev.kind === 'kvm_mmio') out.push(`### MMIO ${ev.access.value}`, '', `${ev.len.value} bytes at \`${hex(ev.gpa.value)}\`${ev.val ? `, value \`${`0x${ev.val.value.toString(16)}`}\`` : ''}`);
  if (ev.kind === 'kvm_mmu_set_spte' && ev.level.value >= 1 && ev.level.value <= 4) {
    out.push('### EPT entry set (kvm_mmu_set_spte)', '', ...describeEptEntry(decodeEptEntry(ev.spte.value, ev.level.value as EptLevel)));
  }
  const addr = eventAddress(ev);
  if (addr !== undefined) {
    const mp = planOf(analysis, settings, ev.line);
    if (out.length) out.push('', '---', '');
    out.push(...addressMarkdown(mp, addr, (i) => (mp ? ramLineOf(mp, i) : undefined)));
  }
  return out;
}
