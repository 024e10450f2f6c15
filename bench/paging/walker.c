/*
 * A plain per-page page-table walker: the second C yardstick of the paging benchmark.
 *
 * This is how a typical C loader maps memory: map_page() walks from the root once per
 * page, allocates and zeroes (memset) each missing table, and sets one entry; a range is a
 * loop of map_page() calls with the largest page size that the alignment of both
 * addresses allows; unmap clears one entry and frees nothing. It checks nothing, merges
 * nothing and reports no TLB work, so it is the floor for "one walk per page".
 *
 * It implements the part of engine.h the workloads use (ptInit, ptMap, ptUnmap) over the
 * same PageTable and FrameSource, with the x86_64 descriptors of engine.c (same leaf
 * bits), so bench/paging/workloads.c links against either.
 */
#include "engine.h"
#include <string.h>

#define P 0x1ull
#define RW 0x2ull
#define US 0x4ull
#define PWT 0x8ull
#define PCD 0x10ull
#define ACC 0x20ull
#define DIRTY 0x40ull
#define PS 0x80ull
#define GLOBAL 0x100ull
#define PAT_LARGE 0x1000ull
#define NX 0x8000000000000000ull
#define ADDR 0x000FFFFFFFFFF000ull
#define TABLE (P | RW | US | ACC)

enum { A_WRITE = 2, A_EXEC = 4, A_USER = 8, A_GLOBAL = 16, A_DEVICE = 32, A_UNCACHED = 64, A_WC = 128 };

static u64 flags(u32 attrs, bool large) {
  u64 e = P | ACC;
  if (attrs & A_WRITE) e |= RW | DIRTY;
  if (attrs & A_USER) e |= US;
  if (attrs & A_GLOBAL) e |= GLOBAL;
  if (!(attrs & A_EXEC)) e |= NX;
  if (large) e |= PS;
  if (attrs & A_DEVICE) e |= PCD | PWT;
  else if (attrs & A_UNCACHED) e |= PCD;
  else if (attrs & A_WC) e |= large ? PAT_LARGE : PS;
  return e;
}

static u64 *table(PageTable *pt, u64 pa) { return (u64 *)(uintptr_t)(pt->physToVirt + pa); }

/* The next table below entry `idx` of `t`, allocated (zeroed) when missing. */
static u64 *next_level(PageTable *pt, u64 *t, u64 idx) {
  if (t[idx] & P) return table(pt, t[idx] & ADDR);
  u64 pa = pt->frames.alloc(pt->frames.ctx);
  if (pa == 0) return 0;
  pt->tableFrames += 1;
  memset(table(pt, pa), 0, 4096);
  t[idx] = pa | TABLE;
  return table(pt, pa);
}

/* Maps one page of 4 KiB (level 3), 2 MiB (level 2) or 1 GiB (level 1). */
static bool map_page(PageTable *pt, u64 va, u64 pa, u64 fl, int level) {
  u64 *t = table(pt, pt->root);
  for (int l = 0; l < level; l++) {
    t = next_level(pt, t, (va >> (39 - 9 * l)) & 511);
    if (!t) return false;
  }
  t[(va >> (39 - 9 * level)) & 511] = pa | fl;
  return true;
}

i32 ptInit(PageTable *pt, FrameSource *frames, u64 physToVirt) {
  memset(pt, 0, sizeof *pt);
  pt->frames = *frames;
  pt->physToVirt = physToVirt;
  pt->levels = 4;
  pt->root = frames->alloc(frames->ctx);
  if (pt->root == 0) return PT_ENOMEM;
  memset(table(pt, pt->root), 0, 4096);
  pt->tableFrames = 1;
  return PT_OK;
}

i32 ptMap(PageTable *pt, u64 va, u64 pa, u64 size, u32 attrs) {
  u64 end = va + size;
  while (va < end) {
    u64 step = 0x1000;
    int level = 3;
    if (pt->allow1G && ((va | pa) & 0x3FFFFFFF) == 0 && end - va >= 0x40000000) {
      step = 0x40000000;
      level = 1;
    } else if (((va | pa) & 0x1FFFFF) == 0 && end - va >= 0x200000) {
      step = 0x200000;
      level = 2;
    }
    if (!map_page(pt, va, pa, flags(attrs, level != 3), level)) return PT_ENOMEM;
    va += step;
    pa += step;
  }
  return PT_OK;
}

i32 ptUnmap(PageTable *pt, u64 va, u64 size) {
  for (u64 end = va + size; va < end; va += 0x1000) {
    u64 *t = table(pt, pt->root);
    int l = 0;
    for (; l < 3; l++) {
      u64 e = t[(va >> (39 - 9 * l)) & 511];
      if (!(e & P) || (e & PS)) break;
      t = table(pt, e & ADDR);
    }
    if (l == 3) t[(va >> 12) & 511] = 0;
  }
  return PT_OK;
}
