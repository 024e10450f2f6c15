// Recoverable probes: the kernel makes one access that it expects to fault, and the
// exception handler, instead of reporting the fault and ending the run, records it and
// resumes just past the access. The kernel then judges what the CPU did (the permission
// probes, kernel-stub/permprobe.ts).
//
// trapProbe() arms the calling CPU's record (each CPU has its own: several may probe at
// once) with the address and, for a fetch, that the fault must be taken at that address
// itself; the arch access (arch/index.ts archProbeAccess) stores where to resume and with
// which stack pointer, then makes the access. The arch handlers (trap/x86_64.ts,
// trap/aarch64.ts) offer each page fault / abort to trapProbeCatch() before anything else:
// it is taken only when a probe is armed on this CPU and the fault is at the probed
// address (and pc, for a fetch). Any other exception, armed or not, gets the normal report
// and ends the run. The record is disarmed before trapProbe() returns, so a later fault at
// the same address is reported as usual.

import { ProbeAccess, archProbeAccess } from "../arch/index";
import { MAX_CPUS, cpuIndex } from "../smp/cpu";

/** What the CPU did with a probe's access. */
export interface ProbeFault extends Struct {
  /** Whether the access faulted (otherwise it completed: a call returned, a store stored). */
  taken: bool;
  /** x86_64: the exception vector; aarch64: ESR's exception class. */
  vector: u64;
  /** x86_64: the error code; aarch64: the whole ESR. */
  syndrome: u64;
  /** The fault address (CR2, FAR) and where the fault was taken (rip, ELR). */
  addr: u64;
  pc: u64;
}

interface ProbeRecord extends Struct {
  armed: bool;
  /** A fetch probe: the fault must be taken at the address itself. */
  fetch: bool;
  addr: u64;
  /** Written by the arch access: where to resume and the stack pointer to resume with. */
  resume: Arr<u64, 2>;
  fault: ProbeFault;
}

/** By CPU index (smp/cpu.ts). */
let recs: Arr<ProbeRecord, 64>;
/** How many CPUs have a probe armed: while 0, a fault never asks which CPU it is on (an
 *  exception before the CPU records are set up must not depend on them). */
let armedCount: u32 = 0;

/**
 * Makes `access` at `va` on this CPU and returns what happened. Interrupts must be off,
 * and the CPU must have its record (smp/cpu.ts).
 */
export function trapProbe(access: ProbeAccess, va: u64): ProbeFault {
  let me: u32 = cpuIndex();
  let rec: Ptr<ProbeRecord> = addressOf(recs[me]);
  rec.fault = zeroed<ProbeFault>();
  rec.addr = va;
  rec.fetch = access == ProbeAccess.Fetch;
  rec.armed = true;
  atomicFetchAdd(addressOf(armedCount), 1, "seq_cst");
  archProbeAccess(access, va, addressOf(rec.resume[0]));
  atomicFetchSub(addressOf(armedCount), 1, "seq_cst");
  rec.armed = false;
  return rec.fault;
}

/**
 * Called by the arch handler for a page fault / abort at `faultAddr` taken at `pc`: when
 * it is the armed probe's, records it (`vector`, `syndrome`), disarms the probe and
 * returns the address to resume at (trapProbeResumeSp() is the stack pointer for it);
 * otherwise 0, and the handler reports the exception as usual.
 */
export function trapProbeCatch(faultAddr: u64, pc: u64, vector: u64, syndrome: u64): u64 {
  if (atomicLoad(addressOf(armedCount), "seq_cst") == 0) return 0;
  let me: u32 = cpuIndex();
  if (me >= MAX_CPUS) return 0;
  let rec: Ptr<ProbeRecord> = addressOf(recs[me]);
  if (!rec.armed || faultAddr != rec.addr || (rec.fetch && pc != rec.addr)) return 0;
  rec.armed = false;
  rec.fault.taken = true;
  rec.fault.vector = vector;
  rec.fault.syndrome = syndrome;
  rec.fault.addr = faultAddr;
  rec.fault.pc = pc;
  return rec.resume[0];
}

/** The stack pointer of the probe just caught on this CPU: its value before the access. */
export function trapProbeResumeSp(): u64 {
  return recs[cpuIndex()].resume[1];
}
