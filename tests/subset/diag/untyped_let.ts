// Rejected: a `let` whose type cannot be known: a module-level `let counter = 0`, or no
// initialiser. (A local `let x = 0` takes its type from its uses.)
let counter = 0;
export function main(): i32 {
  let x = 0;
  let y;
  let ok = u32(5);              // fine: the initialiser has a type
  return i32(ok);
}
