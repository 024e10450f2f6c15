// Rejected: run-time strings: `+` on strings, template literals, .length.
export function main(): i32 {
  print("a" + "b");
  print("value");
  let n: u32 = 5;
  print(`n = ${n}`);
  let s: cstr = "abc";
  let len: u32 = s.length;
  return 0;
}
