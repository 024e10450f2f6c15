// memset, memcpy, memmove, memcmp and strlen. LLVM emits calls to the first four, so they
// carry their C symbol names and @nobuiltins (a loop here must never become a call to
// itself). x86_64 uses `rep movsb`/`rep stosb` (fast strings) for large sizes; aarch64
// copies eight bytes at a time once both pointers are aligned.

const SMALL = 32;

/**
 * @symbol memset
 * @nobuiltins
 */
export function memset(d: Ptr<void>, value: u8, n: usize): Ptr<void> {
  const dst: Ptr<u8> = cast<u8>(d);
  if (target.x86_64 && n >= SMALL) {
    asm("mov $0, %rdi\n\tmov $1, %al\n\tmov $2, %rcx\n\trep stosb", "r,r,r,~{rdi},~{rax},~{rcx},~{memory}", dst, value, n);
    return d;
  }
  let i: usize = 0;
  if (n >= SMALL) {
    while (((addr(dst) + i) & 7) != 0) { dst[i] = value; i++; }
    const word: u64 = u64(value) * 0x0101_0101_0101_0101;
    while (i + 32 <= n) {
      const w: Ptr<u64> = cast<u64>(ptrAdd(dst, i64(i)));
      w[0] = word; w[1] = word; w[2] = word; w[3] = word;
      i += 32;
    }
  }
  while (i < n) { dst[i] = value; i++; }
  return d;
}

/**
 * @symbol memcpy
 * @nobuiltins
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
    while (i + 32 <= n) {
      const d: Ptr<u64> = cast<u64>(ptrAdd(dst, i64(i)));
      const s: Ptr<u64> = cast<u64>(ptrAdd(src, i64(i)));
      const a: u64 = s[0], b: u64 = s[1], c: u64 = s[2], e: u64 = s[3];
      d[0] = a; d[1] = b; d[2] = c; d[3] = e;
      i += 32;
    }
  }
  while (i < n) { dst[i] = src[i]; i++; }
  return d;
}

/**
 * @symbol memmove
 * @nobuiltins
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
