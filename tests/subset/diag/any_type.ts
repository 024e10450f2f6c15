// Rejected: `any`. Use a machine type.
function f(x: any): u32 { return 0; }
export function main(): i32 {
  let y: any = 1;
  return i32(f(y));
}
