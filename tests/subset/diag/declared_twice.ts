// Rejected: one name declared twice in one scope (tsc reports these only in its full type
// check, so the compiler does).
let a: u32 = 1;
let a: u32 = 2;
enum E { X }
enum E { Y }
type T = u32;
type T = u8;
let T: u32 = 0;                     // a value and a type may share a name, as in tsc
function f(x: u32, x: u32): void {}
function g(x: u32): void { let x: u32 = 1; }
export function main(): i32 {
  let b: u32 = 1;
  let b: u32 = 2;
  { let b: u32 = 3; }               // an inner block may shadow
  for (let i: u32 = 0; i < 1; i++) { let i: u32 = 5; }
  return 0;
}
