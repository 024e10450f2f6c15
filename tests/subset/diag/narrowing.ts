// Rejected: implicit narrowing or sign change. Convert explicitly: u32(x), i64(x).
function take(x: u8): void { }
export function main(): i32 {
  let big: u64 = 1000;
  let small: u32 = big;
  let s: i32 = -1;
  let u: u32 = s;
  let b: u8 = 7;
  b = small;
  take(small);
  return s;
}
