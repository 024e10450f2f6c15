// aarch64 half of the kernel runtime (sdk/kernel/platform.ts): the PL011 console, mapped by
// the kernel itself as Device-nGnRnE through the page-table engine, and PSCI SYSTEM_OFF
// through the conduit the firmware describes. Every function is called only from
// `target.aarch64` branches.
//
// The console comes first and must work before anything can be reported, so this module
// trusts nothing: the boot info pointer is range-checked and its magic read before any
// other field; without a usable boot info the PL011 is assumed at QEMU virt's 0x0900_0000.
// The UART is never reached through the loader's identity map (TTBR0), which a kernel may
// drop: it gets its own kernel VA (UART_VA) in the TTBR1 tables, whose frames come from a
// small pool in .bss, reached through the HHDM like every other table frame.

import { pl011Init, pl011Putc, PL011_VIRT_BASE } from "../../common/uart/pl011";
import { FdtStatus, PsciMethod, fdtScan, fdtStatusMessage, psciMethodName } from "../../common/fdt";
import { type BootInfo, BOOTINFO_MAGIC, BootFlag, HHDM_BASE, KERNEL_LINK_BASE } from "../../common/bootinfo";
import { type FrameSource, PageTable, PT_OK } from "../../common/paging/engine";
import { ptTranslate } from "../../common/paging/lookup";
import { Attr } from "../../common/paging/attrs";
import {
  ARM_BOOT_ARCH_PSCI_COMPLIANT, ARM_BOOT_ARCH_PSCI_USE_HVC, acpiScan, acpiView,
} from "../../common/acpi";

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
let uartFromLoader: bool = false;
let psci: PsciMethod = PsciMethod.None;
let psciGuessed: bool = false;
let psciNote: cstr = "no device tree";

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
  const t = ptTranslate(addressOf(uartPt), poolNext);
  if (!t.ok) return 0;
  poolNext += PAGE;
  return t.pa;
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

/** Maps the PL011 the boot info names (else QEMU virt's) at UART_VA, makes it the std
 *  console's sink, and learns PSCI's conduit for a64PowerOff. */
export function a64ConsoleInit(b: Ptr<BootInfo>): void {
  let usable: bool = bootInfoUsable(b);
  uartPhys = PL011_VIRT_BASE;
  uartFromLoader = false;
  if (usable && (b.flags & BootFlag.HasUart) != 0 && b.uartKind == 2 && b.uartBase != 0) {
    uartPhys = b.uartBase;
    uartFromLoader = true;
  }

  // The engine on the live TTBR1 table, table frames through the HHDM.
  let pool: FrameSource = { alloc: poolAlloc, free: poolFree, ctx: null };
  uartPt = new PageTable(addressOf(pool), HHDM_BASE, mrs("TTBR1_EL1") & TTBR_BADDR);
  uartPt.highHalf = true;
  let rc: i32 = uartPt.map(UART_VA, uartPhys & ~(PAGE - 1), PAGE, Attr.Read | Attr.Write | Attr.Device | Attr.Global);
  // Without the console nothing can be reported; stop rather than write to a wrong address.
  if (rc != PT_OK) a64Halt();
  // The entry was invalid before, so no TLB entry can hold it; the barriers make the new
  // descriptor visible to the walker before the first access.
  dsbIshst();
  isb();
  uartPt.clearFlush();
  uartVa = UART_VA + (uartPhys & (PAGE - 1));
  pl011Init(uartVa);
  setConsoleSink(a64ConsolePutc);

  // PSCI's conduit: the device tree's psci node, else ACPI's FADT. Read now, before anything
  // may reuse the (usable-typed) memory the firmware put the tree in.
  psci = PsciMethod.None;
  psciNote = "no device tree";
  if (usable && (b.flags & BootFlag.HasDtb) != 0 && b.dtb != 0 && b.dtb < b.hhdmSize) {
    const info = fdtScan(ptr<u8>(HHDM_BASE + b.dtb), b.hhdmSize - b.dtb);
    if (info.status != FdtStatus.Ok) {
      psciNote = fdtStatusMessage(info.status);
    } else if (info.psciFound && info.psciMethod != PsciMethod.None) {
      psci = info.psciMethod;
      psciNote = "device tree psci node";
    } else {
      psciNote = "device tree has no psci method";
    }
  }
  if (psci == PsciMethod.None && usable && (b.flags & BootFlag.HasRsdp) != 0) {
    // No device tree (AAVMF publishes ACPI by default): the FADT's ARM_BOOT_ARCH flags.
    let view = acpiView(HHDM_BASE, b.hhdmSize);
    const acpi = acpiScan(addressOf(view), b.rsdp);
    if (acpi.rootFound && (acpi.armBootArch & ARM_BOOT_ARCH_PSCI_COMPLIANT) != 0) {
      psci = (acpi.armBootArch & ARM_BOOT_ARCH_PSCI_USE_HVC) != 0 ? PsciMethod.Hvc : PsciMethod.Smc;
      psciNote = "ACPI FADT ARM_BOOT_ARCH; no device tree";
    }
  }
  psciGuessed = psci == PsciMethod.None;
  if (psciGuessed) {
    // QEMU virt: HVC when the firmware ran at EL1 (no EL2 to trap it), SMC when EL2 exists.
    psci = a64CurrentEl() == 2 ? PsciMethod.Smc : PsciMethod.Hvc;
  }
}

/** One line's worth (no newline) on what a64ConsoleInit found. */
export function a64ConsoleDescribe(): void {
  print(`aarch64: EL${a64CurrentEl()}, PL011 phys ${hex(uartPhys)}` +
    `${uartFromLoader ? " (from the loader)" : " (default; boot info gave none)"} mapped Device-nGnRnE at ` +
    `${hex(uartVa)}; PSCI SYSTEM_OFF via ${psciMethodName(psci)}${psciGuessed ? " (guessed: " : " ("}${psciNote})`);
}

// ---- PSCI ------------------------------------------------------------------------------

/** The PSCI conduit a64ConsoleInit found (or guessed). */
export function a64PsciMethod(): PsciMethod {
  return psci;
}

/** A PSCI call (SMC Calling Convention, 64-bit) through that conduit; x0 comes back. Also
 *  what starts the other CPUs (CPU_ON). */
export function a64PsciCall(fn: u64, a1: u64, a2: u64, a3: u64): i64 {
  // SMCCC 1.0 lets the callee corrupt x4..x17. `smc #0` is written as its encoding: LLVM's
  // assembler refuses SMC without the "el3" target feature, which aarch64-elf lacks.
  if (psci == PsciMethod.Smc) {
    return asm<i64>(".inst 0xd4000003", "={x0},{x0},{x1},{x2},{x3},~{x4},~{x5},~{x6},~{x7},~{x8},~{x9},~{x10},~{x11},~{x12},~{x13},~{x14},~{x15},~{x16},~{x17},~{memory}", fn, a1, a2, a3);
  }
  return asm<i64>("hvc #0", "={x0},{x0},{x1},{x2},{x3},~{x4},~{x5},~{x6},~{x7},~{x8},~{x9},~{x10},~{x11},~{x12},~{x13},~{x14},~{x15},~{x16},~{x17},~{memory}", fn, a1, a2, a3);
}

// ---- exit --------------------------------------------------------------------------------

/** PSCI SYSTEM_OFF through the conduit a64ConsoleInit found; QEMU then exits with 0, so the
 *  verdict line printed before is what decides. Never returns. */
export function a64PowerOff(pass: bool): never {
  a64PsciCall(PSCI_SYSTEM_OFF, 0, 0, 0);
  // Still here: no PSCI (a real machine without it); stop quietly.
  println("[kernel] PSCI SYSTEM_OFF returned; halting");
  a64Halt();
}
