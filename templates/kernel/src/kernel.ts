// {{name}}: a kernel in the tsboot subset of TypeScript, booted by tsboot's UEFI loader.
//
// The loader enters `main` in the higher half with a BootInfo: the memory map, a direct map
// of all physical memory at HHDM_BASE, the command line from boot.cfg, the UART it logged to,
// ACPI/device tree pointers (node_modules/tsboot/docs/boot-protocol.md). `npm test` boots
// it in QEMU on x86_64 and aarch64 and passes when it prints `[kernel] PASS`.

import {
  type BootInfo, type MemRegion, MemType, kernelInit, kernelConsoleDescribe, kernelPass, kernelFail,
} from "tsboot/protocol";

/** Bytes of usable RAM in the loader's memory map. */
function usableMemory(bootInfo: Ptr<BootInfo>): u64 {
  let map: Ptr<MemRegion> = ptr<MemRegion>(bootInfo.memMap);
  let total: u64 = 0;
  for (let i: u64 = 0; i < bootInfo.memMapCount; i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    if (r.type == MemType.Usable) total += r.length;
  }
  return total;
}

export function main(bootInfo: Ptr<BootInfo>): void {
  // The serial console first: from here on print() reaches the loader's UART, and a panic
  // ends the run with `[kernel] FAIL: <message>`.
  if (!kernelInit(bootInfo)) kernelFail("no valid boot info from the loader");
  print("[kernel] hello from {{name}}: ");
  kernelConsoleDescribe();
  println("");

  print("[kernel] command line: \"");
  for (let i: u32 = 0; i < bootInfo.cmdlineLength; i++) printChar(bootInfo.cmdline[i]);
  println("\"");

  let usable: u64 = usableMemory(bootInfo);
  print("[kernel] usable memory: ");
  printU(usable >> 20);
  print(" MiB in ");
  printU(bootInfo.memMapCount);
  println(" regions");
  if (usable == 0) kernelFail("the memory map has no usable memory");

  kernelPass();
}
