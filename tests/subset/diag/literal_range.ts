// Rejected: a literal that does not fit its type.
export function main(): i32 {
  let a: u8 = 256;
  let b: i8 = -129;
  let c: u64 = -1;
  let d: u16 = 0x1_0000;
  let e: i64 = 9223372036854775808;
  let f: u64 = 0x1_0000_0000_0000_0000;
  let g: u8 = 200;
  g = g + 300;
  return 0;
}
