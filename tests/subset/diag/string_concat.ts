// Rejected: run-time strings: `+` on strings, a template literal kept as a string, .length.
export function main(): i32 {
  const ab: cstr = "a" + "b";
  print("value");
  let n: u32 = 5;
  const t: cstr = `n = ${n}`;
  let s: cstr = "abc";
  let len: u32 = s.length;
  return 0;
}
