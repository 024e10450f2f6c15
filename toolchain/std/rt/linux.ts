// The hosted runtime for *-linux: _start, write(2) and exit_group(2) by raw syscalls.

/** @symbol tsboot_main */
declare function userMain(): i32;

/**
 * The process entry: clear the frame pointer, align the stack and call into the subset.
 * @symbol _start
 * @naked
 */
export function start(): void {
  if (target.x86_64) asm("xor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $$-16, %rsp\n\tcall tsboot_linux_start\n\tud2", "");
  if (target.aarch64) asm("mov x29, xzr\n\tmov x0, sp\n\tbl tsboot_linux_start\n\tbrk #0", "");
}

/** @symbol tsboot_linux_start */
export function linuxStart(sp: u64): void {
  exit(userMain());
}

function syscall3(nr: u64, a: u64, b: u64, c: u64): i64 {
  if (target.x86_64) return asm<i64>("syscall", "={rax},{rax},{rdi},{rsi},{rdx},~{rcx},~{r11},~{memory}", nr, a, b, c);
  return asm<i64>("svc #0", "={x0},{x8},{x0},{x1},{x2},~{memory}", nr, a, b, c);
}

const SYS_WRITE_X86 = 1;
const SYS_EXIT_GROUP_X86 = 231;
const SYS_WRITE_ARM = 64;
const SYS_EXIT_GROUP_ARM = 94;

/** @symbol tsboot_console_write */
export function consoleWrite(p: Ptr<u8>, n: usize): void {
  let done: usize = 0;
  while (done < n) {
    const r: i64 = syscall3(target.x86_64 ? SYS_WRITE_X86 : SYS_WRITE_ARM, 1, addr(p) + done, n - done);
    if (r <= 0) return;
    done += u64(r);
  }
}

export function exit(status: i32): never {
  syscall3(target.x86_64 ? SYS_EXIT_GROUP_X86 : SYS_EXIT_GROUP_ARM, u64(status), 0, 0);
  unreachable();
}

/** @symbol tsboot_halt */
export function halt(): never {
  exit(101);
}
