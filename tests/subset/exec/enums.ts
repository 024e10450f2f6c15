// enum and const enum: u32-backed, members folded exactly (including references to other
// constants), widen to u32, integer -> enum needs `as`.
const BASE = 0x100;
export enum MemoryType { Usable = 1, Reserved, AcpiReclaimable, Mmio = BASE + 5, After }
export const enum Flag { Present = 1 << 0, Writable = 1 << 1, User = 1 << 2, Huge = 1 << 7, Nx = 0x8000_0000 }
enum Mixed { A = Flag.Writable | Flag.User, B = Mixed.A * 2, C }  // bare `A` is regress_enum_member_ref.ts

function name(t: MemoryType): cstr {
  switch (t) {
    case MemoryType.Usable: return "usable";
    case MemoryType.Reserved: return "reserved";
    case MemoryType.AcpiReclaimable: return "acpi";
    case MemoryType.Mmio: return "mmio";
    default: return "other";
  }
}

export function main(): i32 {
  let t: MemoryType = MemoryType.Reserved;
  let raw: u32 = t;                          // an enum widens to its u32 representation
  let back: MemoryType = (raw + 1) as MemoryType;
  printU(u64(raw)); print(" "); print(name(back)); print("\n");
  let m: u32 = MemoryType.Mmio;
  let a: u32 = MemoryType.After;
  printHex(u64(m)); print(" "); printHex(u64(a)); print("\n");
  let flags: u32 = Flag.Present | Flag.Writable | Flag.Nx;
  printHex(u64(flags)); print("\n");
  if ((flags & Flag.Writable) != 0) print("writable\n");
  if ((flags & Flag.User) == 0) print("kernel\n");
  let mx: u32 = Mixed.C;
  printU(u64(Mixed.A)); print(" "); printU(u64(Mixed.B)); print(" "); printU(u64(mx)); print("\n");
  for (let i: u32 = 1; i <= 6; i++) { print(name(i as MemoryType)); print(" "); }
  print("\n");
  let cmp: bool = MemoryType.Usable < MemoryType.Reserved;
  if (cmp) print("ordered\n");
  return 0;
}
