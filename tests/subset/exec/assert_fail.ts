// @exit 101
// assert(cond, msg) passes silently when cond holds and panics with file:line otherwise.
export function main(): i32 {
  let x: u32 = 3;
  assert(x == 3, "x is three");
  assert(x > 1);
  print("asserts passed\n");
  assert(x == 4, "x should be four");
  print("not reached\n");
  return 0;
}
