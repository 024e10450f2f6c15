// memset/memcpy/memmove/memcmp at many sizes and alignments, checked against byte loops.
// Prints one summary line per function; any failure prints the case first.
let a: Arr<u8, 512>;
let b: Arr<u8, 512>;
let ref: Arr<u8, 512>;

function pattern(p: Ptr<u8>, n: u32, seed: u32): void {
  let x: u32 = seed * 2654435761 + 1;
  for (let i: u32 = 0; i < n; i++) { x = x * 1103515245 + 12345; p[i] = u8(x >> 16); }
}

function same(p: Ptr<u8>, q: Ptr<u8>, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) if (p[i] != q[i]) return false;
  return true;
}

function fail(what: cstr, size: u32, off: u32, off2: u32): void {
  print("FAIL "); print(what); print(" size="); printU(u64(size)); print(" off="); printU(u64(off)); print(" off2="); printU(u64(off2)); print("\n");
}

const SIZES: Arr<u32, 20> = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 200];

export function main(): i32 {
  let pa: Ptr<u8> = addressOf(a[0]);
  let pb: Ptr<u8> = addressOf(b[0]);
  let pr: Ptr<u8> = addressOf(ref[0]);
  let ok: u32 = 0;
  // memset
  for (let si: u32 = 0; si < SIZES.length; si++) {
    for (let off: u32 = 0; off < 8; off++) {
      let n: u32 = SIZES[si];
      pattern(pa, 512, si + off); pattern(pr, 512, si + off);
      memset(ptrAdd(pa, off), 0xA5, n);
      for (let i: u32 = 0; i < n; i++) pr[off + i] = 0xA5;
      if (same(pa, pr, 512)) ok++; else fail("memset", n, off, 0);
    }
  }
  print("memset "); printU(u64(ok)); print("\n");
  // memcpy (disjoint), every source/destination misalignment
  ok = 0;
  for (let si: u32 = 0; si < SIZES.length; si++) {
    for (let off: u32 = 0; off < 8; off++) {
      for (let off2: u32 = 0; off2 < 8; off2 += 3) {
        let n: u32 = SIZES[si];
        pattern(pa, 512, si); pattern(pr, 512, si); pattern(pb, 512, 99 + off);
        memcpy(ptrAdd(pa, off), ptrAdd(pb, off2), n);
        for (let i: u32 = 0; i < n; i++) pr[off + i] = pb[off2 + i];
        if (same(pa, pr, 512)) ok++; else fail("memcpy", n, off, off2);
      }
    }
  }
  print("memcpy "); printU(u64(ok)); print("\n");
  // memmove, overlapping in both directions
  ok = 0;
  for (let si: u32 = 0; si < SIZES.length; si++) {
    for (let d: u32 = 0; d < 12; d++) {
      let n: u32 = SIZES[si];
      // forward overlap: dst = src + d
      pattern(pa, 512, si * 7 + d); pattern(pr, 512, si * 7 + d);
      memmove(ptrAdd(pa, 100 + d), ptrAdd(pa, 100), n);
      for (let i: u32 = n; i > 0; i--) pr[100 + d + i - 1] = pr[100 + i - 1];
      if (same(pa, pr, 512)) ok++; else fail("memmove fwd", n, d, 0);
      // backward overlap: dst = src - d
      pattern(pa, 512, si * 5 + d); pattern(pr, 512, si * 5 + d);
      memmove(ptrAdd(pa, 100), ptrAdd(pa, 100 + d), n);
      for (let i: u32 = 0; i < n; i++) pr[100 + i] = pr[100 + d + i];
      if (same(pa, pr, 512)) ok++; else fail("memmove back", n, d, 0);
    }
  }
  print("memmove "); printU(u64(ok)); print("\n");
  // memcmp: equal, first/last byte differs, signedness of the byte comparison
  ok = 0;
  for (let si: u32 = 0; si < SIZES.length; si++) {
    for (let off: u32 = 0; off < 8; off++) {
      let n: u32 = SIZES[si];
      pattern(pa, 512, si); pattern(pb, 512, si);
      let eq: bool = memcmp(ptrAdd(pa, off), ptrAdd(pb, off), n) == 0;
      let lessOk: bool = true;
      let moreOk: bool = true;
      if (n > 0) {
        pa[off + n - 1] = 0x01; pb[off + n - 1] = 0xF0;      // 0x01 < 0xF0 as unsigned bytes
        lessOk = memcmp(ptrAdd(pa, off), ptrAdd(pb, off), n) < 0;
        moreOk = memcmp(ptrAdd(pb, off), ptrAdd(pa, off), n) > 0;
      }
      if (eq && lessOk && moreOk) ok++; else fail("memcmp", n, off, 0);
    }
  }
  print("memcmp "); printU(u64(ok)); print("\n");
  return 0;
}
