// aarch64 parts of the kernel stub: TTBR1_EL1 and TLB maintenance, CPU state checks. The
// PL011 console and PSCI SYSTEM_OFF are the kernel runtime's (sdk/kernel/aarch64.ts).
// Called only from kernel-stub/arch/index.ts in the aarch64 branches.

import { A64_MAIR } from "../../common/paging/aarch64";

/** Bits 47..12 of TTBR1_EL1: the table's physical address (4 KiB aligned; CnP is bit 0,
 *  the ASID bits 63..48). */
const TTBR_BADDR: u64 = 0x0000_FFFF_FFFF_F000;

/** MPIDR_EL1's affinity fields (Aff3..Aff0): which CPU this is. */
export function a64CpuId(): u64 {
  return mrs("MPIDR_EL1") & 0xFF_00FF_FFFF;
}

// ---- MMU and TLB -----------------------------------------------------------------------

export function a64PageTableRoot(): u64 {
  return mrs("TTBR1_EL1") & TTBR_BADDR;
}

// TLB maintenance is broadcast to the inner shareable domain (the *IS forms): with several
// CPUs on the same tables, a translation dropped on one CPU must be dropped on all.

/** Completes the table stores, drops the one translation on every CPU, and waits for it. */
export function a64FlushPage(va: u64): void {
  dsbIshst();
  // TLBI VAE1IS takes VA[55:12] in bits 43..0 (ASID bits 63..48 = 0: global entries match anyway).
  tlbiVae1is((va >> 12) & 0x0FFF_FFFF_FFFF);
  dsbIsh();
  isb();
}

export function a64FlushAll(): void {
  dsbIshst();
  tlbiVmalle1is();
  dsbIsh();
  isb();
}

export function a64Timestamp(): u64 {
  isb();
  return cntvct();
}

/** DAIF: the protocol enters the kernel with D, A, I and F all masked. */
export function a64InterruptsEnabled(): bool {
  return (mrs("DAIF") & 0x3C0) != 0x3C0;
}

export function a64StackPointer(): u64 {
  return asm<u64>("mov $0, sp", "=r");
}

/**
 * What the loader promised about the MMU: SCTLR_EL1 with the MMU and both caches on and
 * WXN off; MAIR_EL1 as the engine's AttrIndx values assume; TCR_EL1 with 48-bit VAs and
 * the 4 KiB granule for TTBR1, and TTBR1 walks enabled.
 */
export function a64MmuFlagsOk(): bool {
  let sctlr: u64 = mrs("SCTLR_EL1");
  let tcr: u64 = mrs("TCR_EL1");
  let sctlrOk: bool = (sctlr & 1) != 0 && (sctlr & 4) != 0 && (sctlr & 0x1000) != 0 && (sctlr & 0x8_0000) == 0;
  let mairOk: bool = mrs("MAIR_EL1") == A64_MAIR;
  let t1sz: u64 = (tcr >> 16) & 0x3F;
  let tg1: u64 = (tcr >> 30) & 3;
  let epd1: u64 = (tcr >> 23) & 1;
  let tcrOk: bool = (tcr & 0x3F) == 16 && t1sz == 16 && tg1 == 2 && epd1 == 0;
  if (!sctlrOk || !mairOk || !tcrOk) {
    println(`[kernel] aarch64 MMU state: SCTLR_EL1 ${hex(sctlr)} MAIR_EL1 ${hex(mrs("MAIR_EL1"))} TCR_EL1 ` +
      `${hex(tcr)}`);
  }
  return sctlrOk && mairOk && tcrOk;
}

/**
 * The page-table engine's break-before-make hook for live tables: the invalid descriptor
 * is in memory; make it visible to the walker, drop the old translation, and only then let
 * the engine write the new one.
 */
export function a64BreakHook(va: u64, all: bool): void {
  dsbIshst();
  if (all) {
    tlbiVmalle1is();
  } else {
    tlbiVae1is((va >> 12) & 0xFFF_FFFF_FFFF); // TLBI VAE1IS takes VA[55:12]
  }
  dsbIsh();
  isb();
}

/**
 * One access of a recoverable probe (trap/probe.ts): stores where to resume (the end of
 * this block) and the stack pointer at `resume[0]` / `resume[1]`, then makes the access:
 * `kind` (ProbeAccess) 1 branches with link to `va` (it must hold a `ret`; the line is
 * first cleaned to the point of unification and the I-cache line invalidated, as for code
 * written as data), 2 writes back the byte it reads at `va`, 3 reads it. A probe that
 * faults comes back at the end.
 */
export function a64ProbeAccess(kind: u32, va: u64, resume: Ptr<u64>): void {
  if (kind == 1) {
    dcCvau(va);
    dsbIsh();
    icIvau(va);
    dsbIsh();
    isb();
    asm("adr x9, 1f\n\tmov x10, sp\n\tstp x9, x10, [$1]\n\tblr $0\n1:",
      "r,r,~{x9},~{x10},~{x30},~{memory}", va, resume);
  } else if (kind == 2) {
    asm("adr x9, 1f\n\tmov x10, sp\n\tstp x9, x10, [$1]\n\tldrb w10, [$0]\n\tstrb w10, [$0]\n1:",
      "r,r,~{x9},~{x10},~{memory}", va, resume);
  } else {
    asm("adr x9, 1f\n\tmov x10, sp\n\tstp x9, x10, [$1]\n\tldrb w10, [$0]\n1:",
      "r,r,~{x9},~{x10},~{memory}", va, resume);
  }
}
