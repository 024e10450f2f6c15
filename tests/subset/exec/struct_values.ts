// Structs and arrays as parameters and results by value (docs/language.md, "Structs and
// arrays as values"): results through the caller's storage, parameters as copies the callee
// owns, literals typed by the result type, destructuring with renames, and nesting.
interface Region extends Struct { base: u64; size: u64 }
interface Pair extends Struct { lo: u32; hi: u32 }
interface Big extends Struct { tag: u8; r: Region; list: Arr<u16, 5> }

const regions: Arr<Region, 3> = [{ base: 0x1000, size: 0x2000 }, { base: 0x10000, size: 0x100 }, { base: 7, size: 9 }];

function region(i: usize): Region { return regions[i]; }
function make(base: u64, size: u64): Region { return { base, size }; }
function end(r: Region): u64 { return r.base + r.size; }
function grow(r: Region, by: u64): Region {
  r.size += by; // the callee's own copy: the caller's value stays as it was
  return r;
}
function swap(p: Pair): Pair { return { lo: p.hi, hi: p.lo }; }
function minmax(a: u32, b: u32): Arr<u32, 2> { return a < b ? [a, b] : [b, a]; }
function big(tag: u8): Big {
  const b: Big = { tag, r: make(u64(tag), 2), list: [1, 2, 3, 4, 5] };
  b.list[4] = u16(tag) * 100;
  return b;
}
function sumList(b: Big): u32 {
  let s: u32 = 0;
  for (let i: usize = 0; i < b.list.length; i++) s += b.list[i];
  return s;
}
function reversed(a: Arr<u16, 5>): Arr<u16, 5> {
  const out: Arr<u16, 5> = [a[4], a[3], a[2], a[1], a[0]];
  return out;
}
function fib(n: u32): Pair {
  if (n === 0) return { lo: 0, hi: 1 };
  const p = fib(n - 1);
  return { lo: p.hi, hi: p.lo + p.hi };
}

function line(name: cstr, v: u64): void { print(name); print("="); printU(v); print("\n"); }

export function main(): i32 {
  const r = region(1);
  line("region(1).base", r.base);
  line("end(region(0))", end(region(0)));
  line("end(make)", end(make(0x100, 0x20)));
  const g = grow(r, 5);
  line("r.size after grow", r.size);
  line("grow(r).size", g.size);
  const { base, size: sz } = region(2);
  line("base", base);
  line("sz", sz);
  let [lo, hi] = minmax(9, 4);
  line("lo", lo);
  line("hi", hi);
  lo = hi + 1;
  line("lo+", lo);
  const s = swap({ lo: 1, hi: 2 });
  line("swap.lo", s.lo);
  line("swap.hi", s.hi);
  const b = big(3);
  line("big.r.base", b.r.base);
  line("sumList", sumList(b));
  line("big(4).list[4]", big(4).list[4]);
  const rev = reversed(b.list);
  line("rev[0]", rev[0]);
  line("fib(40).lo", fib(40).lo);
  let acc: Pair = { lo: 0, hi: 0 };
  for (let i: u32 = 0; i < 3; i++) acc = swap({ lo: acc.hi + i, hi: acc.lo });
  line("acc.lo", acc.lo);
  line("acc.hi", acc.hi);
  const f: (p: Pair) => Pair = swap;
  line("fnptr", f(s).lo);
  return 0;
}
