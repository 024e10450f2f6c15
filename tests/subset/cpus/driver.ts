// Test driver for the CPU discovery readers (common/acpi.ts acpiMadt and acpiScan,
// common/fdt.ts cpu nodes): tests/cpus/cpus.test.ts generates a main module with an ACPI
// blob (RSDP, XSDT, FADT, MADT at offsets inside it) and device-tree blobs, and compares
// what this prints with what it built in:
//   MADT <mode> <found> <lapicBase> <count> <disabled> <unsupported> <dropped> <x2apicEntries> <ids...>
//   FADT <found> <armBootArch>
//   DTB <status> <count> <disabled> <unsupported> <ids...>

import { type MadtInfo, type AcpiInfo, type AcpiView, acpiMadt, acpiScan, acpiView } from "../../../common/acpi";
import { type FdtInfo, FdtStatus, fdtScan } from "../../../common/fdt";
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
  let view: AcpiView = zeroed<AcpiView>();
  acpiView(addressOf(view), addr(blob), len);
  for (let mode: u32 = 0; mode < 2; mode++) {
    let m: MadtInfo = zeroed<MadtInfo>();
    let found: bool = acpiMadt(addressOf(view), rsdp, mode == 1, addressOf(m));
    print(mode == 1 ? "MADT gicc " : "MADT apic ");
    printU(found ? 1 : 0); sp(); printHex(m.lapicBase); sp();
    printCounts(addressOf(m.cpus)); sp(); printU(u64(m.cpus.dropped)); sp(); printU(u64(m.x2apicEntries));
    printIds(addressOf(m.cpus));
    print("\n");
  }
  let a: AcpiInfo = zeroed<AcpiInfo>();
  let ok: bool = acpiScan(addressOf(view), rsdp, addressOf(a));
  print("FADT ");
  printU(ok && a.fadtFound ? 1 : 0); sp(); printHex(u64(a.armBootArch));
  print("\n");
}

export function runDtb(blob: Ptr<u8>, len: u64): void {
  let info: FdtInfo = zeroed<FdtInfo>();
  let st: FdtStatus = fdtScan(blob, len, addressOf(info));
  print("DTB ");
  printU(u64(st)); sp();
  printCounts(addressOf(info.cpus));
  printIds(addressOf(info.cpus));
  print("\n");
}
