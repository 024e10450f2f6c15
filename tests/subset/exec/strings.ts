// String literals: cstr = UTF-8 bytes + NUL, wstr = UTF-16 code units + NUL, in .rodata.
const GREETING: cstr = "héllo";             // é is 2 bytes in UTF-8
const WIDE: wstr = "Aé€😀";                 // 😀 is a surrogate pair in UTF-16

function units(s: wstr): void {
  let p: Ptr<u16> = cast<u16>(s);
  let i: u32 = 0;
  while (p[i] != 0) { printHexW(u64(p[i]), 4); print(" "); i++; }
  printU(u64(i)); print("\n");
}

function bytes(s: cstr): void {
  let p: Ptr<u8> = cast<u8>(s);
  for (let i: u32 = 0; p[i] != 0; i++) { printHexW(u64(p[i]), 2); print(" "); }
  print("\n");
}

export function main(): i32 {
  print("hello, world\n");
  println("tab\there \"quoted\" back\\slash");
  print(GREETING); print("\n");
  printU(strlen(GREETING)); print(" "); printU(strlen("")); print("\n");
  bytes(GREETING);
  units(WIDE);
  units("x");
  let raw: Ptr<u8> = cast<u8>("raw bytes");
  printChar(raw[0]); printChar(raw[4]); printChar(10);
  if (addr("a") != 0) print("in memory\n");
  return 0;
}
