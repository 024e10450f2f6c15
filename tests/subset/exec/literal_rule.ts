// The literal rule (docs/language.md, "The type of a literal") on the examples that were
// typed by their position before it: every value here is what C (clang) computes for the
// same expression written with explicit widths, given in the comments.
let sink: u32 = 0;

export function main(): i32 {
  let bit: u32 = 40;
  let mask: u64 = (1 << bit) - 1;          // (1ULL << 40) - 1
  printHex(mask); print("\n");
  let n: u8 = 9;
  let x: u32 = 3;
  let a: u32 = (1 << n) + x;               // (1u << 9) + 3
  let b: u32 = x + (1 << n);               // the same, operands swapped
  printU(u64(a)); print(" "); printU(u64(b)); print("\n");
  let c: u32 = ~(1 << n);                  // ~(1u << 9)
  printHex(u64(c)); print("\n");
  let b8: u8 = 12;
  let f: u32 = 0x10000;
  let g: u32 = (1 << b8) | f;              // (1u << 12) | 0x10000
  printHex(u64(g)); print("\n");
  let x8: u8 = 29976 >> 7;                 // folded exactly: 234
  printU(u64(x8)); print(" "); printU(u64(u8(29976 >> 7))); print("\n");
  let a16: i16 = -3;
  let b32: i32 = 5;
  let d: bool = sink == 0;
  let s1: i32 = a16 + (d ? b32 : 0x40000000);   // i32 arithmetic: 2
  let s2: i32 = (d ? b32 : 0x40000000) + a16;
  let s3: i32 = a16 + (!d ? b32 : 0x40000000);  // 0x40000000 - 3
  printI(i64(s1)); print(" "); printI(i64(s2)); print(" "); printI(i64(s3)); print("\n");
  let s8: i8 = -128;
  let cnt: u16 = 3;
  s8 >>>= d ? cnt : 0x7fff;                // (i8)((u8)-128 >> 3) = 16
  let t8: i8 = -128;
  let t9: i8 = t8 >>> (d ? cnt : 0x7fff);
  printI(i64(s8)); print(" "); printI(i64(t9)); print("\n");
  let m: u64 = 0;
  m |= d ? 1 << bit : 0;                   // compound with a ?: of untyped arms: u64
  printHex(m); print("\n");
  let neg: u64 = -(1 << n);                // (u64)0 - (1ull << 9)
  printHex(neg); print("\n");
  // A typed constant count masks to the width the shift gets (i64: 81 & 63 = 17; u8: 81 & 7 = 1).
  const far: i64 = 0x51;
  let r64: i64 = 0x7FFF_FFFF_FFFF_FFFF >> far;
  let r8: u8 = 0xF0 >>> far;
  printHex(u64(r64)); print(" "); printHex(u64(r8)); print("\n");
  // A ?: is a constant only when both arms are: a constant condition choosing a constant
  // count beside a run-time one leaves a run-time shift (i16: 37 & 15 = 5), not an
  // out-of-range constant 1 << 37 (found by the differential fuzzer).
  let f0: i16 = 3;
  f0 = 1 << ((far != 1) ? i16(37) : f0);
  printI(i64(f0)); print("\n");
  return 0;
}
