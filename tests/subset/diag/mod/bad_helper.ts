// Imported by imported_error.ts; holds the error.
export function helper(x: u32): u32 {
  let y: number = x;
  return x;
}
