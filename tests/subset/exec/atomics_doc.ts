// The two examples of docs/language.md, "Atomics", verbatim (plus nextFrame and main).
let nextFrame: u64 = 0x10_0000;

let hits: u64 = 0;
let owner: u32 = 0; // 0: free, otherwise the owning CPU's number + 1

export function countHit(): u64 {
  return atomicFetchAdd(addressOf(hits), 1, "relaxed") + 1; // a statistic: no ordering needed
}

export function claim(cpu: u32): bool {
  // acquire on success: what the previous owner wrote before its release is visible here
  return atomicCompareExchange(addressOf(owner), 0, cpu + 1, "acquire", "relaxed") == 0;
}

export function giveBack(): void {
  atomicStore(addressOf(owner), 0, "release");
}

let framesLock: SpinLock;                  // .bss: unlocked

export function takeFrame(): u64 {
  spinLock(addressOf(framesLock));         // waits; acquire
  let pa: u64 = nextFrame;
  nextFrame += 4096;
  spinUnlock(addressOf(framesLock));       // release; panics if the lock was not held
  return pa;
}

export function main(): i32 {
  countHit();
  printU(countHit()); print("\n");
  print(claim(3) ? "claimed\n" : "busy\n");
  print(claim(5) ? "claimed\n" : "busy\n");
  printU(u64(owner)); print("\n");
  giveBack();
  print(claim(5) ? "claimed\n" : "busy\n");
  printHex(takeFrame()); print(" "); printHex(takeFrame()); print("\n");
  return 0;
}
