/*
 * C twin of tests/subset/paging/driver.ts: runs the C engine over a simulated physical
 * memory on the command stream of tests/paging (hex words on stdin, 6 per command) and
 * prints the same lines, so tests/paging/engine.test.ts can check both against the model.
 */
#include "engine.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NFRAMES 4096
#define FAKE_BASE 0x80000000ull
#define NTABLES 4

static u64 mem[NFRAMES * 512];
static u32 freeList[NFRAMES];
static u32 freeTop;
static unsigned char used[NFRAMES];
static u64 live;
static u64 budget = ~0ull;

static u64 simAlloc(void *ctx) {
  (void)ctx;
  if (budget == 0 || freeTop == 0) return 0;
  if (budget != ~0ull) budget--;
  u32 f = freeList[--freeTop];
  used[f] = 1;
  live++;
  memset(&mem[(u64)f * 512], 0xA5, 4096); /* garbage: the engine must initialise tables */
  return FAKE_BASE + (u64)f * 4096;
}

static void simFree(void *ctx, u64 pa) {
  (void)ctx;
  u64 f = (pa - FAKE_BASE) / 4096;
  if (pa < FAKE_BASE || f >= NFRAMES || (pa & 4095) != 0 || !used[f]) {
    printf("BAD FREE 0x%llx\n", (unsigned long long)pa);
    exit(3);
  }
  used[f] = 0;
  live--;
  freeList[freeTop++] = (u32)f;
}

int main(void) {
  for (u32 i = 0; i < NFRAMES; i++) freeList[i] = NFRAMES - 1 - i;
  freeTop = NFRAMES;
  FrameSource fs = {simAlloc, simFree, 0};
  PageTable tables[NTABLES];
  u64 p2v = (u64)(uintptr_t)mem - FAKE_BASE;
  for (int k = 0; k < NTABLES; k++) {
    if (ptInit(&tables[k], &fs, p2v) != PT_OK) return 2;
  }
  unsigned long long w[6];
  while (scanf("%llx %llx %llx %llx %llx %llx", &w[0], &w[1], &w[2], &w[3], &w[4], &w[5]) == 6) {
    PageTable *pt = &tables[w[1]];
    i32 rc = 0;
    switch (w[0]) {
    case 1: rc = ptMap(pt, w[2], w[3], w[4], (u32)w[5]); break;
    case 2: rc = ptUnmap(pt, w[2], w[4]); break;
    case 3: rc = ptProtect(pt, w[2], w[4], (u32)w[5]); break;
    case 9:
    case 10: {
      u64 n = w[4] >> 12;
      for (u64 k = 0; k < n && rc == PT_OK; k++) {
        u64 off = ((k * 167) % n) << 12;
        rc = w[0] == 9 ? ptMap(pt, w[2] + off, w[3] + off, 4096, (u32)w[5]) : ptUnmap(pt, w[2] + off, 4096);
      }
      break;
    }
    case 4: {
      WalkResult r;
      u64 pa = 0;
      u32 attrs = 0;
      bool ok = ptTranslate(pt, w[2], &pa, &attrs);
      bool ok2 = ptWalk(pt, w[2], &r);
      if (ok != ok2 || (ok && (pa != r.pa || attrs != r.attrs))) { printf("WALK MISMATCH\n"); return 4; }
      if (!ok) printf("P -\n");
      else printf("P 0x%llx 0x%x 0x%llx 0x%llx\n", (unsigned long long)pa, attrs,
                  (unsigned long long)r.pageSize, (unsigned long long)r.entries[r.levels - 1]);
      continue;
    }
    case 5:
      pt->allow1G = w[2] != 0; pt->allowWX = w[3] != 0; pt->highHalf = w[4] != 0;
      pt->levels = w[5] == 0 ? 4 : (u32)w[5];
      continue;
    case 6: budget = w[2]; continue;
    case 7: ptDump(pt); printf("E\n"); continue;
    case 8: {
      WalkResult r;
      ptWalk(pt, w[2], &r);
      printf("W %u", r.levels);
      for (int l = 0; l < 5; l++) printf(" 0x%llx", (unsigned long long)r.entries[l]);
      printf("\n");
      continue;
    }
    default: printf("BAD OP\n"); return 5;
    }
    u64 total = 0;
    for (int k = 0; k < NTABLES; k++) total += tables[k].tableFrames;
    printf("R %d 0x%llx 0x%llx 0x%llx %d 0x%llx", rc, (unsigned long long)pt->tableFrames,
           (unsigned long long)total, (unsigned long long)live, pt->flushAll ? 1 : 0,
           (unsigned long long)pt->flushCount);
    for (u64 k = 0; k < pt->flushCount && !pt->flushAll; k++) printf(" 0x%llx", (unsigned long long)pt->flushVa[k]);
    printf("\n");
    ptClearFlush(pt);
  }
  return 0;
}
