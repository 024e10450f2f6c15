// && and || short-circuit (the right side's side effects happen only when needed), ! on
// bool; every compound assignment operator; prefix and postfix ++/-- values.
let calls: u32 = 0;

function t(tag: u8): bool { calls++; printChar(tag); return true; }
function f(tag: u8): bool { calls++; printChar(tag); return false; }

export function main(): i32 {
  if (f(65) && t(66)) print("!"); print("\n");        // A
  if (t(67) || f(68)) print("+"); print("\n");        // C+
  if (t(69) && f(70) || t(71)) print("+"); print("\n"); // EFG+
  if (!(f(72) || f(73)) && t(74)) print("+"); print("\n"); // HIJ+
  let b: bool = f(75) || (t(76) && !f(77));
  if (b) print("+"); print("\n");                      // KLM+
  let c: bool = t(78) ? f(79) : t(80);
  if (!c) print("-"); print("\n");                     // NO-
  printU(u64(calls)); print("\n");

  let x: u32 = 100;
  x += 5; printU(u64(x)); print(" ");
  x -= 10; printU(u64(x)); print(" ");
  x *= 3; printU(u64(x)); print(" ");
  x /= 7; printU(u64(x)); print(" ");
  x %= 11; printU(u64(x)); print(" ");
  x |= 0x100; printU(u64(x)); print(" ");
  x &= 0x1F0; printU(u64(x)); print(" ");
  x ^= 0xFF; printU(u64(x)); print(" ");
  x <<= 4; printU(u64(x)); print(" ");
  x >>= 2; printU(u64(x)); print(" ");
  x >>>= 1; printU(u64(x)); print("\n");

  let i: i32 = 5;
  let a: i32 = i++;     // 5, i = 6
  let b2: i32 = ++i;    // 7
  let c2: i32 = i--;    // 7, i = 6
  let d: i32 = --i;     // 5
  printI(i64(a)); print(" "); printI(i64(b2)); print(" "); printI(i64(c2)); print(" "); printI(i64(d)); print(" "); printI(i64(i)); print("\n");

  // ++ in a loop condition and on a global.
  let n: u32 = 0;
  while (n++ < 3) { calls += 10; }
  printU(u64(n)); print(" "); printU(u64(calls)); print("\n");
  return 0;
}
