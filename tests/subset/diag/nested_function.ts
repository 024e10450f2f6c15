// A nested function or arrow function is a function of its own, not a closure: using a
// local or parameter of the function around it is an error naming the variable.
export function main(): i32 {
  let count: u32 = 0;
  const STEP = 2;               // an untyped constant is fine: it is no variable
  function inc(x: u32): u32 { return x + count + STEP; }
  const add = (x: u32): u32 => x + count;
  const bad = (x) => x;
  const noResult = (x: u32) => 1; // a literal alone has no type to infer the result from
  return i32(inc(2) + add(1));
}
function outer(n: u32): u32 {
  function inner(): u32 { return n; }
  return inner();
}
