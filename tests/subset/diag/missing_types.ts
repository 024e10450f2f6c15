// Rejected: untyped parameters and value-returning functions without a return type.
function f(x): u32 { return 1; }
function g(x: u32) { return x; }
export function main(): i32 {
  return 0;
}
