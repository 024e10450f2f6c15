// Misuses of generic methods: a type argument that cannot be inferred, a constraint not
// met, an error inside one instance (named with its instantiation site), a wrong count of
// type arguments or arguments, a generic method named as a value, type arguments on a
// function that is not generic and on a function pointer, type parameters on a
// constructor or an accessor, generic @efiapi methods and protocol methods (the
// firmware's functions have one signature), and a generic method for an interface's.
class A {
  v: u32 = 0;
  id<T>(x: T): T { return x; }
  num<T extends number>(x: T): T { return x; }
  inc<T>(x: T): T { return (x + 1) as T; }
  static two<T, U>(a: T, b: U): T { return a; }
  constructor<T>() {}
  get g<T>(): u32 { return 0; }
  /** @efiapi */
  static entry<T>(x: T): u64 { return 0; }
}
class G<T> {
  m<U>(x: U): T { return x; }
}
interface Proto extends Struct {
  Query: EfiMethod<<T>(self: Ptr<Proto>, x: T) => u64>;
}
function plain(x: u32): u32 { return x; }
export function main(): i32 {
  let a = new A();
  a.id(1);
  a.num<bool>(true);
  a.inc<bool>(true);
  A.two<u8>(1, 2);
  const f = A.two;
  a.v = plain<u8>(1);
  let g = new G<u8>();
  g.m<u16>(3);
  let fp: (x: u32) => u32 = plain;
  fp<u32>(1);
  a.num(u8(1), 2);
  return 0;
}
// `implements` compares fixed signatures: a generic method does not implement one.
interface Sized { size(): u32 }
class Impl implements Sized { size<T>(): u32 { return 4; } }
