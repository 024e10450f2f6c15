// Rejected: optional and default parameters. Pass every argument.
function f(a: u32, b?: u32): u32 { return a; }
function g(a: u32, b: u32 = 7): u32 { return a + b; }
export function main(): i32 {
  return i32(f(1) + g(2));
}
