/* sort: the C twin of bench/subset/sort.ts (the same quicksort, types and data). */
#include "bench.h"

#define MAX_ELEMS (4u * 1024 * 1024)

static uint32_t a[MAX_ELEMS];

static void insertion_sort(int32_t lo, int32_t hi) {
  for (int32_t i = lo + 1; i <= hi; i++) {
    uint32_t v = a[i];
    int32_t j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quicksort(int32_t lo, int32_t hi) {
  while (hi - lo > 16) {
    int32_t mid = lo + ((hi - lo) >> 1);
    if (a[mid] < a[lo]) { uint32_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
    if (a[hi] < a[lo]) { uint32_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
    if (a[hi] < a[mid]) { uint32_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
    uint32_t pivot = a[mid];
    int32_t i = lo - 1;
    int32_t j = hi + 1;
    for (;;) {
      do { i++; } while (a[i] < pivot);
      do { j--; } while (a[j] > pivot);
      if (i >= j) break;
      uint32_t t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    if (j - lo < hi - j) {
      quicksort(lo, j);
      lo = j + 1;
    } else {
      quicksort(j + 1, hi);
      hi = j;
    }
  }
  insertion_sort(lo, hi);
}

int main(int argc, char **argv) {
  uint64_t kelems = arg_u64(argc, argv, 1, 1024);
  uint64_t reps = arg_u64(argc, argv, 2, 3);
  if (kelems == 0 || kelems * 1024 > MAX_ELEMS) fail("sort: elements must be 1..4096 Ki");
  int32_t n = (int32_t)(kelems * 1024);

  uint64_t t0 = now_ns();
  uint32_t s = 0x2545F491u;
  uint32_t unsorted = 0;
  uint32_t h = 0x811C9DC5u;
  for (uint64_t r = 0; r < reps; r++) {
    for (int32_t i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >> 17;
      s ^= s << 5;
      a[i] = s;
    }
    quicksort(0, n - 1);
    for (int32_t i = 1; i < n; i++) {
      if (a[i - 1] > a[i]) unsorted++;
    }
    for (int32_t i = 0; i < n; i++) {
      h = (h ^ a[i]) * 16777619u;
    }
  }
  uint64_t t1 = now_ns();

  begin_checksum();
  checksum_word(unsorted);
  checksum_word(h);
  end_checksum(t1 - t0);
  return 0;
}
