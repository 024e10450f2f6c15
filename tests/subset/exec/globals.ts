// Module-level storage: Arr globals and zero lets in .bss, initialised lets in .data,
// const arrays/structs in .rodata, scalar consts folded; a.length is N.
interface Range extends Struct { base: u64; pages: u32; kind: u8 }

let table: Arr<u32, 256>;                     // .bss
let counter: u64 = 1;                         // .data
let zero: u32 = 0;                            // .bss
let neg: i16 = -300;                          // .data
const K: Arr<u32, 4> = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5]; // .rodata
const RANGES: Arr<Range, 2> = [
  { base: 0x10_0000, pages: 16, kind: 1 },
  { base: 0xFFFF_8000_0000_0000, pages: 1, kind: 7 },
];
const DEFAULT_RANGE: Range = { base: 0x1000, pages: 2, kind: 3 };
let current: Range = { base: 0x2000, pages: 4, kind: 0 };  // .data struct
let bigs: Arr<u64, 3> = [1, 0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000];
let i8s: Arr<i8, 4> = [-1, -128, 127, 0];

function bump(): u64 { counter *= 3; return counter; }

export function main(): i32 {
  let s: u64 = 0;
  for (let i: u32 = 0; i < 256; i++) s += u64(table[i]);   // all zero
  for (let i: u32 = 0; i < 256; i++) table[i] = i ^ 0x55;
  printU(s); print(" "); printU(u64(table[255])); print(" "); printU(u64(table.length)); print("\n");
  bump(); bump();
  printU(counter); print(" "); printU(u64(zero)); print(" "); printI(i64(neg)); print("\n");
  let x: u32 = 0;
  for (let i: u32 = 0; i < K.length; i++) x ^= K[i];
  printHex(u64(x)); print("\n");
  printHex(RANGES[1].base); print(" "); printU(u64(RANGES[0].pages)); print(" "); printU(u64(RANGES[1].kind)); print("\n");
  printHex(DEFAULT_RANGE.base); print(" "); printU(u64(DEFAULT_RANGE.kind)); print("\n");
  current.pages += 1;
  current = DEFAULT_RANGE;                  // struct copy from .rodata
  current.kind = 9;
  printHex(current.base); print(" "); printU(u64(current.kind)); print(" "); printU(u64(DEFAULT_RANGE.kind)); print("\n");
  printHex(bigs[1]); print(" "); printHex(bigs[2]); print("\n");
  printI(i64(i8s[0])); print(" "); printI(i64(i8s[1])); print(" "); printI(i64(i8s[2])); print("\n");
  return 0;
}
