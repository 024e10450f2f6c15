// Function pointers: a function's name as a value, function types in annotations, in
// struct fields and arrays, Efiapi<F> pointers called from the linux target and @efiapi
// definitions (win64 on x86_64: arguments in rcx/rdx/r8/r9 and the stack).
type BinOp = (a: u64, b: u64) => u64;
type EfiAdd = Efiapi<(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64) => u64>;
interface Ops extends Struct { name: cstr; op: BinOp }

function add(a: u64, b: u64): u64 { return a + b; }
function mul(a: u64, b: u64): u64 { return a * b; }
function twice(f: (x: u64) => u64, x: u64): u64 { return f(f(x)); }
function inc(x: u64): u64 { return x + 1; }

/** @efiapi */
function efiSum(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64): u64 {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

let table: Arr<BinOp, 2> = [add, mul];
let ops: Ops = { name: "mul", op: mul };
let maybe: BinOp = null;

function apply(p: Ptr<Ops>, a: u64, b: u64): u64 { return p.op(a, b); }

export function main(): i32 {
  let f: BinOp = add;
  printU(f(2, 3)); print(" ");
  f = mul;
  printU(f(2, 3)); print(" ");
  printU(table[0](10, 20)); print(" "); printU(table[1](10, 20)); print("\n");
  printU(twice(inc, 40)); print("\n");
  print(ops.name); print(" "); printU(apply(addressOf(ops), 6, 7)); print("\n");
  let e: EfiAdd = efiSum;
  printU(e(1, 2, 3, 4, 5, 6)); print("\n");
  if (maybe == null) print("null fn\n");
  maybe = add;
  if (maybe != null) { printU(maybe(1, 1)); print("\n"); }
  return 0;
}
