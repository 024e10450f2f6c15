// Rejected: union and intersection types (Ptr<T> | null is written Ptr<T>).
interface A extends Struct { a: u32 }
interface B extends Struct { b: u32 }
function f(x: u32 | u64): void { }
export function main(): i32 {
  let v: A & B;
  return 0;
}
