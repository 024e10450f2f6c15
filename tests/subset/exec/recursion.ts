// Recursion, mutual recursion and deep-ish call chains.
export function fib(n: u32): u64 {
  if (n < 2) return u64(n);
  return fib(n - 1) + fib(n - 2);
}

function ack(m: u64, n: u64): u64 {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

function isEven(n: u32): bool { if (n == 0) return true; return isOdd(n - 1); }
function isOdd(n: u32): bool { if (n == 0) return false; return isEven(n - 1); }

function sumTo(n: u64): u64 { return n == 0 ? 0 : n + sumTo(n - 1); }

function gcd(a: u64, b: u64): u64 { return b == 0 ? a : gcd(b, a % b); }

export function main(): i32 {
  printU(fib(25)); print("\n");
  printU(ack(2, 3)); print(" "); printU(ack(3, 3)); print("\n");
  if (isEven(1000)) print("even"); else print("odd");
  print(" ");
  if (isOdd(777)) print("odd"); else print("even");
  print("\n");
  printU(sumTo(10000)); print("\n");
  printU(gcd(0xFFFF_FFFF_FFFF_FFFF, 0x5555_5555_5555_5555)); print("\n");
  return i32(fib(10)) - 55;
}
