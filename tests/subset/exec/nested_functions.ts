// Nested function declarations and arrow functions without captures (docs/language.md,
// "Nested functions and arrow functions"): each is a function of its own; as a value, a
// function pointer.
interface Pair extends Struct { a: u32; b: u32 }

const double = (x: u32): u32 => x * 2;
let sink: (c: u8) => void = (c) => { printChar(c); };

function apply(f: (x: u32) => u32, x: u32): u32 { return f(x); }
function fold(xs: Arr<u32, 4>, f: (acc: u32, x: u32) => u32, init: u32): u32 {
  let acc = init;
  for (let i: usize = 0; i < xs.length; i++) acc = f(acc, xs[i]);
  return acc;
}

function outer(n: u32): u32 {
  const LIMIT = 5; // an untyped constant: usable inside, it is no variable
  function clamp(x: u32): u32 { return x > LIMIT ? LIMIT : x; }
  function twice(x: u32): u32 {
    function inner(y: u32): u32 { return y + 1; }
    return inner(x) + inner(x);
  }
  return clamp(n) + twice(n) + hoisted(n);
  function hoisted(x: u32): u32 { return x * 100; } // declarations are hoisted, as in JavaScript
}

function line(label: cstr, v: u64): void { print(label); print("="); printU(v); print("\n"); }

export function main(): i32 {
  line("double(21)", u64(double(21)));
  line("apply arrow", u64(apply((x: u32): u32 => x + 7, 1)));
  line("apply untyped params", u64(apply((x) => x * x, 9)));
  const xs: Arr<u32, 4> = [1, 2, 3, 4];
  line("sum", u64(fold(xs, (acc, x) => acc + x, 0)));
  line("max", u64(fold(xs, (acc, x) => { return x > acc ? x : acc; }, 0)));
  line("outer(9)", u64(outer(9)));
  const swap = (p: Pair): Pair => ({ a: p.b, b: p.a });
  line("swap.a", u64(swap({ a: 1, b: 2 }).a));
  sink = (c: u8): void => { printChar(c); printChar(c); };
  sink(65); print("\n");
  return 0;
}
