// Default parameters on class members follow the rules of functions' (a default of the
// parameter's type, over earlier parameters; every parameter after one with a default
// needs one; no `x?: T` without a default), and a call passes at least every parameter
// without one. A constructor's default cannot use `this` (the object is not built yet), a
// static method's has no `this`, and a setter's parameter has no default.
class A {
  v: u32 = 0;
  constructor(a: u32, b: u32 = this.v) { this.v = a + b; }
  m(x: u32 = 1, y: u32): u32 { return x + y; }
  n(x: u32 = y, y: u32 = 2): u32 { return x + y; }
  k(x?: u32): u32 { return 0; }
  static s(x: u32 = this.v): u32 { return x; }
  set val(x: u32 = 3) { this.v = x; }
  t(a: u8 = 300): u8 { return a; }
}
class B extends A {
  constructor() { super(); }
}
class G<T> {
  f(x: T = 300): T { return x; }
  g(a: u32, b: u32 = 1): u32 { return a + b; }
}
export function main(): i32 {
  let a = new A();
  let g = new G<u8>();
  g.f();
  g.g();
  A.s(1, 2);
  return 0;
}
