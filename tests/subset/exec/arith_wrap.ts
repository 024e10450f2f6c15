// + - * and unary - wrap at the operand width (two's complement), at every width.
function show(name: cstr, v: i64): void { print(name); print("="); printI(v); print("\n"); }
function showU(name: cstr, v: u64): void { print(name); print("="); printU(v); print("\n"); }

// Operands arrive as parameters so that -O2 cannot fold the arithmetic away.
function u8ops(a: u8, b: u8): void {
  showU("u8 add", u64(a + b)); showU("u8 sub", u64(b - a)); showU("u8 mul", u64(a * b));
}
function u16ops(a: u16, b: u16): void {
  showU("u16 add", u64(a + b)); showU("u16 sub", u64(b - a)); showU("u16 mul", u64(a * b));
}
function u32ops(a: u32, b: u32): void {
  showU("u32 add", u64(a + b)); showU("u32 sub", u64(b - a)); showU("u32 mul", u64(a * b));
}
function u64ops(a: u64, b: u64): void {
  showU("u64 add", a + b); showU("u64 sub", b - a); showU("u64 mul", a * b);
}
function i8ops(a: i8, b: i8): void {
  show("i8 add", i64(a + b)); show("i8 sub", i64(b - a)); show("i8 mul", i64(a * b)); show("i8 neg", i64(-a));
}
function i16ops(a: i16, b: i16): void {
  show("i16 add", i64(a + b)); show("i16 sub", i64(b - a)); show("i16 mul", i64(a * b)); show("i16 neg", i64(-a));
}
function i32ops(a: i32, b: i32): void {
  show("i32 add", i64(a + b)); show("i32 sub", i64(b - a)); show("i32 mul", i64(a * b)); show("i32 neg", i64(-a));
}
function i64ops(a: i64, b: i64): void {
  show("i64 add", a + b); show("i64 sub", b - a); show("i64 mul", a * b); show("i64 neg", -a);
}

export function main(): i32 {
  let a: u8 = 250;
  let b: u8 = a + 10;          // the example from docs/language.md
  showU("doc", u64(b));
  u8ops(250, 7);
  u16ops(65000, 1000);
  u32ops(0xFFFF_FFF0, 0x20);
  u64ops(0xFFFF_FFFF_FFFF_FFFF, 2);
  i8ops(127, -128);
  i16ops(32767, -32768);
  i32ops(2147483647, -2147483648);
  i64ops(9223372036854775807, -9223372036854775808);
  // Compound assignment and ++/-- wrap too.
  let x: u16 = 65535; x++;
  showU("u16 inc", u64(x));
  let y: i32 = -2147483648; y--;
  show("i32 dec", i64(y));
  let z: u32 = 0x8000_0000; z *= 2;
  showU("u32 mulassign", u64(z));
  let w: i8 = 100; w += 100;
  show("i8 addassign", i64(w));
  return 0;
}
