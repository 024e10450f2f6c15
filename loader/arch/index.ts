// The loader's architecture interface. Shared code (loader/*.ts) calls only these; each
// picks the implementation of the target at compile time (`target.x86_64` is a constant,
// the other branch is dropped): loader/arch/x86_64.ts or loader/arch/aarch64.ts.

import {
  x64SerialPutc, x64Timestamp, x64TscHzFromCpuid, x64TscPmStart, x64TscHzFromPmTimer, x64Has1GPages, x64HasNx,
  x64EnableNxWp, x64StackPointer,
  x64EnterKernel, x64EnterKernelAddress, x64Halt, x64FirmwareLevels, x64HasLa57, x64PrepareSwitch,
} from "./x86_64";
import {
  a64SerialPutc, a64Timestamp, a64UartBase, a64CpuOk, a64PrepareMmu, a64StackPointer, a64TrampolineAddress,
  a64EnterKernel, a64Halt,
} from "./aarch64";
import { EM_X86_64 } from "../../common/elf";
import { BootArch } from "../../common/bootinfo";
import { CfgArch } from "../../common/cfg";

export function archName(): cstr {
  if (target.x86_64) return "x86_64";
  return "aarch64";
}

export function archBootArch(): BootArch {
  if (target.x86_64) return BootArch.X86_64;
  return BootArch.Aarch64;
}

export function archElfMachine(): u16 {
  if (target.x86_64) return EM_X86_64;
  return 183;
}

/** The boot.cfg used when the boot volume has none: this architecture's kernel. */
export function archDefaultConfig(): cstr {
  if (target.x86_64) return "entry=tsboot\nprotocol=tsboot\npath=\\tsboot\\kernel-x86_64.elf\n";
  return "entry=tsboot\nprotocol=tsboot\npath=\\tsboot\\kernel-aarch64.elf\n";
}

/** This loader's architecture as boot.cfg's arch= names it. */
export function archCfgArch(): CfgArch {
  if (target.x86_64) return CfgArch.X86_64;
  return CfgArch.Aarch64;
}

/** The PE machine of EFI images this loader can start (IMAGE_FILE_MACHINE_AMD64 / ARM64). */
export function archPeMachine(): u16 {
  if (target.x86_64) return 0x8664;
  return 0xAA64;
}

export function archSerialPutc(c: u8): void {
  if (target.x86_64) { x64SerialPutc(c); } else { a64SerialPutc(c); }
}

/** UART the loader logs to, for BootInfo.uartKind / uartBase. */
export function archUartKind(): u32 {
  if (target.x86_64) return 1;
  return 2;
}
export function archUartBase(): u64 {
  if (target.x86_64) return 0x3F8;
  else return a64UartBase();
}

export function archTimestamp(): u64 {
  if (target.x86_64) return x64Timestamp();
  else return a64Timestamp();
}

/** The time stamp counter's frequency when the CPU states it (aarch64: CNTFRQ_EL0;
 *  x86_64: CPUID 0x15/0x16 where present), else 0. */
export function archTimestampHz(): u64 {
  if (target.x86_64) return x64TscHzFromCpuid();
  else return cntfrq();
}

/** Where archTimestampHz() comes from, for the log. */
export function archTimestampHzSource(): cstr {
  if (target.x86_64) return "CPUID 0x15/0x16";
  return "CNTFRQ_EL0";
}

/** Starts measuring the time stamp counter against the ACPI power-management timer at
 *  I/O port `port` (`bits` wide); nothing where there are no I/O ports. */
export function archTimestampPmStart(port: u16, bits: u8): void {
  if (target.x86_64) x64TscPmStart(port, bits);
}

/** The counter's frequency from the measurement archTimestampPmStart began (2 ms of the
 *  timer at least); 0 without one, or where the timer does not run. */
export function archTimestampHzFromPmTimer(): u64 {
  if (target.x86_64) return x64TscHzFromPmTimer();
  return 0;
}

export function archHas1GPages(): bool {
  if (target.x86_64) return x64Has1GPages();
  else return true; // level-1 blocks always exist with the 4 KiB granule
}

/** Translation levels the firmware runs with: x86_64 4 or 5 (CR4.LA57); aarch64 4. */
export function archFirmwareLevels(): u32 {
  if (target.x86_64) return x64FirmwareLevels();
  return 4;
}

/** Whether the CPU can translate with 5 levels: x86_64 LA57 (CPUID 7.0:ECX bit 16);
 *  aarch64 never here (52-bit VAs would need FEAT_LPA2 and another table format). */
export function archHasLevels5(): bool {
  if (target.x86_64) return x64HasLa57();
  return false;
}

/** Fills the page used to change paging levels on the way to the kernel (x86_64 only). */
export function archPrepareLevelSwitch(page: u64): void {
  if (target.x86_64) x64PrepareSwitch(page);
}

/** aarch64: execute-never always exists; this checks what the tables need instead (4 KiB
 *  granule, EL1 or EL2) and logs the exception level. */
export function archHasNx(): bool {
  if (target.x86_64) return x64HasNx();
  else return a64CpuOk();
}

/** Turns on what the new page tables rely on (x86_64: EFER.NXE, CR0.WP; aarch64: cleans
 *  the loaded kernel [kernelPhys, +kernelSize) to the point of unification). */
export function archPrepareMmu(kernelPhys: u64, kernelSize: u64): void {
  if (target.x86_64) { x64EnableNxWp(); } else { a64PrepareMmu(kernelPhys, kernelSize); }
}

export function archStackPointer(): u64 {
  if (target.x86_64) return x64StackPointer();
  else return a64StackPointer();
}

/** Address of the switch code (it must be identity-mapped in the new tables). */
export function archTrampolineAddress(): u64 {
  if (target.x86_64) return x64EnterKernelAddress();
  else return a64TrampolineAddress();
}

/** `root`: the kernel's table (CR3 / TTBR1_EL1); `identityRoot`: aarch64's TTBR0_EL1
 *  table (on x86_64 the identity mappings are in `root`, and this equals it).
 *  `switchPage` (x86_64, 0 if none): the tables have `levels` levels while the firmware
 *  runs with the other number, so the switch goes through 32-bit mode (archPrepareLevelSwitch). */
export function archEnterKernel(root: u64, identityRoot: u64, stackTop: u64, entry: u64, bootInfo: u64, switchPage: u64, levels: u32): never {
  if (target.x86_64) x64EnterKernel(root, stackTop, entry, bootInfo, switchPage, levels == 5 ? 1 : 0);
  else a64EnterKernel(root, identityRoot, stackTop, entry, bootInfo);
}

export function archHalt(): never {
  if (target.x86_64) x64Halt();
  else a64Halt();
}
