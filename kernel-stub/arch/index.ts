// The kernel stub's architecture interface; shared code calls only these. The aarch64
// port fills the else branches (PL011, PSCI SYSTEM_OFF, TTBR1, TLBI).

import {
  x64ConsoleInit, x64Exit, x64PageTableRoot, x64FlushPage, x64FlushAll, x64Timestamp,
  x64InterruptsEnabled, x64StackPointer, x64MmuFlagsOk,
} from "./x86_64";
import { BootArch } from "../../common/bootinfo";

/** Without a console there is no way to report anything: stop. */
function notPorted(): never {
  while (true) {}
}

export function archName(): cstr {
  if (target.x86_64) return "x86_64";
  return "aarch64";
}

export function archBootArch(): BootArch {
  if (target.x86_64) return BootArch.X86_64;
  return BootArch.Aarch64;
}

export function archConsoleInit(): void {
  if (target.x86_64) { x64ConsoleInit(); } else { notPorted(); }
}

/** Ends the run: QEMU exits (x86_64: isa-debug-exit 33 / 35). Never returns. */
export function archExit(pass: bool): never {
  if (target.x86_64) x64Exit(pass);
  notPorted();
}

/** Physical address of the active root table. */
export function archPageTableRoot(): u64 {
  if (target.x86_64) return x64PageTableRoot();
  notPorted();
}

export function archFlushPage(va: u64): void {
  if (target.x86_64) { x64FlushPage(va); } else { notPorted(); }
}

export function archFlushAll(): void {
  if (target.x86_64) { x64FlushAll(); } else { notPorted(); }
}

export function archTimestamp(): u64 {
  if (target.x86_64) return x64Timestamp();
  notPorted();
}

export function archInterruptsEnabled(): bool {
  if (target.x86_64) return x64InterruptsEnabled();
  notPorted();
}

export function archStackPointer(): u64 {
  if (target.x86_64) return x64StackPointer();
  notPorted();
}

/** The MMU controls the boot protocol promises (x86_64: CR0.WP, EFER.NXE). */
export function archMmuFlagsOk(): bool {
  if (target.x86_64) return x64MmuFlagsOk();
  notPorted();
}
