// x86_64 parts of the loader: serial port, time stamps, CPU feature checks, control
// registers and the switch to the kernel. Only loader/arch/index.ts calls these, inside
// `if (target.x86_64)` branches, so nothing here is compiled for aarch64.

import { COM1, ns16550Putc } from "../../common/uart/ns16550";
import { PM_TIMER_HZ } from "../../common/acpi";

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

/**
 * The TSC's rate as the CPU states it, 0 when it does not: CPUID 0x15 gives the TSC as a
 * ratio (EBX/EAX) of the core crystal clock (ECX Hz). Where ECX is 0, the TSC runs at the
 * processor base frequency of CPUID 0x16 (EAX MHz), as on Intel parts since Skylake.
 * QEMU's TCG models have neither leaf.
 */
export function x64TscHzFromCpuid(): u64 {
  let r: Arr<u32, 4> = zeroed<Arr<u32, 4>>();
  cpuid(0, 0, addressOf(r[0]));
  let maxLeaf: u32 = r[0];
  if (maxLeaf < 0x15) return 0;
  cpuid(0x15, 0, addressOf(r[0]));
  let den: u64 = u64(r[0]);
  let num: u64 = u64(r[1]);
  let crystal: u64 = u64(r[2]);
  if (den == 0 || num == 0) return 0;
  if (crystal != 0) return crystal * num / den;
  if (maxLeaf < 0x16) return 0;
  cpuid(0x16, 0, addressOf(r[0]));
  return u64(r[0] & 0xFFFF) * 1_000_000;
}

/** PM timer counts to measure the TSC over: 2 ms. */
const PM_CALIBRATE_COUNTS: u32 = 7160;
/** A time sample is kept when the timer reads around its TSC read are this close (2.2 us). */
const PM_SAMPLE_WIDTH: u32 = 8;
/** Bound on the PM timer reads, so a timer that does not run cannot hang the loader. */
const PM_SPIN_LIMIT: u32 = 10_000_000;

let pmSampleCount: u32 = 0;

/**
 * One moment on both clocks: a PM timer read, the TSC, and a second timer read. When the
 * two timer reads are more than PM_SAMPLE_WIDTH apart, something ran in between (another
 * host thread, under emulation) and the sample is taken again, up to 16 times. Returns
 * the TSC; the timer value goes to pmSampleCount.
 */
function pmSample(port: u16, mask: u32): u64 {
  let t: u64 = 0;
  for (let i: u32 = 0; i < 16; i++) {
    let before: u32 = inl(port) & mask;
    t = rdtsc();
    let after: u32 = inl(port) & mask;
    pmSampleCount = before;
    if (((after - before) & mask) <= PM_SAMPLE_WIDTH) break;
  }
  return t;
}

/**
 * The TSC's rate measured against the ACPI power-management timer at I/O port `port`
 * (`bits` wide, 3.579545 MHz) over PM_CALIBRATE_COUNTS of it; 0 when the timer does not
 * advance. Each end is a sample taken on both clocks at once (pmSample), so time the CPU
 * spends elsewhere between the ends counts on both alike.
 */
export function x64TscHzFromPmTimer(port: u16, bits: u8): u64 {
  let mask: u32 = bits == 32 ? 0xFFFF_FFFF : 0xFF_FFFF;
  let t0: u64 = pmSample(port, mask);
  let start: u32 = pmSampleCount;
  let spins: u32 = 0;
  while (((inl(port) - start) & mask) < PM_CALIBRATE_COUNTS && spins < PM_SPIN_LIMIT) spins++;
  let t1: u64 = pmSample(port, mask);
  let counts: u32 = (pmSampleCount - start) & mask;
  if (counts < PM_CALIBRATE_COUNTS) return 0;
  return (t1 - t0) * PM_TIMER_HZ / u64(counts);
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
