// x86_64 parts of the loader: serial port, time stamps, CPU feature checks, control
// registers and the switch to the kernel. Only loader/arch/index.ts calls these, inside
// `if (target.x86_64)` branches, so nothing here is compiled for aarch64.

import { COM1, ns16550Putc } from "../../common/uart/ns16550";

const MSR_EFER: u32 = 0xC000_0080;
const EFER_NXE: u64 = 1 << 11;
const CR0_WP: u64 = 1 << 16;

/** Polled write to COM1. The firmware already programmed the UART (OVMF: 115200 8N1),
 *  so the loader does not reprogram it under the firmware's feet. */
export function x64SerialPutc(c: u8): void {
  ns16550Putc(COM1, c);
}

export function x64Timestamp(): u64 {
  return rdtsc();
}

/** CPUID 0x80000001 EDX bit 26 (Page1GB): 1 GiB pages are allowed in PDPT entries.
 *  QEMU's default qemu64 model lacks it; a table using them there triple-faults. */
export function x64Has1GPages(): bool {
  let r: Arr<u32, 4> = zeroed<Arr<u32, 4>>();
  cpuid(0x8000_0000, 0, addressOf(r[0]));
  if (r[0] < 0x8000_0001) return false;
  cpuid(0x8000_0001, 0, addressOf(r[0]));
  return (r[3] & (1 << 26)) != 0;
}

/** CPUID 0x80000001 EDX bit 20: the NX bit exists (needed for a non-executable HHDM). */
export function x64HasNx(): bool {
  let r: Arr<u32, 4> = zeroed<Arr<u32, 4>>();
  cpuid(0x8000_0000, 0, addressOf(r[0]));
  if (r[0] < 0x8000_0001) return false;
  cpuid(0x8000_0001, 0, addressOf(r[0]));
  return (r[3] & (1 << 20)) != 0;
}

/** EFER.NXE (so NX bits in our tables are honoured, not reserved-bit faults) and
 *  CR0.WP (so read-only pages are read-only for the kernel too). */
export function x64EnableNxWp(): void {
  wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
  writeCr0(readCr0() | CR0_WP);
}

export function x64StackPointer(): u64 {
  return asm<u64>("mov %rsp, $0", "=r");
}

/**
 * The switch. Runs from an identity-mapped page: loads CR3 (the next instruction is
 * fetched through the new tables, which identity-map this code), moves to the kernel
 * stack, pushes a zero return address so RSP is 16-byte aligned minus 8 as after a
 * call, puts the boot info in RDI (SysV first argument) and jumps. Interrupts are
 * disabled first: the firmware's IDT and GDT are not mapped at their old addresses.
 *
 * `stackTop` must be 16-byte aligned. Never returns.
 *
 * @noinline: the identity map covers this function's own pages (x64EnterKernelAddress);
 * an inlined copy inside the caller would run from pages that are not mapped.
 */
export function x64EnterKernel(cr3: u64, stackTop: u64, entry: u64, bootInfo: u64): never {
  asm(
    "cli\n\tmov %rax, %cr3\n\tmov %rdx, %rsp\n\txor %ecx, %ecx\n\tpush %rcx\n\txor %ebp, %ebp\n\tjmp *%rsi",
    "{rax},{rdx},{rsi},{rdi},~{rcx},~{memory}",
    cr3, stackTop, entry, bootInfo,
  );
  unreachable();
}

/** Address of the code that runs while the page tables change (to identity-map it). */
export function x64EnterKernelAddress(): u64 {
  return addr(x64EnterKernel);
}

export function x64Halt(): never {
  while (true) {
    cli();
    hlt();
  }
}
