// aarch64 parts of the loader: PL011 logging, the generic timer, MMU feature checks,
// cache maintenance of the loaded kernel, exception level handling and the switch to the
// kernel. Only loader/arch/index.ts calls these, inside `if (target.aarch64)` branches
// (the `else` of `target.x86_64`), so nothing here is compiled for x86_64.
//
// The switch (common/a64switch.ts, shared with the kernel's CPU start-up) in short —
// docs/boot-protocol.md has the entry state:
//   EL1: DAIF masked; SCTLR_EL1.M=0 (break: no translation is live while MAIR, TCR and
//        both TTBRs change); TLBI VMALLE1; program MAIR/TCR/TTBR0/TTBR1; TLBI VMALLE1;
//        SCTLR_EL1 = MMU, D- and I-cache on, WXN off (make); the next fetch goes through
//        the new TTBR0 identity map of the trampoline; SP = kernel stack; x0 = boot info;
//        branch to the entry (TTBR1).
//   EL2 (no VHE): program the EL1 registers from EL2 (the EL1 regime is not live, so
//        nothing breaks), HCR_EL2.RW, SPSR_EL2 = EL1h with DAIF masked, ELR_EL2 = entry,
//        SP_EL1 = kernel stack, eret.
//   EL2 with VHE already on (HCR_EL2.E2H=1): the *_EL1 names reach the EL2&0 regime's
//        registers, so the EL1 sequence runs unchanged and the kernel runs at EL2.

import { pl011Putc, PL011_VIRT_BASE } from "../../common/uart/pl011";
import { FdtStatus, fdtScan, fdtStatusMessage, psciMethodName } from "../../common/fdt";
import { A64_MAIR } from "../../common/paging/aarch64";
import { a64MmuSwitch, a64MmuSwitchTo } from "../../common/a64switch";
import { SPCR_PL011, ARM_BOOT_ARCH_PSCI_COMPLIANT, ARM_BOOT_ARCH_PSCI_USE_HVC } from "../../common/acpi";
import { DEVICE_TREE_GUID } from "../../common/uefi";
import { efiFindConfigTable, efiAcpiScan } from "../efi";
import { log, logError, logWarning } from "../log";

/** Where the loader logs; replaced by the device tree's PL011 once a64UartBase ran. */
let uartPhys: u64 = PL011_VIRT_BASE;
let uartProbed: bool = false;

// The switch's register values, computed by a64PrepareMmu.
let tcrValue: u64 = 0;
let sctlrValue: u64 = 0;
let currentEl: u64 = 0;
let el2Mode: u64 = 0;       // 0: run the EL1 sequence; 1: drop from EL2 to EL1 with eret

// ---- SCTLR / TCR bits ----------------------------------------------------------------

const SCTLR_M: u64 = 1 << 0;
const SCTLR_C: u64 = 1 << 2;
const SCTLR_SA: u64 = 1 << 3;
const SCTLR_SA0: u64 = 1 << 4;
const SCTLR_I: u64 = 1 << 12;
/** Bits that are RES1 in ARMv8.0 (11, 20, 22, 23, 28, 29); later features give them
 *  meanings whose value 1 is the ARMv8.0 behaviour. */
const SCTLR_RES1: u64 = 0x30D0_0800;
/** WXN (bit 19) stays 0: the kernel relies on W^X from its own tables, and a writable
 *  HHDM page must stay readable-not-executable, not become a fault. A (bit 1) stays 0:
 *  the compiled code may make unaligned accesses to normal memory. EE/E0E 0: little-endian. */
const SCTLR_KERNEL: u64 = SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I;

const TCR_T0SZ_48: u64 = 16;
const TCR_IRGN0_WBWA: u64 = 1 << 8;
const TCR_ORGN0_WBWA: u64 = 1 << 10;
const TCR_SH0_INNER: u64 = 3 << 12;
const TCR_TG0_4K: u64 = 0 << 14;
const TCR_T1SZ_48: u64 = 16 << 16;
const TCR_IRGN1_WBWA: u64 = 1 << 24;
const TCR_ORGN1_WBWA: u64 = 1 << 26;
const TCR_SH1_INNER: u64 = 3 << 28;
const TCR_TG1_4K: u64 = u64(2) << 30;
const TCR_IPS_SHIFT: u64 = 32;

const HCR_E2H: u64 = u64(1) << 34;

// ---- serial, time ----------------------------------------------------------------------

export function a64SerialPutc(c: u8): void {
  pl011Putc(uartPhys, c);
}

export function a64Timestamp(): u64 {
  // ISB: without it the counter read may be taken early, before older instructions.
  isb();
  return cntvct();
}

// ---- device tree -----------------------------------------------------------------------

/**
 * The log UART's physical base for BootInfo.uartBase: the first enabled "arm,pl011" of
 * the firmware's device tree; without a tree, the ACPI SPCR's PL011; else QEMU virt's
 * 0x0900_0000. Logs what it found, and moves
 * the loader's own logging there (the firmware maps its console UART as device memory).
 */
export function a64UartBase(): u64 {
  if (uartProbed) return uartPhys;
  uartProbed = true;
  let dtb: Ptr<u8> = cast<u8>(efiFindConfigTable(addressOf(DEVICE_TREE_GUID)));
  if (dtb == null) return uartFromAcpi();
  const info = fdtScan(dtb, 0);
  if (info.status != FdtStatus.Ok) {
    logWarning(`device tree at ${hex(addr(dtb))}: ${fdtStatusMessage(info.status)}; PL011 assumed at ${hex(uartPhys)}`);
    return uartPhys;
  }
  log(`device tree: ${info.totalSize} bytes, version ${info.version}, ${info.nodes} nodes; PL011 ` +
    `${info.uartFound ? `${hex(info.uartBase)}` : `not listed, assumed at ${hex(uartPhys)}`}; ` +
    `PSCI ${info.psciFound ? psciMethodName(info.psciMethod) : "not listed"}`);
  if (info.uartFound) uartPhys = info.uartBase;
  return uartPhys;
}

/** Without a device tree (AAVMF publishes ACPI instead by default): the SPCR table's PL011. */
function uartFromAcpi(): u64 {
  const info = efiAcpiScan();
  if (!info.rootFound) {
    log(`no device tree and no usable ACPI tables; PL011 assumed at ${hex(uartPhys)}`);
    return uartPhys;
  }
  const pl011: bool = info.spcrFound && info.spcrType == SPCR_PL011 && info.spcrSpace == 0 && info.spcrBase != 0;
  if (pl011) uartPhys = info.spcrBase;
  const psci: cstr = (info.armBootArch & ARM_BOOT_ARCH_PSCI_COMPLIANT) == 0 ? "not listed"
    : (info.armBootArch & ARM_BOOT_ARCH_PSCI_USE_HVC) != 0 ? "hvc" : "smc";
  log(`no device tree (the firmware publishes ACPI); SPCR: ${pl011 ? "PL011 at" : "no PL011 listed, assumed at"} ` +
    `${hex(uartPhys)}; FADT: PSCI ${psci}`);
  return uartPhys;
}

// ---- CPU checks ------------------------------------------------------------------------

/** ID_AA64MMFR0_EL1.PARange in bits (0 when the encoding is unknown). */
function paBits(parange: u64): u64 {
  switch (parange) {
    case 0: return 32;
    case 1: return 36;
    case 2: return 40;
    case 3: return 42;
    case 4: return 44;
    case 5: return 48;
    case 6: return 52;
  }
  return 0;
}

/**
 * What the tables need from the CPU: the 4 KiB granule at stage 1 (ID_AA64MMFR0_EL1.TGran4
 * is 0b0000 or 0b0001), and an exception level the loader knows how to leave (EL1 or EL2).
 * Execute-never bits always exist on aarch64. Logs the exception level. False (after
 * logging why) when the kernel cannot be started on this CPU.
 */
export function a64CpuOk(): bool {
  currentEl = (mrs("CurrentEL") >> 2) & 3;
  let mmfr0: u64 = mrs("ID_AA64MMFR0_EL1");
  let tgran4: u64 = (mmfr0 >> 28) & 0xF;
  let parange: u64 = mmfr0 & 0xF;
  log(`aarch64: running at EL${currentEl}, MIDR ${hex(mrs("MIDR_EL1"))}, PARange ${paBits(parange)} bits, 4 KiB ` +
    `granule ${tgran4 == 0 || tgran4 == 1 ? "supported" : "NOT supported"}`);
  if (tgran4 != 0 && tgran4 != 1) {
    logError(`this CPU does not support the 4 KiB translation granule (ID_AA64MMFR0_EL1 = ${hex(mmfr0)}); the ` +
      `boot protocol's tables need it`);
    return false;
  }
  if (currentEl != 1 && currentEl != 2) {
    logError(`the loader runs at EL${currentEl}; UEFI loaders run at EL1 or EL2`);
    return false;
  }
  return true;
}

// ---- cache maintenance and register values ----------------------------------------------

/**
 * Called after ExitBootServices. Cleans the loaded kernel image to the point of
 * unification (it was written through the D-cache; the I-side must see it), picks the
 * TCR/SCTLR values and the way out of the current exception level, and logs them.
 */
export function a64PrepareMmu(kernelPhys: u64, kernelSize: u64): void {
  let ctr: u64 = mrs("CTR_EL0");
  let dline: u64 = u64(4) << ((ctr >> 16) & 0xF);   // DminLine: log2 of words
  let iline: u64 = u64(4) << (ctr & 0xF);           // IminLine
  let end: u64 = kernelPhys + kernelSize;
  for (let a: u64 = kernelPhys & ~(dline - 1); a < end; a += dline) dcCvau(a);
  dsbIsh();
  for (let a: u64 = kernelPhys & ~(iline - 1); a < end; a += iline) icIvau(a);
  dsbIsh();
  isb();

  let parange: u64 = mrs("ID_AA64MMFR0_EL1") & 0xF;
  // The descriptors carry 48-bit output addresses (no FEAT_LPA format): cap IPS at 48 bits.
  let ips: u64 = parange > 5 ? 5 : parange;
  tcrValue = TCR_T0SZ_48 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K |
    TCR_T1SZ_48 | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA | TCR_SH1_INNER | TCR_TG1_4K | (ips << TCR_IPS_SHIFT);
  sctlrValue = SCTLR_KERNEL;

  log(`cleaned the kernel image to PoU (${kernelSize >> 10} KiB; D-line ${dline} B, I-line ${iline} B)`);

  el2Mode = 0;
  if (currentEl == 2) {
    let hcr: u64 = mrs("HCR_EL2");
    if ((hcr & HCR_E2H) != 0) {
      log("EL2 with VHE on (HCR_EL2.E2H=1): staying at EL2; the EL1 register names reach the EL2&0 regime");
    } else {
      el2Mode = 1;
      log("EL2 without VHE: moving to EL1 (HCR_EL2.RW=1, SPSR_EL2=EL1h with DAIF masked, ELR_EL2=entry, eret)");
    }
  } else {
    log("EL1: switching translation tables in place (MMU off, TLBI, MAIR/TCR/TTBRs, MMU on)");
  }
  log(`MAIR_EL1 ${hex(A64_MAIR)}, TCR_EL1 ${hex(tcrValue)}, SCTLR_EL1 ${hex(sctlrValue)}`);
}

// ---- the switch ------------------------------------------------------------------------

export function a64StackPointer(): u64 {
  return asm<u64>("mov $0, sp", "=r");
}

/** Address of the code that runs while the tables change (to identity-map it). */
export function a64TrampolineAddress(): u64 {
  return addr(a64MmuSwitch);
}

export function a64EnterKernel(ttbr1: u64, ttbr0: u64, stackTop: u64, entry: u64, bootInfo: u64): never {
  log(`TTBR1_EL1 ${hex(ttbr1)} (kernel, HHDM), TTBR0_EL1 ${hex(ttbr0)} (identity: switch code and loader stack)`);
  a64MmuSwitchTo(A64_MAIR, tcrValue, ttbr0, ttbr1, sctlrValue, stackTop, entry, bootInfo, el2Mode);
}

export function a64Halt(): never {
  while (true) {
    asm("msr daifset, #0xf", "~{memory}");
    wfi();
  }
}
