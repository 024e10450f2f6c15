// sha256: FIPS 180-4 SHA-256 over `mib` MiB of generated data, `reps` times. After each
// pass the digest overwrites the first 32 bytes of the data, so every pass depends on
// the previous one. The checksum is the last digest (8 words).
// Arguments: mib (default 4, at most 16), reps (default 8).
import { argU64, beginChecksum, checksumWord, endChecksum, nowNs } from "./lib";

const MAX_BYTES = 16 * 1024 * 1024;

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

let data: Arr<u8, 16777216>;
let H: Arr<u32, 8>;   // the hash state
let W: Arr<u32, 64>;  // the message schedule
let tail: Arr<u8, 128>; // the last one or two padded blocks

function fill(len: u32): void {
  let s: u32 = 0x9E3779B9;
  for (let i: u32 = 0; i < len; i += 4) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = u8(s);
    data[i + 1] = u8(s >>> 8);
    data[i + 2] = u8(s >>> 16);
    data[i + 3] = u8(s >>> 24);
  }
}

function rotr(x: u32, n: u32): u32 {
  return (x >>> n) | (x << (32 - n));
}

/** One 64-byte block starting at p. */
function block(p: Ptr<u8>): void {
  for (let t: u32 = 0; t < 16; t++) {
    const j: u32 = t * 4;
    W[t] = (u32(p[j]) << 24) | (u32(p[j + 1]) << 16) | (u32(p[j + 2]) << 8) | u32(p[j + 3]);
  }
  for (let t: u32 = 16; t < 64; t++) {
    const w15: u32 = W[t - 15];
    const w2: u32 = W[t - 2];
    const s0: u32 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1: u32 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    W[t] = W[t - 16] + s0 + W[t - 7] + s1;
  }
  let a: u32 = H[0];
  let b: u32 = H[1];
  let c: u32 = H[2];
  let d: u32 = H[3];
  let e: u32 = H[4];
  let f: u32 = H[5];
  let g: u32 = H[6];
  let h: u32 = H[7];
  for (let t: u32 = 0; t < 64; t++) {
    const S1: u32 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const ch: u32 = (e & f) ^ (~e & g);
    const t1: u32 = h + S1 + ch + K[t] + W[t];
    const S0: u32 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const maj: u32 = (a & b) ^ (a & c) ^ (b & c);
    const t2: u32 = S0 + maj;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  H[0] += a;
  H[1] += b;
  H[2] += c;
  H[3] += d;
  H[4] += e;
  H[5] += f;
  H[6] += g;
  H[7] += h;
}

/** SHA-256 of data[0..len) into H. */
function sha256(len: u32): void {
  H[0] = 0x6a09e667;
  H[1] = 0xbb67ae85;
  H[2] = 0x3c6ef372;
  H[3] = 0xa54ff53a;
  H[4] = 0x510e527f;
  H[5] = 0x9b05688c;
  H[6] = 0x1f83d9ab;
  H[7] = 0x5be0cd19;
  const full: u32 = len & ~u32(63);
  for (let i: u32 = 0; i < full; i += 64) {
    block(addressOf(data[i]));
  }
  // Padding: the remaining bytes, 0x80, zeros, then the bit length big-endian.
  const rest: u32 = len - full;
  for (let i: u32 = 0; i < 128; i++) tail[i] = 0;
  for (let i: u32 = 0; i < rest; i++) tail[i] = data[full + i];
  tail[rest] = 0x80;
  const tailLen: u32 = rest < 56 ? 64 : 128;
  const bits: u64 = u64(len) * 8;
  for (let i: u32 = 0; i < 8; i++) {
    tail[tailLen - 1 - i] = u8(bits >>> (i * 8));
  }
  block(addressOf(tail[0]));
  if (tailLen == 128) block(addressOf(tail[64]));
}

export function main(): i32 {
  const mib: u64 = argU64(1, 4);
  const reps: u64 = argU64(2, 8);
  if (mib == 0 || mib * 1024 * 1024 > MAX_BYTES) panic("sha256: mib must be 1..16");
  const len: u32 = u32(mib * 1024 * 1024);
  fill(len);

  const t0: u64 = nowNs();
  for (let r: u64 = 0; r < reps; r++) {
    sha256(len);
    for (let i: u32 = 0; i < 8; i++) {
      data[i * 4] = u8(H[i] >>> 24);
      data[i * 4 + 1] = u8(H[i] >>> 16);
      data[i * 4 + 2] = u8(H[i] >>> 8);
      data[i * 4 + 3] = u8(H[i]);
    }
  }
  const t1: u64 = nowNs();

  beginChecksum();
  for (let i: u32 = 0; i < 8; i++) checksumWord(H[i]);
  endChecksum(t1 - t0);
  return 0;
}
