// x86_64 parts of the loader: serial port, time stamps, CPU feature checks, control
// registers and the switch to the kernel. Only loader/arch/index.ts calls these, inside
// `if (target.x86_64)` branches, so nothing here is compiled for aarch64.

import { COM1, ns16550Putc } from "../../common/uart/ns16550";
import { PM_TIMER_HZ } from "../../common/acpi";
import { CR0_WP, EFER_NXE, MSR_EFER } from "../../common/x86_64-regs";

const CR4_LA57: u64 = 1 << 12;

/** The switch page (x64PrepareSwitch): a GDT, its pseudo-descriptor, the far pointer back
 *  to 64-bit code, and the three values the 64-bit tail needs after the mode switch. */
const SW_GDTR: u64 = 32;      // u16 limit, u64 base
const SW_FAR: u64 = 48;       // m16:32 far pointer: u32 offset, u16 selector
const SW_STACK: u64 = 64;
const SW_ENTRY: u64 = 72;
const SW_BOOTINFO: u64 = 80;
const SEL_CODE64: u64 = 0x08;

/** Polled write to COM1. The firmware already programmed the UART (OVMF: 115200 8N1),
 *  so the loader does not reprogram it under the firmware's feet. */
export function x64SerialPutc(c: u8): void {
  ns16550Putc(COM1, c);
}

export function x64Timestamp(): u64 {
  return rdtsc();
}

/** CPUID leaf `leaf` (subleaf 0) into r[0..3]; false when the CPU does not have that leaf
 *  (basic or extended range). */
function cpuidLeaf(leaf: u32, r: Ptr<u32>): bool {
  cpuid(leaf & 0x8000_0000, 0, r);
  if (r[0] < leaf) return false;
  cpuid(leaf, 0, r);
  return true;
}

/** Bit `bit` of register `reg` (0 EAX, 1 EBX, 2 ECX, 3 EDX) of CPUID leaf `leaf`
 *  (subleaf 0), false when the CPU does not have that leaf. */
function cpuidBit(leaf: u32, reg: u32, bit: u32): bool {
  let r: Arr<u32, 4> = zeroed<Arr<u32, 4>>();
  return cpuidLeaf(leaf, addressOf(r[0])) && (r[reg] & (u32(1) << bit)) != 0;
}

/**
 * The TSC's rate as the CPU states it, 0 when it does not: CPUID 0x15 gives the TSC as a
 * ratio (EBX/EAX) of the core crystal clock (ECX Hz). Where ECX is 0, the TSC runs at the
 * processor base frequency of CPUID 0x16 (EAX MHz), as on Intel parts since Skylake.
 * QEMU's TCG models have neither leaf.
 */
export function x64TscHzFromCpuid(): u64 {
  let r: Arr<u32, 4> = zeroed<Arr<u32, 4>>();
  if (!cpuidLeaf(0x15, addressOf(r[0]))) return 0;
  let den: u64 = u64(r[0]);
  let num: u64 = u64(r[1]);
  let crystal: u64 = u64(r[2]);
  if (den == 0 || num == 0) return 0;
  if (crystal != 0) return crystal * num / den;
  if (!cpuidLeaf(0x16, addressOf(r[0]))) return 0;
  return u64(r[0] & 0xFFFF) * 1_000_000;
}

/** PM timer counts to measure the TSC over, at least: 2 ms. */
const PM_CALIBRATE_COUNTS: u32 = 7160;
/** A time sample is kept when the timer reads around its TSC read are this close (2.2 us). */
const PM_SAMPLE_WIDTH: u32 = 8;
/** Bound on the PM timer reads, so a timer that does not run cannot hang the loader. */
const PM_SPIN_LIMIT: u32 = 10_000_000;

let pmSampleCount: u32 = 0;
/** The measurement under way (x64TscPmStart): the timer's port (0: none) and mask, and
 *  the first sample on both clocks. */
let pmPort: u16 = 0;
let pmMask: u32 = 0;
let pmStartTsc: u64 = 0;
let pmStartCount: u32 = 0;

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
 * Starts measuring the TSC against the ACPI power-management timer at I/O port `port`
 * (`bits` wide, 3.579545 MHz): the first sample on both clocks (pmSample). The loader goes
 * on working; x64TscHzFromPmTimer takes the second sample.
 */
export function x64TscPmStart(port: u16, bits: u8): void {
  pmPort = port;
  pmMask = bits == 32 ? 0xFFFF_FFFF : 0xFF_FFFF;
  pmStartTsc = pmSample(port, pmMask);
  pmStartCount = pmSampleCount;
}

/**
 * The TSC's rate from the measurement x64TscPmStart began: the second sample, taken once
 * the timer has advanced PM_CALIBRATE_COUNTS since the first (waiting for what is left of
 * them, usually nothing: the loader's work in between counts); 0 without a measurement or
 * when the timer does not advance. Time the CPU spends elsewhere between the samples
 * counts on both clocks alike. The interval must stay below the timer's wrap (4.7 s at 24
 * bits): only the loader's own work lies between the two calls, never a wait for a person.
 */
export function x64TscHzFromPmTimer(): u64 {
  if (pmPort == 0) return 0;
  let spins: u32 = 0;
  while (((inl(pmPort) - pmStartCount) & pmMask) < PM_CALIBRATE_COUNTS && spins < PM_SPIN_LIMIT) spins++;
  let t1: u64 = pmSample(pmPort, pmMask);
  let counts: u32 = (pmSampleCount - pmStartCount) & pmMask;
  if (counts < PM_CALIBRATE_COUNTS) return 0;
  return (t1 - pmStartTsc) * PM_TIMER_HZ / u64(counts);
}

/** CPUID 0x80000001 EDX bit 26 (Page1GB): 1 GiB pages are allowed in PDPT entries.
 *  QEMU's default qemu64 model lacks it; a table using them there triple-faults. */
export function x64Has1GPages(): bool {
  return cpuidBit(0x8000_0001, 3, 26);
}

/** CPUID 0x80000001 EDX bit 20: the NX bit exists (needed for a non-executable HHDM). */
export function x64HasNx(): bool {
  return cpuidBit(0x8000_0001, 3, 20);
}

/** EFER.NXE (so NX bits in our tables are honoured, not reserved-bit faults) and
 *  CR0.WP (so read-only pages are read-only for the kernel too). */
export function x64EnableNxWp(): void {
  wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
  writeCr0(readCr0() | CR0_WP);
}

/** CR4.LA57: the firmware runs with 5-level paging (its CR3 holds a PML5). */
export function x64FirmwareLevels(): u32 {
  return (readCr4() & CR4_LA57) != 0 ? 5 : 4;
}

/** CPUID.(EAX=7,ECX=0):ECX bit 16 (LA57): the CPU can translate with 5 levels. */
export function x64HasLa57(): bool {
  return cpuidBit(7, 2, 16);
}

/**
 * Fills the switch page (below 4 GiB, identity-mapped in the new tables) for a change of
 * paging levels: a GDT with a 64-bit code segment (0x08), a flat data segment (0x10) and
 * a 32-bit code segment (0x18), every descriptor with its accessed bit preset so the CPU
 * never writes the (read-only) page, and the GDT's pseudo-descriptor.
 */
export function x64PrepareSwitch(page: u64): void {
  memset(ptr<u8>(page), 0, 4096);
  let gdt: Ptr<u64> = ptr<u64>(page);
  gdt[1] = 0x00AF_9B00_0000_FFFF;   // code, 64-bit (L), DPL 0, accessed
  gdt[2] = 0x00CF_9300_0000_FFFF;   // data, 4 GiB flat, writable, accessed
  gdt[3] = 0x00CF_9B00_0000_FFFF;   // code, 32-bit (D), 4 GiB flat, accessed
  store<u16>(page + SW_GDTR, 31);
  store<u64>(page + SW_GDTR + 2, page);
  store<u16>(page + SW_FAR + 4, u16(SEL_CODE64));
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
 * With `switchPage` (x64PrepareSwitch) the kernel's tables have another number of levels
 * than the firmware's. CR4.LA57 can only change while paging is off, and paging can only
 * be turned off outside 64-bit mode (Intel SDM vol. 3A §4.1.2 "Paging-Mode Enabling" and
 * "Switching Out of IA-32e Mode Operation"), so: load the switch page's GDT and data
 * segments, clear CR4.PCIDE (clearing CR0.PG with it set is #GP), far-return to the
 * 32-bit code segment (compatibility mode), clear CR0.PG (IA-32e mode off), set or clear
 * CR4.LA57 (`la57`), load CR3 (32 bits: the root is below 4 GiB), set CR0.PG (EFER.LME is
 * still set: IA-32e mode again, now with the new tables), far-jump to the 64-bit code
 * segment. This code, the switch page and the loader stack are below 4 GiB and
 * identity-mapped in both tables; nothing touches the stack in 32-bit mode, and the
 * 64-bit values are kept in the switch page across it.
 *
 * `stackTop` must be 16-byte aligned. Never returns.
 *
 * @noinline: the identity map covers this function's own pages (x64EnterKernelAddress);
 * an inlined copy inside the caller would run from pages that are not mapped.
 */
export function x64EnterKernel(cr3: u64, stackTop: u64, entry: u64, bootInfo: u64, switchPage: u64, la57: u64): never {
  asm(`cli
    test %r8, %r8
    jz 3f                      # same number of levels: just load CR3
    mov %rdx, 64(%r8)          # SW_STACK, SW_ENTRY, SW_BOOTINFO: kept across 32-bit mode
    mov %rsi, 72(%r8)
    mov %rdi, 80(%r8)
    mov %r8, %rbx              # the switch page, below 4 GiB: usable from 32-bit code
    mov %cr4, %rsi
    btr $$17, %rsi             # CR4.PCIDE off while still in 64-bit mode
    mov %rsi, %cr4
    btr $$12, %rsi             # the CR4 to load with paging off: LA57 as asked
    shl $$12, %r9
    or %r9, %rsi
    lgdt 32(%rbx)              # SW_GDTR
    mov $$0x10, %ecx
    mov %cx, %ds
    mov %cx, %es
    mov %cx, %ss
    lea 2f(%rip), %rcx
    mov %ecx, 48(%rbx)         # SW_FAR: back to 64-bit code at 2f, selector 0x08
    lea 1f(%rip), %rcx
    pushq $$0x18
    push %rcx
    lretq                      # to compatibility mode (32-bit code segment 0x18)
  .code32
  1:
    mov %cr0, %edx
    btr $$31, %edx
    mov %edx, %cr0             # paging off: IA-32e mode off (EFER.LMA = 0)
    mov %esi, %cr4             # LA57 set or clear (PAE stays set)
    mov %eax, %cr3             # the new root
    bts $$31, %edx
    mov %edx, %cr0             # paging on with EFER.LME = 1: IA-32e mode, new tables
    ljmpl *48(%ebx)            # to 64-bit mode
  .code64
  2:
    mov %ebx, %ebx
    mov 64(%rbx), %rdx
    mov 72(%rbx), %rsi
    mov 80(%rbx), %rdi
    jmp 4f
  3:
    mov %rax, %cr3
  4:
    mov %rdx, %rsp
    xor %ecx, %ecx
    push %rcx                  # a zero return address: RSP as after a call
    xor %ebp, %ebp
    jmp *%rsi`,
    "{rax},{rdx},{rsi},{rdi},{r8},{r9},~{rbx},~{rcx},~{memory}",
    cr3, stackTop, entry, bootInfo, switchPage, la57,
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
