// load/store/loadVolatile/storeVolatile at integer addresses (here: addresses of globals).
let buf: Arr<u64, 4>;
let mmio: Arr<u32, 4>;

export function main(): i32 {
  let base: u64 = addr(addressOf(buf[0]));
  store<u64>(base, 0x0102_0304_0506_0708);
  store<u32>(base + 8, 0xCAFE_BABE);
  store<u16>(base + 12, 0xBEEF);
  store<u8>(base + 14, 0x7F);
  printHex(load<u64>(base)); print("\n");
  printHex(u64(load<u32>(base + 8))); print(" "); printHex(u64(load<u16>(base + 12))); print(" "); printHex(u64(load<u8>(base + 14))); print("\n");
  printHex(u64(load<u8>(base + 1))); print(" "); printHex(u64(load<u16>(base + 6))); print("\n");
  printI(i64(load<i8>(base + 8))); print(" "); printI(i64(load<i16>(base + 8))); print("\n");
  printHex(buf[1]); print("\n");

  // Volatile accesses: every one happens (a "device register" that counts writes).
  let reg: u64 = addr(addressOf(mmio[0]));
  for (let i: u32 = 0; i < 5; i++) storeVolatile<u32>(reg, loadVolatile<u32>(reg) + 1);
  storeVolatile<u32>(reg + 4, 0x20);
  let spins: u32 = 0;
  while ((loadVolatile<u32>(reg + 4) & 0x20) != 0) {
    spins++;
    if (spins == 3) storeVolatile<u32>(reg + 4, 0);
  }
  printU(u64(mmio[0])); print(" "); printU(u64(spins)); print("\n");
  return 0;
}
