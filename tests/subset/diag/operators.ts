// Rejected: typeof, instanceof, delete, in, void.
interface S extends Struct { a: u32 }
let s: S;
export function main(): i32 {
  let t: u32 = 1;
  if (typeof t == "number") t = 2;
  if (s instanceof Object) t = 3;
  delete s.a;
  if ("a" in s) t = 4;
  void t;
  return i32(t);
}
