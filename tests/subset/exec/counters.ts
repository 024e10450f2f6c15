// Cycle/virtual counters: rdtsc on x86_64, cntvct (and cntfrq) on aarch64; successive
// reads never go backwards and advance over a busy loop.
function now(): u64 {
  if (target.x86_64) return rdtsc();
  else return cntvct();
}

let sink: u64 = 0;

export function main(): i32 {
  let first: u64 = now();
  let prev: u64 = first;
  let backwards: u32 = 0;
  for (let i: u32 = 0; i < 1000; i++) {
    let t: u64 = now();
    if (t < prev) backwards++;
    prev = t;
  }
  for (let i: u64 = 0; i < 2000000; i++) { sink += i; compilerBarrier(); }
  let last: u64 = now();
  printU(u64(backwards)); print("\n");
  if (last > first) print("advanced\n");
  if (target.aarch64) {
    if (cntfrq() != 0) print("freq\n");
  } else {
    print("freq\n");
  }
  return 0;
}
