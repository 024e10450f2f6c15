// What every boot of tsboot's kernel must show of its permission probes
// (kernel-stub/permprobe.ts): the CPU itself took the architecture's fault for each
// forbidden access, at the address the probe names, and the two allowed accesses went
// through. The addresses are checked against the kernel's own report (the HHDM alias of
// the text probe from `kernel virt .. phys ..`, the guard page below `stack top .. size ..`),
// and the fault bits against the manuals: the x86_64 #PF error code (Intel SDM vol. 3A
// §4.7) and the aarch64 ESR_EL1 of an abort taken from EL1 (Arm ARM D17.2.37: EC 0x21
// instruction abort, 0x25 data abort, IL = 1, FSC 0b0011xx permission / 0b0001xx
// translation fault at level xx, WnR bit 6). Returns the problems found (empty: all good).
import { type Arch } from '../../scripts/paths';

const HHDM_BASE = 0xffff_8000_0000_0000n;

interface Probe {
  name: string;
  /** The tail after the address; undefined: the access is allowed (`no fault (allowed)`). */
  x86_64?: RegExp;
  aarch64?: RegExp;
}

const PF = '^page fault \\(vector 14\\), error code ';
const X64_FETCH = new RegExp(`${PF}0x0011: protection violation, instruction fetch, supervisor mode$`);
const X64_WRITE = new RegExp(`${PF}0x0003: protection violation, write, supervisor mode$`);
const X64_NOT_PRESENT = new RegExp(`${PF}0x0000: page not present, read, supervisor mode$`);
const A64_FETCH =
  /^instruction abort \(EC 0x21\), ESR 0x8600000([c-f]): IFSC 0x0\1 permission fault, level [0-3]; instruction fetch$/;
const A64_WRITE = /^data abort \(EC 0x25\), ESR 0x9600004([c-f]): DFSC 0x0\1 permission fault, level [0-3]; write$/;
const A64_TRANSLATION =
  /^data abort \(EC 0x25\), ESR 0x9600000([4-7]): DFSC 0x0\1 translation fault, level [0-3]; read$/;

/** In the kernel's order. */
const PROBES: Probe[] = [
  { name: 'execute kernel text' },
  { name: 'execute from the HHDM', x86_64: X64_FETCH, aarch64: A64_FETCH },
  { name: 'execute from data', x86_64: X64_FETCH, aarch64: A64_FETCH },
  { name: 'execute from rodata', x86_64: X64_FETCH, aarch64: A64_FETCH },
  { name: 'execute from the stack', x86_64: X64_FETCH, aarch64: A64_FETCH },
  { name: 'write to data' },
  { name: 'write to text', x86_64: X64_WRITE, aarch64: A64_WRITE },
  { name: 'write to rodata', x86_64: X64_WRITE, aarch64: A64_WRITE },
  { name: 'read the stack guard page', x86_64: X64_NOT_PRESENT, aarch64: A64_TRANSLATION },
];

export const PROBE_CHECK_LINE = '[kernel] check ok: the CPU faults on each forbidden access: ' +
  'execute HHDM/data/rodata/stack, write text/rodata, read guard page';

function hexOf(lines: string[], re: RegExp): bigint[] | undefined {
  const m = lines.map((l) => re.exec(l)).find(Boolean);
  return m ? m.slice(1).map((x) => BigInt(x)) : undefined;
}

export function checkProbes(lines: string[], arch: Arch): string[] {
  const problems: string[] = [];
  const probeLines = lines.filter((l) => l.startsWith('[kernel] probe '));
  if (probeLines.length !== PROBES.length) problems.push(`${probeLines.length} probe lines, expected ${PROBES.length}`);
  const addr = new Map<string, bigint>();
  PROBES.forEach((p, i) => {
    const l = probeLines[i];
    const m = l && /^\[kernel\] probe (ok|FAIL): (.+?) (0x[0-9a-f]{16}): (.*)$/.exec(l);
    if (!m || m[2] !== p.name) { problems.push(`probe ${i + 1} should be "${p.name}": ${l ?? 'missing'}`); return; }
    if (m[1] !== 'ok') problems.push(`the kernel failed its probe: ${l}`);
    addr.set(p.name, BigInt(m[3]));
    const want = arch === 'x86_64' ? p.x86_64 : p.aarch64;
    if (want ? !want.test(m[4]) : m[4] !== 'no fault (allowed)') {
      problems.push(`${p.name}: "${m[4]}", expected ${want ?? '"no fault (allowed)"'}`);
    }
    // aarch64: the level is the fault status code's low two bits.
    const fsc = /FSC 0x([0-9a-f]{2}) .*, level (\d)/.exec(m[4]);
    if (fsc && (parseInt(fsc[1], 16) & 3) !== Number(fsc[2])) {
      problems.push(`${p.name}: level does not match the FSC: ${m[4]}`);
    }
  });
  const same = (a: string, b: string): void => {
    if (addr.has(a) && addr.get(a) !== addr.get(b)) problems.push(`"${a}" and "${b}" probed different addresses`);
  };
  same('execute kernel text', 'write to text');
  same('execute from data', 'write to data');
  same('execute from rodata', 'write to rodata');
  const kernel = hexOf(lines, /^\[kernel\] kernel virt (0x[0-9a-f]+) phys (0x[0-9a-f]+) size (0x[0-9a-f]+)/);
  const stack = hexOf(lines, /^\[kernel\] stack top (0x[0-9a-f]+) size (0x[0-9a-f]+)/);
  const text = addr.get('execute kernel text');
  if (!kernel || !stack) problems.push('no kernel placement or stack line to check the probe addresses against');
  else if (text !== undefined) {
    const [virt, phys, size] = kernel;
    const hex = (v: bigint): string => `0x${v.toString(16)}`;
    if (text < virt || text >= virt + size) problems.push(`the text probe ${hex(text)} is outside the kernel image`);
    const hhdm = HHDM_BASE + phys + (text - virt);
    if (addr.get('execute from the HHDM') !== hhdm) {
      problems.push(`the HHDM probe is not the text probe's alias ${hex(hhdm)}`);
    }
    for (const n of ['execute from data', 'execute from rodata']) {
      const a = addr.get(n);
      const inside = a !== undefined && a >= virt && a < virt + size;
      if (!inside) problems.push(`"${n}" ${a !== undefined ? hex(a) : 'missing'} is outside the kernel image`);
    }
    const [top, stackSize] = stack;
    const s = addr.get('execute from the stack');
    const onStack = s !== undefined && s >= top - stackSize && s < top;
    if (!onStack) problems.push(`the stack probe ${s !== undefined ? hex(s) : 'missing'} is not on the kernel stack`);
    const guard = top - stackSize - 0x1000n;
    if (addr.get('read the stack guard page') !== guard) problems.push(`the guard page probe is not at ${hex(guard)}`);
  }
  if (!lines.includes(PROBE_CHECK_LINE)) problems.push('no "check ok" line for the probes');
  return problems;
}

export interface HhdmLeaves {
  gib1: number;
  mib2: number;
  kib4: number;
  /** The boot info's Huge1G flag, as the kernel printed it. */
  allowed: boolean;
}

/** The kernel's count of the HHDM's leaves by size, from its own walk of the live tables. */
export function hhdmLeaves(lines: string[]): HhdmLeaves | undefined {
  const re = new RegExp('^\\[kernel\\] {3}hhdm leaves: (\\d+) of 1 GiB, (\\d+) of 2 MiB, (\\d+) of 4 KiB ' +
    '\\(1 GiB pages (allowed|not allowed)\\)$');
  const m = lines.map((l) => re.exec(l)).find(Boolean);
  return m ? { gib1: Number(m[1]), mib2: Number(m[2]), kib4: Number(m[3]), allowed: m[4] === 'allowed' } : undefined;
}
