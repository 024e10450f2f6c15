// Test driver for the CPU discovery readers (common/acpi.ts acpiMadt and acpiScan,
// common/fdt.ts cpu nodes): tests/cpus/cpus.test.ts generates a main module with an ACPI
// blob (RSDP, XSDT, FADT, MADT at offsets inside it) and device-tree blobs, and compares
// what this prints with what it built in:
//   MADT <mode> <found> <lapicBase> <count> <disabled> <unsupported> <dropped> <x2apicEntries> <ids...>
//   FADT <found> <armBootArch>
//   DTB <status> <count> <disabled> <unsupported> <ids...>

import { acpiMadt, acpiScan, acpiView } from "../../../common/acpi";
import { fdtScan } from "../../../common/fdt";
import { type CpuList } from "../../../common/cpulist";

function sp(): void { printChar(0x20); }

function printCounts(l: Ptr<CpuList>): void {
  printU(u64(l.count)); sp(); printU(u64(l.disabled)); sp(); printU(u64(l.unsupported));
}

function printIds(l: Ptr<CpuList>): void {
  for (let i: u32 = 0; i < l.count; i++) { sp(); printHex(l.ids[i]); }
}

/** The ACPI blob holds the RSDP at offset rsdp; its "physical addresses" are offsets. */
export function runAcpi(blob: Ptr<u8>, len: u64, rsdp: u64): void {
  let view = acpiView(addr(blob), len);
  for (let mode: u32 = 0; mode < 2; mode++) {
    const m = acpiMadt(addressOf(view), rsdp, mode == 1);
    print(mode == 1 ? "MADT gicc " : "MADT apic ");
    printU(m.found ? 1 : 0); sp(); printHex(m.lapicBase); sp();
    printCounts(addressOf(m.cpus)); sp(); printU(u64(m.cpus.dropped)); sp(); printU(u64(m.x2apicEntries));
    printIds(addressOf(m.cpus));
    print("\n");
  }
  const a = acpiScan(addressOf(view), rsdp);
  print("FADT ");
  printU(a.rootFound && a.fadtFound ? 1 : 0); sp(); printHex(u64(a.armBootArch));
  print("\n");
}

export function runDtb(blob: Ptr<u8>, len: u64): void {
  const info = fdtScan(blob, len);
  print("DTB ");
  printU(u64(info.status)); sp();
  printCounts(addressOf(info.cpus));
  printIds(addressOf(info.cpus));
  print("\n");
}
