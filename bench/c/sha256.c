/* sha256: the C twin of bench/subset/sha256.ts (same algorithm, types and data). */
#include "bench.h"

#define MAX_BYTES (16u * 1024 * 1024)

static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint8_t data[MAX_BYTES];
static uint32_t H[8];
static uint32_t W[64];
static uint8_t tail[128];

static void fill(uint32_t len) {
  uint32_t s = 0x9E3779B9u;
  for (uint32_t i = 0; i < len; i += 4) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    data[i] = (uint8_t)s;
    data[i + 1] = (uint8_t)(s >> 8);
    data[i + 2] = (uint8_t)(s >> 16);
    data[i + 3] = (uint8_t)(s >> 24);
  }
}

static uint32_t rotr(uint32_t x, uint32_t n) { return (x >> n) | (x << (32 - n)); }

static uint32_t bigSigma1(uint32_t e) { return rotr(e ^ rotr(e ^ rotr(e, 14), 5), 6); }
static uint32_t bigSigma0(uint32_t a) { return rotr(a ^ rotr(a ^ rotr(a, 9), 11), 2); }
static uint32_t ch(uint32_t e, uint32_t f, uint32_t g) { return ((f ^ g) & e) ^ g; }

static void block(const uint8_t *p) {
  for (uint32_t t = 0; t < 16; t++) {
    uint32_t j = t * 4;
    W[t] = ((uint32_t)p[j] << 24) | ((uint32_t)p[j + 1] << 16) | ((uint32_t)p[j + 2] << 8) | (uint32_t)p[j + 3];
  }
  for (uint32_t t = 16; t < 64; t++) {
    uint32_t w15 = W[t - 15];
    uint32_t w2 = W[t - 2];
    uint32_t s0 = rotr(w15 ^ rotr(w15, 11), 7) ^ (w15 >> 3);
    uint32_t s1 = rotr(w2 ^ rotr(w2, 2), 17) ^ (w2 >> 10);
    W[t] = W[t - 16] + s0 + W[t - 7] + s1;
  }
  uint32_t a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  uint32_t bc = b ^ c;
  for (uint32_t t = 0; t < 64; t++) {
    uint32_t S1 = bigSigma1(e);
    uint32_t chv = ch(e, f, g);
    uint32_t t1 = h + S1 + chv + K[t] + W[t];
    uint32_t S0 = bigSigma0(a);
    uint32_t ab = a ^ b;
    uint32_t maj = (ab & bc) ^ b;
    bc = ab;
    uint32_t t2 = S0 + maj;
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

static void sha256(uint32_t len) {
  H[0] = 0x6a09e667;
  H[1] = 0xbb67ae85;
  H[2] = 0x3c6ef372;
  H[3] = 0xa54ff53a;
  H[4] = 0x510e527f;
  H[5] = 0x9b05688c;
  H[6] = 0x1f83d9ab;
  H[7] = 0x5be0cd19;
  uint32_t full = len & ~63u;
  for (uint32_t i = 0; i < full; i += 64) block(&data[i]);
  uint32_t rest = len - full;
  for (uint32_t i = 0; i < 128; i++) tail[i] = 0;
  for (uint32_t i = 0; i < rest; i++) tail[i] = data[full + i];
  tail[rest] = 0x80;
  uint32_t tail_len = rest < 56 ? 64 : 128;
  uint64_t bits = (uint64_t)len * 8;
  for (uint32_t i = 0; i < 8; i++) tail[tail_len - 1 - i] = (uint8_t)(bits >> (i * 8));
  block(&tail[0]);
  if (tail_len == 128) block(&tail[64]);
}

int main(int argc, char **argv) {
  uint64_t mib = arg_u64(argc, argv, 1, 4);
  uint64_t reps = arg_u64(argc, argv, 2, 8);
  if (mib == 0 || mib * 1024 * 1024 > MAX_BYTES) fail("sha256: mib must be 1..16");
  uint32_t len = (uint32_t)(mib * 1024 * 1024);
  fill(len);

  uint64_t t0 = now_ns();
  for (uint64_t r = 0; r < reps; r++) {
    sha256(len);
    for (uint32_t i = 0; i < 8; i++) {
      data[i * 4] = (uint8_t)(H[i] >> 24);
      data[i * 4 + 1] = (uint8_t)(H[i] >> 16);
      data[i * 4 + 2] = (uint8_t)(H[i] >> 8);
      data[i * 4 + 3] = (uint8_t)H[i];
    }
  }
  uint64_t t1 = now_ns();

  begin_checksum();
  for (uint32_t i = 0; i < 8; i++) checksum_word(H[i]);
  end_checksum(t1 - t0);
  return 0;
}
