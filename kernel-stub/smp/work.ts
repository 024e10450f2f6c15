// Work for several CPUs: the boot CPU posts a job (a function, its argument, how many CPUs
// take part) by bumping a generation counter, runs its own part (rank 0), and waits for
// the others; every other online CPU sits in smpWorkLoop, sees the new generation, runs
// its part if its rank is below the count, and publishes the generation it finished.
//
// Memory order: the job's fields are written before the generation is bumped with release
// and read after it is seen with acquire; a CPU's results are written before its doneGen
// is stored with release and read after the boot CPU sees it with acquire.
//
// Idle CPUs spin (x86_64: `pause`) or sleep until an event (aarch64: `wfe`, woken by the
// `sev` after a post, or at the latest by the generic timer's event stream). The boot CPU
// waits for results spinning, with a time limit. Without interrupts set up there is no cheaper way to wait on x86,
// so the kernel starts the other CPUs only when it has work for them and parks them
// (halted for good) when it has no more.

import { type Cpu, CpuState, MAX_CPUS, cpuAt, cpuCount } from "./cpu";
import { archSmpWait, archSmpSignal } from "../arch/smp";
import { archHalt } from "../arch/index";
import { trapsReporting } from "../trap/trap";

/** A job: runs on `n` CPUs at once, each with its rank (0 = boot CPU) in 0..n-1. */
export type JobFn = (arg: Ptr<void>, rank: u32, n: u32) => void;

let jobFn: JobFn = null;
let jobArg: Ptr<void> = null;
let jobN: u32 = 0;
let jobPark: bool = false;
let jobGen: u32 = 0;
/** Online CPUs by rank (rank 0: the boot CPU). */
let byRank: Arr<u32, 64>;
let online: u32 = 1;
/** A CPU was given up on in the last job: rank again before the next one (not at once,
 *  so that the caller can still read the last job's results by rank). */
let rerank: bool = false;
let lastGen: u32 = 0;

/** CPUs that take jobs (the boot CPU included). */
export function smpOnline(): u32 {
  return online;
}

/** Ranks the online CPUs in index order (the boot CPU first). */
export function smpRankOnline(): u32 {
  online = 0;
  for (let i: u32 = 0; i < cpuCount() && i < MAX_CPUS; i++) {
    let c: Ptr<Cpu> = cpuAt(i);
    if (atomicLoad(addressOf(c.state), "acquire") != CpuState.Online) continue;
    c.rank = online;
    byRank[online] = i;
    online++;
  }
  return online;
}

/** The CPU (index) that had rank `r` in the last job. */
export function smpCpuOfRank(r: u32): u32 {
  return byRank[r];
}

/** Whether the CPU of rank `r` finished the last job (the boot CPU always did). A CPU that
 *  did not may still be writing its results: read them only by its CPU index, never
 *  reused for another CPU. */
export function smpRankFinished(r: u32): bool {
  if (r == 0) return true;
  return atomicLoad(addressOf(cpuAt(byRank[r]).doneGen), "acquire") == lastGen;
}

/** The job generation the CPUs have seen so far (a new CPU starts waiting after it). */
export function smpJobGeneration(): u32 {
  return atomicLoad(addressOf(jobGen), "acquire");
}

/** Where every CPU but the boot CPU spends its life once online. */
export function smpWorkLoop(c: Ptr<Cpu>, seen: u32): never {
  while (true) {
    let g: u32 = atomicLoad(addressOf(jobGen), "acquire");
    if (g == seen) {
      archSmpWait();
      continue;
    }
    seen = g;
    if (jobPark || atomicLoad(addressOf(c.state), "acquire") != CpuState.Online) {
      atomicStore(addressOf(c.state), CpuState.Parked, "release");
      archHalt();
    }
    if (c.rank < jobN) jobFn(jobArg, c.rank, jobN);
    c.jobs++;
    atomicStore(addressOf(c.doneGen), g, "release");
  }
}

function post(fn: JobFn, arg: Ptr<void>, n: u32, park: bool): u32 {
  jobFn = fn;
  jobArg = arg;
  jobN = n;
  jobPark = park;
  let g: u32 = atomicFetchAdd(addressOf(jobGen), 1, "acq_rel") + 1;
  archSmpSignal();
  return g;
}

/**
 * Runs `fn` on the first `n` online CPUs (n <= smpOnline()); the calling boot CPU is rank
 * 0. Waits for the others, at most `waitTicks` after its own part ended (`now` reads the
 * clock); a CPU that has not finished by then is marked Failed, will park itself, and the
 * remaining CPUs are ranked again before the next job. Returns how many CPUs did not
 * finish (0 normally). Jobs keep per-CPU results by CPU index (cpuIndex()), which a late
 * CPU cannot share with another.
 */
export function smpRun(fn: JobFn, arg: Ptr<void>, n: u32, now: () => u64, waitTicks: u64): u32 {
  if (rerank) {
    smpRankOnline();
    rerank = false;
  }
  if (n > online) n = online;
  let g: u32 = post(fn, arg, n, false);
  lastGen = g;
  fn(arg, 0, n);
  let t0: u64 = now();
  let missing: u32 = 0;
  for (let r: u32 = 1; r < n; r++) {
    let c: Ptr<Cpu> = cpuAt(byRank[r]);
    while (atomicLoad(addressOf(c.doneGen), "acquire") != g) {
      if (now() - t0 > waitTicks) break;
      if (trapsReporting()) archHalt();   // a CPU faulted: its report ends the run
      spinWaitHint();
    }
    if (atomicLoad(addressOf(c.doneGen), "acquire") != g) {
      atomicStore(addressOf(c.state), CpuState.Failed, "release");
      missing++;
    }
  }
  if (missing != 0) rerank = true;
  return missing;
}

/** Stops every other CPU for good (they halt with interrupts off). */
export function smpPark(): void {
  if (online <= 1) return;
  post(null, null, 0, true);
  online = 1;
}
