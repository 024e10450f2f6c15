// Literals are exact (parsed from the source text, not through a double) and typed by
// context; module-level untyped constants fold with exact integer arithmetic.
const PAGE_SIZE = 4096;                     // untyped constant
const HHDM_BASE: u64 = 0xFFFF_8000_0000_0000;
const PAGE_MASK = ~(PAGE_SIZE - 1);         // folded: -4096
const BIG = 0x7FFF_FFFF_FFFF_FFFF;          // exceeds 2^53: must stay exact
const SUM = (1 << 40) + 3 * PAGE_SIZE - 1;  // exact folding with other constants
const NEGSHIFT = -PAGE_SIZE >> 4;            // -256
const K_I8 = 100 - 228;                     // -128: fits i8
const WIDE = 0x1_0000_0000 * 0x1_0000;      // 2^48, folded exactly

function h(v: u64): void { printHex(v); print("\n"); }

export function main(): i32 {
  let d: u64 = 0xFFFF_8000_0000_0000;
  h(d);
  h(HHDM_BASE + 0x1000);
  let nearMax: u64 = 18446744073709551615;  // decimal u64 max
  h(nearMax);
  let odd: u64 = 9007199254740993;          // 2^53 + 1: not representable as a double
  printU(odd); print("\n");
  let bin: u32 = 0b1010_0101;
  let oct: u32 = 0o777;
  h(u64(bin)); h(u64(oct));
  let bytes: u64 = 10 * 4096 + 5;
  let pages: u64 = bytes / PAGE_SIZE;       // PAGE_SIZE is a u64 here
  printU(pages); print("\n");
  let mask: i64 = PAGE_MASK;
  printI(mask); print("\n");
  h(u64(PAGE_MASK));                        // u64(PAGE_MASK) for unsigned
  let aligned: u64 = 0x1234_5678 & u64(PAGE_MASK);
  h(aligned);
  h(BIG);
  let sum: u64 = SUM;
  printU(sum); print("\n");
  let ns: i32 = NEGSHIFT;
  printI(i64(ns)); print("\n");
  let k: i8 = K_I8;
  printI(i64(k)); print("\n");
  h(WIDE);
  let m: i64 = -9223372036854775808;
  printI(m); print("\n");
  let small: i8 = -128;
  let big: i16 = 32767;
  printI(i64(small)); print(" "); printI(i64(big)); print("\n");
  let c: u8 = 0xFF;
  printU(u64(c)); print("\n");
  return 0;
}
