// `tsboot/uefi`: what an EFI application built with tsboot imports. The raw UEFI bindings
// (common/uefi.ts: exact struct layouts, GUIDs, status names; re-exported whole) and the
// verdict lines the test runner reads, with power-off.
//
//   import { type EfiSystemTable, appPass } from "tsboot/uefi";
//
//   export function main(image: Ptr<void>, st: Ptr<EfiSystemTable>): u64 {
//     println("[app] hello");            // ConOut, which the firmware also copies to serial
//     appPass(st);
//   }
//
// The std runtime's efi_main calls `main(image, systemTable)`; print goes to ConOut.

import { type EfiSystemTable, EFI_SUCCESS, EFI_ABORTED } from "../common/uefi";

export * from "../common/uefi";

/** EFI_RESET_TYPE EfiResetShutdown (UEFI 2.10 section 8.5.1). */
const EFI_RESET_SHUTDOWN: u32 = 2;
/** QEMU's isa-debug-exit device, as tsboot's kernels use it (x86_64 only): status 33 / 35. */
const DEBUG_EXIT_PORT: u16 = 0xF4;
const EXIT_PASS: u8 = 0x10;
const EXIT_FAIL: u8 = 0x11;

/**
 * Ends the run. x86_64: the isa-debug-exit device first (QEMU exits with 33 for pass, 35 for
 * fail, as with a tsboot kernel; the port is unused on PCs); then, and on aarch64,
 * ResetSystem(EfiResetShutdown): QEMU exits with 0 and the verdict line decides. Halts
 * if the firmware returns.
 */
export function appPowerOff(st: Ptr<EfiSystemTable>, pass: bool): never {
  if (target.x86_64) outb(DEBUG_EXIT_PORT, pass ? EXIT_PASS : EXIT_FAIL);
  if (st != null && st.RuntimeServices != null) {
    st.RuntimeServices.ResetSystem(EFI_RESET_SHUTDOWN, pass ? EFI_SUCCESS : EFI_ABORTED, 0, null);
  }
  println("[app] ResetSystem(EfiResetShutdown) returned; halting");
  while (true) {
    if (target.x86_64) { cli(); hlt(); }
    if (target.aarch64) wfi();
  }
}

/** Prints the verdict line `[app] PASS` and powers off (appPowerOff). */
export function appPass(st: Ptr<EfiSystemTable>): never {
  println("[app] PASS");
  appPowerOff(st, true);
}

/** Prints the verdict line `[app] FAIL: <reason>` (one line) and powers off. */
export function appFail(st: Ptr<EfiSystemTable>, reason: cstr): never {
  print("[app] FAIL: ");
  println(reason);
  appPowerOff(st, false);
}
