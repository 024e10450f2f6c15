// Rejected: literals with no type to take (docs/language.md, "The type of a literal"), and
// constant expressions that have no exact value.
export function main(): i32 {
  let n: u32 = 9;
  let c: bool = n > 3;
  let a: u64 = u64(1 << n);     // a conversion is not a context: write u64(1) << n
  if ((1 << n) == 0) return 1;  // no operand has a type
  let m: u32 = u32(c ? 1 : 2);  // a conversion is not a context: nothing says which type
  let x: i32 = i32(-8 >>> 1);   // >>> of a negative constant depends on the width
  let y: u64 = (1 << 64) - 1;   // leaves the 64-bit range: write ~u64(0)
  let z: u32 = 1 << -1;         // a negative constant count
  let w: u64 = 0 - 1;           // a negative constant into an unsigned type
  return i32(a) + i32(m) + x + i32(y) + i32(z) + i32(w);
}
