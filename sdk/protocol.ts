// `tsboot/protocol`: what a kernel booted by tsboot's loader imports. The boot protocol's
// data layout (docs/boot-protocol.md; common/bootinfo.ts is normative and re-exported here
// whole), and the few things a kernel needs before it has drivers of its own: the serial
// console the loader used, the verdict lines the test runner reads, and power-off.
//
//   import { type BootInfo, kernelInit, kernelPass, kernelFail } from "tsboot/protocol";
//
//   export function main(bootInfo: Ptr<BootInfo>): void {
//     if (!kernelInit(bootInfo)) kernelFail("no valid boot info");
//     println("[kernel] hello");
//     kernelPass();
//   }

import { type BootInfo, BOOTINFO_MAGIC, HHDM_BASE, KERNEL_LINK_BASE } from "../common/bootinfo";
import { kernelConsoleInit, kernelPowerOff } from "./kernel/platform";

export * from "../common/bootinfo";
export { kernelConsoleInit, kernelConsoleDescribe, kernelPowerOff, kernelHalt } from "./kernel/platform";

/** The smallest BootInfo a kernel can use (version 1 ended with `cmdline` at 264 + 256). */
const BOOTINFO_V1_SIZE: u32 = 520;

/**
 * Whether `bootInfo` is the loader's boot info: a pointer into the direct map, 8-byte
 * aligned, with the right magic, a version of at least 1 and a size that covers version 1's
 * fields. Read nothing else before this holds.
 */
export function bootInfoValid(bootInfo: Ptr<BootInfo>): bool {
  let a: u64 = addr(bootInfo);
  if (bootInfo == null || a < HHDM_BASE || a >= KERNEL_LINK_BASE || (a & 7) != 0) return false;
  return bootInfo.magic == BOOTINFO_MAGIC && bootInfo.version >= 1 && bootInfo.size >= BOOTINFO_V1_SIZE;
}

/** A panic (or failed assert, division by zero) ends the run with a FAIL verdict. */
function panicVerdict(msg: cstr, file: cstr, line: u32): void {
  kernelFail(msg);
}

/**
 * The first call of a kernel: the console on the loader's UART (kernelConsoleInit), and a
 * panic hook that turns a panic into `[kernel] FAIL: <message>` and power-off. Returns
 * bootInfoValid(bootInfo).
 */
export function kernelInit(bootInfo: Ptr<BootInfo>): bool {
  kernelConsoleInit(bootInfo);
  setPanicHook(panicVerdict);
  return bootInfoValid(bootInfo);
}

/** Prints the verdict line `[kernel] PASS` and powers off (QEMU exits; see kernelPowerOff). */
export function kernelPass(): never {
  println("[kernel] PASS");
  kernelPowerOff(true);
}

/** Prints the verdict line `[kernel] FAIL: <reason>` (one line: no newline in `reason`)
 *  and powers off. */
export function kernelFail(reason: cstr): never {
  print("[kernel] FAIL: ");
  println(reason);
  kernelPowerOff(false);
}
