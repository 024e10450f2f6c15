// Rejected: function expressions. Use a named module-level function.
let f: (x: u32) => u32 = function (x: u32): u32 { return x + 1; };
export function main(): i32 {
  return i32(f(1));
}
