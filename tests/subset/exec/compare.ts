// < <= > >= are signed or unsigned by type; == and === are the same operator.
function b(v: bool): void { if (v) print("1"); else print("0"); }
function s8(x: i8, y: i8): void { b(x < y); b(x <= y); b(x > y); b(x >= y); b(x == y); b(x !== y); print("\n"); }
function u8c(x: u8, y: u8): void { b(x < y); b(x <= y); b(x > y); b(x >= y); b(x === y); b(x != y); print("\n"); }
function s32(x: i32, y: i32): void { b(x < y); b(x <= y); b(x > y); b(x >= y); b(x == y); b(x != y); print("\n"); }
function u32c(x: u32, y: u32): void { b(x < y); b(x <= y); b(x > y); b(x >= y); b(x == y); b(x != y); print("\n"); }
function s64(x: i64, y: i64): void { b(x < y); b(x <= y); b(x > y); b(x >= y); b(x == y); b(x != y); print("\n"); }
function u64c(x: u64, y: u64): void { b(x < y); b(x <= y); b(x > y); b(x >= y); b(x == y); b(x != y); print("\n"); }
function s16(x: i16, y: i16): void { b(x < y); b(x <= y); b(x > y); b(x >= y); b(x == y); b(x != y); print("\n"); }
function u16c(x: u16, y: u16): void { b(x < y); b(x <= y); b(x > y); b(x >= y); b(x == y); b(x != y); print("\n"); }

export function main(): i32 {
  s8(-1, 1); u8c(0xFF, 1);            // the same bits compare differently by signedness
  s8(-128, 127); u8c(0x80, 0x7F);
  s16(-32768, 0); u16c(0x8000, 0);
  s32(-1, 0); u32c(0xFFFF_FFFF, 0);
  s64(-9223372036854775808, 9223372036854775807); u64c(0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF);
  s64(5, 5); u64c(5, 5);
  // Implicit lossless widening in a comparison: u8 -> i16, u32 -> i64.
  let small: u8 = 200;
  let neg: i16 = -1;
  b(small > neg); b(u32(3000000000) > i64(-5)); print("\n");
  return 0;
}
