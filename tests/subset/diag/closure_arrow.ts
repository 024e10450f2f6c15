// An arrow function is a function of its own, not a closure: using a local of the
// function around it is an error naming the variable.
export function main(): i32 {
  let k: u32 = 3;
  let add = (x: u32): u32 => x + k;
  return i32(add(1));
}
