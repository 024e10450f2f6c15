// Rejected: `number`. Use a machine type (u32, i64, ...).
function twice(n: number): number { return n * 2; }
export function main(): i32 {
  let x: number = 3;
  return 0;
}
