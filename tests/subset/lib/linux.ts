// System calls for the subset programs that tests run on Linux (elfcheck, cfgcheck,
// sha256sum, unlzma, ...) and for the test initramfs's /init. The *-linux std runtime gives
// main() no argv and has no file API, so these are raw system calls in inline assembly;
// with them, the command line and its decimal arguments.

/** Linux system call numbers of the two architectures (x86_64, aarch64). */
function nr(x64: u64, a64: u64): u64 {
  if (target.x86_64) return x64;
  return a64;
}

const AT_FDCWD: u64 = 0xFFFF_FFFF_FFFF_FF9C; // -100 as the unsigned register value

/** A system call with up to five arguments; returns the kernel's result (-errno on failure). */
export function syscall5(n: u64, a: u64, b: u64, c: u64, d: u64, e: u64): i64 {
  if (target.x86_64) {
    return asm<i64>("syscall", "={rax},{rax},{rdi},{rsi},{rdx},{r10},{r8},~{rcx},~{r11},~{memory}", n, a, b, c, d, e);
  }
  return asm<i64>("svc #0", "={x0},{x8},{x0},{x1},{x2},{x3},{x4},~{memory}", n, a, b, c, d, e);
}

/** openat(AT_FDCWD, path, O_RDONLY) -> fd or -errno. */
export function sysOpen(path: Ptr<u8>): i64 {
  return syscall5(nr(257, 56), AT_FDCWD, addr(path), 0, 0, 0);
}

export function sysRead(fd: i64, buf: Ptr<u8>, n: u64): i64 {
  return syscall5(nr(0, 63), u64(fd), addr(buf), n, 0, 0);
}

export function sysClose(fd: i64): void {
  syscall5(nr(3, 57), u64(fd), 0, 0, 0, 0);
}

/** mount(source, target, fstype, 0, null) -> 0 or -errno. */
export function sysMount(source: cstr, dir: cstr, fstype: cstr): i64 {
  return syscall5(nr(165, 40), addr(source), addr(dir), addr(fstype), 0, 0);
}

/** mkdirat(AT_FDCWD, path, mode) -> 0 or -errno. */
export function sysMkdir(path: cstr, mode: u64): i64 {
  return syscall5(nr(258, 34), AT_FDCWD, addr(path), mode, 0, 0);
}

/** reboot(2) with LINUX_REBOOT_CMD_POWER_OFF: returns only on failure (-errno). */
export function sysPowerOff(): i64 {
  return syscall5(nr(169, 142), 0xFEE1DEAD, 672274793, 0x4321FEDC, 0, 0);
}

/** sync(2): flush before powering off. */
export function sysSync(): void {
  syscall5(nr(162, 81), 0, 0, 0, 0, 0);
}

/** readFile's result when the file cannot be opened or read. */
export const READ_FAILED: i64 = -1;
/** readFile's result when the file is larger than the buffer. */
export const READ_TOO_BIG: i64 = -2;

/** Reads a whole file into buf (at most `cap` bytes); its size, READ_FAILED or READ_TOO_BIG. */
export function readFile(path: Ptr<u8>, buf: Ptr<u8>, cap: u64): i64 {
  let fd: i64 = sysOpen(path);
  if (fd < 0) return READ_FAILED;
  let total: u64 = 0;
  while (true) {
    if (total == cap) {
      // One more byte would not fit: refuse rather than hand on a prefix.
      let probe: Arr<u8, 1> = zeroed<Arr<u8, 1>>();
      let more: i64 = sysRead(fd, addressOf(probe[0]), 1);
      sysClose(fd);
      if (more > 0) return READ_TOO_BIG;
      return i64(total);
    }
    let n: i64 = sysRead(fd, ptrAdd(buf, total), cap - total);
    if (n < 0) {
      sysClose(fd);
      return READ_FAILED;
    }
    if (n == 0) break;
    total += u64(n);
  }
  sysClose(fd);
  return i64(total);
}

let argBuf: Arr<u8, 4096>;
let argv: Arr<u64, 8>;
let argCount: u32 = 0;

/**
 * The command line, from /proc/self/cmdline (argv as NUL-separated strings). Returns argc
 * (at most 8 are kept), or 0 when /proc cannot be read.
 */
export function args(): u32 {
  let n: i64 = readFile(cast<u8>("/proc/self/cmdline"), addressOf(argBuf[0]), 4095);
  if (n < 0) return 0;
  argBuf[n] = 0;
  argCount = 0;
  let start: i64 = 0;
  for (let i: i64 = 0; i < n; i++) {
    if (argBuf[i] == 0) {
      if (argCount < 8) argv[argCount] = addr(addressOf(argBuf[start]));
      argCount++;
      start = i + 1;
    }
  }
  return argCount;
}

/** Argument i (0 is the program) as a NUL-terminated string; call args() first. */
export function arg(i: u32): Ptr<u8> {
  return ptr<u8>(argv[i]);
}

/** A decimal argument (digits only, below 10^12), or ~0 when it is not one. */
export function parseDecimal(p: Ptr<u8>): u64 {
  if (p[0] == 0) return ~0;
  let v: u64 = 0;
  for (let i: u32 = 0; p[i] != 0; i++) {
    if (p[i] < 0x30 || p[i] > 0x39 || v >= 100_000_000_000) return ~0;
    v = v * 10 + u64(p[i] - 0x30);
  }
  return v;
}

export function streq(a: Ptr<u8>, b: cstr): bool {
  let p: Ptr<u8> = cast<u8>(b);
  let i: u64 = 0;
  while (true) {
    if (a[i] != p[i]) return false;
    if (a[i] == 0) return true;
    i++;
  }
}

/** clone(2) flags for a thread: CLONE_VM | FS | FILES | SIGHAND | THREAD | SYSVSEM. */
const CLONE_THREAD_FLAGS: u64 = 0x50F00;

/**
 * Starts fn(arg) on a new thread (raw clone) whose stack ends at `stackTop` (16-byte
 * aligned); the thread exits when fn returns. The parent gets the thread id or -errno.
 */
export function spawnThread(fn: (arg: u64) => void, arg: u64, stackTop: u64): i64 {
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

let monotonic: Arr<u64, 2>;

/** CLOCK_MONOTONIC in milliseconds. */
export function clockMs(): u64 {
  syscall5(nr(228, 113), 1, addr(addressOf(monotonic)), 0, 0, 0);
  return monotonic[0] * 1000 + monotonic[1] / 1_000_000;
}
