// Generic methods: instance and static, in plain, derived and generic classes; type
// arguments written or inferred (also from a function passed for `(x: T) => U`); one
// instance per (class instance, type arguments); structs by value; a default that uses
// `this`; `super.m<U>()`; a generic method calling another and itself.
interface Pair extends Struct { a: u32; b: u64 }

class Box {
  v: u32 = 5;
  constructor(v: u32) { this.v = v; }
  widen<U extends number>(): U { return this.v as U; }
  add<U extends number>(x: U, k: u32 = this.v): u64 { return u64(x) + u64(k); }
  twice<U extends number>(x: U): u64 { return this.add(x) + this.add<U>(x, 0); }
  sum<U extends number>(x: U, n: u32): u64 { return n == 0 ? 0 : u64(x) + this.sum(x, n - 1); }
  static pick<T>(a: T, b: T, first: bool): T { return first ? a : b; }
  static big<T extends number>(x: T): T { return max(x, 10 as T); }
}
class Crate extends Box {
  constructor() { super(40); }
  add<U extends number>(x: U, k: u32 = 1): u64 { return super.add<U>(x, k) * 2; }
}

class Ring<T> {
  items: Arr<T, 4>;
  n: u32 = 0;
  push(x: T): void { this.items[this.n % 4] = x; this.n++; }
  map<U extends number>(f: (x: T) => U): U {
    let s = 0 as U;
    for (let i: u32 = 0; i < this.n; i++) s = (s + f(this.items[i])) as U;
    return s;
  }
  fold<U>(init: U, f: (acc: U, x: T) => U): U {
    let acc = init;
    for (let i: u32 = 0; i < this.n; i++) acc = f(acc, this.items[i]);
    return acc;
  }
  firstOf<U>(other: Ptr<Ring<U>>): U { return other.items[0]; }
  static wrap<U>(x: U): U { return x; }
}

function dbl(x: u8): u32 { return u32(x) * 2; }
function dbl16(x: u16): u32 { return u32(x) + 1; }
function addPair(acc: Pair, x: u8): Pair { return { a: acc.a + u32(x), b: acc.b * 2 }; }
function sum64(acc: u64, x: u16): u64 { return acc + u64(x); }

export function main(): i32 {
  let b = new Box(7);
  let c = new Crate();
  let pb: Ptr<Box> = addressOf(c);
  println(`${b.widen<u64>()} ${b.add(u8(3))} ${b.add<u64>(100, 1)} ${b.twice(u16(2))} ${b.sum(u8(3), 4)}`);
  println(`${c.add(u8(2))} ${pb.add(u8(2))} ${c.twice(u8(1))}`);
  const p = Box.pick<Pair>({ a: 1, b: 2 }, { a: 3, b: 4 }, false);
  println(`${p.a} ${p.b} ${Box.pick(u8(9), u8(4), true)} ${Box.big(u8(3))} ${Box.big(i64(-3))} ${Box.big<u32>(77)}`);
  let r = new Ring<u8>();
  r.push(3); r.push(4);
  let r2 = new Ring<u16>();
  r2.push(600); r2.push(7);
  let pr: Ptr<Ring<u8>> = addressOf(r);
  const q = pr.fold<Pair>({ a: 1, b: 1 }, addPair);
  println(`${r.map(dbl)} ${r2.map(dbl16)} ${q.a} ${q.b} ${r2.fold(u64(1), sum64)} ${r.firstOf(addressOf(r2))}`);
  println(`${r2.firstOf<u8>(pr)} ${Ring.wrap<i8>(-3)} ${Ring.wrap(u64(0xFFFF_FFFF_FFFF))}`);
  return 0;
}
