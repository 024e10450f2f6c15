// @exit 101
// panic(msg) prints `panic at file:line: msg` and exits with status 101 on linux.
function deep(n: u32): u32 {
  if (n == 0) panic("reached the bottom");
  return deep(n - 1) + 1;
}
export function main(): i32 {
  print("before\n");
  let r: u32 = deep(3);
  print("not reached\n");
  return i32(r);
}
