/* Shared helpers of the C benchmark programs: the same output format and clock as the
 * subset versions (bench/subset/lib.ts): CLOCK_MONOTONIC around the timed kernel, and
 *   checksum <u32> <u32> ...
 *   ns <nanoseconds>
 */
#ifndef BENCH_H
#define BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
    fprintf(stderr, "clock_gettime(CLOCK_MONOTONIC) failed\n");
    exit(101);
  }
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The index-th argument (1 = first) as an unsigned decimal, or dflt when absent. */
static uint64_t arg_u64(int argc, char **argv, int index, uint64_t dflt) {
  if (index >= argc || argv[index][0] == 0) return dflt;
  uint64_t v = 0;
  for (const char *p = argv[index]; *p; p++) {
    if (*p < '0' || *p > '9') {
      fprintf(stderr, "benchmark arguments must be unsigned decimal numbers\n");
      exit(101);
    }
    v = v * 10 + (uint64_t)(*p - '0');
  }
  return v;
}

static void fail(const char *msg) {
  fprintf(stderr, "%s\n", msg);
  exit(101);
}

static void begin_checksum(void) { fputs("checksum", stdout); }
static void checksum_word(uint32_t w) { printf(" %u", w); }
static void end_checksum(uint64_t ns) { printf("\nns %llu\n", (unsigned long long)ns); }
#endif
