// Generic classes by monomorphisation: one layout and one set of methods per list of type
// arguments (Ring<u32>, Ring<u16>, Ring<Pair>), constructors, accessors, statics shared by
// every instance, Ptr<Ring<u32>>, a struct as the type argument, constraints, an instance
// made inside a generic function and inside another instance, a generic base class, the
// type argument taken from the variable's declared type, and a constant global instance.
interface Pair extends Struct { a: u32; b: u64 }
interface HasId extends Struct { id: u32 }
interface Item extends Struct { id: u32; weight: u16 }

class Ring<T> {
  private buf: Arr<T, 8>;
  private head: u32 = 0;
  private count: u32 = 0;
  static made: u32 = 0;
  static readonly CAPACITY = 8;
  constructor() { Ring.made++; }
  push(x: T): bool {
    if (this.count == Ring.CAPACITY) return false;
    this.buf[(this.head + this.count) % Ring.CAPACITY] = x;
    this.count++;
    return true;
  }
  pop(): T {
    const x = this.buf[this.head];
    this.head = (this.head + 1) % Ring.CAPACITY;
    this.count--;
    return x;
  }
  get length(): u32 { return this.count; }
  static capacity(): u32 { return Ring.CAPACITY; }
}

class Stack<T extends number> {
  items: Arr<T, 4>;
  n: usize = 0;
  push(x: T): void { this.items[this.n++] = x; }
  sum(): T {
    let s = 0 as T;
    for (const x of this.items) s = (s + x) as T;
    return s;
  }
}

class Box<T> {
  value: T;
  constructor(v: T) { this.value = v; }
  get(): T { return this.value; }
  set(v: T): void { this.value = v; }
  copy(): Box<T> { return new Box<T>(this.value); }
  get inner(): T { return this.value; }
  set inner(v: T) { this.value = v; }
}

class Base<T> {
  first: T;
  constructor(x: T) { this.first = x; }
  head(): T { return this.first; }
}
class Derived<T> extends Base<T> {
  second: T;
  constructor(a: T, b: T) { super(a); this.second = b; }
  both(): Arr<T, 2> { return [this.first, this.second]; }
}

class Registry<T extends HasId> {
  items: Arr<T, 4>;
  n: u32 = 0;
  add(x: T): void { this.items[this.n] = x; this.n++; }
  find(id: u32): Ptr<T> {
    for (let i: u32 = 0; i < this.n; i++) if (this.items[i].id == id) return addressOf(this.items[i]);
    return null;
  }
}

class Outer<T> {
  a: Box<T> = new Box<T>(zeroed<T>());
  link: Ptr<Outer<T>> = null;
}

function wrap<T>(x: T): Box<T> { return new Box<T>(x); }
function fill(r: Ptr<Ring<u32>>, n: u32): void { for (let i: u32 = 0; i < n; i++) r.push(i * 10); }

let counts = new Stack<u16>();     // no constructor, constant initialisers: static data
let later: Ring<u16>;

export function main(): i32 {
  let r = new Ring<u32>();
  fill(addressOf(r), 5);
  printU(r.pop()); print(" "); printU(r.length); print("\n");                    // 0 4
  let q: Ring<Pair> = new Ring();                                               // T from the declared type
  q.push({ a: 1, b: 2 });
  q.push({ a: 3, b: 4 });
  const p = q.pop();
  printU(p.a + p.b); print(" "); printU(q.pop().b); print("\n");               // 3 4
  later = new Ring<u16>();
  later.push(7);
  counts.push(3); counts.push(4);
  printU(counts.sum()); print(" "); printU(later.pop()); print(" ");
  printU(Ring.made); print(" "); printU(Ring.capacity()); print("\n");          // 7 7 3 8
  let s = new Stack<u8>();
  s.push(200); s.push(100);
  printU(s.sum()); print(" "); printU(sizeof<Ring<u8>>()); print(" "); printU(sizeof<Ring<Pair>>()); print("\n"); // 44 16 136

  let b = new Box<u64>(5);
  let c = b.copy();
  c.set(9);
  printU(b.get()); print(" "); printU(c.get()); print(" "); printU(wrap<u8>(250).get()); print("\n"); // 5 9 250
  let pb: Ptr<Box<u64>> = addressOf(b);
  pb.set(11);
  printU(b.value); print("\n");                                                 // 11
  let d = new Derived<u16>(1, 2);
  const [x, y] = d.both();
  printU(d.head()); print(" "); printU(x + y); print("\n");                     // 1 3
  let reg = new Registry<Item>();
  reg.add({ id: 4, weight: 40 });
  reg.add({ id: 5, weight: 50 });
  printU(reg.find(5).weight); print(" "); printU(reg.find(6) == null ? 1 : 0); print("\n"); // 50 1
  let o = new Outer<u32>();
  let o2 = new Outer<u32>();
  o.link = addressOf(o2);
  o2.a.set(77);
  printU(o.link.a.get()); print("\n");                                          // 77
  return 0;
}
