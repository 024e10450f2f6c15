// The kernel's CPUs: one Cpu record per processor the firmware names, indexed from 0 (the
// boot CPU) in firmware-table order. Every CPU finds its own record through a register
// that only it sees — x86_64 IA32_GS_BASE (read as %gs:0), aarch64 TPIDR_EL1 — set by
// cpuSetSelf before anything on that CPU may ask (the boot CPU: first thing in main; the
// others: first thing in their entry). Loading the GS selector on x86_64 clears the base:
// whoever loads segment registers must call cpuSetSelf again afterwards.

/** x86_64 IA32_GS_BASE: the base of %gs-relative addresses. */
const MSR_GS_BASE: u32 = 0xC000_0101;

/** Most CPUs the kernel brings up (the firmware tables may name more; they are reported). */
export const MAX_CPUS = 64;

export const enum CpuState {
  /** No such CPU (slot unused). */
  Absent = 0,
  /** Resources ready, not started yet. */
  Ready = 1,
  /** Told to start; its entry has not reported in. */
  Starting = 2,
  /** Running the kernel and taking jobs (smp/work.ts). */
  Online = 3,
  /** Did not report in within the bounded wait; never used again. */
  Failed = 4,
  /** Stopped for good (halted with interrupts off). */
  Parked = 5,
}

export interface Cpu extends Struct {
  /** This record's own address: the first word, read through the per-CPU register. */
  self: Ptr<Cpu>;
  index: u32;
  /** CpuState, changed with atomics (the CPU itself and the boot CPU race at start-up). */
  state: u32;
  /** The firmware's id: x86_64 local APIC id, aarch64 MPIDR affinity. */
  hwId: u64;
  /** [stackTop - stack size, stackTop) mapped, the page below unmapped (the guard). */
  stackTop: u64;
  /** The lowest byte of its exception stacks (smp/smp.ts lays them out). */
  excStackLo: u64;
  /** Boot CPU's timestamps around the start (ticks), for the report. */
  startTicks: u64;
  onlineTicks: u64;
  /** Position among the online CPUs (0 = boot CPU), for dividing work; set by smpStart. */
  rank: u32;
  /** Set by the CPU once it runs kernel code with its own trap handlers (from then on it no
   *  longer needs the start-up parameters: never INIT it). */
  entered: u32;
  /** Jobs this CPU has run, and the generation of the last one it finished (smp/work.ts). */
  jobs: u32;
  doneGen: u32;
}

let cpus: Arr<Cpu, 64>;
let cpuTotal: u32 = 1;

/** The record of CPU `i` (0 <= i < MAX_CPUS). */
export function cpuAt(i: u32): Ptr<Cpu> {
  return addressOf(cpus[i]);
}

/** CPUs known (online or not), boot CPU included. */
export function cpuCount(): u32 {
  return cpuTotal;
}

export function cpuSetCount(n: u32): void {
  cpuTotal = n;
}

/** Makes `c` this CPU's own record. */
export function cpuSetSelf(c: Ptr<Cpu>): void {
  c.self = c;
  if (target.x86_64) wrmsr(MSR_GS_BASE, addr(c));
  else msr("TPIDR_EL1", addr(c));
}

/** The calling CPU's record. */
export function cpuSelf(): Ptr<Cpu> {
  if (target.x86_64) return ptr<Cpu>(asm<u64>("mov %gs:0, $0", "=r,~{memory}"));
  return ptr<Cpu>(mrs("TPIDR_EL1"));
}

/** The calling CPU's index (0 = boot CPU). */
export function cpuIndex(): u32 {
  return cpuSelf().index;
}

/** The boot CPU's record, set up before anything else in the kernel runs (its hardware
 *  id is filled in by smpPrepare, which can read it). */
export function cpuBootInit(): void {
  let c: Ptr<Cpu> = cpuAt(0);
  c.index = 0;
  c.state = CpuState.Online;
  cpuSetSelf(c);
}
