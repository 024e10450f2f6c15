/* crc32: the C twin of bench/subset/crc32.ts (same algorithm, types and data). */
#include "bench.h"

#define MAX_BYTES (16u * 1024 * 1024)

static uint8_t data[MAX_BYTES];
static uint32_t table[256];

static void make_table(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (uint32_t k = 0; k < 8; k++) {
      if ((c & 1) != 0) c = 0xEDB88320u ^ (c >> 1);
      else c = c >> 1;
    }
    table[n] = c;
  }
}

static void fill(uint32_t len) {
  uint32_t s = 0x12345678u;
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

static uint32_t crc32(uint32_t crc, uint32_t len) {
  uint32_t c = ~crc;
  for (uint32_t i = 0; i < len; i++) {
    c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  }
  return ~c;
}

int main(int argc, char **argv) {
  uint64_t mib = arg_u64(argc, argv, 1, 4);
  uint64_t reps = arg_u64(argc, argv, 2, 16);
  if (mib == 0 || mib * 1024 * 1024 > MAX_BYTES) fail("crc32: mib must be 1..16");
  uint32_t len = (uint32_t)(mib * 1024 * 1024);
  make_table();
  fill(len);

  uint64_t t0 = now_ns();
  uint32_t crc = 0;
  for (uint64_t r = 0; r < reps; r++) {
    crc = crc32(crc, len);
  }
  uint64_t t1 = now_ns();

  begin_checksum();
  checksum_word(crc);
  end_checksum(t1 - t0);
  return 0;
}
