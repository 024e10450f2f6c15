// Rejected: generics in user code. Write one function per type.
function id<T>(x: T): T { return x; }
interface Box<T> extends Struct { v: T }
export function main(): i32 {
  let a: u32 = id<u32>(5);
  return i32(a);
}
