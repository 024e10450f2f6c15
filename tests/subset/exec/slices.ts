// Slice<T>: made from an Arr (implicitly, where a Slice is expected), by slice(p, n) and by
// s.sub(start, end); s.length, s.ptr, bounds-checked s[i] (read, write, addressOf); passed
// to and returned from functions by value (two registers), generic over T, stored in struct
// fields; an Arr's own .ptr and .sub(). The last read is out of range and panics.
// @exit 101
interface Buf extends Struct { data: Slice<u8>; tag: u32 }
interface Pt extends Struct { x: i32; y: i32 }

function sum(s: Slice<u32>): u64 {
  let t: u64 = 0;
  for (let i: usize = 0; i < s.length; i++) t += u64(s[i]);
  return t;
}
function tail<T>(s: Slice<T>): Slice<T> { return s.sub(1, s.length); }
function fill<T>(s: Slice<T>, v: T): void { for (let i: usize = 0; i < s.length; i++) s[i] = v; }
function biggest<T extends number>(s: Slice<T>): T {
  let m: T = s[0];
  for (let i: usize = 1; i < s.length; i++) m = max(m, s[i]);
  return m;
}
/** Two slices in, one out: all by value. */
function longer(a: Slice<u8>, b: Slice<u8>): Slice<u8> {
  if (a.length >= b.length) return a;
  return b;
}

let global: Arr<u32, 3> = [7, 8, 9];

export function main(): i32 {
  let a: Arr<u32, 5> = [1, 2, 3, 4, 5];
  printU(sum(a)); print(" ");
  const s: Slice<u32> = a;
  printU(sum(tail(s))); print(" "); printU(sum(s.sub(1, 3))); print(" "); printU(sum(a.sub(2, 5))); print(" ");
  printU(sum(s.sub(5, 5))); print(" "); printU(s.length); print(" ");
  printU(u64(s.ptr[4])); print(" "); printU(u64(a.ptr[3])); print(" "); printU(u64(tail(tail(s))[0])); print("\n");
  s[0] = 100;
  const p: Ptr<u32> = addressOf(s[1]);
  p[0] = 200;
  printU(u64(a[0] + a[1])); print(" "); printU(sum(slice(p, 2))); print(" "); printU(sum(global)); print("\n");
  let bytes: Arr<u8, 8>;
  let b: Buf = { data: bytes, tag: 7 };
  fill(b.data, 9);
  let short: Arr<u8, 2> = [1, 2];
  printU(u64(bytes[7])); print(" "); printU(longer(short, b.data).length); print(" ");
  printU(u64(biggest(b.data))); print(" ");
  let pts: Arr<Pt, 2> = [{ x: -5, y: 1 }, { x: 3, y: -7 }];
  const ps: Slice<Pt> = pts;
  ps[1].x = 40;
  printI(i64(pts[1].x + ps[0].y)); print(" "); printU(sizeof<Slice<Pt>>()); print("\n");
  const k: usize = s.length;
  printU(u64(s[k]));
  print("not reached\n");
  return 0;
}
