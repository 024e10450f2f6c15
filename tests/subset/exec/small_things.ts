// Character literals and literal lengths fold to constants, and a named constant can be
// an Arr length (docs/language.md, "Strings" and "Arrays and globals").
const N = 6;
let buf: Arr<u8, typeof N>;

function isDigit(c: u8): bool { return c >= "0".charCodeAt(0) && c <= "9".charCodeAt(0); }

export function main(): i32 {
  const A: u8 = "A".charCodeAt(0);
  printU(u64(A)); print("\n");                      // 65
  printU(u64("xyz".charCodeAt(2))); print("\n");    // 122
  printU("hello".length); print("\n");              // 5
  const n: u32 = "héllo".length;                    // 6: UTF-8 bytes
  printU(u64(n)); print("\n");
  printU(buf.length); print("\n");                  // 6
  for (let i: usize = 0; i < buf.length; i++) buf[i] = "a".charCodeAt(0) + u8(i);
  printChar(buf[5]); print("\n");                   // f
  printU(isDigit(55) ? 1 : 0); printU(isDigit(65) ? 1 : 0); print("\n");
  const w: u16 = "é".charCodeAt(0);                 // a UTF-16 code unit, as in JavaScript
  printU(u64(w)); print("\n");
  return 0;
}
