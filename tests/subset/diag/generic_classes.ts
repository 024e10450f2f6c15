// Misuses of generic classes: type argument counts, a missing type argument on `new`, a
// constraint the type argument does not meet, an error inside one instance (named with
// its instantiation site), a static member naming the type parameter, a generic method (allowed),
// instances that never end, and instances of one class with different type arguments
// being different types.
interface HasId extends Struct { id: u32 }

class Ring<T> {
  buf: Arr<T, 8>;
  n: u32 = 0;
  static shared: T;
  push(x: T): void { this.buf[this.n] = x; this.n = (this.n + 1) % 8; }
  total(): T { return (this.buf[0] + this.buf[1]) as T; }
  each<U>(u: U): void {}
}
class Keyed<T extends HasId> { item: T; key(): u32 { return this.item.id; } }
class Plain { x: u32 = 0; }
class Grow<T> { next: Ptr<Grow<Ptr<T>>>; }

let a: Ring;
let b: Ring<u32, u8>;
let c: Plain<u32>;
let k: Keyed<u32>;
let g: Grow<u8>;

export function main(): i32 {
  let r = new Ring();
  let s = new Ring<bool>();
  s.total();
  let p: Ring<u16> = new Ring<u32>();
  return 0;
}
