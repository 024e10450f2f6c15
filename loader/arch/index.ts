// The loader's architecture interface. Shared code (loader/*.ts) calls only these; each
// picks the implementation of the target at compile time (`target.x86_64` is a constant,
// the other branch is dropped). The aarch64 port adds loader/arch/aarch64.ts and fills
// the else branches.

import {
  x64SerialPutc, x64Timestamp, x64Has1GPages, x64HasNx, x64EnableNxWp, x64StackPointer,
  x64EnterKernel, x64EnterKernelAddress, x64Halt,
} from "./x86_64";
import { EM_X86_64 } from "../../common/elf";
import { BootArch } from "../../common/bootinfo";

function notPorted(): never {
  panic("loader/arch: this architecture is not ported yet (see loader/arch/x86_64.ts)");
}

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

/** Default kernel path on the boot volume (ASCII, '\' separators). */
export function archDefaultKernelPath(): cstr {
  if (target.x86_64) return "\\tsboot\\kernel-x86_64.elf";
  return "\\tsboot\\kernel-aarch64.elf";
}

export function archSerialPutc(c: u8): void {
  if (target.x86_64) { x64SerialPutc(c); } else { notPorted(); }
}

/** UART the loader logs to, for BootInfo.uartKind / uartBase. */
export function archUartKind(): u32 {
  if (target.x86_64) return 1;
  return 2;
}
export function archUartBase(): u64 {
  if (target.x86_64) return 0x3F8;
  return 0x0900_0000;
}

export function archTimestamp(): u64 {
  if (target.x86_64) return x64Timestamp();
  notPorted();
}

export function archHas1GPages(): bool {
  if (target.x86_64) return x64Has1GPages();
  notPorted();
}

export function archHasNx(): bool {
  if (target.x86_64) return x64HasNx();
  notPorted();
}

/** Turns on what the new page tables rely on (x86_64: EFER.NXE, CR0.WP). */
export function archPrepareMmu(): void {
  if (target.x86_64) { x64EnableNxWp(); } else { notPorted(); }
}

export function archStackPointer(): u64 {
  if (target.x86_64) return x64StackPointer();
  notPorted();
}

/** Address of the switch code (it must be identity-mapped in the new tables). */
export function archTrampolineAddress(): u64 {
  if (target.x86_64) return x64EnterKernelAddress();
  notPorted();
}

export function archEnterKernel(root: u64, stackTop: u64, entry: u64, bootInfo: u64): never {
  if (target.x86_64) x64EnterKernel(root, stackTop, entry, bootInfo);
  notPorted();
}

export function archHalt(): never {
  if (target.x86_64) x64Halt();
  notPorted();
}
