// @opts O2
// Regression (found by memfuncs.ts): at -O2 LLVM rewrites `memcmp(a, b, n) == 0` into a
// call to `bcmp`, which the std library does not define, so the link failed with
// "ld.lld-16: error: undefined symbol: bcmp". The std library must provide bcmp (or the
// compiler must stop LLVM from emitting it).
let x: Arr<u8, 64>;
let y: Arr<u8, 64>;
let n: u64 = 40;

function same(a: Ptr<u8>, b: Ptr<u8>, len: u64): bool {
  return memcmp(a, b, len) == 0;
}

export function main(): i32 {
  y[3] = 1;
  if (same(addressOf(x[0]), addressOf(y[0]), n)) print("equal\n"); else print("different\n");
  if (same(addressOf(x[4]), addressOf(y[4]), n)) print("equal\n"); else print("different\n");
  return 0;
}
