// elfcheck: runs the loader's ELF validator (common/elf.ts) on a file, as a Linux program.
//
//   elfcheck <file> [machine]      machine: x86_64 (default) or aarch64
//
// Prints `elfcheck: OK entry=0x... segments=N span=0x...-0x...` and exits 0 for a valid
// kernel, or `elfcheck: error: <message> (check N[, program header I], <field> = 0x...)`
// and exits 1; usage and I/O problems exit 2. The *-linux targets' main() gets no argv, so
// the driver reads /proc/self/cmdline and the file itself with raw system calls.

import { type ElfImage, type ElfLimits, ElfStatus, elfValidate, elfStatusMessage, elfFieldName, EM_X86_64, EM_AARCH64 } from "../../../common/elf";
import { KERNEL_LINK_BASE } from "../../../common/bootinfo";

const MAX_FILE = 4 * 1024 * 1024;
let fileBuf: Arr<u8, 4194304>;
let argBuf: Arr<u8, 4096>;

/** open(path, O_RDONLY) -> fd or -errno. */
function sysOpen(path: Ptr<u8>): i64 {
  if (target.x86_64) {
    return asm<i64>("syscall", "={rax},{rax},{rdi},{rsi},{rdx},~{rcx},~{r11},~{memory}", u64(2), addr(path), u64(0), u64(0));
  }
  // aarch64 has only openat: AT_FDCWD = -100.
  return asm<i64>("svc #0", "={x0},{x8},{x0},{x1},{x2},{x3},~{memory}", u64(56), i64(-100), addr(path), u64(0), u64(0));
}

function sysRead(fd: i64, buf: Ptr<u8>, n: u64): i64 {
  if (target.x86_64) {
    return asm<i64>("syscall", "={rax},{rax},{rdi},{rsi},{rdx},~{rcx},~{r11},~{memory}", u64(0), fd, addr(buf), n);
  }
  return asm<i64>("svc #0", "={x0},{x8},{x0},{x1},{x2},~{memory}", u64(63), fd, addr(buf), n);
}

function sysClose(fd: i64): void {
  if (target.x86_64) {
    asm<i64>("syscall", "={rax},{rax},{rdi},~{rcx},~{r11},~{memory}", u64(3), fd);
  } else {
    asm<i64>("svc #0", "={x0},{x8},{x0},~{memory}", u64(57), fd);
  }
}

/** Reads a whole file into `buf` (at most `cap` bytes); -1 if it cannot, -2 if too big. */
function readFile(path: Ptr<u8>, buf: Ptr<u8>, cap: u64): i64 {
  let fd: i64 = sysOpen(path);
  if (fd < 0) return -1;
  let total: u64 = 0;
  while (true) {
    if (total == cap) {
      // One more byte would not fit: refuse rather than validate a prefix.
      let probe: Arr<u8, 1> = zeroed<Arr<u8, 1>>();
      let more: i64 = sysRead(fd, addressOf(probe[0]), 1);
      sysClose(fd);
      if (more > 0) return -2;
      return i64(total);
    }
    let n: i64 = sysRead(fd, ptrAdd(buf, total), cap - total);
    if (n < 0) {
      sysClose(fd);
      return -1;
    }
    if (n == 0) break;
    total += u64(n);
  }
  sysClose(fd);
  return i64(total);
}

function streq(a: Ptr<u8>, b: cstr): bool {
  let p: Ptr<u8> = cast<u8>(b);
  let i: u64 = 0;
  while (true) {
    if (a[i] != p[i]) return false;
    if (a[i] == 0) return true;
    i++;
  }
}

export function main(): i32 {
  // argv as NUL-separated strings: argv[0] NUL argv[1] NUL ...
  let n: i64 = readFile(cast<u8>("/proc/self/cmdline"), addressOf(argBuf[0]), 4095);
  if (n < 0) {
    println("elfcheck: cannot read /proc/self/cmdline");
    return 2;
  }
  argBuf[n] = 0;
  let argc: u32 = 0;
  let args: Arr<u64, 4> = zeroed<Arr<u64, 4>>();
  let start: i64 = 0;
  for (let i: i64 = 0; i < n; i++) {
    if (argBuf[i] == 0) {
      if (argc < 4) args[argc] = addr(addressOf(argBuf[start]));
      argc++;
      start = i + 1;
    }
  }
  if (argc < 2 || argc > 3) {
    println("usage: elfcheck <file> [x86_64|aarch64]");
    println("  Validates <file> as a tsboot kernel with the loader's own ELF checks (common/elf.ts).");
    return 2;
  }
  let path: Ptr<u8> = ptr<u8>(args[1]);
  if (streq(path, "--help") || streq(path, "-h")) {
    println("usage: elfcheck <file> [x86_64|aarch64]");
    println("  Validates <file> as a tsboot kernel with the loader's own ELF checks (common/elf.ts).");
    return 0;
  }
  let lim: ElfLimits = zeroed<ElfLimits>();
  lim.machine = EM_X86_64;
  lim.vmin = KERNEL_LINK_BASE;
  lim.maxSpan = 0x4000_0000;
  if (argc == 3) {
    let m: Ptr<u8> = ptr<u8>(args[2]);
    if (streq(m, "aarch64")) {
      lim.machine = EM_AARCH64;
    } else if (!streq(m, "x86_64")) {
      println("elfcheck: machine must be x86_64 or aarch64");
      return 2;
    }
  }

  let size: i64 = readFile(path, addressOf(fileBuf[0]), MAX_FILE);
  if (size == -2) {
    println("elfcheck: file is larger than 4 MiB");
    return 2;
  }
  if (size < 0) {
    println("elfcheck: cannot open or read the file");
    return 2;
  }
  let img: ElfImage = zeroed<ElfImage>();
  let st: ElfStatus = elfValidate(addressOf(fileBuf[0]), u64(size), addressOf(lim), addressOf(img));
  if (st == ElfStatus.Ok) {
    print("elfcheck: OK entry=");
    printHex(img.entry);
    print(" segments=");
    printU(img.loadCount);
    print(" span=");
    printHex(img.vbase);
    print("-");
    printHex(img.vend);
    print("\n");
    return 0;
  }
  print("elfcheck: error: ");
  print(elfStatusMessage(st));
  print(" (check ");
  printU(u64(st));
  if (img.badIndex >= 0) {
    print(", program header ");
    printI(img.badIndex);
  }
  if (img.otherIndex >= 0) {
    print(", overlapping program header ");
    printI(img.otherIndex);
  }
  print(", ");
  print(elfFieldName(img.badField));
  print(" = ");
  printHex(img.badValue);
  println(")");
  return 1;
}
