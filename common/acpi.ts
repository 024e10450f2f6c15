// A minimal ACPI reader for the aarch64 boot path, used when the firmware publishes ACPI
// tables instead of a device tree (AAVMF on QEMU virt does so by default), and for the
// x86_64 loader's clock calibration:
//   - FADT ("FACP") ARM_BOOT_ARCH (offset 129): PSCI_COMPLIANT (bit 0), PSCI_USE_HVC (bit 1);
//   - FADT power-management timer: PM_TMR_BLK (offset 76, an I/O port), or X_PM_TMR_BLK
//     (the Generic Address Structure at offset 208) when it is in I/O space; 32 bits wide
//     when Flags (offset 112) has TMR_VAL_EXT (bit 8), else 24; none when Flags has
//     HW_REDUCED_ACPI (bit 20);
//   - SPCR: the console UART's interface type (offset 36) and base address (the Generic
//     Address Structure at offset 40: address space id, then the address at offset 44).
// Tables are found through the RSDP's XSDT (revision >= 2) or RSDT. Every table is reached
// at `phys + p2v` (0 under the firmware's identity map, the HHDM base in the kernel), and
// every address is checked against `physLimit` (the end of what p2v maps) before use.
// Reads are byte-wise: XSDT entries are not 8-byte aligned.

export const SPCR_PL011: u8 = 3;

export interface AcpiInfo extends Struct {
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

/** Whether [phys, phys + len) lies below physLimit (no wrap). */
function inside(phys: u64, len: u64, physLimit: u64): bool {
  return phys != 0 && phys < physLimit && len <= physLimit - phys;
}

/** The FADT at `fadt` (`len` bytes): its power-management timer, if it has one. */
function fadtPmTimer(fadt: u64, len: u64, out: Ptr<AcpiInfo>): void {
  if (len < 116) return;
  let flags: u32 = rd32(fadt + 112);
  if ((flags & FADT_HW_REDUCED_ACPI) != 0) return;
  let port: u64 = u64(rd32(fadt + 76));
  if (len >= 220 && rd8(fadt + 208) == GAS_SYSTEM_IO && rd64(fadt + 212) != 0) port = rd64(fadt + 212);
  if (port == 0 || port > 0xFFFF) return;
  out.pmTimerPort = u16(port);
  out.pmTimerBits = (flags & FADT_TMR_VAL_EXT) != 0 ? 32 : 24;
}

/** Scans the tables under the RSDP at `rsdpPhys`. False when the RSDP or its root table is
 *  unusable (out fields are then whatever was found, usually nothing). */
export function acpiScan(rsdpPhys: u64, p2v: u64, physLimit: u64, out: Ptr<AcpiInfo>): bool {
  memset(cast<u8>(out), 0, sizeof<AcpiInfo>());
  if (!inside(rsdpPhys, 36, physLimit)) return false;
  let rsdp: u64 = p2v + rsdpPhys;
  if (!sigIs(rsdp, "RSD PTR ", 8)) return false;
  let rev: u8 = rd8(rsdp + 15);
  let root: u64 = 0;
  let entrySize: u64 = 4;
  if (rev >= 2 && rd64(rsdp + 24) != 0) {
    root = rd64(rsdp + 24);
    entrySize = 8;
  } else {
    root = u64(rd32(rsdp + 16));
  }
  if (!inside(root, 36, physLimit)) return false;
  let rootLen: u64 = u64(rd32(p2v + root + 4));
  if (rootLen < 36 || !inside(root, rootLen, physLimit)) return false;
  let n: u64 = (rootLen - 36) / entrySize;
  for (let i: u64 = 0; i < n; i++) {
    let ea: u64 = p2v + root + 36 + i * entrySize;
    let t: u64 = entrySize == 8 ? rd64(ea) : u64(rd32(ea));
    if (!inside(t, 36, physLimit)) continue;
    let tv: u64 = p2v + t;
    let len: u64 = u64(rd32(tv + 4));
    if (len < 36 || !inside(t, len, physLimit)) continue;
    if (sigIs(tv, "FACP", 4) && !out.fadtFound) {
      out.fadtFound = true;
      if (len >= 131) out.armBootArch = u16(rd8(tv + 129)) | (u16(rd8(tv + 130)) << 8);
      fadtPmTimer(tv, len, out);
    } else if (sigIs(tv, "SPCR", 4) && !out.spcrFound && len >= 52) {
      out.spcrFound = true;
      out.spcrType = rd8(tv + 36);
      out.spcrSpace = rd8(tv + 40);
      out.spcrBase = rd64(tv + 44);
    }
  }
  return true;
}
