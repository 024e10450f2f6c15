// A minimal ACPI reader for the boot path (the aarch64 console and power-off where the
// firmware publishes ACPI instead of a device tree, the x86_64 loader's clock calibration,
// and the CPUs of both architectures):
//   - FADT ("FACP") ARM_BOOT_ARCH (offset 129): PSCI_COMPLIANT (bit 0), PSCI_USE_HVC (bit 1);
//   - FADT power-management timer: PM_TMR_BLK (offset 76, an I/O port), or X_PM_TMR_BLK
//     (the Generic Address Structure at offset 208) when it is in I/O space; 32 bits wide
//     when Flags (offset 112) has TMR_VAL_EXT (bit 8), else 24; none when Flags has
//     HW_REDUCED_ACPI (bit 20);
//   - SPCR: the console UART's interface type (offset 36) and base address (the Generic
//     Address Structure at offset 40: address space id, then the address at offset 44);
//   - MADT ("APIC"): the CPUs (Processor Local APIC, Processor Local x2APIC and GIC CPU
//     Interface entries) and the local APIC address, for bringing up every CPU.
// Tables are found through the RSDP's XSDT (revision >= 2) or RSDT. An AcpiView says how
// physical memory is reached: at `phys + p2v` (0 under the firmware's identity map, the
// HHDM base in the kernel), below `physLimit`, and, when `reach` is set, only after
// reach(phys, len) said yes (the kernel's HHDM leaves out what the memory map does not list,
// and some firmware puts its tables there: `reach` maps them). Every structure is checked
// before it is read. Reads are byte-wise: XSDT entries are not 8-byte aligned.

import { type CpuList, MPIDR_AFFINITY_MASK } from "./cpulist";

export const SPCR_PL011: u8 = 3;

export interface AcpiInfo extends Struct {
  /** The RSDP and its root table were usable (everything else is 0 when not). */
  rootFound: bool;
  fadtFound: bool;
  /** FADT ARM_BOOT_ARCH flags (0 when the FADT is too short to have them). */
  armBootArch: u16;
  /** I/O port of the ACPI power-management timer (3.579545 MHz), 0 when there is none. */
  pmTimerPort: u16;
  /** Width of its counter: 24 or 32 bits. */
  pmTimerBits: u8;
  spcrFound: bool;
  spcrType: u8;
  /** Generic Address Structure address space id (0 = system memory). */
  spcrSpace: u8;
  spcrBase: u64;
}

export const ARM_BOOT_ARCH_PSCI_COMPLIANT: u16 = 1;
export const ARM_BOOT_ARCH_PSCI_USE_HVC: u16 = 2;
/** The ACPI power-management timer's rate (ACPI 6.5, 4.8.3.3). */
export const PM_TIMER_HZ: u64 = 3_579_545;

const FADT_TMR_VAL_EXT: u32 = 1 << 8;
const FADT_HW_REDUCED_ACPI: u32 = 1 << 20;
const GAS_SYSTEM_IO: u8 = 1;

function rd8(a: u64): u8 { return load<u8>(a); }
function rd32(a: u64): u32 {
  return u32(rd8(a)) | (u32(rd8(a + 1)) << 8) | (u32(rd8(a + 2)) << 16) | (u32(rd8(a + 3)) << 24);
}
function rd64(a: u64): u64 { return u64(rd32(a)) | (u64(rd32(a + 4)) << 32); }

function sigIs(a: u64, s: cstr, n: u64): bool {
  let q: Ptr<u8> = cast<u8>(s);
  for (let i: u64 = 0; i < n; i++) {
    if (rd8(a + i) != q[i]) return false;
  }
  return true;
}

/** How the reader reaches physical memory (see the top of the file). */
export interface AcpiView extends Struct {
  p2v: u64;
  physLimit: u64;
  reach: (phys: u64, len: u64) => bool;
}

/** A view without a reach check: all of [0, physLimit) is readable at p2v + phys. */
export function acpiView(p2v: u64, physLimit: u64): AcpiView {
  return { p2v, physLimit, reach: null };
}

/** Whether [phys, phys + len) lies below physLimit (no wrap) and can be read. */
function inside(v: Ptr<AcpiView>, phys: u64, len: u64): bool {
  if (phys == 0 || phys >= v.physLimit || len > v.physLimit - phys) return false;
  return v.reach == null || v.reach(phys, len);
}

/** A table: its physical address (0: none) and length in bytes (all of it readable). */
export interface AcpiTable extends Struct {
  pa: u64;
  len: u64;
}

/** The root table under the RSDP: the XSDT (8-byte entries) or RSDT (4-byte entries). */
interface RootTable extends Struct {
  table: AcpiTable;
  entrySize: u64;
}

const NO_TABLE: AcpiTable = { pa: 0, len: 0 };

/** The root table (XSDT for revision >= 2, else RSDT) under the RSDP at `rsdpPhys`;
 *  table.pa 0 if unusable. */
function rootTable(v: Ptr<AcpiView>, rsdpPhys: u64): RootTable {
  if (!inside(v, rsdpPhys, 36)) return { table: NO_TABLE, entrySize: 0 };
  let rsdp: u64 = v.p2v + rsdpPhys;
  if (!sigIs(rsdp, "RSD PTR ", 8)) return { table: NO_TABLE, entrySize: 0 };
  let root: u64 = u64(rd32(rsdp + 16));
  let entrySize: u64 = 4;
  if (rd8(rsdp + 15) >= 2 && rd64(rsdp + 24) != 0) {
    root = rd64(rsdp + 24);
    entrySize = 8;
  }
  if (!inside(v, root, 36)) return { table: NO_TABLE, entrySize: 0 };
  let len: u64 = u64(rd32(v.p2v + root + 4));
  if (len < 36 || !inside(v, root, len)) return { table: NO_TABLE, entrySize: 0 };
  return { table: { pa: root, len }, entrySize };
}

/**
 * The first table with signature `sig` (4 characters) under the RSDP at `rsdpPhys`, at
 * least 36 bytes long; pa 0 when the RSDP or root table is unusable or no such table exists.
 */
export function acpiFindTable(v: Ptr<AcpiView>, rsdpPhys: u64, sig: cstr): AcpiTable {
  const { table: root, entrySize } = rootTable(v, rsdpPhys);
  if (root.pa == 0) return NO_TABLE;
  let n: u64 = (root.len - 36) / entrySize;
  for (let i: u64 = 0; i < n; i++) {
    let ea: u64 = v.p2v + root.pa + 36 + i * entrySize;
    let t: u64 = entrySize == 8 ? rd64(ea) : u64(rd32(ea));
    if (!inside(v, t, 36)) continue;
    let tv: u64 = v.p2v + t;
    let len: u64 = u64(rd32(tv + 4));
    if (len < 36 || !inside(v, t, len)) continue;
    if (sigIs(tv, sig, 4)) return { pa: t, len };
  }
  return NO_TABLE;
}

/** A power-management timer: its I/O port (0: none) and counter width. */
interface PmTimer extends Struct {
  port: u16;
  bits: u8;
}

/** The power-management timer of the FADT at `fadt` (`len` bytes). */
function fadtPmTimer(fadt: u64, len: u64): PmTimer {
  if (len < 116) return { port: 0, bits: 0 };
  let flags: u32 = rd32(fadt + 112);
  if ((flags & FADT_HW_REDUCED_ACPI) != 0) return { port: 0, bits: 0 };
  let port: u64 = u64(rd32(fadt + 76));
  if (len >= 220 && rd8(fadt + 208) == GAS_SYSTEM_IO && rd64(fadt + 212) != 0) port = rd64(fadt + 212);
  if (port == 0 || port > 0xFFFF) return { port: 0, bits: 0 };
  return { port: u16(port), bits: (flags & FADT_TMR_VAL_EXT) != 0 ? 32 : 24 };
}

/** Scans the tables under the RSDP at `rsdpPhys` for the FADT and SPCR. rootFound is
 *  false when the RSDP or its root table is unusable (everything is then zero). */
export function acpiScan(v: Ptr<AcpiView>, rsdpPhys: u64): AcpiInfo {
  let out: AcpiInfo = zeroed<AcpiInfo>();
  if (rootTable(v, rsdpPhys).table.pa == 0) return out;
  out.rootFound = true;
  const fadt = acpiFindTable(v, rsdpPhys, "FACP");
  if (fadt.pa != 0) {
    let f: u64 = v.p2v + fadt.pa;
    out.fadtFound = true;
    if (fadt.len >= 131) out.armBootArch = u16(rd8(f + 129)) | (u16(rd8(f + 130)) << 8);
    const timer = fadtPmTimer(f, fadt.len);
    out.pmTimerPort = timer.port;
    out.pmTimerBits = timer.bits;
  }
  const spcr = acpiFindTable(v, rsdpPhys, "SPCR");
  if (spcr.pa != 0 && spcr.len >= 52) {
    let s: u64 = v.p2v + spcr.pa;
    out.spcrFound = true;
    out.spcrType = rd8(s + 36);
    out.spcrSpace = rd8(s + 40);
    out.spcrBase = rd64(s + 44);
  }
  return out;
}

// ---- MADT ----------------------------------------------------------------------------

const MADT_LOCAL_APIC: u8 = 0;
const MADT_LAPIC_OVERRIDE: u8 = 5;
const MADT_LOCAL_X2APIC: u8 = 9;
const MADT_GICC: u8 = 0x0B;
/** Flags of the CPU entries: bit 0 Enabled. */
const MADT_ENABLED: u32 = 1;

export interface MadtInfo extends Struct {
  found: bool;
  /** Physical address of the local APIC (x86_64; the 64-bit override when present). */
  lapicBase: u64;
  /** x86_64: local APIC ids (types 0 and 9); aarch64: MPIDR affinities (type 0x0B). */
  cpus: CpuList;
  /** Processor Local x2APIC entries seen (x86_64). */
  x2apicEntries: u32;
}

/**
 * The CPUs of the MADT. `gicc` selects the aarch64 entries (GIC CPU interfaces) instead of
 * the x86_64 ones. `found` is false when there is no usable MADT.
 */
export function acpiMadt(v: Ptr<AcpiView>, rsdpPhys: u64, gicc: bool): MadtInfo {
  let out: MadtInfo = zeroed<MadtInfo>();
  const { pa: madt, len } = acpiFindTable(v, rsdpPhys, "APIC");
  if (madt == 0 || len < 44) return out;
  out.found = true;
  let t: u64 = v.p2v + madt;
  out.lapicBase = u64(rd32(t + 36));
  let off: u64 = 44;
  while (off + 2 <= len) {
    let type: u8 = rd8(t + off);
    let elen: u64 = u64(rd8(t + off + 1));
    if (elen < 2 || off + elen > len) break;     // a corrupt entry ends the walk
    let e: u64 = t + off;
    if (!gicc && type == MADT_LOCAL_APIC && elen >= 8) {
      if ((rd32(e + 4) & MADT_ENABLED) != 0) out.cpus.add(u64(rd8(e + 3)));
      else out.cpus.disabled++;
    } else if (!gicc && type == MADT_LOCAL_X2APIC && elen >= 16) {
      out.x2apicEntries++;
      if ((rd32(e + 8) & MADT_ENABLED) != 0) out.cpus.add(u64(rd32(e + 4)));
      else out.cpus.disabled++;
    } else if (!gicc && type == MADT_LAPIC_OVERRIDE && elen >= 12) {
      out.lapicBase = rd64(e + 4);
    } else if (gicc && type == MADT_GICC && elen >= 76) {
      if ((rd32(e + 12) & MADT_ENABLED) != 0) out.cpus.add(rd64(e + 68) & MPIDR_AFFINITY_MASK);
      else out.cpus.disabled++;
    }
    off += elen;
  }
  return out;
}
