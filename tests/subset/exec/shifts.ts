// << and >> mask the count to the width; >> is arithmetic on signed and logical on unsigned;
// >>> is always logical. Counts come through parameters so LLVM cannot fold them.
function h(v: u64): void { printHex(v); print(" "); }
function u8s(x: u8, n: u8): void { h(u64(x << n)); h(u64(x >> n)); h(u64(x >>> n)); print("\n"); }
function i8s(x: i8, n: i8): void { h(u64(u8(x << n))); h(u64(u8(x >> n))); h(u64(u8(x >>> n))); print("\n"); }
function u16s(x: u16, n: u16): void { h(u64(x << n)); h(u64(x >> n)); h(u64(x >>> n)); print("\n"); }
function i16s(x: i16, n: i16): void { h(u64(u16(x << n))); h(u64(u16(x >> n))); h(u64(u16(x >>> n))); print("\n"); }
function u32s(x: u32, n: u32): void { h(u64(x << n)); h(u64(x >> n)); h(u64(x >>> n)); print("\n"); }
function i32s(x: i32, n: i32): void { h(u64(u32(x << n))); h(u64(u32(x >> n))); h(u64(u32(x >>> n))); print("\n"); }
function u64s(x: u64, n: u64): void { h(x << n); h(x >> n); h(x >>> n); print("\n"); }
function i64s(x: i64, n: i64): void { h(u64(x << n)); h(u64(x >> n)); h(u64(x >>> n)); print("\n"); }

export function main(): i32 {
  u8s(0x81, 1); u8s(0x81, 9); u8s(0x81, 8);
  i8s(-127, 1); i8s(-127, 9); i8s(-128, 7); i8s(-128, -1);
  u16s(0x8001, 17); i16s(-2, 15); i16s(-2, 16);
  u32s(0x8000_0001, 33); u32s(0x8000_0001, 31); i32s(-16, 2); i32s(-16, 34);
  u64s(0x8000_0000_0000_0001, 65); u64s(0x8000_0000_0000_0001, 64); u64s(0x8000_0000_0000_0001, 63);
  i64s(-256, 4); i64s(-256, 68); i64s(-9223372036854775808, 63);
  // Literal counts and compound forms.
  let a: u64 = 1;
  a <<= 65;
  let s: i32 = -1024;
  s >>= 3;
  let t: i32 = -1024;
  t >>>= 28;
  h(a); h(u64(u32(s))); h(u64(t)); print("\n");
  return 0;
}
