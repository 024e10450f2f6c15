/* memops: the C twin of bench/subset/memops.ts (libc memset/memcpy). */
#include "bench.h"

#define SIZE (1024u * 1024)
#define MASK (SIZE - 1)

static uint8_t src[SIZE];
static uint8_t dst[SIZE];

int main(int argc, char **argv) {
  uint32_t reps = (uint32_t)arg_u64(argc, argv, 1, 2000);

  uint64_t t0 = now_ns();
  uint32_t acc = 0;
  for (uint32_t r = 0; r < reps; r++) {
    memset(src, (uint8_t)r, SIZE);
    src[(r * 4099) & MASK] = (uint8_t)(r ^ 0x5A);
    memcpy(dst, src, SIZE);
    acc += (uint32_t)dst[(r * 7919) & MASK] + (uint32_t)dst[(r * 4099) & MASK];
  }
  uint64_t t1 = now_ns();

  for (uint32_t i = 0; i < SIZE; i += 4096) acc += dst[i];

  begin_checksum();
  checksum_word(acc);
  end_checksum(t1 - t0);
  return 0;
}
