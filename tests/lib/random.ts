// Deterministic pseudo-random data for tests, so that a failure reproduces from its seed.

/** n bytes from xorshift32 seeded with `seed` (0 counts as 1). */
export function xorshiftBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    b[i] = s & 0xff;
  }
  return b;
}
