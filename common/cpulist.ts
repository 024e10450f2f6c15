// The CPUs a firmware table names (ACPI MADT, device-tree cpu nodes): one hardware id per
// enabled CPU, in table order (x86_64: the local APIC id; aarch64: the MPIDR affinity
// fields, as PSCI CPU_ON wants them), and counts of what was left out and why.

export const CPU_LIST_MAX = 64;
/** The MPIDR affinity fields (Aff3 bits 39..32, Aff2, Aff1, Aff0 bits 23..0): what the
 *  MADT and the device tree give for an aarch64 CPU, and what PSCI CPU_ON takes. */
export const MPIDR_AFFINITY_MASK: u64 = 0xFF_00FF_FFFF;

/** A list of CPU ids; zeroed storage is an empty list. */
export class CpuList {
  count: u32;
  /** Entries for CPUs that are not enabled (hot-plug slots, disabled nodes). */
  disabled: u32;
  /** Enabled CPUs the kernel cannot start: another start method than PSCI (device tree),
   *  or an APIC id above 0xFE when the local APIC has no x2APIC mode. */
  unsupported: u32;
  /** Enabled CPUs beyond CPU_LIST_MAX. */
  dropped: u32;
  ids: Arr<u64, 64>;

  /** Records an enabled CPU once (a firmware may list one twice, e.g. as local APIC and
   *  as x2APIC). */
  add(id: u64): void {
    for (let i: u32 = 0; i < this.count; i++) {
      if (this.ids[i] == id) return;
    }
    if (this.count >= CPU_LIST_MAX) {
      this.dropped++;
      return;
    }
    this.ids[this.count] = id;
    this.count++;
  }
}

/** The boot CPU as the kernel's start-up code sees it: its id in the list's terms, and ""
 *  or why no other CPU can be started. */
export interface BootCpu extends Struct {
  id: u64;
  error: cstr;
}
