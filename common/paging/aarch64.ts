// VMSAv8-64 stage-1 descriptors, 4 KiB granule, 48-bit VA (Arm ARM D8.3).
// Arm ARM levels 0 (512 GiB per entry, tables only), 1 (1 GiB blocks), 2 (2 MiB blocks) and
// 3 (4 KiB pages) are the engine's heights 3, 2, 1 and 0 (what one entry spans).
//
//  54  | 53  | 52   | 51  | 47..12 (page) / 47..21 (2M block) / 47..30 (1G block) | 11 | 10 | 9..8 | 7..6    | 5  | 4..2     | 1..0
//  UXN | PXN | Cont | DBM | output address                                         | nG | AF | SH   | AP[2:1] | NS | AttrIndx | 11 page/table, 01 block
//
// Leaves: AF=1 (no access-flag faults, and hardware AF management never rewrites the
// entry), SH=11 (inner shareable) for Normal memory and 00 for Device, AP[2]=1 when
// read-only, AP[1]=1 when EL0 may access, nG=1 unless Global.
// Execute permission: executable at EL1 only when Exec and not User (PXN=0, UXN=1),
// executable at EL0 only when Exec and User (PXN=1, UXN=0), otherwise PXN=UXN=1.
// Tables: 0b11 and the next table's address; APTable/XNTable/PXNTable are 0 (the leaf decides).
//
// MAIR_EL1 layout the engine assumes (the loader programs MAIR_EL1 = 0x4400FF):
//   AttrIndx 0 = 0xFF Normal, inner/outer write-back non-transient read/write-allocate
//   AttrIndx 1 = 0x00 Device-nGnRnE                       (Attr.Device)
//   AttrIndx 2 = 0x44 Normal, inner/outer non-cacheable   (Attr.Uncached and Attr.WriteCombining)
// Uncached and WriteCombining are the same memory type here, so a mapping made with
// WriteCombining reads back as Uncached.

import { Attr } from "./attrs";

export const A64_VALID = 0x1;
export const A64_TABLE = 0x3;      // table descriptor (levels 0..2) or page descriptor (level 3)
export const A64_BLOCK = 0x1;
export const A64_ATTRIDX_DEVICE = 0x4;   // AttrIndx 1 << 2
export const A64_ATTRIDX_NC = 0x8;       // AttrIndx 2 << 2
export const A64_AP_EL0 = 0x40;          // AP[1]
export const A64_AP_RO = 0x80;           // AP[2]
export const A64_SH_INNER = 0x300;
export const A64_AF = 0x400;
export const A64_NG = 0x800;
export const A64_CONT = 0x0010_0000_0000_0000;
export const A64_PXN = 0x0020_0000_0000_0000;
export const A64_UXN = 0x0040_0000_0000_0000;
/** Bits 47..12: address of a table or a 4 KiB page. */
export const A64_ADDR_MASK = 0x0000_FFFF_FFFF_F000;
/** Output addresses must stay below 2^48 (no FEAT_LPA). */
export const A64_PA_LIMIT = 0x0001_0000_0000_0000;
/**
 * The engine keeps, in every table descriptor, how many entries of the table it points to
 * are valid (0..512): bits 11..2, IGNORED in stage 1 table descriptors with the 4 KiB
 * granule while TCR_EL1.DS = 0 and hardware table-AF (FEAT_HAFT) is off, as the loader
 * sets them. Block and page descriptors never carry it.
 */
export const A64_COUNT_ONE: u64 = 0x4;
export const A64_COUNT_MASK: u64 = 0xFFC;
/** MAIR_EL1 value matching the AttrIndx values above. */
export const A64_MAIR = 0x4400FF;

/** Leaf descriptor bits (without the address) for `attrs` at height `h` (0 = 4 KiB page, 1, 2).
 * @inline
 */
export function a64LeafBits(attrs: u32, h: u32): u64 {
  let e: u64 = A64_AF;
  if (h == 0) e |= A64_TABLE;
  else e |= A64_BLOCK;
  if ((attrs & Attr.Write) == 0) e |= A64_AP_RO;
  if ((attrs & Attr.User) != 0) e |= A64_AP_EL0;
  if ((attrs & Attr.Global) == 0) e |= A64_NG;
  if ((attrs & Attr.Exec) == 0) e |= A64_PXN | A64_UXN;
  else if ((attrs & Attr.User) != 0) e |= A64_PXN;
  else e |= A64_UXN;
  if ((attrs & Attr.Device) != 0) e |= A64_ATTRIDX_DEVICE;
  else if ((attrs & (Attr.Uncached | Attr.WriteCombining)) != 0) e |= A64_ATTRIDX_NC | A64_SH_INNER;
  else e |= A64_SH_INNER;
  return e;
}

/** Decodes a valid leaf back into Attr bits (Read is always set). */
export function a64LeafAttrs(e: u64, h: u32): u32 {
  let a: u32 = Attr.Read;
  if ((e & A64_AP_RO) == 0) a |= Attr.Write;
  if ((e & A64_AP_EL0) != 0) a |= Attr.User;
  if ((e & A64_NG) == 0) a |= Attr.Global;
  if ((e & A64_PXN) == 0 || (e & A64_UXN) == 0) a |= Attr.Exec;
  let idx: u64 = (e >> 2) & 7;
  if (idx == 1) a |= Attr.Device;
  else if (idx == 2) a |= Attr.Uncached;
  return a;
}

/** Moves a leaf (address included) between the page (height 0) and block (1, 2) formats.
 * @inline
 */
export function a64Relevel(e: u64, from: u32, to: u32): u64 {
  if (from == 0 && to > 0) {
    let bit1: u64 = 2;
    return e & ~bit1;
  }
  if (from > 0 && to == 0) return e | A64_TABLE;
  return e;
}
