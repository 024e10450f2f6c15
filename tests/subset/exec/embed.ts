// embed("file") gives a file's bytes as read-only data, embedSize("file") their count as a
// constant (docs/language.md, "Embedded files"); the path is relative to this file.
const BLOB: Ptr<u8> = embed("data/blob.bin");
const N = embedSize("data/blob.bin");
let copy: Arr<u8, typeof N>;

export function main(): i32 {
  printU(N); print("\n");
  for (let i: usize = 0; i < 6; i++) printChar(BLOB[i]);
  print("\n");
  let sum: u32 = 0;
  const same = embed("data/blob.bin");        // the same bytes, stored once
  for (let i: usize = 0; i < N; i++) { sum += same[i]; copy[i] = BLOB[i]; }
  printU(u64(sum)); print(" "); printU(u64(copy[N - 1])); print("\n");
  printU(addr(same) === addr(BLOB) ? 1 : 0); print("\n");
  return 0;
}
