// std memset/memcpy (toolchain/std/mem.ts) against byte-by-byte references: every
// destination offset 0..69, source offsets 0..8, lengths around the word, pair, fast-string
// and dc zva thresholds, zero and non-zero fills; bytes outside the range must not change.
// @opts O2
let A: Arr<u8, 9000>;
let B: Arr<u8, 9000>;
let R: Arr<u8, 9000>;
function fillRef(seed: u64): void {
  let x: u64 = seed;
  for (let i: u32 = 0; i < 9000; i++) { x = x * 6364136223846793005 + 1442695040888963407; A[i] = u8(x >> 56); B[i] = A[i]; R[i] = A[i]; }
}
function same(): bool { for (let i: u32 = 0; i < 9000; i++) { if (B[i] != R[i]) return false; } return true; }
export function main(): i32 {
  let lens: Arr<u64, 14> = [0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 255, 511, 4096, 8191];
  for (let off: u64 = 0; off < 70; off++) {
    for (let li: u32 = 0; li < 14; li++) {
      let n: u64 = lens[li];
      for (let v: u32 = 0; v < 2; v++) {
        fillRef(off * 131 + n);
        let val: u8 = v == 0 ? 0 : 0x5A;
        memset(addressOf(B[off]), val, n);
        for (let i: u64 = 0; i < n; i++) R[off + i] = val;
        if (!same()) { print("memset fail off "); printU(off); print(" n "); printU(n); println(""); return 1; }
      }
      for (let so: u64 = 0; so < 9; so++) {
        fillRef(off + so * 7 + n);
        memcpy(addressOf(B[off]), addressOf(A[so + 700]), n);
        for (let i: u64 = 0; i < n; i++) R[off + i] = A[so + 700 + i];
        if (!same()) { print("memcpy fail off "); printU(off); print(" so "); printU(so); print(" n "); printU(n); println(""); return 1; }
      }
    }
  }
  println("mem ok");
  return 0;
}
