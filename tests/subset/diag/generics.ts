// Misuses of generics: constraints, inference, type argument counts, a generic function
// as a value, an error inside one instance (named with its instantiation site), a constant
// alignment that is not a power of two, constraints the subset does not understand, an
// error in an instance made by another instance, instances that never end, and an arrow
// function in a generic body naming the type parameter.
interface Box<T extends number> extends Struct { v: T }
interface Plain extends Struct { v: u32 }
function inc<T>(x: T): T { return x + 1; }
function pick<T extends { v: u32 }>(x: T): T { return x; }
function dflt<T = u32>(x: T): T { return x; }
function wrap<T>(x: T): T { return inc(x); }
function grow<T>(x: Ptr<T>, n: u32): u32 { return n == 0 ? 0 : grow(addressOf(x), n - 1); }
interface Chain<T> extends Struct { v: T; next: Ptr<Chain<Ptr<T>>> }
let table: Arr<u32, 2>;
export function main(): i32 {
  const yes: bool = true;
  const u: u32 = 1;
  const v: i32 = 2;
  min(yes, yes);
  min(1, 2);
  min(u, v);
  inc(u);
  inc(yes);
  inc<u32, u8>(u);
  const f = max;
  let b: Box<bool>;
  let c: Box<u8, u8>;
  let d: Plain<u8>;
  alignUp(u, 12);
  alignDown(u64(8), 0);
  wrap(addressOf(table[0]));
  grow(addressOf(u), 2);
  let chain: Chain<u8>;
  return 0;
}
function viaArrow<T extends number>(x: T): T {
  const id = (v: T): T => v;
  return id(x);
}
export function arrowUser(): u32 { return viaArrow(u32(1)); }
