// The kernel stub's architecture interface; shared code calls only these. Each picks the
// target's implementation at compile time: arch/x86_64.ts (CR3, invlpg) or arch/aarch64.ts
// (TTBR1_EL1, TLBI). The console and the way out (COM1 and isa-debug-exit, the PL011 and
// PSCI SYSTEM_OFF) are the kernel runtime's, sdk/kernel/, which user kernels get as
// `tsboot/protocol`.

import {
  x64PageTableRoot, x64PagingLevels, x64FlushPage, x64FlushAll, x64Timestamp,
  x64InterruptsEnabled, x64StackPointer, x64MmuFlagsOk, x64CpuId, x64ProbeAccess,
} from "./x86_64";
import {
  a64PageTableRoot, a64FlushPage, a64FlushAll, a64Timestamp,
  a64InterruptsEnabled, a64StackPointer, a64MmuFlagsOk, a64BreakHook, a64CpuId, a64ProbeAccess,
} from "./aarch64";
import { type BootInfo, BootArch } from "../../common/bootinfo";
import { type PageTable } from "../../common/paging/engine";
import { kernelConsoleInit, kernelConsoleDescribe, kernelPowerOff, kernelHalt } from "../../sdk/kernel/platform";

export function archName(): cstr {
  if (target.x86_64) return "x86_64";
  return "aarch64";
}

export function archBootArch(): BootArch {
  if (target.x86_64) return BootArch.X86_64;
  return BootArch.Aarch64;
}

/** Sets up the console sink. `bootInfo` is the raw entry argument, not yet checked
 *  (aarch64 takes the PL011 address from it, and validates it first, and says what it found). */
export function archConsoleInit(bootInfo: Ptr<BootInfo>): void {
  kernelConsoleInit(bootInfo);
  if (target.aarch64) {
    print("[kernel] ");
    kernelConsoleDescribe();
    print("\n");
  }
}

/** Ends the run: QEMU exits (x86_64: isa-debug-exit 33 / 35; aarch64: PSCI SYSTEM_OFF,
 *  status 0, the verdict line decides). Never returns. */
export function archExit(pass: bool): never {
  kernelPowerOff(pass);
}

/** Stops this CPU without ending the run (another CPU does that). Never returns. */
export function archHalt(): never {
  kernelHalt();
}

/** This CPU's hardware id (x86_64: initial APIC ID; aarch64: MPIDR_EL1 affinity). */
export function archCpuId(): u64 {
  if (target.x86_64) return x64CpuId();
  return a64CpuId();
}

/** Physical address of the active root table. */
export function archPageTableRoot(): u64 {
  if (target.x86_64) return x64PageTableRoot();
  else return a64PageTableRoot();
}

/** Translation levels the CPU runs with: x86_64 4 or 5 (CR4.LA57); aarch64 4 (48-bit VAs). */
export function archPagingLevels(): u32 {
  if (target.x86_64) return x64PagingLevels();
  return 4;
}

export function archFlushPage(va: u64): void {
  if (target.x86_64) { x64FlushPage(va); } else { a64FlushPage(va); }
}

export function archFlushAll(): void {
  if (target.x86_64) { x64FlushAll(); } else { a64FlushAll(); }
}

/**
 * Carries out the TLB maintenance the page-table engine reported for a live table, then
 * clears the report. On aarch64 even brand-new descriptors must reach the table walker
 * (DSB ISHST; ISB) before they are used, so that happens when nothing was reported too.
 */
export function archApplyFlush(pt: Ptr<PageTable>): void {
  if (pt.flushAll) {
    archFlushAll();
  } else if (pt.flushCount == 0) {
    if (target.aarch64) { dsbIshst(); isb(); }
  } else {
    for (let i: u64 = 0; i < pt.flushCount; i++) archFlushPage(pt.flushVa[i]);
  }
  pt.clearFlush();
}

export function archTimestamp(): u64 {
  if (target.x86_64) return x64Timestamp();
  else return a64Timestamp();
}

export function archInterruptsEnabled(): bool {
  if (target.x86_64) return x64InterruptsEnabled();
  else return a64InterruptsEnabled();
}

export function archStackPointer(): u64 {
  if (target.x86_64) return x64StackPointer();
  else return a64StackPointer();
}

/** The MMU controls the boot protocol promises (x86_64: CR0.WP, EFER.NXE; aarch64:
 *  SCTLR_EL1 M/C/I on and WXN off, MAIR_EL1, TCR_EL1). */
export function archMmuFlagsOk(): bool {
  if (target.x86_64) return x64MmuFlagsOk();
  else return a64MmuFlagsOk();
}

/** The engine's break-before-make hook for the live kernel tables (aarch64 only). */
export function archBreakHook(): (va: u64, all: bool) => void {
  if (target.aarch64) return a64BreakHook;
  return null;
}

/** What a recoverable probe (trap/probe.ts) does at its address. */
export const enum ProbeAccess {
  /** Call it: its first instruction must be a `ret`, so that a fetch that is allowed returns. */
  Fetch = 1,
  /** Write back the byte read there (an allowed write changes nothing). */
  Write = 2,
  Read = 3,
}

/**
 * Makes one probe access at `va`, after storing at `resume[0]` and `resume[1]` the
 * address just past the access and the stack pointer before it: where an exception
 * handler that takes the probe's fault resumes (trap/probe.ts).
 */
export function archProbeAccess(access: ProbeAccess, va: u64, resume: Ptr<u64>): void {
  if (target.x86_64) x64ProbeAccess(u32(access), va, resume);
  else a64ProbeAccess(u32(access), va, resume);
}
