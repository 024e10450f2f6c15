// Unknown identifiers, unknown fields and calls with the wrong number of arguments.
interface S extends Struct { a: u32 }
let s: S;
function two(a: u32, b: u32): u32 { return a + b; }
export function main(): i32 {
  let x: u32 = nothing + 1;
  let y: u32 = s.b;
  let z: u32 = two(1);
  return 0;
}
