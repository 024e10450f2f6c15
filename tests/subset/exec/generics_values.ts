// Generics meet the other features: a template literal in a generic body is formatted per
// instance (u8, i16 and bool print differently), struct and Slice results by value (sret),
// destructuring an instance's result, default parameters of a generic, `let i = 0` typed
// from its uses in an instance, `??` on a T pointer, and an arrow function in a generic
// body that does not use T.
interface Pair<T> extends Struct { a: T; b: T }

function show<T>(x: T): void { println(`value ${x}`); }
function pair<T extends number>(a: T, b: T): Pair<T> { return { a, b }; }
function scaled<T extends number>(x: T, k: u32 = 3): u64 { return u64(x) * u64(k); }
function evens<T>(s: Slice<T>): Slice<T> { return s.sub(0, s.length & ~usize(1)); }
function count<T>(s: Slice<T>): usize {
  let n = 0;
  for (const x of s) n++;
  return n;
}
function orElse<T>(p: Ptr<T>, q: Ptr<T>): Ptr<T> { return p ?? q; }
function twice<T extends number>(x: T): u32 {
  const f = (v: u32): u32 => v * 2;
  return f(u32(x));
}

let bytes: Arr<u8, 5> = [1, 2, 3, 4, 5];
let words: Arr<u64, 3> = [7, 8, 9];

export function main(): i32 {
  show(u8(200));
  show(i16(-5));
  show(true);
  const { a, b } = pair(u16(3), 4);
  const lo = pair(i8(-1), 1).a;
  const { a: hi } = pair(u64(1) << 40, 0);
  println(`${a} ${b} ${lo} ${hi}`);
  println(`${scaled(u8(7))} ${scaled(i32(5), 10)}`);
  const e = evens(bytes);
  println(`${e.length} ${e[3]} ${count(words)} ${count(evens(words))}`);
  let x: u32 = 1;
  let y: u32 = 2;
  println(`${orElse(null, addressOf(y))[0]} ${orElse(addressOf(x), addressOf(y))[0]}`);
  println(`${twice(u8(21))} ${twice(i64(4))}`);
  return 0;
}
