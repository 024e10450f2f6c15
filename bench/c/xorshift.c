/* xorshift: the C twin of bench/subset/xorshift.ts. */
#include "bench.h"

int main(int argc, char **argv) {
  uint64_t millions = arg_u64(argc, argv, 1, 100);
  uint64_t n = millions * 1000000;

  uint64_t t0 = now_ns();
  uint64_t x = 0x9E3779B97F4A7C15ull;
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    sum += x;
  }
  uint64_t t1 = now_ns();

  begin_checksum();
  checksum_word((uint32_t)(sum >> 32));
  checksum_word((uint32_t)sum);
  checksum_word((uint32_t)(x >> 32));
  checksum_word((uint32_t)x);
  end_checksum(t1 - t0);
  return 0;
}
