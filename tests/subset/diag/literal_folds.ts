// Literal folds need a constant index in range; a run-time string has no length; an Arr
// length must be a literal or `typeof` a named constant.
let g: u32 = 4;
let a: Arr<u8, typeof g>;
export function main(): i32 {
  let i: u32 = 1;
  const s: cstr = "abc";
  const x: u8 = "abc".charCodeAt(3);
  const y: u8 = "abc".charCodeAt(i);
  const n: usize = s.length;
  return 0;
}
