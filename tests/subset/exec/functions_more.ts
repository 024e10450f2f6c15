// Default parameters (evaluated by the caller, over earlier parameters) and the comma
// operator in for updates (docs/language.md, "Functions and calls").
interface Box extends Struct { w: u32; h: u32 }

let calls: u32 = 0;
function next(): u32 { calls++; return calls * 100; }
function area(w: u32, h: u32 = w, scale: u32 = 1): u32 { return w * h * scale; }
function tagged(id: u32, tag: u32 = next()): u32 { return id + tag; }
function boxArea(b: Box = { w: 2, h: 3 }, extra: u64 = u64(b.w)): u64 { return u64(b.w * b.h) + extra; }
function depth(n: u32, acc: u32 = 0): u32 { return n === 0 ? acc : depth(n - 1, acc + 2); }

function line(label: cstr, v: u64): void { print(label); print("="); printU(v); print("\n"); }

export function main(): i32 {
  line("area(3)", u64(area(3)));
  line("area(3, 4)", u64(area(3, 4)));
  line("area(3, 4, 10)", u64(area(3, 4, 10)));
  line("tagged(1)", u64(tagged(1)));
  line("tagged(1)", u64(tagged(1)));
  line("tagged(1, 5)", u64(tagged(1, 5)));
  line("calls", u64(calls));
  line("boxArea()", boxArea());
  line("boxArea({4, 5})", boxArea({ w: 4, h: 5 }));
  line("depth(5)", u64(depth(5)));
  let lo: u32 = 0;
  let hi: u32 = 10;
  let steps: u32 = 0;
  for (; lo < hi; lo++, hi--, steps += 1) {}
  line("lo", u64(lo));
  line("steps", u64(steps));
  return 0;
}
