// sha256: the plain JavaScript twin of bench/subset/sha256.ts, run by Node and compiled
// by porffor. Output format and clock: see bench/subset/lib.ts.
'use strict';
// Node passes the arguments on the command line; porffor's native programs see no argv,
// so bench/run.ts gives porffor a copy of this file with the ARGS line replaced.
const ARGS = typeof process === 'object' && process.argv ? process.argv.slice(2).map(Number) : [];

function arg(i, dflt) {
  return ARGS.length > i && ARGS[i] > 0 ? ARGS[i] : dflt;
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const H = new Uint32Array(8);
const W = new Uint32Array(64);
const tail = new Uint8Array(128);

function fill(data, len) {
  let s = 0x9e3779b9;
  for (let i = 0; i < len; i += 4) {
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    data[i] = s & 0xff;
    data[i + 1] = (s >>> 8) & 0xff;
    data[i + 2] = (s >>> 16) & 0xff;
    data[i + 3] = s >>> 24;
  }
}

function rotr(x, n) {
  return (x >>> n) | (x << (32 - n));
}

function block(p, off) {
  for (let t = 0; t < 16; t++) {
    const j = off + t * 4;
    W[t] = (p[j] << 24) | (p[j + 1] << 16) | (p[j + 2] << 8) | p[j + 3];
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15];
    const w2 = W[t - 2];
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    W[t] = W[t - 16] + s0 + W[t - 7] + s1;
  }
  let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  for (let t = 0; t < 64; t++) {
    const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t] + W[t]) | 0;
    const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
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

function sha256(data, len) {
  H[0] = 0x6a09e667;
  H[1] = 0xbb67ae85;
  H[2] = 0x3c6ef372;
  H[3] = 0xa54ff53a;
  H[4] = 0x510e527f;
  H[5] = 0x9b05688c;
  H[6] = 0x1f83d9ab;
  H[7] = 0x5be0cd19;
  const full = len - (len % 64);
  for (let i = 0; i < full; i += 64) block(data, i);
  const rest = len - full;
  for (let i = 0; i < 128; i++) tail[i] = 0;
  for (let i = 0; i < rest; i++) tail[i] = data[full + i];
  tail[rest] = 0x80;
  const tailLen = rest < 56 ? 64 : 128;
  // The bit length is below 2^32 here (at most 16 MiB * 8), so its high word is zero.
  const bits = len * 8;
  for (let i = 0; i < 4; i++) tail[tailLen - 1 - i] = (bits >>> (i * 8)) & 0xff;
  block(tail, 0);
  if (tailLen === 128) block(tail, 64);
}

function main() {
  const mib = arg(0, 4);
  const reps = arg(1, 8);
  if (mib > 16) throw new Error('sha256: mib must be 1..16');
  const len = mib * 1024 * 1024;
  const data = new Uint8Array(len);
  fill(data, len);

  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    sha256(data, len);
    for (let i = 0; i < 8; i++) {
      data[i * 4] = H[i] >>> 24;
      data[i * 4 + 1] = (H[i] >>> 16) & 0xff;
      data[i * 4 + 2] = (H[i] >>> 8) & 0xff;
      data[i * 4 + 3] = H[i] & 0xff;
    }
  }
  const t1 = performance.now();

  let line = 'checksum';
  for (let i = 0; i < 8; i++) line += ' ' + H[i];
  console.log(line);
  console.log('ns ' + Math.round((t1 - t0) * 1e6));
}

main();
