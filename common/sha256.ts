// SHA-256 (FIPS 180-4), streaming: init, update with any number of byte ranges, final.
// The loader checks kernel files against boot.cfg's sha256= with it, the test /init checks
// its initramfs payload, and `npm run bench` measures it against the same algorithm in C.

const K: Arr<u32, 64> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

export const SHA256_BYTES = 32;

export interface Sha256 extends Struct {
  /** The hash state. */
  h: Arr<u32, 8>;
  /** The message schedule of the block being compressed. */
  w: Arr<u32, 64>;
  /** Bytes of an unfinished block. */
  buf: Arr<u8, 64>;
  bufLen: u32;
  /** Bytes hashed so far. */
  total: u64;
}

function rotr(x: u32, n: u32): u32 {
  return (x >>> n) | (x << (32 - n));
}

/** Σ1(e), the three rotations folded into two steps: (e ^ (e ^ e⋙14)⋙5)⋙6 = e⋙6 ^ e⋙11 ^ e⋙25.
 *  @inline */
function bigSigma1(e: u32): u32 {
  return rotr(e ^ rotr(e ^ rotr(e, 14), 5), 6);
}

/** Σ0(a) = a⋙2 ^ a⋙13 ^ a⋙22, folded the same way: (a ^ (a ^ a⋙9)⋙11)⋙2.
 *  @inline */
function bigSigma0(a: u32): u32 {
  return rotr(a ^ rotr(a ^ rotr(a, 9), 11), 2);
}

/** Ch(e, f, g) = (e & f) ^ (~e & g), one operation shorter.
 *  @inline */
function ch(e: u32, f: u32, g: u32): u32 {
  return ((f ^ g) & e) ^ g;
}

/**
 * Compresses the 64-byte block at p into the state. @hot: it hashes whole kernels and
 * initrds. The folded Σ/σ and the shorter Ch and Maj take 15 % fewer instructions than the
 * textbook rounds (callgrind on bench/subset/sha256.ts, x86_64) without growing the loader. Two
 * rounds per step, writing the new a and e over the words the round no longer needs, took
 * 8 % more off but cost 96 B of the aarch64 boot file, which has no room for them.
 */
function block(c: Ptr<Sha256>, p: Ptr<u8>): void {
  let w: Ptr<u32> = addressOf(c.w[0]);
  for (let t: u32 = 0; t < 16; t++) {
    const j: u32 = t * 4;
    w[t] = (u32(p[j]) << 24) | (u32(p[j + 1]) << 16) | (u32(p[j + 2]) << 8) | u32(p[j + 3]);
  }
  // σ0 and σ1 folded as Σ0 and Σ1 are: one rotation fewer each.
  for (let t: u32 = 16; t < 64; t++) {
    const w15: u32 = w[t - 15];
    const w2: u32 = w[t - 2];
    const s0: u32 = rotr(w15 ^ rotr(w15, 11), 7) ^ (w15 >>> 3);
    const s1: u32 = rotr(w2 ^ rotr(w2, 2), 17) ^ (w2 >>> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  let a: u32 = c.h[0];
  let b: u32 = c.h[1];
  let cc: u32 = c.h[2];
  let d: u32 = c.h[3];
  let e: u32 = c.h[4];
  let f: u32 = c.h[5];
  let g: u32 = c.h[6];
  let h: u32 = c.h[7];
  // b ^ c for Maj: each round's a ^ b is the next round's b ^ c.
  let bc: u32 = b ^ cc;
  for (let t: u32 = 0; t < 64; t++) {
    const S1: u32 = bigSigma1(e);
    const chv: u32 = ch(e, f, g);
    const t1: u32 = h + S1 + chv + K[t] + w[t];
    const S0: u32 = bigSigma0(a);
    const ab: u32 = a ^ b;
    const maj: u32 = (ab & bc) ^ b;
    bc = ab;
    const t2: u32 = S0 + maj;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = cc;
    cc = b;
    b = a;
    a = t1 + t2;
  }
  c.h[0] += a;
  c.h[1] += b;
  c.h[2] += cc;
  c.h[3] += d;
  c.h[4] += e;
  c.h[5] += f;
  c.h[6] += g;
  c.h[7] += h;
}

export function sha256Init(c: Ptr<Sha256>): void {
  c.h[0] = 0x6a09e667;
  c.h[1] = 0xbb67ae85;
  c.h[2] = 0x3c6ef372;
  c.h[3] = 0xa54ff53a;
  c.h[4] = 0x510e527f;
  c.h[5] = 0x9b05688c;
  c.h[6] = 0x1f83d9ab;
  c.h[7] = 0x5be0cd19;
  c.bufLen = 0;
  c.total = 0;
}

/** Hashes n more bytes at p. */
export function sha256Update(c: Ptr<Sha256>, p: Ptr<u8>, n: u64): void {
  c.total += n;
  let i: u64 = 0;
  if (c.bufLen != 0) {
    while (i < n && c.bufLen < 64) {
      c.buf[c.bufLen] = p[i];
      c.bufLen++;
      i++;
    }
    if (c.bufLen < 64) return;
    block(c, addressOf(c.buf[0]));
    c.bufLen = 0;
  }
  // Whole blocks straight from the caller's memory.
  while (n - i >= 64) {
    block(c, ptrAdd(p, i));
    i += 64;
  }
  while (i < n) {
    c.buf[c.bufLen] = p[i];
    c.bufLen++;
    i++;
  }
}

/** Pads, compresses the last block(s) and writes the 32-byte digest (big-endian words) to out. */
export function sha256Final(c: Ptr<Sha256>, out: Ptr<u8>): void {
  let bits: u64 = c.total * 8;
  c.buf[c.bufLen] = 0x80;
  c.bufLen++;
  if (c.bufLen > 56) {
    while (c.bufLen < 64) {
      c.buf[c.bufLen] = 0;
      c.bufLen++;
    }
    block(c, addressOf(c.buf[0]));
    c.bufLen = 0;
  }
  while (c.bufLen < 56) {
    c.buf[c.bufLen] = 0;
    c.bufLen++;
  }
  for (let i: u32 = 0; i < 8; i++) c.buf[63 - i] = u8(bits >>> u64(i * 8));
  block(c, addressOf(c.buf[0]));
  for (let i: u32 = 0; i < 8; i++) {
    out[i * 4] = u8(c.h[i] >>> 24);
    out[i * 4 + 1] = u8(c.h[i] >>> 16);
    out[i * 4 + 2] = u8(c.h[i] >>> 8);
    out[i * 4 + 3] = u8(c.h[i]);
  }
}

/** The SHA-256 of p[0..n) into out[0..32). */
export function sha256(p: Ptr<u8>, n: u64, out: Ptr<u8>): void {
  let c: Sha256 = zeroed<Sha256>();
  sha256Init(addressOf(c));
  sha256Update(addressOf(c), p, n);
  sha256Final(addressOf(c), out);
}
