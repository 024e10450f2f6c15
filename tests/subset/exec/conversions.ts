// u8() ... i64(): narrowing truncates; widening sign-extends from a signed source and
// zero-extends from an unsigned one; bool(x) is x != 0. Implicit widening is lossless only.
function h(v: u64): void { printHex(v); print("\n"); }
function fromU64(x: u64): void {
  h(u64(u8(x))); h(u64(u16(x))); h(u64(u32(x)));
  h(u64(i8(x))); h(u64(i16(x))); h(u64(i32(x))); h(u64(i64(x)));
  printI(i64(i8(x))); print(" "); printI(i64(i16(x))); print(" "); printI(i64(i32(x))); print("\n");
}
function fromI8(x: i8): void {
  h(u64(x)); h(u64(u8(x))); h(u64(u16(x))); h(u64(u32(x))); printI(i64(x)); print("\n");
}
function fromU8(x: u8): void {
  let wide: i16 = x;        // implicit: u8 -> i16 is lossless
  let w64: u64 = x;         // implicit: u8 -> u64
  h(u64(wide)); h(w64); printI(i64(i8(x))); print("\n");
}
function bools(x: u32): void {
  if (bool(x)) print("T"); else print("F");
  if (bool(u8(x))) print("T"); else print("F");
  print("\n");
}

export function main(): i32 {
  fromU64(0x1234_5678_9ABC_DEF0);
  fromU64(0xFFFF_FFFF_FFFF_FF80);
  fromI8(-1);
  fromI8(-128);
  fromU8(0xFF);
  bools(0);
  bools(0x100);               // nonzero, but its low byte is zero
  let s: i8 = i8(0xFF);       // from docs/language.md: -1
  let w: u64 = u64(s);        // sign-extends
  h(w);
  let y: u32 = 0x8000_0000;
  let z: i64 = y;             // u32 -> i64 is lossless, implicit
  printI(z - 1); print("\n");
  let usz: usize = 0xFFFF_FFFF_FFFF_FFFF;
  let as64: u64 = usz;        // usize and u64 interchange freely
  let isz: isize = -5;
  let asi: i64 = isz;
  h(as64); printI(asi); print("\n");
  printI(isize(usz)); print(" "); printU(usize(i8(-1))); print("\n");
  return 0;
}
