// Rejected: arrow functions / closures. Use a named module-level function.
export function main(): i32 {
  let k: u32 = 3;
  let add = (x: u32): u32 => x + k;
  return i32(add(1));
}
