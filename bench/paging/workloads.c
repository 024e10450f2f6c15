/* Paging benchmark workloads for the C transcription of the engine (engine.c): the same
 * program as bench/paging/workloads.ts, statement by statement, built with clang-16 -O2
 * -static. Linked with engine.c (the C twin) or walker.c (a plain per-page walker). Extra mode for the memset floor:
 *   workloads <k> <reps> <inner>            as workloads.ts
 *   workloads 99 <reps> <inner> <bytes>     memset of <bytes>, 4 KiB per call (the floor for writing that much table)
 */
#include "../c/bench.h"
#include "engine.h"

#define POOL_FRAMES 1100
#define FAKE_BASE 0x100000000ull
#define HHDM 0xFFFF800000000000ull
#define KERNEL 0xFFFFFFFF80000000ull
#define HEAP 0xFFFFC00000000000ull
#define GIB 0x40000000ull
#define MIB 0x100000ull
enum { A_READ = 1, A_WRITE = 2, A_EXEC = 4, A_GLOBAL = 16 };

static u64 POOL[(POOL_FRAMES + 1) * 512];
static u64 FREE_STACK[POOL_FRAMES];
static u64 freeTop, nextFrame, allocated, p2v;
static PageTable PT;
static unsigned char MAPPED[16384];

static u64 frameAlloc(void *ctx) {
  (void)ctx;
  allocated += 1;
  if (freeTop != 0) {
    freeTop -= 1;
    return FREE_STACK[freeTop];
  }
  if (nextFrame >= POOL_FRAMES) return 0;
  u64 pa = FAKE_BASE + (nextFrame << 12);
  nextFrame += 1;
  return pa;
}

static void frameFree(void *ctx, u64 pa) {
  (void)ctx;
  FREE_STACK[freeTop] = pa;
  freeTop += 1;
}

static void wfail(const char *what) {
  printf("workload failed: %s\n", what);
  exit(1);
}

static void hhdm(u64 size, bool allow1G) {
  PT.allow1G = allow1G;
  if (ptMap(&PT, HHDM, 0, size, A_READ | A_WRITE | A_GLOBAL) != PT_OK) wfail("hhdm");
}

static void kernel(void) {
  u64 pa = 0x201000;
  u64 va = KERNEL;
  if (ptMap(&PT, va, pa, 3 * MIB, A_READ | A_EXEC | A_GLOBAL) != PT_OK) wfail("text");
  if (ptMap(&PT, va + 3 * MIB, pa + 3 * MIB, MIB, A_READ | A_GLOBAL) != PT_OK) wfail("rodata");
  if (ptMap(&PT, va + 4 * MIB, pa + 4 * MIB, 2 * MIB, A_READ | A_WRITE | A_GLOBAL) != PT_OK) wfail("data");
  if (ptMap(&PT, va + 6 * MIB, pa + 6 * MIB, 2 * MIB, A_READ | A_WRITE | A_GLOBAL) != PT_OK) wfail("bss");
}

static void randomOps(void) {
  for (u32 i = 0; i < 16384; i++) MAPPED[i] = 0;
  u64 x = 0x9E3779B97F4A7C15ull;
  for (u32 i = 0; i < 10000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    u64 page = (x >> 20) & 16383;
    u64 va = HEAP + (page << 12);
    if (MAPPED[page] == 0) {
      if (ptMap(&PT, va, 0x200000000ull + (page << 12), 4096, A_READ | A_WRITE) != PT_OK) wfail("map");
      MAPPED[page] = 1;
    } else {
      if (ptUnmap(&PT, va, 4096) != PT_OK) wfail("unmap");
      MAPPED[page] = 0;
    }
  }
}

__attribute__((noinline)) i32 pw_map1(u64 va, u64 pa) { return ptMap(&PT, va, pa, 4096, A_READ | A_WRITE); }
__attribute__((noinline)) i32 pw_unmap1(u64 va) { return ptUnmap(&PT, va, 4096); }

#define SINGLE_OPS 1000
static void singleOps(void) {
  if (ptMap(&PT, HEAP, 0x200000000ull, 4096, A_READ | A_WRITE) != PT_OK) wfail("neighbour");
  for (u32 i = 0; i < SINGLE_OPS; i++) {
    if (pw_map1(HEAP + 0x1000, 0x200001000ull) != PT_OK) wfail("map1");
    if (pw_unmap1(HEAP + 0x1000) != PT_OK) wfail("unmap1");
  }
}

/* `new PageTable(...)` in the subset zeroes the whole object (TLB-note slots included)
 * before its constructor runs, through the std memset, which is `rep stosb` on x86_64 for
 * this size: the same here, so both drivers build the same object the same way (callgrind
 * counts each byte of a `rep stosb`, so another memset would skew the instruction counts). */
static i32 newTable(FrameSource *fs) {
#if defined(__x86_64__)
  void *d = &PT;
  u64 n = sizeof PT;
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(0) : "memory");
#else
  memset(&PT, 0, sizeof PT);
#endif
  return ptInit(&PT, fs, p2v);
}

#define ZERO_TABLES 64
static void zeroTables(FrameSource *fs) {
  for (u32 i = 1; i < ZERO_TABLES; i++) {
    if (newTable(fs) != PT_OK) wfail("zero");
  }
}

__attribute__((noinline)) u64 pw_run(u64 k) {
  freeTop = 0;
  nextFrame = 0;
  allocated = 0;
  FrameSource fs = {frameAlloc, frameFree, 0};
  if (newTable(&fs) != PT_OK) wfail("init");
  if (k == 0) hhdm(4 * GIB, true);
  else if (k == 1) hhdm(4 * GIB, false);
  else if (k == 2) hhdm(64 * GIB, true);
  else if (k == 3) hhdm(64 * GIB, false);
  else if (k == 4) hhdm(1024 * GIB, true);
  else if (k == 5) hhdm(1024 * GIB, false);
  else if (k == 6) kernel();
  else if (k == 7) {
    PT.allow1G = false;
    if (ptMap(&PT, 0, 0, 4 * GIB, A_READ | A_WRITE) != PT_OK) wfail("identity");
  } else if (k == 8) randomOps();
  else if (k == 9) singleOps();
  else if (k == 10) zeroTables(&fs);
  else wfail("no such workload");
  return allocated;
}

__attribute__((noinline)) void pw_memset(u64 bytes) {
  for (u64 off = 0; off < bytes; off += 4096) {
    memset((void *)(uintptr_t)(p2v + FAKE_BASE + off), 0, 4096);
    __asm__ volatile("" ::: "memory");
  }
}

#if defined(__x86_64__)
/* Tables full of leaves written with vector stores, which the loader and kernel do not use
 * (they are built with general registers only: U-Boot's x86_64 UEFI leaves SSE off, and
 * OVMF leaves AVX state off, CR4.OSXSAVE clear, even on a CPU with AVX). Here only to measure how far store
 * width alone moves a leaf table against memset: four independent registers of leaves,
 * each stepped by eight leaves per iteration, so the adds never wait on one another. */
typedef u64 V2 __attribute__((vector_size(16)));
typedef u64 V4 __attribute__((vector_size(32)));

__attribute__((noinline)) static void fillSse2(u64 *p, u64 v, u64 step) {
  V2 a = {v, v + step}, b = a + 2 * step, c = a + 4 * step, d = a + 6 * step;
  for (u64 i = 0; i < 512; i += 8) {
    __builtin_memcpy(p + i, &a, 16);
    __builtin_memcpy(p + i + 2, &b, 16);
    __builtin_memcpy(p + i + 4, &c, 16);
    __builtin_memcpy(p + i + 6, &d, 16);
    a += 8 * step;
    b += 8 * step;
    c += 8 * step;
    d += 8 * step;
  }
}

__attribute__((noinline, target("avx2"))) static void fillAvx2(u64 *p, u64 v, u64 step) {
  V4 a = {v, v + step, v + 2 * step, v + 3 * step}, b = a + 4 * step;
  for (u64 i = 0; i < 512; i += 8) {
    __builtin_memcpy(p + i, &a, 32);
    __builtin_memcpy(p + i + 4, &b, 32);
    a += 8 * step;
    b += 8 * step;
  }
}

__attribute__((noinline)) void pw_fill_vector(u64 bytes, u64 width) {
  for (u64 off = 0; off < bytes; off += 4096) {
    u64 *p = (u64 *)(uintptr_t)(p2v + FAKE_BASE + off);
    if (width == 32) fillAvx2(p, (off << 18) | 0x83, 0x200000);
    else fillSse2(p, (off << 18) | 0x83, 0x200000);
    __asm__ volatile("" ::: "memory");
  }
}

/* The leaves pw_fill_vector wrote, checked once before timing. */
static void checkFill(u64 bytes) {
  for (u64 off = 0; off < bytes; off += 4096) {
    const u64 *p = (const u64 *)(uintptr_t)(p2v + FAKE_BASE + off);
    for (u64 i = 0; i < 512; i++)
      if (p[i] != (((off << 18) | 0x83) + i * 0x200000)) wfail("vector fill");
  }
}
#endif

int main(int argc, char **argv) {
  u64 k = arg_u64(argc, argv, 1, 0);
  u64 reps = arg_u64(argc, argv, 2, 1);
  u64 inner = arg_u64(argc, argv, 3, 1);
  u64 bytes = arg_u64(argc, argv, 4, 4096);
  u64 base = ((u64)(uintptr_t)&POOL[0] + 4095) & ~4095ull;
  p2v = base - FAKE_BASE;
  u64 frames = 0;
  u64 width = arg_u64(argc, argv, 5, 16);
  if (k == 97) {
#if defined(__x86_64__)
    if (width != 16 && width != 32) wfail("store width must be 16 or 32");
    if (width == 32 && !__builtin_cpu_supports("avx2")) {
      printf("unsupported: this CPU or OS offers no AVX2\n");
      return 3;
    }
    pw_fill_vector(bytes, width);
    checkFill(bytes);
#else
    printf("unsupported: vector stores are measured on x86_64 only\n");
    return 3;
#endif
  }
  printf("ns");
  for (u64 r = 0; r < reps; r++) {
    u64 t0 = now_ns();
    for (u64 j = 0; j < inner; j++) {
      if (k == 99) pw_memset(bytes);
#if defined(__x86_64__)
      else if (k == 97) pw_fill_vector(bytes, width);
#endif
      else frames = pw_run(k);
    }
    u64 t1 = now_ns();
    printf(" %llu", (unsigned long long)(t1 - t0));
  }
  printf("\nframes %llu\n", (unsigned long long)frames);
  return 0;
}
