// x86_64 4-level and 5-level paging descriptors (Intel SDM vol. 3A §4.5, AMD APM vol. 2 §5.3).
// Heights (what one entry of a table spans): 4 = PML5 (256 TiB, 5-level only), 3 = PML4
// (512 GiB), 2 = PDPT (1 GiB), 1 = PD (2 MiB), 0 = PT (4 KiB).
//
//  63 | 62..52 | 51..12 (4K) / 51..21 (2M) / 51..30 (1G) | 12 (large: PAT) | 8 | 7          | 6 | 5 | 4   | 3   | 2  | 1  | 0
//  NX | ignored| physical address                          |                 | G | PS (large) | D | A | PCD | PWT | US | RW | P
//                                                                              | PAT (4K)
//
// Leaves are written with A=1 (and D=1 when writable) so that the CPU never has to set
// them with a locked read-modify-write, and so that the entries the engine compares when
// merging never change under it. Tables are written P|RW|US|A: permissions are decided by
// the leaf alone (the effective rights are the AND over all levels).
//
// Memory types use the PAT index PAT*4 + PCD*2 + PWT:
//   normal (write-back) 0 | Device 3 (UC) | Uncached 2 (UC-) | WriteCombining 4.
// Entry 4 is WB after reset; the loader must program IA32_PAT (MSR 0x277) to
// 0x0007040100070406 (the reset value with PA4 = WC) before using WriteCombining.
// NX (bit 63) is reserved unless EFER.NXE is set: the loader must set it.

import { Attr } from "./attrs";

export const X86_P = 0x1;
export const X86_RW = 0x2;
export const X86_US = 0x4;
export const X86_PWT = 0x8;
export const X86_PCD = 0x10;
export const X86_A = 0x20;
export const X86_D = 0x40;
export const X86_PS = 0x80;
export const X86_PAT_4K = 0x80;
export const X86_G = 0x100;
export const X86_PAT_LARGE = 0x1000;
export const X86_NX = 0x8000_0000_0000_0000;
/** Bits 51..12: physical address of a table or a 4 KiB page (MAXPHYADDR is at most 52). */
export const X86_ADDR_MASK = 0x000F_FFFF_FFFF_F000;
/** What a table entry carries besides the address (and the engine's entry count). */
export const X86_TABLE_BITS = 0x27;
/**
 * The engine keeps, in every entry that points to a table, how many entries of that table
 * are present (0..512): bits 61..52, which the SDM marks "ignored" in PML5E, PML4E, and in
 * PDPTEs and PDEs that reference a table (tables 4-15 to 4-19). Leaves never carry it.
 */
export const X86_COUNT_ONE: u64 = 0x0010_0000_0000_0000;
export const X86_COUNT_MASK: u64 = 0x3FF0_0000_0000_0000;
/** Physical addresses must stay below 2^52. */
export const X86_PA_LIMIT = 0x0010_0000_0000_0000;

/** Leaf descriptor bits (without the address) for `attrs` at height `h` (0 = 4 KiB, 1, 2).
 * @inline
 */
export function x86LeafBits(attrs: u32, h: u32): u64 {
  let e: u64 = X86_P | X86_A;
  if ((attrs & Attr.Write) != 0) e |= X86_RW | X86_D;
  if ((attrs & Attr.User) != 0) e |= X86_US;
  if ((attrs & Attr.Global) != 0) e |= X86_G;
  if ((attrs & Attr.Exec) == 0) e |= X86_NX;
  if (h > 0) e |= X86_PS;
  if ((attrs & Attr.Device) != 0) e |= X86_PCD | X86_PWT;
  else if ((attrs & Attr.Uncached) != 0) e |= X86_PCD;
  else if ((attrs & Attr.WriteCombining) != 0) {
    if (h > 0) e |= X86_PAT_LARGE;
    else e |= X86_PAT_4K;
  }
  return e;
}

/** Decodes a present leaf at height `h` back into Attr bits (Read is always set). */
export function x86LeafAttrs(e: u64, h: u32): u32 {
  let a: u32 = Attr.Read;
  if ((e & X86_RW) != 0) a |= Attr.Write;
  if ((e & X86_NX) == 0) a |= Attr.Exec;
  if ((e & X86_US) != 0) a |= Attr.User;
  if ((e & X86_G) != 0) a |= Attr.Global;
  let pat: u64 = X86_PAT_4K;
  if (h > 0) pat = X86_PAT_LARGE;
  let idx: u64 = (e >> 3) & 3;
  if ((e & pat) != 0) idx |= 4;
  if (idx == 3) a |= Attr.Device;
  else if (idx == 2) a |= Attr.Uncached;
  else if (idx == 4) a |= Attr.WriteCombining;
  return a;
}

/**
 * Moves a leaf descriptor (address included) from the format of height `from` to that of
 * height `to`: only the PS bit and the PAT bit's position differ (bit 7 in a 4 KiB PTE,
 * bit 12 in a 2 MiB/1 GiB entry). The address must be aligned for the larger page.
 * @inline
 */
export function x86Relevel(e: u64, from: u32, to: u32): u64 {
  if (from == 0 && to > 0) {
    let pat: u64 = (e & X86_PAT_4K) << 5;     // bit 7 -> bit 12
    return e | X86_PS | pat;                   // bit 7 now means PS
  }
  if (from > 0 && to == 0) {
    let pat: u64 = (e & X86_PAT_LARGE) >> 5;  // bit 12 -> bit 7
    let clear: u64 = X86_PS | X86_PAT_LARGE;
    return (e & ~clear) | pat;
  }
  return e;
}
