// The kernel runtime a tsboot kernel needs before it has drivers of its own: the serial
// console the loader logged to, and a way to end the run. Each function picks the target's
// half at compile time (sdk/kernel/x86_64.ts, sdk/kernel/aarch64.ts). tsboot's own kernel
// (kernel-stub/) uses it too, so a user's kernel starts from the same tested code.

import { type BootInfo } from "../../common/bootinfo";
import { x64ConsoleInit, x64PowerOff, x64Halt } from "./x86_64";
import { a64ConsoleInit, a64ConsoleDescribe, a64PowerOff, a64Halt } from "./aarch64";

/**
 * Makes the loader's UART the std console (print, println, ... write to it): COM1 on x86_64;
 * on aarch64 the PL011 of `bootInfo` (QEMU virt's when the boot info is unusable), which it
 * maps at 0xFFFF_FFFF_E000_0000 in the kernel's tables, and PSCI's conduit for
 * kernelPowerOff. `bootInfo` is the raw entry argument: it is checked before it is read.
 */
export function kernelConsoleInit(bootInfo: Ptr<BootInfo>): void {
  if (target.x86_64) { x64ConsoleInit(); } else { a64ConsoleInit(bootInfo); }
}

/** Prints, without a newline, what kernelConsoleInit found (UART, and on aarch64 the EL and
 *  the PSCI conduit). */
export function kernelConsoleDescribe(): void {
  if (target.x86_64) { print("x86_64: COM1 16550 at port 0x3f8; exit through isa-debug-exit (port 0xf4)"); } else { a64ConsoleDescribe(); }
}

/** Ends the run: QEMU exits (x86_64: isa-debug-exit, status 33 for pass and 35 for fail;
 *  aarch64: PSCI SYSTEM_OFF, status 0, the verdict line decides). On a machine without
 *  either, the CPU halts. Never returns. */
export function kernelPowerOff(pass: bool): never {
  if (target.x86_64) x64PowerOff(pass);
  else a64PowerOff(pass);
}

/** Stops this CPU without ending the run (another CPU may). Never returns. */
export function kernelHalt(): never {
  if (target.x86_64) x64Halt();
  else a64Halt();
}
