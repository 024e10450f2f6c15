// Warned: a store into a local struct copy that is never read changes nothing else.
interface S extends Struct { f: u32; g: u32 }
let arr: Arr<S, 4>;
export function main(): i32 {
  let i: u32 = 1;
  const s = arr[i];
  s.f = 1;                       // changes only the copy
  let t: S = arr[2];
  t.g += 2;                      // the same
  let u: S = arr[3];
  u.f = 5;
  arr[3] = u;                    // read back: no warning
  return i32(arr[3].f);
}
