// memset, memcpy, memmove, memcmp and strlen. LLVM emits calls to the first four, so they
// carry their C symbol names and @nobuiltins (a loop here must never become a call to
// itself). General registers only (the UEFI and ELF targets have no SSE/FP at all):
// - x86_64: `rep stosb` / `rep movsb` from 32 bytes on (fast strings; with ERMS/FSRM as fast
//   as the widest vector loop), 8-byte stores below;
// - aarch64: 64 bytes per iteration in register pairs (`stp`/`ldp`), and `dc zva` for large
//   zero fills when DCZID_EL0 allows it (Normal memory only, which is all memset is for).

const SMALL = 32;

/** aarch64: the `dc zva` block in bytes, 0 when prohibited (DCZID_EL0.DZP), 1 before the
 *  first look. */
let zvaBlock: u64 = 1;

/** Stores `word` (the fill byte repeated) into [dst + i, dst + n): a short fill or a tail.
 * @nobuiltins
 * @hot
 */
function fillWords(dst: Ptr<u8>, i: usize, n: usize, word: u64, value: u8): void {
  while (i + 8 <= n) {
    store<u64>(addr(dst) + i, word);
    i += 8;
  }
  while (i < n) { dst[i] = value; i++; }
}

/** aarch64: zeroes whole `dc zva` blocks of [dst + i, dst + n) (i 8-byte aligned) and
 *  returns where it stopped.
 * @nobuiltins
 * @hot
 */
function zeroBlocks(dst: Ptr<u8>, i: usize, n: usize): usize {
  if (zvaBlock == 1) {
    const id: u64 = mrs("DCZID_EL0");
    zvaBlock = (id & 16) != 0 ? 0 : u64(4) << (id & 15);
  }
  const z: u64 = zvaBlock;
  if (z == 0 || z > 2048 || n - i < 2 * z) return i;
  // Words up to the first block boundary, then whole blocks.
  while (((addr(dst) + i) & (z - 1)) != 0) {
    store<u64>(addr(dst) + i, 0);
    i += 8;
  }
  while (i + z <= n) {
    asm("dc zva, $0", "r,~{memory}", addr(dst) + i);
    i += z;
  }
  return i;
}

/**
 * @symbol memset
 * @nobuiltins
 * @hot
 */
export function memset(d: Ptr<void>, value: u8, n: usize): Ptr<void> {
  const dst: Ptr<u8> = cast<u8>(d);
  if (target.x86_64 && n >= SMALL) {
    asm("mov $0, %rdi\n\tmov $1, %al\n\tmov $2, %rcx\n\trep stosb", "r,r,r,~{rdi},~{rax},~{rcx},~{memory}", dst, value, n);
    return d;
  }
  const word: u64 = u64(value) * 0x0101_0101_0101_0101;
  let i: usize = 0;
  if (target.aarch64 && n < SMALL) {
    // Unaligned word stores fault where SCTLR.A is set: bytes for short fills.
    while (i < n) { dst[i] = value; i++; }
    return d;
  }
  if (n >= SMALL) {
    while (((addr(dst) + i) & 7) != 0) { dst[i] = value; i++; }
    if (target.aarch64) {
      if (value == 0 && n - i >= 256) i = zeroBlocks(dst, i, n);
    }
    while (i + 64 <= n) {
      const w: Ptr<u64> = cast<u64>(ptrAdd(dst, i64(i)));
      w[0] = word; w[1] = word; w[2] = word; w[3] = word;
      w[4] = word; w[5] = word; w[6] = word; w[7] = word;
      i += 64;
    }
  }
  fillWords(dst, i, n, word, value);
  return d;
}

/**
 * @symbol memcpy
 * @nobuiltins
 * @hot
 */
export function memcpy(d: Ptr<void>, s_: Ptr<void>, n: usize): Ptr<void> {
  const dst: Ptr<u8> = cast<u8>(d);
  const src: Ptr<u8> = cast<u8>(s_);
  if (target.x86_64 && n >= SMALL) {
    asm("mov $0, %rdi\n\tmov $1, %rsi\n\tmov $2, %rcx\n\trep movsb", "r,r,r,~{rdi},~{rsi},~{rcx},~{memory}", dst, src, n);
    return d;
  }
  let i: usize = 0;
  if (n >= SMALL && ((addr(dst) ^ addr(src)) & 7) == 0) {
    while (((addr(dst) + i) & 7) != 0) { dst[i] = src[i]; i++; }
    while (i + 64 <= n) {
      const d: Ptr<u64> = cast<u64>(ptrAdd(dst, i64(i)));
      const s: Ptr<u64> = cast<u64>(ptrAdd(src, i64(i)));
      const a: u64 = s[0], b: u64 = s[1], c: u64 = s[2], e: u64 = s[3];
      const f: u64 = s[4], g: u64 = s[5], h: u64 = s[6], k: u64 = s[7];
      d[0] = a; d[1] = b; d[2] = c; d[3] = e; d[4] = f; d[5] = g; d[6] = h; d[7] = k;
      i += 64;
    }
    while (i + 8 <= n) {
      store<u64>(addr(dst) + i, load<u64>(addr(src) + i));
      i += 8;
    }
  }
  while (i < n) { dst[i] = src[i]; i++; }
  return d;
}

/**
 * @symbol memmove
 * @nobuiltins
 * @hot
 */
export function memmove(d: Ptr<void>, s_: Ptr<void>, n: usize): Ptr<void> {
  const dst: Ptr<u8> = cast<u8>(d);
  const src: Ptr<u8> = cast<u8>(s_);
  if (addr(dst) <= addr(src) || addr(dst) >= addr(src) + n) return memcpy(dst, src, n);
  // Overlapping with dst above src: copy backwards.
  let i: usize = n;
  if (((addr(dst) ^ addr(src)) & 7) == 0) {
    while (i > 0 && ((addr(dst) + i) & 7) != 0) { i--; dst[i] = src[i]; }
    while (i >= 8) {
      i -= 8;
      const d: Ptr<u64> = cast<u64>(ptrAdd(dst, i64(i)));
      d[0] = cast<u64>(ptrAdd(src, i64(i)))[0];
    }
  }
  while (i > 0) { i--; dst[i] = src[i]; }
  return d;
}

/**
 * @symbol memcmp
 * @nobuiltins
 */
export function memcmp(pa: Ptr<void>, pb: Ptr<void>, n: usize): i32 {
  const a: Ptr<u8> = cast<u8>(pa);
  const b: Ptr<u8> = cast<u8>(pb);
  for (let i: usize = 0; i < n; i++) {
    if (a[i] != b[i]) return i32(a[i]) - i32(b[i]);
  }
  return 0;
}

/**
 * LLVM turns `memcmp(a, b, n) == 0` into a call to bcmp, which only says equal or not.
 * @symbol bcmp
 * @nobuiltins
 */
export function bcmp(pa: Ptr<void>, pb: Ptr<void>, n: usize): i32 {
  return memcmp(pa, pb, n);
}

/** @nobuiltins */
export function strlen(s: cstr): usize {
  const p: Ptr<u8> = cast<u8>(s);
  let n: usize = 0;
  while (p[n] != 0) n++;
  return n;
}
