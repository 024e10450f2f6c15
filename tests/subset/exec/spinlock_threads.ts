// The std SpinLock and the atomics under real parallelism: four Linux threads (raw clone;
// natively on x86_64, under qemu-aarch64, whose threads run in parallel too) each add
// ROUNDS times to three counters: a plain one inside spinLock/spinUnlock, one with
// atomicFetchAdd, one with a compare-exchange loop. Lost updates would show as a smaller
// total. Then tryLock's answers on a held and a free lock.

import { spawnThread } from "../lib/linux";

const THREADS = 4;
const ROUNDS = 100_000;
const STACK = 16384;

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

export function main(): i32 {
  const base: u64 = (addr(addressOf(stacks)) + 15) & ~u64(15);
  for (let t: u64 = 0; t < THREADS; t++) {
    const r: i64 = spawnThread(worker, t, base + (t + 1) * STACK - 16);
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
