// aarch64 parts of the kernel stub: the PL011 console (mapped by the kernel itself, as
// Device-nGnRnE, through the page-table engine), PSCI SYSTEM_OFF, TTBR1_EL1 and TLB
// maintenance. Called only from kernel-stub/arch/index.ts in the aarch64 branches.
//
// The console comes first and must work before anything can be reported, so this module
// trusts nothing: the boot info pointer is range-checked and its magic read before any
// other field; without a usable boot info the PL011 is assumed at QEMU virt's 0x0900_0000.
// The UART is never reached through the loader's identity map (TTBR0), which a kernel may
// drop: it gets its own kernel VA (UART_VA) in the TTBR1 tables, whose frames come from a
// small pool in .bss, reached through the HHDM like every other table frame.

import { pl011Init, pl011Putc, PL011_VIRT_BASE } from "../../common/uart/pl011";
import { type FdtInfo, FdtStatus, PsciMethod, fdtScan, fdtStatusMessage, psciMethodName } from "../../common/fdt";
import { type BootInfo, BOOTINFO_MAGIC, BootFlag, HHDM_BASE, KERNEL_LINK_BASE } from "../../common/bootinfo";
import { type PageTable, ptMap, ptTranslate, ptClearFlush, PT_OK } from "../../common/paging/engine";
import { Attr } from "../../common/paging/attrs";
import { A64_MAIR } from "../../common/paging/aarch64";
import { type AcpiInfo, ARM_BOOT_ARCH_PSCI_COMPLIANT, ARM_BOOT_ARCH_PSCI_USE_HVC, acpiScan } from "../../common/acpi";

/** The kernel VA of the console UART's page (a 2 MiB slot of its own below the stack). */
export const UART_VA: u64 = 0xFFFF_FFFF_E000_0000;
/** PSCI 0.2 SYSTEM_OFF function id (SMC32 calling convention). */
const PSCI_SYSTEM_OFF: u64 = 0x8400_0008;
/** Bits 47..12 of TTBR1_EL1: the table's physical address (4 KiB aligned; CnP is bit 0,
 *  the ASID bits 63..48). */
const TTBR_BADDR: u64 = 0x0000_FFFF_FFFF_F000;
const PAGE: u64 = 4096;

let uartVa: u64 = 0;
let uartPhys: u64 = 0;
let psci: PsciMethod = PsciMethod.None;

// ---- frames for the UART mapping -----------------------------------------------------

/** At most 2 new tables (an L2 and an L3) are needed below an existing L1; one spare,
 *  plus a page of slack to align the pool (a global has no alignment attribute). */
let framePool: Arr<u8, 16384>;
let poolNext: u64 = 0;
let poolEnd: u64 = 0;
let uartPt: PageTable;

/** FrameSource.alloc: the next pool page, as a physical address (translated through the
 *  live tables, so it needs nothing from the boot info). */
function poolAlloc(ctx: Ptr<void>): u64 {
  if (poolNext == 0) {
    poolNext = (addr(addressOf(framePool[0])) + PAGE - 1) & ~(PAGE - 1);
    poolEnd = addr(addressOf(framePool[0])) + framePool.length;
  }
  if (poolNext + PAGE > poolEnd) return 0;
  let pa: u64 = 0;
  if (!ptTranslate(addressOf(uartPt), poolNext, addressOf(pa), null)) return 0;
  poolNext += PAGE;
  return pa;
}

function poolFree(ctx: Ptr<void>, pa: u64): void {}

function a64ConsolePutc(c: u8): void {
  if (c == 0x0A) pl011Putc(uartVa, 0x0D);
  pl011Putc(uartVa, c);
}

/** Stops this CPU for good (all of DAIF masked). */
export function a64Halt(): never {
  while (true) {
    asm("msr daifset, #0xf", "~{memory}");
    wfi();
  }
}

/** MPIDR_EL1's affinity fields (Aff3..Aff0): which CPU this is. */
export function a64CpuId(): u64 {
  return mrs("MPIDR_EL1") & 0xFF_00FF_FFFF;
}

export function a64CurrentEl(): u64 {
  return (mrs("CurrentEL") >> 2) & 3;
}

// ---- console ---------------------------------------------------------------------------

/** Whether `b` looks like the loader's boot info (pointer in the HHDM, magic right). */
function bootInfoUsable(b: Ptr<BootInfo>): bool {
  let a: u64 = addr(b);
  if (b == null || a < HHDM_BASE || a >= KERNEL_LINK_BASE || (a & 7) != 0) return false;
  return b.magic == BOOTINFO_MAGIC;
}

export function a64ConsoleInit(b: Ptr<BootInfo>): void {
  let usable: bool = bootInfoUsable(b);
  uartPhys = PL011_VIRT_BASE;
  let fromLoader: bool = false;
  if (usable && (b.flags & BootFlag.HasUart) != 0 && b.uartKind == 2 && b.uartBase != 0) {
    uartPhys = b.uartBase;
    fromLoader = true;
  }

  // The engine on the live TTBR1 table, table frames through the HHDM.
  uartPt.root = mrs("TTBR1_EL1") & TTBR_BADDR;
  uartPt.physToVirt = HHDM_BASE;
  uartPt.frames.alloc = poolAlloc;
  uartPt.frames.free = poolFree;
  uartPt.frames.ctx = null;
  uartPt.allow1G = false;
  uartPt.allowWX = false;
  uartPt.highHalf = true;
  uartPt.levels = 4;
  uartPt.tableFrames = 0;
  ptClearFlush(addressOf(uartPt));
  let rc: i32 = ptMap(addressOf(uartPt), UART_VA, uartPhys & ~(PAGE - 1), PAGE, Attr.Read | Attr.Write | Attr.Device | Attr.Global);
  // Without the console nothing can be reported; stop rather than write to a wrong address.
  if (rc != PT_OK) a64Halt();
  // The entry was invalid before, so no TLB entry can hold it; the barriers make the new
  // descriptor visible to the walker before the first access.
  dsbIshst();
  isb();
  ptClearFlush(addressOf(uartPt));
  uartVa = UART_VA + (uartPhys & (PAGE - 1));
  pl011Init(uartVa);
  setConsoleSink(a64ConsolePutc);

  // PSCI's conduit: the device tree's psci node, else ACPI's FADT. Read now, before anything may reuse the
  // (usable-typed) memory the firmware put the tree in.
  let dtbNote: cstr = "no device tree";
  if (usable && (b.flags & BootFlag.HasDtb) != 0 && b.dtb != 0 && b.dtb < b.hhdmSize) {
    let info: FdtInfo = zeroed<FdtInfo>();
    let st: FdtStatus = fdtScan(ptr<u8>(HHDM_BASE + b.dtb), b.hhdmSize - b.dtb, addressOf(info));
    if (st != FdtStatus.Ok) {
      dtbNote = fdtStatusMessage(st);
    } else if (info.psciFound && info.psciMethod != PsciMethod.None) {
      psci = info.psciMethod;
      dtbNote = "device tree psci node";
    } else {
      dtbNote = "device tree has no psci method";
    }
  }
  if (psci == PsciMethod.None && usable && (b.flags & BootFlag.HasRsdp) != 0) {
    // No device tree (AAVMF publishes ACPI by default): the FADT's ARM_BOOT_ARCH flags.
    let acpi: AcpiInfo = zeroed<AcpiInfo>();
    if (acpiScan(b.rsdp, HHDM_BASE, b.hhdmSize, addressOf(acpi)) && (acpi.armBootArch & ARM_BOOT_ARCH_PSCI_COMPLIANT) != 0) {
      psci = (acpi.armBootArch & ARM_BOOT_ARCH_PSCI_USE_HVC) != 0 ? PsciMethod.Hvc : PsciMethod.Smc;
      dtbNote = "ACPI FADT ARM_BOOT_ARCH; no device tree";
    }
  }
  let guessed: bool = psci == PsciMethod.None;
  if (guessed) {
    // QEMU virt: HVC when the firmware ran at EL1 (no EL2 to trap it), SMC when EL2 exists.
    psci = a64CurrentEl() == 2 ? PsciMethod.Smc : PsciMethod.Hvc;
  }

  println(`[kernel] aarch64: EL${a64CurrentEl()}, PL011 phys ${hex(uartPhys)}` +
    `${fromLoader ? " (from the loader)" : " (default; boot info gave none)"} mapped Device-nGnRnE at ` +
    `${hex(uartVa)}; PSCI SYSTEM_OFF via ${psciMethodName(psci)}${guessed ? " (guessed: " : " ("}${dtbNote})`);
}

// ---- exit --------------------------------------------------------------------------------

/** PSCI SYSTEM_OFF through the conduit the device tree named; QEMU then exits with 0, so
 *  the verdict line printed before is what decides. Never returns. */
export function a64Exit(pass: bool): never {
  if (psci == PsciMethod.Smc) {
    // `smc #0` as its encoding: LLVM's assembler refuses SMC without the "el3" target
    // feature, which the aarch64-elf target does not enable.
    asm(".inst 0xd4000003", "{x0},~{x1},~{x2},~{x3},~{memory}", PSCI_SYSTEM_OFF);
  } else {
    asm("hvc #0", "{x0},~{x1},~{x2},~{x3},~{memory}", PSCI_SYSTEM_OFF);
  }
  // Still here: no PSCI (a real machine without it); stop quietly.
  println("[kernel] PSCI SYSTEM_OFF returned; halting");
  a64Halt();
}

// ---- MMU and TLB -----------------------------------------------------------------------

export function a64PageTableRoot(): u64 {
  return mrs("TTBR1_EL1") & TTBR_BADDR;
}

/** Completes the table stores, drops the one translation, and waits for it. */
export function a64FlushPage(va: u64): void {
  dsbIshst();
  // TLBI VAE1 takes VA[55:12] in bits 43..0 (ASID bits 63..48 = 0: global entries match anyway).
  tlbiVae1((va >> 12) & 0x0FFF_FFFF_FFFF);
  dsbIsh();
  isb();
}

export function a64FlushAll(): void {
  dsbIshst();
  tlbiVmalle1();
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
    tlbiVmalle1();
  } else {
    tlbiVae1((va >> 12) & 0xFFF_FFFF_FFFF); // TLBI VAE1 takes VA[55:12]
  }
  dsbIsh();
  isb();
}
