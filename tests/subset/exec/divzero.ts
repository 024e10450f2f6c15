// @exit 101
// Division by zero panics with file:line (the divisor is only known at run time).
function div(a: u32, b: u32): u32 { return a / b; }
export function main(): i32 {
  printU(u64(div(10, 3))); print("\n");
  printU(u64(div(1, 0))); print("\n");
  return 0;
}
