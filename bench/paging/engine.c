/*
 * The page-table engine of common/paging/engine.ts, transcribed to C statement by
 * statement: the benchmark's yardstick ("at least as fast as C"), and a second
 * implementation the tests run against the same reference model.
 * x86_64 descriptors by default; -DPT_AARCH64=1 selects VMSAv8-64 (4 KiB granule).
 * Keep it in step with engine.ts: same recursion, same fast paths, same checks, same
 * entry counts, same zeroing (rep stosb / dc zva).
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
#define X86_COUNT_ONE 0x0010000000000000ull
#define X86_COUNT_MASK 0x3FF0000000000000ull

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
#define A64_COUNT_ONE 0x4ull
#define A64_COUNT_MASK 0xFFCull

#define PAGE 4096ull
#define PAGE_OFFSET 4095ull
#define PT_SLOW 1

typedef struct Op {
  PageTable *pt;
  u64 p2v;
  u64 delta;
  u32 maxLeaf;
  i32 rc;
  u64 rootCount;
  u64 leaf[3];
} Op;

#define INLINE static inline __attribute__((always_inline))

INLINE u64 tableBits(void) { return PT_AARCH64 ? A64_TABLE : X86_TABLE_BITS; }
INLINE u64 addrMask(void) { return PT_AARCH64 ? A64_ADDR_MASK : X86_ADDR_MASK; }
INLINE u64 paLimit(void) { return PT_AARCH64 ? A64_PA_LIMIT : X86_PA_LIMIT; }
INLINE u64 countOne(void) { return PT_AARCH64 ? A64_COUNT_ONE : X86_COUNT_ONE; }
INLINE u64 countMask(void) { return PT_AARCH64 ? A64_COUNT_MASK : X86_COUNT_MASK; }
INLINE u64 countFull(void) { return countOne() << 9; }

INLINE bool isLeaf(u64 e, u32 h) {
  if (h == 0) return true;
  if (!PT_AARCH64) return (e & X86_PS) != 0;
  return (e & 2) == 0;
}

INLINE u64 x86LeafBits(u32 attrs, u32 h) {
  u64 e = X86_P | X86_A;
  if ((attrs & A_WRITE) != 0) e |= X86_RW | X86_D;
  if ((attrs & A_USER) != 0) e |= X86_US;
  if ((attrs & A_GLOBAL) != 0) e |= X86_G;
  if ((attrs & A_EXEC) == 0) e |= X86_NX;
  if (h > 0) e |= X86_PS;
  if ((attrs & A_DEVICE) != 0) e |= X86_PCD | X86_PWT;
  else if ((attrs & A_UNCACHED) != 0) e |= X86_PCD;
  else if ((attrs & A_WC) != 0) {
    if (h > 0) e |= X86_PAT_LARGE;
    else e |= X86_PAT_4K;
  }
  return e;
}

static u32 x86LeafAttrs(u64 e, u32 h) {
  u32 a = A_READ;
  if ((e & X86_RW) != 0) a |= A_WRITE;
  if ((e & X86_NX) == 0) a |= A_EXEC;
  if ((e & X86_US) != 0) a |= A_USER;
  if ((e & X86_G) != 0) a |= A_GLOBAL;
  u64 pat = X86_PAT_4K;
  if (h > 0) pat = X86_PAT_LARGE;
  u64 idx = (e >> 3) & 3;
  if ((e & pat) != 0) idx |= 4;
  if (idx == 3) a |= A_DEVICE;
  else if (idx == 2) a |= A_UNCACHED;
  else if (idx == 4) a |= A_WC;
  return a;
}

INLINE u64 x86Relevel(u64 e, u32 from, u32 to) {
  if (from == 0 && to > 0) {
    u64 pat = (e & X86_PAT_4K) << 5;
    return e | X86_PS | pat;
  }
  if (from > 0 && to == 0) {
    u64 pat = (e & X86_PAT_LARGE) >> 5;
    u64 clear = X86_PS | X86_PAT_LARGE;
    return (e & ~clear) | pat;
  }
  return e;
}

INLINE u64 a64LeafBits(u32 attrs, u32 h) {
  u64 e = A64_AF;
  if (h == 0) e |= A64_TABLE;
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

static u32 a64LeafAttrs(u64 e, u32 h) {
  (void)h;
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
  if (from == 0 && to > 0) return e & ~2ull;
  if (from > 0 && to == 0) return e | A64_TABLE;
  return e;
}

INLINE u64 leafBits(u32 attrs, u32 h) { return PT_AARCH64 ? a64LeafBits(attrs, h) : x86LeafBits(attrs, h); }
INLINE u32 leafAttrs(u64 e, u32 h) { return PT_AARCH64 ? a64LeafAttrs(e, h) : x86LeafAttrs(e, h); }
INLINE u64 relevel(u64 e, u32 from, u32 to) { return PT_AARCH64 ? a64Relevel(e, from, to) : x86Relevel(e, from, to); }

INLINE void publishBarrier(void) {
#if PT_AARCH64 && defined(__aarch64__)
  __asm__ volatile("dsb ishst" ::: "memory");
#else
  __asm__ volatile("" ::: "memory");
#endif
}

INLINE u64 shiftOf(u32 h) { return (u64)(12 + 9 * h); }
INLINE u64 leafAddrMask(u32 h) { return addrMask() & (~0ull << shiftOf(h)); }
INLINE u64 *tableAt(Op *op, u64 e) { return (u64 *)(uintptr_t)(op->p2v + (e & addrMask())); }
INLINE u32 rootHeight(PageTable *pt) { return pt->levels - 1; }

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

static void freeTable(PageTable *pt, u64 pa) {
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

#if PT_AARCH64 && defined(__aarch64__)
static u64 zvaBytes = 1;
#endif

/* Eight stores per step from one base; the empty asm keeps LLVM from rebuilding the chain
 * of adds (desc.ts: fillEntries). */
__attribute__((noinline)) static void fillEntries(u64 *p, u64 n, u64 v, u64 step) {
  u64 s2 = step << 1, s3 = s2 + step, s4 = step << 2, s5 = s4 + step, s6 = s4 + s2, s7 = s4 + s3;
  u64 a = (u64)(uintptr_t)p;
  u64 end = a + ((n & ~7ull) << 3);
  while (a < end) {
    u64 *q = (u64 *)(uintptr_t)a;
    q[0] = v;
    q[1] = v + step;
    q[2] = v + s2;
    q[3] = v + s3;
    q[4] = v + s4;
    q[5] = v + s5;
    q[6] = v + s6;
    q[7] = v + s7;
    v += step << 3;
    __asm__("" : "+r"(v));
    a += 64;
  }
  u64 r = n & 7;
  __asm__("" : "+r"(r));
  u64 stop = a + (r << 3);
  while (a < stop) {
    *(u64 *)(uintptr_t)a = v;
    v += step;
    a += 8;
  }
}

/* engine.ts: @nobuiltins (LLVM must not turn the loop into a memset call). */
__attribute__((no_builtin("memset"))) static void zeroEntries(u64 *t, u64 from, u64 to) {
  if (from > to) return;
  u64 *p = t + from;
  u64 n = to - from + 1;
#if !PT_AARCH64 && defined(__x86_64__)
  if (n >= 8) {
    void *d = p;
    u64 bytes = n << 3;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(0) : "memory");
    return;
  }
#elif PT_AARCH64 && defined(__aarch64__)
  if (zvaBytes == 1) {
    u64 id;
    __asm__ volatile("mrs %0, dczid_el0" : "=r"(id));
    zvaBytes = (id & 16) != 0 ? 0 : 4ull << (id & 15);
  }
  u64 z = zvaBytes;
  if (z != 0 && z <= 4096 && (n << 3) >= 2 * z) {
    u64 a = (u64)(uintptr_t)p;
    u64 end = a + (n << 3);
    u64 b = (a + z - 1) & ~(z - 1);
    u64 be = end & ~(z - 1);
    u64 k = 0;
    u64 head = (b - a) >> 3;
    while (k < head) { p[k] = 0; k++; }
    for (u64 q = b; q < be; q += z) __asm__ volatile("dc zva, %0" : : "r"(q) : "memory");
    k = (be - a) >> 3;
    while (k < n) { p[k] = 0; k++; }
    return;
  }
#endif
  for (u64 k = 0; k < n; k++) p[k] = 0;
}

static void freeSubtree(Op *op, u64 e, u32 h) {
  u64 *t = tableAt(op, e);
  if (h > 0) {
    for (u32 k = 0; k < 512; k++) {
      u64 c = t[k];
      if ((c & 1) != 0 && !isLeaf(c, h)) freeSubtree(op, c, h - 1);
    }
  }
  freeTable(op->pt, e & addrMask());
}

static void replaceLive(PageTable *pt, u64 *t, u64 i, u64 nv, u64 va, bool all) {
  if (PT_AARCH64 && pt->breakHook != 0) {
    t[i] = 0;
    pt->breakHook(va, all);
  }
  t[i] = nv;
}

static u64 split(Op *op, u64 *t, u64 i, u32 h, u64 base) {
  u64 e = t[i];
  u64 childPa = allocTable(op);
  if (childPa == 0) return 0;
  u64 *c = (u64 *)(uintptr_t)(op->p2v + childPa);
  fillEntries(c, 512, relevel(e, h, h - 1), 1ull << shiftOf(h - 1));
  publishBarrier();
  replaceLive(op->pt, t, i, childPa | tableBits() | countFull(), base, false);
  noteFlush(op->pt, base);
  return childPa;
}

/* engine.ts: @noinline. */
__attribute__((noinline)) static bool tryMerge(Op *op, u64 *t, u64 i, u32 h) {
  if (h > op->maxLeaf) return false;
  u64 e = t[i];
  if ((e & 1) == 0 || isLeaf(e, h) || (e & countMask()) != countFull()) return false;
  u64 *c = tableAt(op, e);
  u64 c0 = c[0];
  if (!isLeaf(c0, h - 1)) return false;
  u64 cspan = 1ull << shiftOf(h - 1);
  u64 span = cspan << 9;
  if ((c0 & leafAddrMask(h - 1) & (span - 1)) != 0) return false;
  if (c[511] != c0 + span - cspan) return false;
  u64 expect = c0 + cspan;
  for (u32 k = 1; k < 511; k++) {
    if (c[k] != expect) return false;
    expect += cspan;
  }
  replaceLive(op->pt, t, i, relevel(c0, h - 1, h), 0, true);
  freeTable(op->pt, e & addrMask());
  op->pt->flushAll = true;
  return true;
}

static bool anyMapped(Op *op, u64 *t, u32 h, u64 va, u64 last) {
  u64 shift = shiftOf(h);
  u64 span = 1ull << shift;
  u64 i = (va >> shift) & 511;
  u64 iLast = (last >> shift) & 511;
  while (i <= iLast) {
    u64 e = t[i];
    if ((e & 1) != 0) {
      if (isLeaf(e, h)) return true;
      u64 base = va & ~(span - 1);
      u64 entryLast = base + (span - 1);
      if (va == base && entryLast <= last) return true;
      u64 subLast = entryLast;
      if (last < subLast) subLast = last;
      if (anyMapped(op, tableAt(op, e), h - 1, va, subLast)) return true;
    }
    va = (va | (span - 1)) + 1;
    i++;
  }
  return false;
}

static bool mapLevel(Op *op, u64 *t, u32 h, u64 va, u64 last, bool fresh, u64 *count) {
  u64 shift = shiftOf(h);
  u64 span = 1ull << shift;
  u64 mask = span - 1;
  u64 i = (va >> shift) & 511;
  u64 iLast = (last >> shift) & 511;
  if (fresh) {
    if (i != 0) zeroEntries(t, 0, i - 1);
    if (iLast != 511) zeroEntries(t, iLast + 1, 511);
  }
  u64 delta = op->delta;
  bool leafOk = h <= op->maxLeaf && (delta & mask) == 0;
  while (i <= iLast) {
    if (leafOk && (va & mask) == 0) {
      u64 stop = iLast + 1;
      if (((last + 1) & mask) != 0) stop = iLast;
      if (i < stop) {
        u64 n = stop - i;
        fillEntries(t + i, n, (va + delta) | op->leaf[h], span);
        count[0] += n * countOne();
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
      u64 link = childPa | tableBits();
      bool ok = mapLevel(op, (u64 *)(uintptr_t)(op->p2v + childPa), h - 1, va, subLast, true, &link);
      if (!ok && (link & countMask()) == 0) {
        freeTable(op->pt, childPa);
        if (fresh) zeroEntries(t, i, iLast);
        return false;
      }
      publishBarrier();
      t[i] = link;
      count[0] += countOne();
      if (!ok) {
        if (fresh) zeroEntries(t, i + 1, iLast);
        return false;
      }
    } else {
      bool ok = mapLevel(op, tableAt(op, e), h - 1, va, subLast, false, t + i);
      tryMerge(op, t, i, h);
      if (!ok) return false;
    }
    va = subLast + 1;
    i++;
  }
  return true;
}

static bool unmapLevel(Op *op, u64 *t, u32 h, u64 va, u64 last, u64 *count) {
  u64 shift = shiftOf(h);
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
        count[0] -= countOne();
        noteFlush(op->pt, base);
        if (!isLeaf(e, h)) {
          freeSubtree(op, e, h - 1);
          op->pt->flushAll = true;
        }
      } else {
        u64 childPa = 0;
        if (isLeaf(e, h)) {
          childPa = split(op, t, i, h, base);
          if (childPa == 0) return false;
        } else {
          childPa = e & addrMask();
        }
        bool ok = unmapLevel(op, (u64 *)(uintptr_t)(op->p2v + childPa), h - 1, va, subLast, t + i);
        if ((t[i] & countMask()) == 0) {
          t[i] = 0;
          count[0] -= countOne();
          freeTable(op->pt, childPa);
          op->pt->flushAll = true;
        }
        if (!ok) {
          tryMerge(op, t, i, h);
          return false;
        }
      }
    }
    va = subLast + 1;
    i++;
  }
  return true;
}

static bool protectLevel(Op *op, u64 *t, u32 h, u64 va, u64 last) {
  u64 shift = shiftOf(h);
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
      if (isLeaf(e, h)) {
        u64 nv = (e & leafAddrMask(h)) | op->leaf[h];
        if (nv != e) {
          if (va == base && subLast == (va | mask)) {
            replaceLive(op->pt, t, i, nv, base, false);
            noteFlush(op->pt, base);
          } else {
            u64 childPa = split(op, t, i, h, base);
            if (childPa == 0) return false;
            if (!protectLevel(op, (u64 *)(uintptr_t)(op->p2v + childPa), h - 1, va, subLast)) {
              tryMerge(op, t, i, h);
              return false;
            }
          }
        }
      } else {
        bool ok = protectLevel(op, tableAt(op, e), h - 1, va, subLast);
        tryMerge(op, t, i, h);
        if (!ok) return false;
      }
    }
    va = subLast + 1;
    i++;
  }
  return true;
}

INLINE bool vaOk(PageTable *pt, u64 va) {
  if (!PT_AARCH64) {
    u64 top = va >> (9 * pt->levels + 11);
    return top == 0 || top == (~0ull >> (9 * pt->levels + 11));
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
  if (!PT_AARCH64 && (va >> 63) != (last >> 63)) return PT_EINVAL;
  return PT_OK;
}

INLINE i32 checkAttrs(PageTable *pt, u32 attrs) {
  if ((attrs & ~(u32)A_ALL) != 0 || (attrs & A_READ) == 0) return PT_EINVAL;
  u32 mt = attrs & A_MEMTYPE;
  if ((mt & (mt - 1)) != 0) return PT_EINVAL;
  if ((attrs & A_DEVICE) != 0 && (attrs & A_EXEC) != 0) return PT_EINVAL;
  u32 wx = A_WRITE | A_EXEC;
  if ((attrs & wx) == wx && !pt->allowWX) return PT_EWX;
  return PT_OK;
}

static void setupOp(Op *op, PageTable *pt) {
  op->pt = pt;
  op->p2v = pt->physToVirt;
  op->maxLeaf = 1;
  if (pt->allow1G) op->maxLeaf = 2;
  op->rc = PT_OK;
}

INLINE void setupLeaves(Op *op, u32 attrs) {
  op->leaf[0] = leafBits(attrs, 0);
  op->leaf[1] = leafBits(attrs, 1);
  op->leaf[2] = leafBits(attrs, 2);
}

INLINE u64 *down(u64 p2v, u64 e) { return (u64 *)(uintptr_t)(p2v + (e & addrMask())); }

INLINE u64 *walkToPde(PageTable *pt, u64 va, bool *leaf) {
  u64 p2v = pt->physToVirt;
  u64 *t = (u64 *)(uintptr_t)(p2v + pt->root);
  u64 e = 0;
  if (pt->levels == 5) {
    e = t[(va >> 48) & 511];
    if ((e & 1) == 0) return 0;
    t = down(p2v, e);
  }
  e = t[(va >> 39) & 511];
  if ((e & 1) == 0) return 0;
  t = down(p2v, e);
  e = t[(va >> 30) & 511];
  if ((e & 1) == 0) return 0;
  if (isLeaf(e, 2)) {
    leaf[0] = true;
    return 0;
  }
  u64 *pde = down(p2v, e) + ((va >> 21) & 511);
  if ((pde[0] & 1) == 0) return 0;
  if (isLeaf(pde[0], 1)) {
    leaf[0] = true;
    return 0;
  }
  return pde;
}

INLINE i32 mapPage(PageTable *pt, u64 va, u64 pa, u32 attrs) {
  bool leaf = false;
  u64 *pde = walkToPde(pt, va, &leaf);
  if (leaf) return PT_EEXIST;
  if (pde == 0) return PT_SLOW;
  u64 d = pde[0];
  if ((d & countMask()) == countFull() - countOne()) return PT_SLOW;
  u64 *pte = down(pt->physToVirt, d) + ((va >> 12) & 511);
  if ((pte[0] & 1) != 0) return PT_EEXIST;
  pte[0] = pa | leafBits(attrs, 0);
  pde[0] = d + countOne();
  return PT_OK;
}

INLINE i32 unmapPage(PageTable *pt, u64 va) {
  bool leaf = false;
  u64 *pde = walkToPde(pt, va, &leaf);
  if (leaf) return PT_SLOW;
  if (pde == 0) return PT_OK;
  u64 d = pde[0];
  u64 *pte = down(pt->physToVirt, d) + ((va >> 12) & 511);
  if ((pte[0] & 1) == 0) return PT_OK;
  if ((d & countMask()) == countOne()) return PT_SLOW;
  pte[0] = 0;
  pde[0] = d - countOne();
  noteFlush(pt, va);
  return PT_OK;
}

__attribute__((noinline)) static i32 mapRange(PageTable *pt, u64 va, u64 pa, u64 size, u32 attrs) {
  Op op = {0};
  setupOp(&op, pt);
  setupLeaves(&op, attrs);
  op.delta = pa - va;
  u64 last = va + (size - 1);
  u64 *root = (u64 *)(uintptr_t)(pt->physToVirt + pt->root);
  u32 h = rootHeight(pt);
  if (anyMapped(&op, root, h, va, last)) return PT_EEXIST;
  mapLevel(&op, root, h, va, last, false, &op.rootCount);
  return op.rc;
}

__attribute__((noinline)) static i32 unmapRange(PageTable *pt, u64 va, u64 size) {
  Op op = {0};
  setupOp(&op, pt);
  unmapLevel(&op, (u64 *)(uintptr_t)(pt->physToVirt + pt->root), rootHeight(pt), va, va + (size - 1), &op.rootCount);
  return op.rc;
}

i32 ptInit(PageTable *pt, FrameSource *frames, u64 physToVirt) {
  pt->frames.alloc = frames->alloc;
  pt->frames.free = frames->free;
  pt->frames.ctx = frames->ctx;
  pt->physToVirt = physToVirt;
  pt->allow1G = false;
  pt->allowWX = false;
  pt->highHalf = false;
  pt->breakHook = 0;
  pt->levels = 4;
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
  if (size == PAGE) {
    rc = mapPage(pt, va, pa, attrs);
    if (rc != PT_SLOW) return rc;
  }
  return mapRange(pt, va, pa, size, attrs);
}

i32 ptUnmap(PageTable *pt, u64 va, u64 size) {
  i32 rc = checkRange(pt, va, size);
  if (rc != PT_OK) return rc;
  if (size == PAGE) {
    rc = unmapPage(pt, va);
    if (rc != PT_SLOW) return rc;
  }
  return unmapRange(pt, va, size);
}

i32 ptProtect(PageTable *pt, u64 va, u64 size, u32 attrs) {
  i32 rc = checkRange(pt, va, size);
  if (rc != PT_OK) return rc;
  rc = checkAttrs(pt, attrs);
  if (rc != PT_OK) return rc;
  Op op = {0};
  setupOp(&op, pt);
  setupLeaves(&op, attrs);
  protectLevel(&op, (u64 *)(uintptr_t)(pt->physToVirt + pt->root), rootHeight(pt), va, va + (size - 1));
  return op.rc;
}

bool ptTranslate(PageTable *pt, u64 va, u64 *outPa, u32 *outAttrs) {
  if (!vaOk(pt, va)) return false;
  u64 p2v = pt->physToVirt;
  u64 e = pt->root;
  u32 h = rootHeight(pt);
  for (;;) {
    u64 shift = shiftOf(h);
    u64 *t = (u64 *)(uintptr_t)(p2v + (e & addrMask()));
    e = t[(va >> shift) & 511];
    if ((e & 1) == 0) return false;
    if (h < 3 && isLeaf(e, h)) {
      u64 off = (1ull << shift) - 1;
      if (outPa != 0) outPa[0] = (e & leafAddrMask(h)) | (va & off);
      if (outAttrs != 0) outAttrs[0] = leafAttrs(e, h);
      return true;
    }
    if (h == 0) return false;
    h--;
  }
}

bool ptWalk(PageTable *pt, u64 va, WalkResult *out) {
  memset(out, 0, sizeof *out);
  if (!vaOk(pt, va)) return false;
  u64 tablePa = pt->root;
  u32 n = 0;
  u32 h = rootHeight(pt);
  for (;;) {
    u64 shift = shiftOf(h);
    u64 *t = (u64 *)(uintptr_t)(pt->physToVirt + tablePa);
    u64 e = t[(va >> shift) & 511];
    out->tablePa[n] = tablePa;
    out->entries[n] = e;
    n++;
    out->levels = n;
    if ((e & 1) == 0) return false;
    if (h < 3 && isLeaf(e, h)) {
      u64 size = 1ull << shift;
      out->pageSize = size;
      out->pa = (e & leafAddrMask(h)) | (va & (size - 1));
      out->attrs = leafAttrs(e, h);
      return true;
    }
    if (h == 0) return false;
    tablePa = e & addrMask();
    h--;
  }
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

static void dumpLevel(PageTable *pt, DumpRun *run, u64 tablePa, u32 h, u64 prefix) {
  u64 *t = (u64 *)(uintptr_t)(pt->physToVirt + tablePa);
  u64 shift = shiftOf(h);
  for (u64 k = 0; k < 512; k++) {
    u64 e = t[k];
    if ((e & 1) == 0) continue;
    u64 va = prefix | (k << shift);
    if (h == rootHeight(pt)) {
      if (!PT_AARCH64) {
        if (k >= 256) va |= ~0ull << (shift + 9);
      } else if (pt->highHalf) {
        va |= 0xFFFF000000000000ull;
      }
    }
    if (h < 3 && isLeaf(e, h)) {
      u64 size = 1ull << shift;
      u64 pa = e & leafAddrMask(h);
      u32 attrs = leafAttrs(e, h);
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
    } else if (h > 0) {
      dumpLevel(pt, run, e & addrMask(), h - 1, va);
    }
  }
}

void ptDump(PageTable *pt) {
  printf("page table root 0x%llx, %llu table frames\n", (unsigned long long)pt->root,
         (unsigned long long)pt->tableFrames);
  DumpRun run = {0};
  dumpLevel(pt, &run, pt->root, rootHeight(pt), 0);
  flushRun(&run);
  printf("  %llu ranges\n", (unsigned long long)run.ranges);
}
