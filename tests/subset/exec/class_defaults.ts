// Default parameters on class members: constructors (also inherited by a class without
// one, and left out of `super(...)`), instance methods (a default may use `this`, the
// object the call is on, and earlier parameters), static methods, members of generic
// classes and struct-valued defaults. Each default is evaluated at the call, after the
// arguments written.
interface Pair extends Struct { a: u32; b: u32 }

let calls: u32 = 0;
function tick(): u32 { calls++; return calls; }

class Base {
  v: u32 = 0;
  private secret: u32 = 100;
  constructor(a: u32, b: u32 = a + 1) { this.v = a * 10 + b; }
  add(x: u32, y: u32 = this.v): u32 { return x + y; }
  hidden(x: u32 = this.secret): u32 { return x; }
  twice(x: u32 = this.add(1)): u32 { return x * 2; }
  other(o: Ptr<Base>): u32 { return o.add(0); }          // `this` in add's default is o, not this
  countdown(n: u32, acc: u32 = n): u32 { return n == 0 ? acc : this.countdown(n - 1, acc + n); }
  static mk(a: u32 = 5, b: u64 = u64(a) * 2): u64 { return u64(a) + b; }
  static order(a: u32 = tick(), b: u32 = tick()): u32 { return a * 10 + b; }
  static sum(p: Pair = { a: 3, b: 4 }): u32 { return p.a + p.b; }
}

class Derived extends Base {
  w: u32 = 7;
  constructor(k: u32 = 3) { super(k); }                  // Base's b left to its default
}
class Plain extends Base {}                              // takes Base's arguments and defaults

class Cell<T> {
  x: T;
  constructor(x: T, y: T = x) { this.x = y; }
  get1(d: T = this.x): T { return d; }
  static zero(d: u32 = 9): u32 { return d; }
}
class Sub<T extends number> extends Cell<T> {
  constructor(x: T) { super(x); }
  plus(d: T = this.x): T { return (this.x + d) as T; }
}

export function main(): i32 {
  let b = new Base(1);
  let p: Ptr<Base> = addressOf(b);
  let d = new Derived();
  let e = new Plain(4, 2);
  let f = new Plain(4);
  println(`${b.v} ${b.add(1)} ${p.add(2, 3)} ${p.add(5)} ${b.hidden()} ${b.twice()} ${b.other(addressOf(e))}`);
  println(`${b.countdown(3)} ${Base.mk()} ${Base.mk(1)} ${Base.order()} ${Base.order(7)} ${Base.sum()}`);
  println(`${d.v} ${d.w} ${d.add(1)} ${e.v} ${f.v}`);
  let c = new Cell<u16>(9);
  let s = new Sub<u8>(20);
  println(`${c.x} ${c.get1()} ${c.get1(4)} ${Cell.zero()} ${s.plus()} ${s.plus(1)} ${s.get1()}`);
  return 0;
}
