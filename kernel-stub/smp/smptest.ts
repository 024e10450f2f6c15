// Checks of what the CPUs share, run on every online CPU at once (smpRun):
//   spin lock   each CPU adds LOCK_ROUNDS times to a plain counter inside spinLock /
//               spinUnlock (a read, a pause, a write: lost updates would show), and to
//               another with atomicFetchAdd; both totals must be exact;
//   frames      each CPU takes FRAMES_EACH frames through the locked allocator and tags
//               them; a second job checks every tag (a frame handed out twice carries
//               another CPU's) and frees them; the free count must come back;
//   console     each CPU prints LOG_LINES lines at once; the test harness checks that
//               every line arrives whole (klog.ts keeps lines from interleaving);
//   permissions each CPU makes the forbidden accesses of permprobe.ts at once, on its own
//               stack and guard page and through its own exception handlers: each must
//               take the expected fault (and the allowed ones none).
// Each prints one `[kernel] smp test <name>: ... pass|FAIL` line.

import { smpRun, smpCpuOfRank } from "./work";
import { cpuIndex, cpuAt } from "./cpu";
import { AP_STACK_SIZE } from "./smp";
import { mmAllocFrame, mmFreeFrame, mmP2V, mmFrames, mmBootInfo } from "../mm/kmem";
import { type BootInfo } from "../../common/bootinfo";
import { PROBE_COUNT, probeAll } from "../permprobe";
import { mmTicks } from "../mm/ticks";

const LOCK_ROUNDS: u32 = 20000;
const FRAMES_EACH = 256;
const LOG_LINES: u32 = 3;
const TAG: u64 = 0x534D_5054_0000_0000;     // "SMPT" in the top half

let lock: SpinLock;
let plainCount: u64 = 0;
let atomicCount: u64 = 0;
// Per-CPU results by CPU index (smp/work.ts says why).
let frames: Arr<u64, 16384>;                // FRAMES_EACH per CPU, up to 64 CPUs
let badTags: Arr<u64, 64>;
let probesFailed: Arr<u32, 64>;
let shortOf: Arr<u64, 64>;
let waitTicks: u64 = 0;

function lockJob(arg: Ptr<void>, rank: u32, n: u32): void {
  for (let i: u32 = 0; i < LOCK_ROUNDS; i++) {
    spinLock(addressOf(lock));
    let v: u64 = loadVolatile<u64>(addr(addressOf(plainCount)));
    spinWaitHint();
    storeVolatile<u64>(addr(addressOf(plainCount)), v + 1);
    spinUnlock(addressOf(lock));
    atomicFetchAdd(addressOf(atomicCount), 1, "relaxed");
  }
}

function allocJob(arg: Ptr<void>, rank: u32, n: u32): void {
  let me: u64 = u64(cpuIndex());
  shortOf[me] = 0;
  for (let i: u64 = 0; i < FRAMES_EACH; i++) {
    let pa: u64 = mmAllocFrame();
    frames[me * FRAMES_EACH + i] = pa;
    if (pa == 0) { shortOf[me]++; continue; }
    store<u64>(mmP2V() + pa, TAG | (me << 16) | i);
  }
}

function checkFreeJob(arg: Ptr<void>, rank: u32, n: u32): void {
  let me: u64 = u64(cpuIndex());
  badTags[me] = 0;
  for (let i: u64 = 0; i < FRAMES_EACH; i++) {
    let pa: u64 = frames[me * FRAMES_EACH + i];
    if (pa == 0) continue;
    if (load<u64>(mmP2V() + pa) != (TAG | (me << 16) | i)) badTags[me]++;
    if (!mmFreeFrame(pa)) badTags[me]++;
  }
}

function logJob(arg: Ptr<void>, rank: u32, n: u32): void {
  for (let k: u32 = 1; k <= LOG_LINES; k++) {
    println(`[kernel] smp test console: CPU ${u64(cpuIndex())} of ${u64(n)}, line ${u64(k)} of ${u64(LOG_LINES)}, ` +
      `whole`);
  }
}

function probeJob(arg: Ptr<void>, rank: u32, n: u32): void {
  let me: u32 = cpuIndex();
  let b: Ptr<BootInfo> = mmBootInfo();
  // The page below the stack: the boot info's kernel stack on the boot CPU, the others'
  // slots (smp.ts).
  let stackLo: u64 = me == 0 ? b.kernelStackTop - b.kernelStackSize : cpuAt(me).stackTop - AP_STACK_SIZE;
  let guard: u64 = stackLo - 4096;
  probesFailed[me] = probeAll(b, guard, false);
}

function verdict(ok: bool): bool {
  println(ok ? ": pass" : ": FAIL");
  return ok;
}

/** Runs the checks on `n` CPUs; true when all passed. `wait` bounds each job (ticks). */
export function smpSelfTest(n: u32, wait: u64): bool {
  waitTicks = wait;
  let ok: bool = true;

  plainCount = 0;
  atomicCount = 0;
  let missing: u32 = smpRun(lockJob, null, n, mmTicks, waitTicks);
  print(`[kernel] smp test spin lock: ${u64(n)} CPUs x ${u64(LOCK_ROUNDS)}: locked counter ${plainCount}, atomic ` +
    `counter ${atomicCount} of ${u64(n) * u64(LOCK_ROUNDS)}`);
  let want: u64 = u64(n) * u64(LOCK_ROUNDS);
  ok = verdict(missing == 0 && plainCount == want && atomicCount == want) && ok;

  let free0: u64 = mmFrames().freeFrames;
  missing = smpRun(allocJob, null, n, mmTicks, waitTicks);
  missing += smpRun(checkFreeJob, null, n, mmTicks, waitTicks);
  let bad: u64 = 0;
  let short: u64 = 0;
  for (let r: u32 = 0; r < n; r++) {
    bad += badTags[smpCpuOfRank(r)];
    short += shortOf[smpCpuOfRank(r)];
  }
  print(`[kernel] smp test frames: ${u64(n)} CPUs x ${FRAMES_EACH} frames through the locked allocator at once: ` +
    `${bad} handed out twice or refused, ${short} not available; free count ${free0} -> ${mmFrames().freeFrames}`);
  ok = verdict(missing == 0 && bad == 0 && short == 0 && mmFrames().freeFrames == free0) && ok;

  missing = smpRun(logJob, null, n, mmTicks, waitTicks);
  print(`[kernel] smp test console: ${u64(n) * u64(LOG_LINES)} lines from ${u64(n)} CPUs at once`);
  ok = verdict(missing == 0) && ok;

  missing = smpRun(probeJob, null, n, mmTicks, waitTicks);
  let failed: u64 = 0;
  for (let r: u32 = 0; r < n; r++) failed += u64(probesFailed[smpCpuOfRank(r)]);
  print(`[kernel] smp test permissions: ${PROBE_COUNT} probes on each of ${u64(n)} CPU${n == 1 ? "" : "s"} at once, ` +
    `${failed} without the expected fault`);
  ok = verdict(missing == 0 && failed == 0) && ok;
  return ok;
}
