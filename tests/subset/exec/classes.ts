// Classes: C layout, field initialisers, constructors, construction in place (local,
// field, element through a Ptr, global), methods on values and through pointers, static
// members, accessors, readonly/private fields and `implements`.
interface Shape { area(): u32; readonly kind: u32 }

class Counter {
  private n: u32 = 0;
  readonly step: u32;
  constructor(step: u32) { this.step = step; }
  bump(): u32 { this.n += this.step; return this.n; }
  get value(): u32 { return this.n; }
  set value(v: u32) { this.n = v; }
}

class Rect implements Shape {
  w: u32 = 1;
  h: u32 = 1;
  kind: u32 = 7;
  static made: u32 = 0;
  static readonly SIDES = 4;
  constructor(w: u32, h: u32) { this.w = w; this.h = h; Rect.made++; }
  area(): u32 { return this.w * this.h; }
  scale(k: u32): void { this.w *= k; this.h *= k; }
  static square(p: Ptr<Rect>, s: u32): void { p.w = s; p.h = s; }
  perimeter(): u32 { return 2 * (this.w + this.h); }
}

/** @packed */
class Header { tag: u8 = 0xAB; len: u32 = 3; flags: u16 = 0; }

class Pair { a: u8 = 1; b: u64 = 2; }

class Holder {
  r: Rect = new Rect(2, 5);
  c: Counter = new Counter(3);
  total(): u32 { return this.r.area() + this.c.bump(); }
}

// Classes and `interface X extends Struct` are both struct types, each usable in the other.
interface Pt extends Struct { x: u32; y: u32 }
class Sprite {
  pos: Pt = { x: 3, y: 4 };
  next: Ptr<Sprite> = null;
  manhattan(): u32 { return this.pos.x + this.pos.y; }
}
interface Scene extends Struct { count: u32; hero: Sprite }

let global = new Pair();          // a constant construction: static data
let later: Counter;               // zero until assigned

function useShape(p: Ptr<Rect>): u32 { return p.area() + p.perimeter(); }

function addressTwice(p: Ptr<Counter>): u32 { p.bump(); return p.bump(); }

export function main(): i32 {
  let c = new Counter(2);
  c.bump();
  c.bump();
  printU(c.value); print(" "); printU(c.step); print("\n");          // 4 2
  c.value = 10;
  printU(c.bump()); print("\n");                                      // 12
  let pc: Ptr<Counter> = addressOf(c);
  printU(addressTwice(pc)); print(" "); printU(pc.value); print("\n"); // 16 16

  let r = new Rect(3, 4);
  printU(r.area()); print(" "); printU(useShape(addressOf(r))); print("\n"); // 12 26
  r.scale(2);
  printU(r.area()); print(" "); printU(r.kind); print("\n");           // 48 7
  Rect.square(addressOf(r), 5);
  printU(r.perimeter()); print(" "); printU(Rect.SIDES); print(" "); printU(Rect.made); print("\n"); // 20 4 1

  let rs: Arr<Rect, 3>;
  let p: Ptr<Rect> = addressOf(rs[1]);
  p[0] = new Rect(6, 7);                                              // in place through a pointer
  printU(rs[1].area()); print(" "); printU(rs[0].area()); print(" "); printU(Rect.made); print("\n"); // 42 0 2

  // 7 16 8: Header is packed, Pair has C layout
  printU(sizeof<Header>()); print(" "); printU(sizeof<Pair>()); print(" "); printU(offsetof<Pair>("b")); print("\n");
  let h = new Header();
  printHex(u64(h.tag)); print(" "); printU(h.len); print("\n");       // 0xab 3

  let hold = new Holder();
  printU(hold.total()); print(" "); printU(hold.total()); print("\n"); // 13 16
  printU(global.a); print(" "); printU(global.b); print("\n");        // 1 2
  printU(later.step); print(" ");                                     // 0
  later = new Counter(5);
  later.bump();
  printU(later.value); print("\n");                                   // 5
  let copy = r;                                                       // a copy, as for any struct
  copy.w = 100;
  printU(r.w); print(" "); printU(copy.area()); print("\n");           // 5 500
  let sc: Scene = zeroed<Scene>();
  sc.hero = new Sprite();
  let ps: Ptr<Scene> = addressOf(sc);
  printU(ps.hero.manhattan()); print(" ");                            // 7
  ps.hero.pos.x = 10;
  printU(sc.hero.manhattan()); print(" "); printU(offsetof<Scene>("hero")); print("\n"); // 14 8
  return 0;
}
