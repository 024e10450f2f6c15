// An arrow function with an expression body and no written result type takes the type of
// the expression: module-level ones (inferred once every name is known, so a constant
// declared below works), local ones, a void call, a struct, a bool, a widened shift.
interface P extends Struct { x: u32; y: u32 }
const double = (x: u32) => x * FACTOR;
const FACTOR = 2;
const mk = (a: u32) => swapP({ x: a, y: a + 1 });
function swapP(p: P): P { return { x: p.y, y: p.x }; }
const isBig = (x: u64) => x > 100;
const say = (x: u32) => printU(x);
function apply(f: (x: u32) => u32, v: u32): u32 { return f(v); }

export function main(): i32 {
  const tri = (x: u32) => x * 3;
  const w = (b: u8) => u64(b) << 8;
  say(1); print("\n");                                                   // 1
  const p = mk(4);
  printU(double(5)); print(" "); printU(tri(2)); print(" "); printU(w(1)); print(" "); printU(p.x); print(" ");
  printU(isBig(200) ? 1 : 0); print(" "); printU(apply(tri, 7)); print("\n"); // 10 6 256 5 1 21
  return 0;
}
