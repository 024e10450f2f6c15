// Generic functions and structs: type arguments written or inferred (a literal takes the
// other argument's type; of u8 and u32 the wider), one instance per type, constraints
// (number, Struct, a struct interface), generic structs, and the std helpers min, max,
// alignUp, alignDown and swap at several integer types, signed ones included.
interface Pair<T> extends Struct { a: T; b: T }
interface Node<T> extends Struct { value: T; next: Ptr<Node<T>> }
interface HasId extends Struct { id: u32 }
interface Device extends Struct { id: u32; irq: u8 }
interface Wide extends Struct { x: u64; y: u64; z: u64 }

function first<T>(p: Ptr<Pair<T>>): T { return p.a; }
function sum3<T extends number>(a: T, b: T, c: T): T { return (a + b + c) as T; }
function idOf<T extends HasId>(p: Ptr<T>): u32 { return p.id; }
function clear<T extends Struct>(p: Ptr<T>): void { p[0] = zeroed<T>(); }
function total<T extends number>(n: Ptr<Node<T>>): T {
  let s = 0 as T;
  while (n != null) { s = (s + n.value) as T; n = n.next; }
  return s;
}
/** Calls another generic with its own type parameter. */
function clamp<T extends number>(x: T, lo: T, hi: T): T { return min(max(x, lo), hi); }
function fact<T extends number>(n: T): T { return n <= 1 ? 1 as T : (n * fact((n - 1) as T)) as T; }

export function main(): i32 {
  const a: u32 = 7;
  const b: u64 = 1000;
  const s: i16 = -300;
  const small: u8 = 200;
  printU(u64(min(a, 3))); print(" "); printU(max(b, 5)); print(" ");
  printI(i64(min(s, -1))); print(" "); printI(i64(max<i16>(s, -301))); print(" ");
  printU(max(small, a)); print("\n"); // u8 and u32: T is u32, so 200
  printU(u64(min<u8>(250, 251))); print(" "); printI(i64(sum3<i8>(100, 27, -128))); print("\n");
  printU(u64(alignUp(a, 8))); print(" "); printU(alignDown(b, 64)); print(" ");
  printI(i64(alignDown(s, 16))); print(" "); printI(i64(alignUp(s, 16))); print(" ");
  printU(alignUp(b, 4096)); print("\n");
  let p: Pair<u16> = { a: 5, b: 6 };
  let q: Pair<u64> = { a: 0xFFFF_FFFF_FFFF, b: 2 };
  swap(addressOf(p.a), addressOf(p.b));
  printU(u64(first(addressOf(p)))); print(" "); printU(first(addressOf(q))); print(" ");
  printU(sizeof<Pair<u16>>()); print(" "); printU(sizeof<Pair<u64>>()); print("\n");
  let w1: Wide = { x: 1, y: 2, z: 3 };
  let w2: Wide = { x: 4, y: 5, z: 6 };
  swap(addressOf(w1), addressOf(w2));
  printU(w1.x + w1.y * 10 + w1.z * 100); print(" "); printU(w2.z); print("\n");
  let n3: Node<u32> = { value: 3, next: null };
  let n2: Node<u32> = { value: 20, next: addressOf(n3) };
  let n1: Node<u32> = { value: 100, next: addressOf(n2) };
  printU(u64(total(addressOf(n1)))); print(" ");
  let d: Device = { id: 42, irq: 5 };
  printU(u64(idOf(addressOf(d)))); print(" ");
  let z: Device = d;
  clear(addressOf(z));
  printU(u64(z.id + u32(z.irq))); print(" ");
  printU(u64(clamp(a, 10, 20))); print(" "); printI(i64(clamp<i32>(-5, -3, 3))); print(" ");
  printU(fact(u64(20))); print("\n");
  return 0;
}
