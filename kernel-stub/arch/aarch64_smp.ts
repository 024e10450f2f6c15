// aarch64 multiprocessor start-up: the CPUs come from the ACPI MADT (GIC CPU interface
// entries: their MPIDR) or, without ACPI, from the device tree's cpu nodes; each is
// started with PSCI CPU_ON (Arm DEN 0022, through the conduit the firmware named: hvc or
// smc) at apEntryA64's physical address, with its ApBootA64 block's physical address as
// the context id.
//
// A CPU starts with the MMU and caches off, at EL1, or at EL2 when the firmware
// implements EL2 (QEMU with virtualization=on, Arm Trusted Firmware). apEntryA64 reads
// its block (cleaned to the point of coherency by the boot CPU, since with the MMU off the
// reads bypass the caches), picks the way through the shared switch (common/a64switch.ts:
// stay at EL1; EL2 with the boot CPU's HCR_EL2 when the kernel runs at EL2 with VHE; else
// EL2 down to EL1) and branches to it. The switch turns the MMU on with the boot CPU's
// MAIR, TCR, SCTLR and TTBR1 (the kernel's tables) and a TTBR0 that identity-maps only the
// code running at that moment (this stub and the switch), then enters the common AP entry
// (smp/smp.ts) on the CPU's own stack. Called through kernel-stub/arch/smp.ts only.

import { type BootInfo, BootFlag } from "../../common/bootinfo";
import { type CpuList, MPIDR_AFFINITY_MASK } from "../../common/cpulist";
import { type AcpiView, acpiMadt } from "../../common/acpi";
import { FdtStatus, fdtScan, psciMethodName } from "../../common/fdt";
import { type FrameSource, PageTable, PT_OK, PT_NEW_ROOT } from "../../common/paging/engine";
import { ptTranslate } from "../../common/paging/lookup";
import { Attr } from "../../common/paging/attrs";
import { a64MmuSwitch } from "../../common/a64switch";
import { a64PsciCall, a64PsciMethod } from "../../sdk/kernel/aarch64";
import { mmAllocFrame, mmFreeFrame, mmPageTable } from "../mm/kmem";

/** PSCI CPU_ON, SMC64 calling convention. */
const PSCI_CPU_ON: u64 = 0xC400_0003;
const HCR_E2H: u64 = u64(1) << 34;
const PAGE: u64 = 4096;

/** What apEntryA64 loads into the switch's argument registers x0..x7, plus the EL2 case. */
export interface ApBootA64 extends Struct {
  mair: u64;
  tcr: u64;
  ttbr0: u64;
  ttbr1: u64;
  sctlr: u64;
  stackTop: u64;
  entry: u64;
  cpu: u64;
  /** The boot CPU's HCR_EL2 when the kernel runs at EL2 (VHE), else 0: leave EL2. */
  hcr: u64;
}

let boots: Arr<ApBootA64, 64>;
let idPt: PageTable;
let p2v: u64 = 0;
let fromTables: cstr = "";

// ---- discovery -------------------------------------------------------------------------

/** The CPUs from the MADT (read through `v`) or the device tree. Returns "" or why there is
 *  nothing to start. */
export function a64SmpTables(bi: Ptr<BootInfo>, v: Ptr<AcpiView>, cpus: Ptr<CpuList>): cstr {
  p2v = bi.hhdmBase;
  if ((bi.flags & BootFlag.HasRsdp) != 0 && bi.rsdp != 0) {
    const madt = acpiMadt(v, bi.rsdp, true);
    if (madt.found && madt.cpus.count != 0) {
      memcpy(cpus, addressOf(madt.cpus), sizeof<CpuList>());
      fromTables = "ACPI MADT GIC CPU interfaces";
      return "";
    }
  }
  if ((bi.flags & BootFlag.HasDtb) != 0 && bi.dtb != 0 && bi.dtb < bi.hhdmSize) {
    const info = fdtScan(ptr<u8>(bi.hhdmBase + bi.dtb), bi.hhdmSize - bi.dtb);
    if (info.status == FdtStatus.Ok && info.cpus.count != 0) {
      memcpy(cpus, addressOf(info.cpus), sizeof<CpuList>());
      fromTables = "device tree cpu nodes";
      return "";
    }
  }
  return "neither an ACPI MADT nor device-tree cpu nodes name the CPUs";
}

/** The boot CPU's MPIDR affinity. */
export function a64SmpBootCpu(): u64 {
  return mrs("MPIDR_EL1") & MPIDR_AFFINITY_MASK;
}

export function a64SmpSourceName(): cstr {
  return fromTables;
}

export function a64SmpMethodName(): cstr {
  return psciMethodName(a64PsciMethod());
}

// ---- the identity map for the MMU switch -----------------------------------------------

function idAlloc(ctx: Ptr<void>): u64 {
  return mmAllocFrame();
}

function idFree(ctx: Ptr<void>, pa: u64): void {
  mmFreeFrame(pa);
}

function physOf(va: u64): u64 {
  const t = ptTranslate(mmPageTable(), va);
  return t.ok ? t.pa : 0;
}

/** Identity-maps the two pages from the one holding `va` (R-X). */
function identityMap(va: u64): bool {
  let pa: u64 = physOf(va & ~(PAGE - 1));
  let pa2: u64 = physOf((va & ~(PAGE - 1)) + PAGE);
  if (pa == 0) return false;
  if (idPt.map(pa, pa, PAGE, Attr.Read | Attr.Exec) != PT_OK) {
    // Already mapped (both functions in one page) is fine; anything else is not.
    if (!ptTranslate(addressOf(idPt), pa).ok) return false;
  }
  if (pa2 == pa + PAGE) idPt.map(pa2, pa2, PAGE, Attr.Read | Attr.Exec);
  return true;
}

/** Cleans and invalidates [va, va + len) to the point of coherency. */
function cleanToPoc(va: u64, len: u64): void {
  let line: u64 = u64(4) << ((mrs("CTR_EL0") >> 16) & 0xF);   // DminLine: words -> bytes
  let a: u64 = va & ~(line - 1);
  while (a < va + len) {
    dcCivac(a);
    a += line;
  }
  dsbIsh();
}

/** Builds the APs' TTBR0 table: the entry stub and the switch, identity-mapped. "" or why
 *  not. */
export function a64SmpSetup(bi: Ptr<BootInfo>): cstr {
  let src: FrameSource = { alloc: idAlloc, free: idFree, ctx: null };
  idPt = new PageTable(addressOf(src), p2v, PT_NEW_ROOT);
  if (idPt.root == 0) return "no frame for the APs' identity table";
  if (!identityMap(addr(apEntryA64)) || !identityMap(addr(a64MmuSwitch))) return "cannot identity-map the AP entry code";
  // With the MMU off the AP fetches these instructions from memory, past the caches.
  cleanToPoc(addr(apEntryA64), 2 * PAGE);
  cleanToPoc(addr(a64MmuSwitch), 2 * PAGE);
  return "";
}

// ---- starting one AP -------------------------------------------------------------------

/**
 * The AP's first instructions (MMU off; x0 = physical address of its ApBootA64): load
 * the switch's arguments, choose its mode from CurrentEL, branch to it.
 * @naked
 * @noinline
 */
function apEntryA64(): void {
  asm("mov x10, x0\n\t\
ldr x0, [x10, #${0:c}]\n\t\
ldr x1, [x10, #${1:c}]\n\t\
ldr x2, [x10, #${2:c}]\n\t\
ldr x3, [x10, #${3:c}]\n\t\
ldr x4, [x10, #${4:c}]\n\t\
ldr x5, [x10, #${5:c}]\n\t\
ldr x6, [x10, #${6:c}]\n\t\
ldr x7, [x10, #${7:c}]\n\t\
mov x8, #0\n\t\
mrs x9, CurrentEL\n\t\
cmp x9, #8\n\t\
b.ne 1f\n\t\
ldr x9, [x10, #${8:c}]\n\t\
cbz x9, 2f\n\t\
msr hcr_el2, x9\n\t\
isb\n\t\
b 1f\n\
2:\n\t\
mov x8, #1\n\
1:\n\t\
b tsboot_a64_mmu_switch",
    "i,i,i,i,i,i,i,i,i",
    offsetof<ApBootA64>("mair"), offsetof<ApBootA64>("tcr"), offsetof<ApBootA64>("ttbr0"), offsetof<ApBootA64>("ttbr1"),
    offsetof<ApBootA64>("sctlr"), offsetof<ApBootA64>("stackTop"), offsetof<ApBootA64>("entry"), offsetof<ApBootA64>("cpu"),
    offsetof<ApBootA64>("hcr"));
}

function psciStatusName(s: i64): cstr {
  switch (s) {
    case 0: return "SUCCESS";
    case -1: return "NOT_SUPPORTED";
    case -2: return "INVALID_PARAMETERS";
    case -3: return "DENIED";
    case -4: return "ALREADY_ON";
    case -5: return "ON_PENDING";
    case -6: return "INTERNAL_FAILURE";
    case -7: return "NOT_PRESENT";
    case -8: return "DISABLED";
    case -9: return "INVALID_ADDRESS";
  }
  return "unknown PSCI status";
}

/**
 * Starts CPU `index` (MPIDR affinity `mpidr`) on the stack ending at `stackTop`, with
 * `entry(cpu)` as its first kernel function. Returns "" or the PSCI error.
 */
export function a64StartAp(index: u32, mpidr: u64, cpu: u64, stackTop: u64, entry: u64): cstr {
  let b: Ptr<ApBootA64> = addressOf(boots[index]);
  b.mair = mrs("MAIR_EL1");
  b.tcr = mrs("TCR_EL1");
  b.ttbr0 = idPt.root;
  b.ttbr1 = mrs("TTBR1_EL1");
  b.sctlr = mrs("SCTLR_EL1");
  b.stackTop = stackTop;
  b.entry = entry;
  b.cpu = cpu;
  b.hcr = 0;
  if (((mrs("CurrentEL") >> 2) & 3) == 2) b.hcr = mrs("HCR_EL2") | HCR_E2H;
  cleanToPoc(addr(b), sizeof<ApBootA64>());
  let st: i64 = a64PsciCall(PSCI_CPU_ON, mpidr, physOf(addr(apEntryA64)), physOf(addr(b)));
  if (st != 0) return psciStatusName(st);
  return "";
}
