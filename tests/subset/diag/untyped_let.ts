// Rejected: a `let` whose type cannot be known: `let x = 0`. Write `let x: u32 = 0`.
let counter = 0;
export function main(): i32 {
  let x = 0;
  let y;
  let ok = u32(5);              // fine: the initialiser has a type
  return i32(ok);
}
