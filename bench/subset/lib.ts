// Shared helpers of the benchmark programs (cold code only: nothing here runs inside a
// timed loop, so whether calls across modules get inlined does not matter).
//
// The subset has no libc, so the clock and the command line come from raw Linux system
// calls written as inline assembly:
//   - nowNs(): clock_gettime(CLOCK_MONOTONIC), the same clock the C versions read through
//     libc and Node reads through performance.now();
//   - argU64(i, dflt): the i-th command-line argument as a decimal number, read from
//     /proc/self/cmdline because `main()` receives no argv.
// Every benchmark prints two lines, parsed by bench/run.ts:
//   checksum <u32> <u32> ...     (decimal words; every implementation must agree)
//   ns <nanoseconds of the timed kernel>

interface Timespec extends Struct {
  sec: i64;
  nsec: i64;
}

let clockBuf: Timespec;
let argBuf: Arr<u8, 4096>;
let argLen: i64 = -1;

const CLOCK_MONOTONIC: u64 = 1;
const AT_FDCWD: u64 = 0xFFFF_FFFF_FFFF_FF9C; // -100 as the unsigned register value

// Linux system call numbers differ between the two architectures. (Functions rather than
// `const X: u64 = target.x86_64 ? 257 : 56`: the compiler does not fold a target test in a
// constant's initialiser.)
function sysOpenat(): u64 {
  if (target.x86_64) return 257;
  return 56;
}
function sysRead(): u64 {
  if (target.x86_64) return 0;
  return 63;
}
function sysClose(): u64 {
  if (target.x86_64) return 3;
  return 57;
}
function sysClockGettime(): u64 {
  if (target.x86_64) return 228;
  return 113;
}

/** A Linux system call with up to three arguments; returns the kernel's result (-errno on failure). */
function syscall3(nr: u64, a: u64, b: u64, c: u64): i64 {
  if (target.x86_64) {
    return asm<i64>("syscall", "={rax},{rax},{rdi},{rsi},{rdx},~{rcx},~{r11},~{memory}", nr, a, b, c);
  } else {
    return asm<i64>("svc #0", "={x0},{x8},{x0},{x1},{x2},~{memory}", nr, a, b, c);
  }
}

/** Monotonic time in nanoseconds. */
export function nowNs(): u64 {
  const r: i64 = syscall3(sysClockGettime(), CLOCK_MONOTONIC, addr(addressOf(clockBuf)), 0);
  if (r != 0) panic("clock_gettime(CLOCK_MONOTONIC) failed");
  return u64(clockBuf.sec) * 1000000000 + u64(clockBuf.nsec);
}

/** Reads /proc/self/cmdline once (NUL-separated arguments, argv[0] first). */
function loadArgs(): void {
  if (argLen >= 0) return;
  const fd: i64 = syscall3(sysOpenat(), AT_FDCWD, addr("/proc/self/cmdline"), 0);
  if (fd < 0) panic("cannot open /proc/self/cmdline to read the arguments");
  let len: i64 = 0;
  while (len < 4095) {
    const n: i64 = syscall3(sysRead(), u64(fd), addr(addressOf(argBuf[len])), u64(4095 - len));
    if (n <= 0) break;
    len += n;
  }
  syscall3(sysClose(), u64(fd), 0, 0);
  argBuf[len] = 0;
  argLen = len;
}

/** The `index`-th argument (1 = first after the program name) as an unsigned decimal, or `dflt` if absent. */
export function argU64(index: u32, dflt: u64): u64 {
  loadArgs();
  let pos: i64 = 0;
  let k: u32 = 0;
  while (k < index) {
    while (pos < argLen && argBuf[pos] != 0) pos++;
    if (pos >= argLen) return dflt;
    pos++; // skip the NUL
    k++;
  }
  if (pos >= argLen || argBuf[pos] == 0) return dflt;
  let v: u64 = 0;
  while (pos < argLen && argBuf[pos] != 0) {
    const c: u8 = argBuf[pos];
    if (c < 48 || c > 57) panic("benchmark arguments must be unsigned decimal numbers");
    v = v * 10 + u64(c - 48);
    pos++;
  }
  return v;
}

/** Starts the checksum line. */
export function beginChecksum(): void {
  print("checksum");
}

/** One checksum word. */
export function checksumWord(w: u32): void {
  print(" ");
  printU(w);
}

/** Ends the checksum line and prints the kernel's time. */
export function endChecksum(ns: u64): void {
  print("\nns ");
  printU(ns);
  print("\n");
}
