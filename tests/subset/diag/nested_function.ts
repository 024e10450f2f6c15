// Rejected: a function declared inside a function is a closure. Move it to module level.
export function main(): i32 {
  function inner(x: u32): u32 { return x * 2; }
  return i32(inner(2));
}
