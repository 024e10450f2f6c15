// std printing at the extremes: printU/printI/printHex/printHexW/printChar/println.
export function main(): i32 {
  printU(0); print(" "); printU(1); print(" "); printU(18446744073709551615); print("\n");
  printI(0); print(" "); printI(-1); print(" "); printI(-9223372036854775808); print(" "); printI(9223372036854775807); print("\n");
  printHex(0); print(" "); printHex(0xA); print(" "); printHex(0xFFFF_FFFF_FFFF_FFFF); print(" "); printHex(0x8000_0000_0000_0000); print("\n");
  printHexW(0, 1); print(" "); printHexW(0xAB, 4); print(" "); printHexW(0xFFFF_FFFF_FFFF_FFFF, 16); print(" "); printHexW(0x1234_5678, 2); print("\n");
  printU(10); print(" "); printU(99); print(" "); printU(100); print(" "); printU(1000000007); print("\n");
  printI(-10); print(" "); printI(i64(i32(-2147483648))); print("\n");
  printChar(65); printChar(0x7E); printChar(10);
  println("line");
  println("");
  print("end\n");
  return 0;
}
