// Deterministic (seeded) inputs for benchmarks/run.mjs: a mixed hypervisor log (HyperPlatform,
// KVM trace-cmd report and dmesg lines, ~1% of them memory-map or MTRR lines, in blocks as real
// logs print them) and fragmented RAM maps for the planner.
import fs from 'node:fs';

/** mulberry32: small, fast, and the same sequence on every machine. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX8 = (r) => Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
const hexN = (r, n) => (n <= 8 ? HEX8(r).slice(8 - n) : HEX8(r).slice(16 - n) + HEX8(r));
const h16 = (n) => n.toString(16).padStart(16, '0');
const two = (n) => String(n).padStart(2, '0');
const pick = (r, a) => a[Math.floor(r() * a.length)];

const EXIT_REASONS = ['EPT_VIOLATION', 'EPT_MISCONFIG', 'HLT', 'MSR_WRITE', 'IO_INSTRUCTION', 'EXTERNAL_INTERRUPT', 'CPUID'];
const DMESG_MSGS = [
  'x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT  ',
  'ACPI: SSDT 0x000000007BFE8000 0066EF (v02 INTEL  TcssSsdt 00001000 INTL 20181003)',
  'pci 0000:00:02.0: reg 0x10: [mem 0x6010000000-0x6010ffffff 64bit]',
  'usb 1-3: new high-speed USB device number 2 using xhci_hcd',
  'audit: type=1400 audit(1573173960.123:2): apparmor="STATUS" operation="profile_load"',
  'EXT4-fs (nvme0n1p2): mounted filesystem with ordered data mode. Opts: (null)',
  'kvm: zapping shadow pages for mmio generation wraparound',
  'perf: interrupt took too long (2503 > 2500), lowering kernel.perf_event_max_sample_rate to 79750',
];
const HP_MSGS = [
  (r) => `[UNK1] VA = ${hexN(r, 16).toUpperCase()}, PA = ${hexN(r, 16)}`,
  (r) => `Used pre-allocated entries  = ${String(Math.floor(r() * 50)).padStart(2)} / 50`,
  () => 'MTRR Default=6, VariableCount=10, FixedSupported=1, FixedEnabled=1',
  (r) => `GuestRip = ${hexN(r, 16).toUpperCase()}, GuestRsp = ${hexN(r, 16).toUpperCase()}`,
  () => 'VMM has been installed.',
];

/** A sorted, disjoint RAM map like a firmware reports: a few big ranges with holes, `n` ranges. */
function ramMap(r, n) {
  const out = [];
  let at = 0x1000 * (1 + Math.floor(r() * 32));
  for (let i = 0; i < n; i++) {
    const len = 0x1000 * (1 + Math.floor(r() * (i % 7 === 6 ? 0x40000 : 0x400)));
    out.push([at, at + len]);
    at += len + 0x1000 * (1 + Math.floor(r() * 0x200));
  }
  return out;
}

/**
 * Writes about `bytes` bytes of mixed log to `file`. Returns { lines, mapLines, maps }.
 * Map blocks: HyperPlatform (9–120 ranges) and dmesg boots (Linux version, e820 map, MTRR dump).
 */
export function writeMixedLog(file, bytes, seed = 0xe97) {
  const r = rng(seed);
  const fd = fs.openSync(file, 'w');
  let buf = [];
  let bufLen = 0;
  let written = 0;
  let lines = 0;
  let mapLines = 0;
  let maps = 0;
  let ts = 159269.806542;
  let pending = 0; // lines until the next map block
  const push = (s) => {
    buf.push(s);
    bufLen += s.length + 1;
    lines++;
  };
  const flush = () => {
    const s = buf.join('\n') + '\n';
    fs.writeSync(fd, s);
    written += Buffer.byteLength(s);
    buf = [];
    bufLen = 0;
  };
  const hpHead = () => {
    const ms = Math.floor(ts * 1000);
    return `${two(Math.floor(ms / 3600000) % 24)}:${two(Math.floor(ms / 60000) % 60)}:${two(Math.floor(ms / 1000) % 60)}.${String(ms % 1000).padStart(3, '0')}\t${pick(r, ['DBG', 'DBG', 'INF', 'WRN'])}\t#${Math.floor(r() * 8)}\t    4\t ${String(Math.floor(r() * 9000)).padStart(4)}\tSystem         \t`;
  };
  const stamp = () => `[${ts.toFixed(6).padStart(12)}] `;
  pending = 3000 + Math.floor(r() * 6000);
  while (written + bufLen < bytes) {
    ts += r() / 1000;
    if (--pending === 0) {
      maps++;
      const before = lines;
      if (r() < 0.5) {
        for (const [s, e] of ramMap(r, 9 + Math.floor(r() * 110))) push(`${hpHead()}Physical Memory Range: ${h16(s)} - ${h16(e)}`);
      } else {
        push(`${stamp()}Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC`);
        push(`${stamp()}BIOS-provided physical RAM map:`);
        const map = ramMap(r, 6 + Math.floor(r() * 20));
        let prev = 0;
        for (const [s, e] of map) {
          if (s > prev) push(`${stamp()}BIOS-e820: [mem 0x${h16(prev)}-0x${h16(s - 1)}] ${pick(r, ['reserved', 'ACPI NVS', 'ACPI data'])}`);
          push(`${stamp()}BIOS-e820: [mem 0x${h16(s)}-0x${h16(e - 1)}] usable`);
          prev = e;
        }
        push(`${stamp()}e820: update [mem 0x00000000-0x00000fff] usable ==> reserved`);
        push(`${stamp()}MTRR default type: write-back`);
        push(`${stamp()}MTRR fixed ranges enabled:`);
        push(`${stamp()}  00000-9FFFF write-back`);
        push(`${stamp()}  A0000-BFFFF uncachable`);
        push(`${stamp()}  C0000-FFFFF write-protect`);
        push(`${stamp()}MTRR variable ranges enabled:`);
        push(`${stamp()}  0 base 00C0000000 mask 7FC0000000 uncachable`);
        push(`${stamp()}  1 base 00A0000000 mask 7FE0000000 uncachable`);
        push(`${stamp()}  2 base 6000000000 mask 6000000000 uncachable`);
        push(`${stamp()}  3 base 4000000000 mask 6000000000 write-combining`);
        for (let i = 4; i < 10; i++) push(`${stamp()}  ${i} disabled`);
      }
      mapLines += lines - before;
      pending = 3000 + Math.floor(r() * 6000);
    }
    const k = r();
    if (k < 0.3) push(hpHead() + pick(r, HP_MSGS)(r));
    else if (k < 0.7) {
      const t = ts.toFixed(6);
      const prefix = r() < 0.5 ? ` qemu-system-x86-31218 [00${Math.floor(r() * 4)}] ${t}: ` : `      CPU 1/KVM-110350  [006] d... ${t}: `;
      const j = Math.floor(r() * 6);
      if (j === 0) push(`${prefix}kvm_exit:             vcpu 1 reason ${pick(r, EXIT_REASONS)} rip 0x${hexN(r, 12)} info1 0x${hexN(r, 16)} info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000`);
      else if (j === 1) push(`${prefix}kvm_entry:            vcpu 1, rip 0x${hexN(r, 12)}`);
      else if (j === 2) push(`${prefix}kvm_mmio:             mmio ${pick(r, ['read', 'write', 'unsatisfied-read'])} len 4 gpa 0xfee${hexN(r, 5)} val 0x${hexN(r, 3)}`);
      else if (j === 3) push(`${prefix}kvm_page_fault:       vcpu 1 rip 0x${hexN(r, 12)} address 0x000000${hexN(r, 8)} error_code 0x181`);
      else if (j === 4) push(`${prefix}kvm_mmu_set_spte:     gfn ${hexN(r, 5)} spte 6000000${hexN(r, 9)} (rwx) level ${1 + Math.floor(r() * 3)} at ${hexN(r, 9)}`);
      else push(`${prefix}kvm_mmu_spte_requested: gfn ${hexN(r, 5)} pfn ${hexN(r, 6)} level 1`);
    } else push(stamp() + pick(r, DMESG_MSGS));
    if (bufLen > 1 << 22) flush();
  }
  if (buf.length) flush();
  fs.closeSync(fd);
  return { bytes: written, lines, maps, mapLines };
}

/** `n` disjoint RAM ranges in random order, 4 KiB aligned, below 512 GiB (Hyper-V style fragments). */
export function fragmentedRam(n, seed = 0x5eed) {
  const r = rng(seed + n);
  const step = Math.floor(2 ** 39 / n / 0x1000) * 0x1000; // spread over 512 GiB
  const out = [];
  for (let i = 0; i < n; i++) {
    const base = i * step + 0x1000 * Math.floor(r() * (step / 0x1000 / 4));
    const len = 0x1000 * (1 + Math.floor(r() * (step / 0x1000 / 2)));
    out.push({ start: base, end: base + len, line: i });
  }
  // Fisher–Yates with the same PRNG: the planner has to sort.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
