// @exit 101
// Signed remainder by zero panics too (and MIN % -1 before it does not).
function rem(a: i64, b: i64): i64 { return a % b; }
export function main(): i32 {
  printI(rem(-9223372036854775808, -1)); print("\n");
  printI(rem(7, 0)); print("\n");
  return 0;
}
