// Rejected: truthiness. Conditions take bool: write `n != 0`.
export function main(): i32 {
  let n: u32 = 3;
  let p: Ptr<u8> = null;
  if (n) n = 0;
  while (n) n--;
  let b: bool = !n;
  let c: u32 = n ? 1 : 2;
  if (p) n = 1;
  if (n && b) n = 2;
  return 0;
}
