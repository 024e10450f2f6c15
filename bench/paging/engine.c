/*
 * The page-table engine of common/paging/engine.ts, transcribed to C statement by
 * statement: the benchmark's yardstick ("at least as fast as C"), and a second
 * implementation the tests run against the same reference model.
 * x86_64 descriptors by default; -DPT_AARCH64=1 selects VMSAv8-64 (4 KiB granule).
 * Keep it in step with engine.ts: same recursion, same fast paths, same checks.
 */
#include "engine.h"
#include <string.h>

#ifndef PT_AARCH64
#define PT_AARCH64 0
#endif

enum { A_READ = 1, A_WRITE = 2, A_EXEC = 4, A_USER = 8, A_GLOBAL = 16, A_DEVICE = 32,
       A_UNCACHED = 64, A_WC = 128, A_ALL = 255, A_MEMTYPE = 224 };

#define X86_P 0x1ull
#define X86_RW 0x2ull
#define X86_US 0x4ull
#define X86_PWT 0x8ull
#define X86_PCD 0x10ull
#define X86_A 0x20ull
#define X86_D 0x40ull
#define X86_PS 0x80ull
#define X86_PAT_4K 0x80ull
#define X86_G 0x100ull
#define X86_PAT_LARGE 0x1000ull
#define X86_NX 0x8000000000000000ull
#define X86_ADDR_MASK 0x000FFFFFFFFFF000ull
#define X86_TABLE_BITS 0x27ull
#define X86_PA_LIMIT 0x0010000000000000ull

#define A64_TABLE 0x3ull
#define A64_BLOCK 0x1ull
#define A64_ATTRIDX_DEVICE 0x4ull
#define A64_ATTRIDX_NC 0x8ull
#define A64_AP_EL0 0x40ull
#define A64_AP_RO 0x80ull
#define A64_SH_INNER 0x300ull
#define A64_AF 0x400ull
#define A64_NG 0x800ull
#define A64_PXN 0x0020000000000000ull
#define A64_UXN 0x0040000000000000ull
#define A64_ADDR_MASK 0x0000FFFFFFFFF000ull
#define A64_PA_LIMIT 0x0001000000000000ull

#define PAGE_OFFSET 4095ull

typedef struct Op {
  PageTable *pt;
  u64 p2v;
  u64 delta;
  u32 minLeaf;
  i32 rc;
  u64 leaf[4];
} Op;

#define INLINE static inline __attribute__((always_inline))

INLINE u64 tableBits(void) { return PT_AARCH64 ? A64_TABLE : X86_TABLE_BITS; }
INLINE u64 addrMask(void) { return PT_AARCH64 ? A64_ADDR_MASK : X86_ADDR_MASK; }
INLINE u64 paLimit(void) { return PT_AARCH64 ? A64_PA_LIMIT : X86_PA_LIMIT; }

INLINE bool isLeaf(u64 e, u32 level) {
  if (level == 3) return true;
  if (!PT_AARCH64) return (e & X86_PS) != 0;
  return (e & 2) == 0;
}

INLINE u64 x86LeafBits(u32 attrs, u32 level) {
  u64 e = X86_P | X86_A;
  if ((attrs & A_WRITE) != 0) e |= X86_RW | X86_D;
  if ((attrs & A_USER) != 0) e |= X86_US;
  if ((attrs & A_GLOBAL) != 0) e |= X86_G;
  if ((attrs & A_EXEC) == 0) e |= X86_NX;
  if (level < 3) e |= X86_PS;
  if ((attrs & A_DEVICE) != 0) e |= X86_PCD | X86_PWT;
  else if ((attrs & A_UNCACHED) != 0) e |= X86_PCD;
  else if ((attrs & A_WC) != 0) {
    if (level < 3) e |= X86_PAT_LARGE;
    else e |= X86_PAT_4K;
  }
  return e;
}

static u32 x86LeafAttrs(u64 e, u32 level) {
  u32 a = A_READ;
  if ((e & X86_RW) != 0) a |= A_WRITE;
  if ((e & X86_NX) == 0) a |= A_EXEC;
  if ((e & X86_US) != 0) a |= A_USER;
  if ((e & X86_G) != 0) a |= A_GLOBAL;
  u64 pat = X86_PAT_4K;
  if (level < 3) pat = X86_PAT_LARGE;
  u64 idx = (e >> 3) & 3;
  if ((e & pat) != 0) idx |= 4;
  if (idx == 3) a |= A_DEVICE;
  else if (idx == 2) a |= A_UNCACHED;
  else if (idx == 4) a |= A_WC;
  return a;
}

INLINE u64 x86Relevel(u64 e, u32 from, u32 to) {
  if (from == 3 && to < 3) {
    u64 pat = (e & X86_PAT_4K) << 5;
    return e | X86_PS | pat;
  }
  if (from < 3 && to == 3) {
    u64 pat = (e & X86_PAT_LARGE) >> 5;
    u64 clear = X86_PS | X86_PAT_LARGE;
    return (e & ~clear) | pat;
  }
  return e;
}

INLINE u64 a64LeafBits(u32 attrs, u32 level) {
  u64 e = A64_AF;
  if (level == 3) e |= A64_TABLE;
  else e |= A64_BLOCK;
  if ((attrs & A_WRITE) == 0) e |= A64_AP_RO;
  if ((attrs & A_USER) != 0) e |= A64_AP_EL0;
  if ((attrs & A_GLOBAL) == 0) e |= A64_NG;
  if ((attrs & A_EXEC) == 0) e |= A64_PXN | A64_UXN;
  else if ((attrs & A_USER) != 0) e |= A64_PXN;
  else e |= A64_UXN;
  if ((attrs & A_DEVICE) != 0) e |= A64_ATTRIDX_DEVICE;
  else if ((attrs & (A_UNCACHED | A_WC)) != 0) e |= A64_ATTRIDX_NC | A64_SH_INNER;
  else e |= A64_SH_INNER;
  return e;
}

static u32 a64LeafAttrs(u64 e, u32 level) {
  (void)level;
  u32 a = A_READ;
  if ((e & A64_AP_RO) == 0) a |= A_WRITE;
  if ((e & A64_AP_EL0) != 0) a |= A_USER;
  if ((e & A64_NG) == 0) a |= A_GLOBAL;
  if ((e & A64_PXN) == 0 || (e & A64_UXN) == 0) a |= A_EXEC;
  u64 idx = (e >> 2) & 7;
  if (idx == 1) a |= A_DEVICE;
  else if (idx == 2) a |= A_UNCACHED;
  return a;
}

INLINE u64 a64Relevel(u64 e, u32 from, u32 to) {
  if (from == 3 && to < 3) return e & ~2ull;
  if (from < 3 && to == 3) return e | A64_TABLE;
  return e;
}

INLINE u64 leafBits(u32 attrs, u32 level) { return PT_AARCH64 ? a64LeafBits(attrs, level) : x86LeafBits(attrs, level); }
INLINE u32 leafAttrs(u64 e, u32 level) { return PT_AARCH64 ? a64LeafAttrs(e, level) : x86LeafAttrs(e, level); }
INLINE u64 relevel(u64 e, u32 from, u32 to) { return PT_AARCH64 ? a64Relevel(e, from, to) : x86Relevel(e, from, to); }

INLINE void publishBarrier(void) {
#if PT_AARCH64 && defined(__aarch64__)
  __asm__ volatile("dsb ishst" ::: "memory");
#else
  __asm__ volatile("" ::: "memory");
#endif
}

INLINE u64 shiftOf(u32 level) { return (u64)(39 - 9 * level); }
INLINE u64 leafAddrMask(u32 level) { return addrMask() & (~0ull << shiftOf(level)); }
INLINE u64 *tableAt(Op *op, u64 e) { return (u64 *)(uintptr_t)(op->p2v + (e & addrMask())); }

static u64 allocTable(Op *op) {
  PageTable *pt = op->pt;
  u64 pa = pt->frames.alloc(pt->frames.ctx);
  if (pa == 0) {
    op->rc = PT_ENOMEM;
    return 0;
  }
  pt->tableFrames += 1;
  return pa;
}

static void freeTable(Op *op, u64 pa) {
  PageTable *pt = op->pt;
  pt->frames.free(pt->frames.ctx, pa);
  pt->tableFrames -= 1;
}

static void noteFlush(PageTable *pt, u64 va) {
  if (pt->flushAll) return;
  u64 n = pt->flushCount;
  if (n != 0 && pt->flushVa[n - 1] == va) return;
  if (n >= PT_FLUSH_MAX) {
    pt->flushAll = true;
    return;
  }
  pt->flushVa[n] = va;
  pt->flushCount = n + 1;
}

/* engine.ts: @nobuiltins (LLVM must not turn the loop into a memset call). */
__attribute__((no_builtin("memset"))) static void zeroEntries(u64 *t, u64 from, u64 to) {
  if (from > to) return;
  u64 *p = t + from;
  u64 n = to - from + 1;
  for (u64 k = 0; k < n; k++) p[k] = 0;
}

static bool tableEmpty(u64 *t) {
  for (u32 k = 0; k < 512; k++) {
    if ((t[k] & 1) != 0) return false;
  }
  return true;
}

static void freeSubtree(Op *op, u64 e, u32 level) {
  u64 *t = tableAt(op, e);
  if (level < 3) {
    for (u32 k = 0; k < 512; k++) {
      u64 c = t[k];
      if ((c & 1) != 0 && !isLeaf(c, level)) freeSubtree(op, c, level + 1);
    }
  }
  freeTable(op, e & addrMask());
}

static u64 split(Op *op, u64 *t, u64 i, u32 level, u64 base) {
  u64 e = t[i];
  u64 childPa = allocTable(op);
  if (childPa == 0) return 0;
  u64 *c = (u64 *)(uintptr_t)(op->p2v + childPa);
  u64 v = relevel(e, level, level + 1);
  u64 step = 1ull << shiftOf(level + 1);
  for (u32 k = 0; k < 512; k++) {
    c[k] = v;
    v += step;
  }
  publishBarrier();
  t[i] = childPa | tableBits();
  noteFlush(op->pt, base);
  return childPa;
}

static void tryMerge(Op *op, u64 *t, u64 i, u32 level) {
  if (level < op->minLeaf) return;
  u64 e = t[i];
  if ((e & 1) == 0 || isLeaf(e, level)) return;
  u64 *c = tableAt(op, e);
  u64 c0 = c[0];
  if ((c0 & 1) == 0 || !isLeaf(c0, level + 1)) return;
  u64 cshift = shiftOf(level + 1);
  u64 cspan = 1ull << cshift;
  u64 span = cspan << 9;
  if ((c0 & leafAddrMask(level + 1) & (span - 1)) != 0) return;
  if (c[511] != c0 + (cspan << 9) - cspan) return;
  u64 expect = c0 + cspan;
  for (u32 k = 1; k < 511; k++) {
    if (c[k] != expect) return;
    expect += cspan;
  }
  t[i] = relevel(c0, level + 1, level);
  freeTable(op, e & addrMask());
  op->pt->flushAll = true;
}

static bool anyMapped(Op *op, u64 *t, u32 level, u64 va, u64 last) {
  u64 shift = shiftOf(level);
  u64 span = 1ull << shift;
  u64 i = (va >> shift) & 511;
  u64 iLast = (last >> shift) & 511;
  while (i <= iLast) {
    u64 e = t[i];
    if ((e & 1) != 0) {
      if (isLeaf(e, level)) return true;
      u64 base = va & ~(span - 1);
      u64 entryLast = base + (span - 1);
      if (va == base && entryLast <= last) return true;
      u64 subLast = entryLast;
      if (last < subLast) subLast = last;
      if (anyMapped(op, tableAt(op, e), level + 1, va, subLast)) return true;
    }
    va = (va | (span - 1)) + 1;
    i++;
  }
  return false;
}

static bool mapLevel(Op *op, u64 *t, u32 level, u64 va, u64 last, bool fresh) {
  u64 shift = shiftOf(level);
  u64 span = 1ull << shift;
  u64 mask = span - 1;
  u64 i = (va >> shift) & 511;
  u64 iLast = (last >> shift) & 511;
  if (fresh) {
    if (i != 0) zeroEntries(t, 0, i - 1);
    if (iLast != 511) zeroEntries(t, iLast + 1, 511);
  }
  u64 delta = op->delta;
  bool leafOk = level >= op->minLeaf && (delta & mask) == 0;
  while (i <= iLast) {
    if (leafOk && (va & mask) == 0) {
      u64 stop = iLast + 1;
      if (((last + 1) & mask) != 0) stop = iLast;
      if (i < stop) {
        u64 v = (va + delta) | op->leaf[level];
        u64 *p = t + i;
        u64 n = stop - i;
        for (u64 k = 0; k < n; k++) {
          p[k] = v;
          v += span;
        }
        i = stop;
        va += n << shift;
        continue;
      }
    }
    u64 subLast = va | mask;
    if (last < subLast) subLast = last;
    u64 e = 0;
    if (!fresh) e = t[i];
    if ((e & 1) == 0) {
      u64 childPa = allocTable(op);
      if (childPa == 0) {
        if (fresh) zeroEntries(t, i, iLast);
        return false;
      }
      bool ok = mapLevel(op, (u64 *)(uintptr_t)(op->p2v + childPa), level + 1, va, subLast, true);
      if (!ok && tableEmpty((u64 *)(uintptr_t)(op->p2v + childPa))) {
        freeTable(op, childPa);
        if (fresh) zeroEntries(t, i, iLast);
        return false;
      }
      publishBarrier();
      t[i] = childPa | tableBits();
      if (!ok) {
        if (fresh) zeroEntries(t, i + 1, iLast);
        return false;
      }
    } else {
      bool ok = mapLevel(op, tableAt(op, e), level + 1, va, subLast, false);
      tryMerge(op, t, i, level);
      if (!ok) return false;
    }
    va = subLast + 1;
    i++;
  }
  return true;
}

static bool unmapLevel(Op *op, u64 *t, u32 level, u64 va, u64 last) {
  u64 shift = shiftOf(level);
  u64 span = 1ull << shift;
  u64 mask = span - 1;
  u64 i = (va >> shift) & 511;
  u64 iLast = (last >> shift) & 511;
  while (i <= iLast) {
    u64 subLast = va | mask;
    if (last < subLast) subLast = last;
    u64 e = t[i];
    if ((e & 1) != 0) {
      u64 base = va & ~mask;
      if (va == base && subLast == (va | mask)) {
        t[i] = 0;
        noteFlush(op->pt, base);
        if (!isLeaf(e, level)) {
          freeSubtree(op, e, level + 1);
          op->pt->flushAll = true;
        }
      } else {
        u64 childPa = 0;
        if (isLeaf(e, level)) {
          childPa = split(op, t, i, level, base);
          if (childPa == 0) return false;
        } else {
          childPa = e & addrMask();
        }
        u64 *c = (u64 *)(uintptr_t)(op->p2v + childPa);
        bool ok = unmapLevel(op, c, level + 1, va, subLast);
        if (tableEmpty(c)) {
          t[i] = 0;
          freeTable(op, childPa);
          op->pt->flushAll = true;
        }
        if (!ok) {
          tryMerge(op, t, i, level);
          return false;
        }
      }
    }
    va = subLast + 1;
    i++;
  }
  return true;
}

static bool protectLevel(Op *op, u64 *t, u32 level, u64 va, u64 last) {
  u64 shift = shiftOf(level);
  u64 span = 1ull << shift;
  u64 mask = span - 1;
  u64 i = (va >> shift) & 511;
  u64 iLast = (last >> shift) & 511;
  while (i <= iLast) {
    u64 subLast = va | mask;
    if (last < subLast) subLast = last;
    u64 e = t[i];
    if ((e & 1) != 0) {
      u64 base = va & ~mask;
      if (isLeaf(e, level)) {
        u64 nv = (e & leafAddrMask(level)) | op->leaf[level];
        if (nv != e) {
          if (va == base && subLast == (va | mask)) {
            t[i] = nv;
            noteFlush(op->pt, base);
          } else {
            u64 childPa = split(op, t, i, level, base);
            if (childPa == 0) return false;
            if (!protectLevel(op, (u64 *)(uintptr_t)(op->p2v + childPa), level + 1, va, subLast)) {
              tryMerge(op, t, i, level);
              return false;
            }
          }
        }
      } else {
        bool ok = protectLevel(op, tableAt(op, e), level + 1, va, subLast);
        tryMerge(op, t, i, level);
        if (!ok) return false;
      }
    }
    va = subLast + 1;
    i++;
  }
  return true;
}

static bool vaOk(PageTable *pt, u64 va) {
  if (!PT_AARCH64) {
    u64 top = va >> 47;
    return top == 0 || top == 0x1FFFF;
  }
  u64 top = va >> 48;
  if (pt->highHalf) return top == 0xFFFF;
  return top == 0;
}

static i32 checkRange(PageTable *pt, u64 va, u64 size) {
  if (size == 0 || ((va | size) & PAGE_OFFSET) != 0) return PT_EINVAL;
  u64 last = va + (size - 1);
  if (last < va) return PT_EINVAL;
  if (!vaOk(pt, va) || !vaOk(pt, last)) return PT_EINVAL;
  if (!PT_AARCH64 && (va >> 47) != (last >> 47)) return PT_EINVAL;
  return PT_OK;
}

static i32 checkAttrs(PageTable *pt, u32 attrs) {
  if ((attrs & ~(u32)A_ALL) != 0 || (attrs & A_READ) == 0) return PT_EINVAL;
  u32 mt = attrs & A_MEMTYPE;
  if ((mt & (mt - 1)) != 0) return PT_EINVAL;
  if ((attrs & A_DEVICE) != 0 && (attrs & A_EXEC) != 0) return PT_EINVAL;
  u32 wx = A_WRITE | A_EXEC;
  if ((attrs & wx) == wx && !pt->allowWX) return PT_EWX;
  return PT_OK;
}

static void setupOp(Op *op, PageTable *pt, u32 attrs) {
  op->pt = pt;
  op->p2v = pt->physToVirt;
  op->minLeaf = 2;
  if (pt->allow1G) op->minLeaf = 1;
  op->rc = PT_OK;
  op->leaf[1] = leafBits(attrs, 1);
  op->leaf[2] = leafBits(attrs, 2);
  op->leaf[3] = leafBits(attrs, 3);
}

i32 ptInit(PageTable *pt, FrameSource *frames, u64 physToVirt) {
  pt->frames.alloc = frames->alloc;
  pt->frames.free = frames->free;
  pt->frames.ctx = frames->ctx;
  pt->physToVirt = physToVirt;
  pt->allow1G = false;
  pt->allowWX = false;
  pt->highHalf = false;
  pt->flushAll = false;
  pt->flushCount = 0;
  pt->tableFrames = 0;
  pt->root = 0;
  u64 root = frames->alloc(frames->ctx);
  if (root == 0) return PT_ENOMEM;
  zeroEntries((u64 *)(uintptr_t)(physToVirt + root), 0, 511);
  pt->root = root;
  pt->tableFrames = 1;
  return PT_OK;
}

i32 ptMap(PageTable *pt, u64 va, u64 pa, u64 size, u32 attrs) {
  i32 rc = checkRange(pt, va, size);
  if (rc != PT_OK) return rc;
  if ((pa & PAGE_OFFSET) != 0 || pa >= paLimit() || size > paLimit() - pa) return PT_EINVAL;
  rc = checkAttrs(pt, attrs);
  if (rc != PT_OK) return rc;
  Op op = {0};
  setupOp(&op, pt, attrs);
  op.delta = pa - va;
  u64 last = va + (size - 1);
  u64 *root = (u64 *)(uintptr_t)(pt->physToVirt + pt->root);
  if (anyMapped(&op, root, 0, va, last)) return PT_EEXIST;
  mapLevel(&op, root, 0, va, last, false);
  return op.rc;
}

i32 ptUnmap(PageTable *pt, u64 va, u64 size) {
  i32 rc = checkRange(pt, va, size);
  if (rc != PT_OK) return rc;
  Op op = {0};
  op.pt = pt;
  op.p2v = pt->physToVirt;
  op.minLeaf = 2;
  if (pt->allow1G) op.minLeaf = 1;
  unmapLevel(&op, (u64 *)(uintptr_t)(pt->physToVirt + pt->root), 0, va, va + (size - 1));
  return op.rc;
}

i32 ptProtect(PageTable *pt, u64 va, u64 size, u32 attrs) {
  i32 rc = checkRange(pt, va, size);
  if (rc != PT_OK) return rc;
  rc = checkAttrs(pt, attrs);
  if (rc != PT_OK) return rc;
  Op op = {0};
  setupOp(&op, pt, attrs);
  protectLevel(&op, (u64 *)(uintptr_t)(pt->physToVirt + pt->root), 0, va, va + (size - 1));
  return op.rc;
}

bool ptTranslate(PageTable *pt, u64 va, u64 *outPa, u32 *outAttrs) {
  if (!vaOk(pt, va)) return false;
  u64 p2v = pt->physToVirt;
  u64 e = pt->root;
  for (u32 level = 0; level < 4; level++) {
    u64 shift = shiftOf(level);
    u64 *t = (u64 *)(uintptr_t)(p2v + (e & addrMask()));
    e = t[(va >> shift) & 511];
    if ((e & 1) == 0) return false;
    if (level != 0 && isLeaf(e, level)) {
      u64 off = (1ull << shift) - 1;
      if (outPa != 0) outPa[0] = (e & leafAddrMask(level)) | (va & off);
      if (outAttrs != 0) outAttrs[0] = leafAttrs(e, level);
      return true;
    }
  }
  return false;
}

bool ptWalk(PageTable *pt, u64 va, WalkResult *out) {
  memset(out, 0, sizeof *out);
  if (!vaOk(pt, va)) return false;
  u64 tablePa = pt->root;
  for (u32 level = 0; level < 4; level++) {
    u64 shift = shiftOf(level);
    u64 *t = (u64 *)(uintptr_t)(pt->physToVirt + tablePa);
    u64 e = t[(va >> shift) & 511];
    out->tablePa[level] = tablePa;
    out->entries[level] = e;
    out->levels = level + 1;
    if ((e & 1) == 0) return false;
    if (level != 0 && isLeaf(e, level)) {
      u64 size = 1ull << shift;
      out->leafLevel = level;
      out->pageSize = size;
      out->pa = (e & leafAddrMask(level)) | (va & (size - 1));
      out->attrs = leafAttrs(e, level);
      return true;
    }
    tablePa = e & addrMask();
  }
  return false;
}

void ptClearFlush(PageTable *pt) {
  pt->flushAll = false;
  pt->flushCount = 0;
}

/* ---- dump (same output as ptDump in engine.ts) ---- */
#include <stdio.h>

typedef struct DumpRun {
  bool active;
  u64 va, end, pa;
  u32 attrs;
  u64 leaves, ranges;
} DumpRun;

static void printAttrs(u32 a) {
  putchar((a & A_READ) ? 'R' : '-');
  putchar((a & A_WRITE) ? 'W' : '-');
  putchar((a & A_EXEC) ? 'X' : '-');
  putchar((a & A_USER) ? 'U' : '-');
  putchar((a & A_GLOBAL) ? 'G' : '-');
  if (a & A_DEVICE) fputs(" device", stdout);
  if (a & A_UNCACHED) fputs(" uncached", stdout);
  if (a & A_WC) fputs(" wc", stdout);
}

static void flushRun(DumpRun *run) {
  if (!run->active) return;
  printf("  0x%016llx-0x%016llx -> 0x%013llx ", (unsigned long long)run->va,
         (unsigned long long)(run->end - 1), (unsigned long long)run->pa);
  printAttrs(run->attrs);
  printf(" (%llu entries)\n", (unsigned long long)run->leaves);
  run->active = false;
  run->ranges += 1;
}

static void dumpLevel(PageTable *pt, DumpRun *run, u64 tablePa, u32 level, u64 prefix) {
  u64 *t = (u64 *)(uintptr_t)(pt->physToVirt + tablePa);
  u64 shift = shiftOf(level);
  for (u64 k = 0; k < 512; k++) {
    u64 e = t[k];
    if ((e & 1) == 0) continue;
    u64 va = prefix | (k << shift);
    if (level == 0) {
      if (!PT_AARCH64) {
        if (k >= 256) va |= 0xFFFF000000000000ull;
      } else if (pt->highHalf) {
        va |= 0xFFFF000000000000ull;
      }
    }
    if (level != 0 && isLeaf(e, level)) {
      u64 size = 1ull << shift;
      u64 pa = e & leafAddrMask(level);
      u32 attrs = leafAttrs(e, level);
      if (run->active && run->end == va && run->attrs == attrs && run->pa + (va - run->va) == pa) {
        run->end = va + size;
        run->leaves += 1;
      } else {
        flushRun(run);
        run->active = true;
        run->va = va;
        run->end = va + size;
        run->pa = pa;
        run->attrs = attrs;
        run->leaves = 1;
      }
    } else if (level < 3) {
      dumpLevel(pt, run, e & addrMask(), level + 1, va);
    }
  }
}

void ptDump(PageTable *pt) {
  printf("page table root 0x%llx, %llu table frames\n", (unsigned long long)pt->root,
         (unsigned long long)pt->tableFrames);
  DumpRun run = {0};
  dumpLevel(pt, &run, pt->root, 0, 0);
  flushRun(&run);
  printf("  %llu ranges\n", (unsigned long long)run.ranges);
}
