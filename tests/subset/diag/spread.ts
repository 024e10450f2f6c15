// Rejected: spread and rest parameters.
function sum(...xs: u32[]): u32 { return 0; }
let arr: Arr<u32, 3>;
export function main(): i32 {
  let n: u32 = sum(...arr);
  return i32(n);
}
