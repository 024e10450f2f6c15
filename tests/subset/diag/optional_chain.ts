// Rejected: `?.` where it cannot mean a null test, and optional chains used as places.
interface P extends Struct { x: u32; inner: Q; next: Ptr<P> }
interface Q extends Struct { y: u32 }
let s: P;
function f(): u32 { return 1; }
export function main(): i32 {
  let q: Ptr<P> = addressOf(s);
  q?.x = 3;                       // tsc rejects this too
  q?.next.x++;
  let a: Ptr<u32> = addressOf(q?.x);
  let v: u32 = s?.x;              // a struct value is never null
  let w: Q = q?.inner;            // no storage to copy when it short-circuits
  let r: u32 = f?.();
  return i32(v + w.y + r + a[0]);
}
