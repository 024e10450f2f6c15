// Rejected: mixing signed and unsigned operands that do not widen losslessly.
export function main(): i32 {
  let a: i32 = -1;
  let b: u32 = 1;
  if (a < b) return 1;
  let c: i32 = a + b;
  let d: i64 = 5;
  let e: u64 = 5;
  if (d == e) return 2;
  return 0;
}
