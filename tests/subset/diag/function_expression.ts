// A function expression is a function of its own: it cannot use the locals of the
// function around it (no closures).
export function main(): i32 {
  let k: u32 = 3;
  let f: (x: u32) => u32 = function (x: u32): u32 { return x + k; };
  return i32(f(1));
}
