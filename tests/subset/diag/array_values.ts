// Rejected: arrays as objects: [] values, T[] types, .push, for...in (for...of over an Arr
// is fine).
export function main(): i32 {
  let xs: u32[] = [1, 2, 3];
  let fixed: Arr<u32, 4>;
  fixed.push(5);
  let sum: u32 = 0;
  for (const v of fixed) sum += v;
  for (const k in fixed) sum += 1;
  return i32(sum);
}
