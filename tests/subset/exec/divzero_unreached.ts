// Division by a constant zero in a function that never runs compiles (with a warning) and
// does nothing; it would panic only when it runs (docs/language.md).
function neverCalled(x: u32): u32 {
  let k: u32 = 4 / 0;            // a constant expression that divides by zero is not folded
  return x / 0 + x % 0 + k;
}
function choose(run: bool, x: u32): u32 {
  if (run) return neverCalled(x);
  return x;
}
export function main(): i32 {
  printU(u64(choose(false, 7))); print("\n");
  return 0;
}
