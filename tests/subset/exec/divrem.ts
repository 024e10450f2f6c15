// / and % are signed or unsigned by type, truncate toward zero, and MIN / -1 wraps to MIN
// with remainder 0 (no trap). Operands come through parameters so nothing is folded.
function s8(a: i8, b: i8): void { printI(i64(a / b)); print(" "); printI(i64(a % b)); print("\n"); }
function s16(a: i16, b: i16): void { printI(i64(a / b)); print(" "); printI(i64(a % b)); print("\n"); }
function s32(a: i32, b: i32): void { printI(i64(a / b)); print(" "); printI(i64(a % b)); print("\n"); }
function s64(a: i64, b: i64): void { printI(a / b); print(" "); printI(a % b); print("\n"); }
function v8(a: u8, b: u8): void { printU(u64(a / b)); print(" "); printU(u64(a % b)); print("\n"); }
function v16(a: u16, b: u16): void { printU(u64(a / b)); print(" "); printU(u64(a % b)); print("\n"); }
function v32(a: u32, b: u32): void { printU(u64(a / b)); print(" "); printU(u64(a % b)); print("\n"); }
function v64(a: u64, b: u64): void { printU(a / b); print(" "); printU(a % b); print("\n"); }

export function main(): i32 {
  s8(7, 2); s8(-7, 2); s8(7, -2); s8(-7, -2); s8(-128, -1); s8(-128, 1); s8(127, -128);
  s16(-32768, -1); s16(-32767, 10); s16(1000, -7);
  s32(-2147483648, -1); s32(-2147483648, 2); s32(2147483647, -3);
  s64(-9223372036854775808, -1); s64(-9223372036854775807, 1000); s64(9223372036854775807, -2);
  v8(255, 2); v8(200, 201); v8(0x80, 0x10);
  v16(65535, 256); v16(1, 65535);
  v32(0xFFFF_FFFF, 0x10000); v32(0x8000_0000, 3);
  v64(0xFFFF_FFFF_FFFF_FFFF, 10); v64(0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF); v64(0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000);
  // Division by a constant (strength-reduced by LLVM) must agree with the generic path.
  let n: i32 = -1000001;
  printI(i64(n / 7)); print(" "); printI(i64(n % 7)); print(" ");
  printI(i64(n / 8)); print(" "); printI(i64(n % 8)); print("\n");
  let m: u64 = 0xFEDC_BA98_7654_3210;
  printU(m / 1000); print(" "); printU(m % 1000); print(" "); printHex(m / 16); print(" "); printHex(m % 16); print("\n");
  let q: i64 = -9223372036854775808;
  q /= -1;
  printI(q); print("\n");
  let r: i8 = -128;
  r %= -1;
  printI(i64(r)); print("\n");
  return 0;
}
