// x86_64 parts of the kernel stub: CR3 and TLB maintenance, CPU state checks (the console and
// the QEMU exit device are the kernel runtime's: sdk/kernel/x86_64.ts).
// Called only from kernel-stub/arch/index.ts inside `if (target.x86_64)` branches.

import { CR0_WP, EFER_NXE, MSR_EFER } from "../../common/x86_64-regs";

/** Bits 12..51 of CR3: the PML4's physical address (the low bits are PCD/PWT/PCID). */
const CR3_ADDR_MASK: u64 = 0x000F_FFFF_FFFF_F000;

/** The initial APIC ID (CPUID leaf 1, EBX bits 31..24): which CPU this is. */
export function x64CpuId(): u64 {
  let r: Arr<u32, 4> = zeroed<Arr<u32, 4>>();
  cpuid(1, 0, addressOf(r[0]));
  return u64(r[1] >> 24);
}

export function x64PageTableRoot(): u64 {
  return readCr3() & CR3_ADDR_MASK;
}

/** CR4.LA57 (bit 12): the CPU translates with 5-level paging (a PML5 in CR3). */
export function x64PagingLevels(): u32 {
  return (readCr4() & (1 << 12)) != 0 ? 5 : 4;
}

export function x64FlushPage(va: u64): void {
  invlpg(va);
}

export function x64FlushAll(): void {
  // Reloading CR3 drops every non-global translation; global ones (the kernel's) need
  // CR4.PGE toggled.
  let cr4: u64 = readCr4();
  if ((cr4 & (1 << 7)) != 0) {
    writeCr4(cr4 & ~u64(1 << 7));
    writeCr4(cr4);
  } else {
    writeCr3(readCr3());
  }
}

export function x64Timestamp(): u64 {
  return rdtsc();
}

/** Interrupt flag (RFLAGS.IF): the protocol says the kernel is entered with it clear. */
export function x64InterruptsEnabled(): bool {
  let flags: u64 = asm<u64>("pushfq\n\tpopq $0", "=r,~{memory}");
  return (flags & (1 << 9)) != 0;
}

export function x64StackPointer(): u64 {
  return asm<u64>("mov %rsp, $0", "=r");
}

/** CR0.WP and EFER.NXE, which the loader must have enabled. */
export function x64MmuFlagsOk(): bool {
  let wp: bool = (readCr0() & CR0_WP) != 0;
  let nxe: bool = (rdmsr(MSR_EFER) & EFER_NXE) != 0;
  return wp && nxe;
}

/**
 * One access of a recoverable probe (trap/probe.ts): stores where to resume (the end of
 * this block) and the stack pointer to resume with at `resume[0]` / `resume[1]`, then
 * makes the access: `kind` (ProbeAccess) 1 calls `va` (its first byte must be a `ret`),
 * 2 writes back the byte it reads at `va`, 3 reads it. A probe that faults comes back at
 * the end with the stack as it was before the call.
 */
export function x64ProbeAccess(kind: u32, va: u64, resume: Ptr<u64>): void {
  if (kind == 1) {
    asm("leaq 1f(%rip), %rax\n\tmovq %rax, ($1)\n\tmovq %rsp, 8($1)\n\tcall *$0\n1:",
      "r,r,~{rax},~{memory}", va, resume);
  } else if (kind == 2) {
    asm("leaq 1f(%rip), %rax\n\tmovq %rax, ($1)\n\tmovq %rsp, 8($1)\n\tmovb ($0), %al\n\tmovb %al, ($0)\n1:",
      "r,r,~{rax},~{memory}", va, resume);
  } else {
    asm("leaq 1f(%rip), %rax\n\tmovq %rax, ($1)\n\tmovq %rsp, 8($1)\n\tmovb ($0), %al\n1:",
      "r,r,~{rax},~{memory}", va, resume);
  }
}
