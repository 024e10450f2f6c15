/* sieve: the C twin of bench/subset/sieve.ts. */
#include "bench.h"

#define MAX_LIMIT 32000000u

static uint8_t flags[MAX_LIMIT + 1];

int main(int argc, char **argv) {
  uint64_t millions = arg_u64(argc, argv, 1, 8);
  uint64_t reps = arg_u64(argc, argv, 2, 4);
  if (millions == 0 || millions * 1000000 > MAX_LIMIT) fail("sieve: limit must be 1..32 million");
  uint32_t limit = (uint32_t)(millions * 1000000);

  uint64_t t0 = now_ns();
  uint32_t count = 0;
  uint32_t sum = 0;
  for (uint64_t r = 0; r < reps; r++) {
    flags[0] = 0;
    flags[1] = 0;
    for (uint32_t i = 2; i <= limit; i++) flags[i] = 1;
    for (uint32_t i = 2; i * i <= limit; i++) {
      if (flags[i] != 0) {
        for (uint32_t j = i * i; j <= limit; j += i) flags[j] = 0;
      }
    }
    count = 0;
    sum = 0;
    for (uint32_t i = 0; i <= limit; i++) {
      if (flags[i] != 0) {
        count++;
        sum += i;
      }
    }
  }
  uint64_t t1 = now_ns();

  begin_checksum();
  checksum_word(count);
  checksum_word(sum);
  end_checksum(t1 - t0);
  return 0;
}
