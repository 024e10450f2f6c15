// An Arr's element has a size: `Arr<void, N>` and `Arr<never, N>` are refused wherever they
// are written (a field, a global, a local, a parameter), with the byte array to use instead.
interface S extends Struct { a: Arr<void, 4>; n: u32 }
let g: Arr<void, 2>;
function f(p: Ptr<Arr<never, 8>>): void {}
export function main(): i32 {
  let x: Arr<void, 3>;
  return 0;
}
