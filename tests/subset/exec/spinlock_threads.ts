// The std SpinLock and the atomics under real parallelism: four Linux threads (raw clone;
// natively on x86_64, under qemu-aarch64, whose threads run in parallel too) each add
// ROUNDS times to three counters: a plain one inside spinLock/spinUnlock, one with
// atomicFetchAdd, one with a compare-exchange loop. Lost updates would show as a smaller
// total. Then tryLock's answers on a held and a free lock.

const THREADS = 4;
const ROUNDS = 100_000;
const STACK = 16384;
/** clone(2) flags for a thread: CLONE_VM | FS | FILES | SIGHAND | THREAD | SYSVSEM. */
const CLONE_THREAD_FLAGS: u64 = 0x50F00;

let lock: SpinLock;
let plain: u64 = 0;
let fetched: u64 = 0;
let swapped: u64 = 0;
let ready: u32 = 0;
let finished: u32 = 0;
let stacks: Arr<u64, 8192>; // THREADS * STACK bytes, 8-byte aligned

function worker(id: u64): void {
  // Start together, so that the threads really overlap.
  atomicFetchAdd(addressOf(ready), 1, "acq_rel");
  while (atomicLoad(addressOf(ready), "acquire") != THREADS) spinWaitHint();
  for (let i: u32 = 0; i < ROUNDS; i++) {
    spinLock(addressOf(lock));
    // A read-modify-write with a gap, through memory even at -O2: without the lock,
    // another thread's update in the gap is lost.
    const v: u64 = loadVolatile<u64>(addr(addressOf(plain)));
    spinWaitHint();
    storeVolatile<u64>(addr(addressOf(plain)), v + 1);
    spinUnlock(addressOf(lock));
    atomicFetchAdd(addressOf(fetched), 1, "relaxed");
    let seen: u64 = atomicLoad(addressOf(swapped), "relaxed");
    while (true) {
      const old: u64 = atomicCompareExchange(addressOf(swapped), seen, seen + 1, "acq_rel", "relaxed");
      if (old == seen) break;
      seen = old;
    }
  }
  atomicFetchAdd(addressOf(finished), 1, "release");
}

/** Starts fn(arg) on a new thread whose stack ends at `stackTop` (16-byte aligned). */
function spawn(fn: (arg: u64) => void, arg: u64, stackTop: u64): i64 {
  if (target.x86_64) {
    return asm<i64>(
      "syscall\n\ttest %rax, %rax\n\tjnz 1f\n\txor %ebp, %ebp\n\tmov %r12, %rdi\n\tcall *%r13\n\tmov $$60, %eax\n\txor %edi, %edi\n\tsyscall\n\tud2\n1:",
      "={rax},{rax},{rdi},{rsi},{rdx},{r10},{r12},{r13},~{rcx},~{r11},~{memory}",
      u64(56), CLONE_THREAD_FLAGS, stackTop, u64(0), u64(0), arg, fn);
  }
  return asm<i64>(
    "svc #0\n\tcbnz x0, 1f\n\tmov x29, xzr\n\tmov x0, x11\n\tblr x10\n\tmov x8, #93\n\tmov x0, xzr\n\tsvc #0\n\tbrk #0\n1:",
    "={x0},{x8},{x0},{x1},{x2},{x3},{x4},{x11},{x10},~{memory}",
    u64(220), CLONE_THREAD_FLAGS, stackTop, u64(0), u64(0), u64(0), arg, fn);
}

export function main(): i32 {
  const base: u64 = (addr(addressOf(stacks)) + 15) & ~u64(15);
  for (let t: u64 = 0; t < THREADS; t++) {
    const r: i64 = spawn(worker, t, base + (t + 1) * STACK - 16);
    if (r <= 0) { print("clone failed\n"); return 1; }
  }
  while (atomicLoad(addressOf(finished), "acquire") != THREADS) spinWaitHint();
  print("spin-locked counter "); printU(plain); print("\n");
  print("fetch-add counter "); printU(fetched); print("\n");
  print("compare-exchange counter "); printU(swapped); print("\n");

  spinLock(addressOf(lock));
  print(spinTryLock(addressOf(lock)) ? "tryLock on a held lock: taken\n" : "tryLock on a held lock: refused\n");
  print(spinIsLocked(addressOf(lock)) ? "locked\n" : "unlocked\n");
  spinUnlock(addressOf(lock));
  print(spinIsLocked(addressOf(lock)) ? "locked\n" : "unlocked\n");
  print(spinTryLock(addressOf(lock)) ? "tryLock on a free lock: taken\n" : "tryLock on a free lock: refused\n");
  spinUnlock(addressOf(lock));
  return 0;
}
