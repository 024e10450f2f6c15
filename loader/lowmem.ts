// Memory below 1 MiB for the kernel's x86_64 AP trampoline (BootInfo v3, apTrampoline).
//
// An x86 application processor starts in real mode at the page a Startup IPI names (a page
// number below 0x100, so below 1 MiB), and the kernel needs a few pages there for the code
// that takes it to long mode. After ExitBootServices the kernel could pick any free page
// there from the map, but on some machines the firmware has used up low memory by then and
// the kernel cannot tell what is safe; the loader asks for the pages while the firmware
// still owns memory, so they are guaranteed to exist and to be free of firmware data.
// aarch64 starts its CPUs through PSCI at any address: nothing is reserved there.

import { type BootInfo, AP_TRAMPOLINE_SIZE, AP_TRAMPOLINE_LIMIT } from "../common/bootinfo";
import { EFI_SUCCESS, efiStatusName } from "../common/uefi";
import { efiBootServices, efiFreePages } from "./efi";
import { logSerial, logWarning } from "./log";

const ALLOCATE_MAX_ADDRESS: u32 = 1;
const EFI_LOADER_DATA: u32 = 2;

/** Reserves AP_TRAMPOLINE_SIZE bytes below 1 MiB and records them in the boot info. A
 *  failure is logged and leaves the fields 0: the kernel then runs on one CPU. */
export function lowmemReserveApTrampoline(bi: Ptr<BootInfo>): void {
  if (!target.x86_64) return;
  // AllocateMaxAddress: any free range whose last byte is at or below this address.
  let pa: u64 = AP_TRAMPOLINE_LIMIT - 1;
  let pages: u64 = AP_TRAMPOLINE_SIZE >> 12;
  let s: u64 = efiBootServices().AllocatePages(ALLOCATE_MAX_ADDRESS, EFI_LOADER_DATA, pages, addressOf(pa));
  if (s != EFI_SUCCESS || pa == 0 || pa + AP_TRAMPOLINE_SIZE > AP_TRAMPOLINE_LIMIT) {
    logWarning(`no memory below 1 MiB for the AP trampoline (AllocatePages: ${efiStatusName(s)}); the kernel ` +
      `will run on one CPU`);
    return;
  }
  bi.apTrampoline = pa;
  bi.apTrampolineSize = AP_TRAMPOLINE_SIZE;
  logSerial(`AP trampoline: ${hex(AP_TRAMPOLINE_SIZE)} bytes at ${hex(pa)} (below 1 MiB, for the kernel's SIPI)`);
}

/** Gives the reservation back (a boot entry that failed before the hand-over). */
export function lowmemRelease(bi: Ptr<BootInfo>): void {
  if (bi.apTrampoline == 0) return;
  efiFreePages(bi.apTrampoline, bi.apTrampolineSize >> 12);
  bi.apTrampoline = 0;
  bi.apTrampolineSize = 0;
}
