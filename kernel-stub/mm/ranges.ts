// Physical memory ranges: the kernel's view of which physical pages exist and may be
// handed out, built from the boot info's memory map (docs/memory.md).
//
// A RangeSet is a sorted list of disjoint, non-touching, page-aligned [base, end) ranges
// in fixed storage (there is no heap yet). Every operation that changes the set bumps its
// generation, like the UEFI memory map key: a caller that remembers the generation can
// tell whether anything changed since it last looked.
//
// PhysMem is built in two passes (as Haiku's loader does), so that an unsorted or
// overlapping firmware map still comes out right:
//   1. add every Usable region to `usable` and every LoaderReclaimable region to `reclaim`;
//   2. remove every region of any other type from both (and LoaderReclaimable from
//      `usable`): a page that any region calls non-usable is never handed out.
// Then memory below 1 MiB and above the limit (what the HHDM cannot reach) is removed and
// accounted as ignored. Loader-reclaimable memory stays in `reclaim` until
// physReclaimLoader() moves it to `usable`, once the kernel no longer needs the boot info.

import { type MemRegion, MemType, MEMTYPE_MAX } from "../../common/bootinfo";

/** Capacity of one RangeSet. A firmware map has ~50-150 regions; usable memory after
 *  merging is far fewer ranges. Running out is reported (`overflow`), never ignored. */
export const RANGES_MAX = 512;
export const PAGE_SIZE: u64 = 4096;
/** The highest page-aligned address an exclusive end can hold (u64 cannot hold 2^64). */
export const PHYS_END_MAX: u64 = 0xFFFF_FFFF_FFFF_F000;
/** Memory below this is never used (real-mode/BIOS leftovers, AP trampolines later). */
export const LOW_MEMORY_END: u64 = 0x10_0000;

export interface PhysRange extends Struct {
  base: u64;
  end: u64;
}

export interface RangeSet extends Struct {
  count: u64;
  /** Bumped on every change of the set. */
  generation: u64;
  /** Set when an operation needed more than RANGES_MAX ranges (the set is then unchanged). */
  overflow: bool;
  r: Arr<PhysRange, 512>;
}

// ---- RangeSet ------------------------------------------------------------------------

export function rsClear(s: Ptr<RangeSet>): void {
  if (s.count != 0) s.generation += 1;
  s.count = 0;
  s.overflow = false;
}

/** Copies src into dst (dst's generation moves on if its contents change). */
export function rsCopy(dst: Ptr<RangeSet>, src: Ptr<RangeSet>): void {
  let same: bool = dst.count == src.count;
  for (let i: u64 = 0; same && i < src.count; i++) {
    if (dst.r[i].base != src.r[i].base || dst.r[i].end != src.r[i].end) same = false;
  }
  if (same) return;
  for (let i: u64 = 0; i < src.count; i++) {
    dst.r[i].base = src.r[i].base;
    dst.r[i].end = src.r[i].end;
  }
  dst.count = src.count;
  dst.generation += 1;
}

function shiftRight(s: Ptr<RangeSet>, at: u64, by: u64): void {
  let i: u64 = s.count;
  while (i > at) {
    i--;
    s.r[i + by].base = s.r[i].base;
    s.r[i + by].end = s.r[i].end;
  }
  s.count += by;
}

function shiftLeft(s: Ptr<RangeSet>, from: u64, by: u64): void {
  for (let i: u64 = from; i < s.count; i++) {
    s.r[i - by].base = s.r[i].base;
    s.r[i - by].end = s.r[i].end;
  }
  s.count -= by;
}

/**
 * Adds [base, end) (merged with every range it overlaps or touches). Returns false, with
 * the set unchanged and `overflow` set, when a new range is needed and the set is full.
 */
export function rsAdd(s: Ptr<RangeSet>, base: u64, end: u64): bool {
  if (end <= base) return true;
  // i: first range that ends at or after base (it may touch or overlap).
  let i: u64 = 0;
  while (i < s.count && s.r[i].end < base) i++;
  // j: one past the last range that starts at or before end.
  let j: u64 = i;
  while (j < s.count && s.r[j].base <= end) j++;
  if (i == j) {
    if (s.count >= RANGES_MAX) {
      s.overflow = true;
      return false;
    }
    shiftRight(s, i, 1);
    s.r[i].base = base;
    s.r[i].end = end;
    s.generation += 1;
    return true;
  }
  let nb: u64 = s.r[i].base;
  if (base < nb) nb = base;
  let ne: u64 = s.r[j - 1].end;
  if (end > ne) ne = end;
  if (j - i == 1 && nb == s.r[i].base && ne == s.r[i].end) return true;   // already inside
  s.r[i].base = nb;
  s.r[i].end = ne;
  if (j - i > 1) shiftLeft(s, j, j - i - 1);
  s.generation += 1;
  return true;
}

/**
 * Removes [base, end). Returns false, with the set unchanged and `overflow` set, when the
 * removal splits a range in two and the set is full.
 */
export function rsRemove(s: Ptr<RangeSet>, base: u64, end: u64): bool {
  if (end <= base) return true;
  let i: u64 = 0;
  while (i < s.count && s.r[i].end <= base) i++;
  let j: u64 = i;
  while (j < s.count && s.r[j].base < end) j++;
  if (i == j) return true;                       // nothing overlaps
  let first: Ptr<PhysRange> = addressOf(s.r[i]);
  let lastEnd: u64 = s.r[j - 1].end;
  let keepLeft: bool = first.base < base;
  let keepRight: bool = lastEnd > end;
  if (j - i == 1 && keepLeft && keepRight) {
    // One range strictly contains the hole: it becomes two.
    if (s.count >= RANGES_MAX) {
      s.overflow = true;
      return false;
    }
    let oldEnd: u64 = first.end;
    shiftRight(s, i + 1, 1);
    s.r[i].end = base;
    s.r[i + 1].base = end;
    s.r[i + 1].end = oldEnd;
    s.generation += 1;
    return true;
  }
  // Ranges i..j-1 become at most two pieces: [first.base, base) and [end, lastEnd).
  let out: u64 = i;
  if (keepLeft) {
    s.r[out].end = base;
    out++;
  }
  if (keepRight) {
    s.r[out].base = end;
    s.r[out].end = lastEnd;
    out++;
  }
  if (j > out) shiftLeft(s, j, j - out);
  s.generation += 1;
  return true;
}

/** Index of the range containing address a, or RANGES_MAX when none does (binary search:
 *  at most log2(RANGES_MAX) + 1 steps whatever the size of memory). */
export function rsFind(s: Ptr<RangeSet>, a: u64): u64 {
  let lo: u64 = 0;
  let hi: u64 = s.count;
  while (lo < hi) {
    let mid: u64 = (lo + hi) >> 1;
    if (s.r[mid].end <= a) lo = mid + 1;
    else hi = mid;
  }
  if (lo < s.count && s.r[lo].base <= a) return lo;
  return RANGES_MAX;
}

/** [base, end) lies entirely inside one range of the set. */
export function rsContains(s: Ptr<RangeSet>, base: u64, end: u64): bool {
  let k: u64 = rsFind(s, base);
  if (k == RANGES_MAX) return false;
  return end <= s.r[k].end;
}

/** Bytes of [base, end) covered by the set. */
export function rsMeasure(s: Ptr<RangeSet>, base: u64, end: u64): u64 {
  let total: u64 = 0;
  for (let i: u64 = 0; i < s.count; i++) {
    let b: u64 = s.r[i].base;
    let e: u64 = s.r[i].end;
    if (b < base) b = base;
    if (e > end) e = end;
    if (b < e) total += e - b;
  }
  return total;
}

/** [base, end) overlaps some range of the set. */
export function rsOverlaps(s: Ptr<RangeSet>, base: u64, end: u64): bool {
  return rsMeasure(s, base, end) != 0;
}

export function rsTotal(s: Ptr<RangeSet>): u64 {
  let total: u64 = 0;
  for (let i: u64 = 0; i < s.count; i++) total += s.r[i].end - s.r[i].base;
  return total;
}

/** One past the highest address of the set (0 when empty). */
export function rsEnd(s: Ptr<RangeSet>): u64 {
  if (s.count == 0) return 0;
  return s.r[s.count - 1].end;
}

/** The lowest address of the set (0 when empty). */
export function rsBase(s: Ptr<RangeSet>): u64 {
  if (s.count == 0) return 0;
  return s.r[0].base;
}

// ---- building from the memory map ----------------------------------------------------

export const enum PhysStatus {
  Ok = 0,
  /** More disjoint ranges than RANGES_MAX. */
  Overflow = 1,
  /** The map holds no usable memory above 1 MiB below the limit. */
  NoMemory = 2,
}

export interface PhysMem extends Struct {
  /** Usable memory the allocators may hand out. The early allocator takes its pages out
   *  of this set, so the frame allocator manages exactly these ranges. */
  usable: RangeSet;
  /** Loader-reclaimable memory not yet given back (boot info, loader tables, stack). */
  reclaim: RangeSet;
  /** Every region that is memory (isMemory: not MMIO, not an uncacheable Reserved window),
   *  for the memory report's total. */
  all: RangeSet;
  /** Usable / reclaimable bytes below 1 MiB, never used. */
  ignoredLow: u64;
  /** Usable / reclaimable bytes at or above `limit` (the HHDM cannot reach them). */
  ignoredHigh: u64;
  /** Bytes of Kernel-type regions. */
  kernelBytes: u64;
  /** Bytes of usable memory right after the build (before any early allocation). */
  usableAtBuild: u64;
  /** Bytes moved from `reclaim` to `usable` by physReclaimLoader. */
  reclaimedBytes: u64;
  limit: u64;
  regions: u64;
  /** Regions whose type is not a known MemType (treated as reserved). */
  unknownTypes: u64;
}

/** The key of the range database: changes whenever `usable` or `reclaim` change. */
export function physGeneration(pm: Ptr<PhysMem>): u64 {
  return pm.usable.generation + pm.reclaim.generation;
}

/** [base, end) of a region rounded inwards to pages (for memory we may use) or outwards
 *  (for memory we must avoid). A length that runs past 2^64 is clamped. */
function regionEnd(r: Ptr<MemRegion>): u64 {
  let e: u64 = r.base + r.length;
  if (e < r.base || e > PHYS_END_MAX) e = PHYS_END_MAX;
  return e;
}

function isUsableType(t: u32): bool {
  return t == MemType.Usable;
}

/** UEFI's EFI_MEMORY_WB attribute bit. */
export const EFI_MEMORY_WB: u64 = 0x8;

/** The region is memory (for the report's total), not just address space: MMIO is not,
 *  nor is a Reserved region that cannot be cached (a PCIe ECAM window, for example).
 *  Regions without attributes (hand-made maps) count by type alone. */
function isMemory(r: Ptr<MemRegion>): bool {
  if (r.type == MemType.Mmio) return false;
  if (r.type == MemType.Reserved && r.attrs != 0 && (r.attrs & EFI_MEMORY_WB) == 0) return false;
  return true;
}

let kernelTmp: RangeSet;

/**
 * Builds `pm` from `count` regions at `map` (any order, overlaps allowed). Memory at or
 * above `limit` is ignored (pass the HHDM size: the kernel can only touch what the direct
 * map reaches). The previous contents of pm are replaced; the generations keep counting.
 */
export function physBuild(pm: Ptr<PhysMem>, map: Ptr<MemRegion>, count: u64, limit: u64): PhysStatus {
  rsClear(addressOf(pm.usable));
  rsClear(addressOf(pm.reclaim));
  rsClear(addressOf(pm.all));
  rsClear(addressOf(kernelTmp));
  pm.ignoredLow = 0;
  pm.ignoredHigh = 0;
  pm.kernelBytes = 0;
  pm.usableAtBuild = 0;
  pm.reclaimedBytes = 0;
  pm.limit = limit & ~(PAGE_SIZE - 1);
  pm.regions = count;
  pm.unknownTypes = 0;
  let ok: bool = true;

  // Pass 1: what may be used (inward-rounded).
  for (let i: u64 = 0; i < count; i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    let t: u32 = r.type;
    let b: u64 = (r.base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (b < r.base) continue;                                  // base in the last page of 2^64
    let e: u64 = regionEnd(r) & ~(PAGE_SIZE - 1);
    if (isUsableType(t)) ok = rsAdd(addressOf(pm.usable), b, e) && ok;
    else if (t == MemType.LoaderReclaimable) ok = rsAdd(addressOf(pm.reclaim), b, e) && ok;
  }
  // Pass 2: what must be avoided (outward-rounded), whatever order the map came in.
  for (let i: u64 = 0; i < count; i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    let t: u32 = r.type;
    if (t < 1 || t > MEMTYPE_MAX) pm.unknownTypes += 1;
    let b: u64 = r.base & ~(PAGE_SIZE - 1);
    let e: u64 = (regionEnd(r) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (e < b) e = PHYS_END_MAX;
    if (isMemory(r)) ok = rsAdd(addressOf(pm.all), b, e) && ok;
    if (t == MemType.Kernel) ok = rsAdd(addressOf(kernelTmp), b, e) && ok;
    if (isUsableType(t)) continue;
    ok = rsRemove(addressOf(pm.usable), b, e) && ok;
    if (t != MemType.LoaderReclaimable) ok = rsRemove(addressOf(pm.reclaim), b, e) && ok;
  }
  // Low and unreachable memory: removed and accounted.
  pm.ignoredLow = rsMeasure(addressOf(pm.usable), 0, LOW_MEMORY_END) + rsMeasure(addressOf(pm.reclaim), 0, LOW_MEMORY_END);
  ok = rsRemove(addressOf(pm.usable), 0, LOW_MEMORY_END) && ok;
  ok = rsRemove(addressOf(pm.reclaim), 0, LOW_MEMORY_END) && ok;
  if (pm.limit < PHYS_END_MAX) {
    pm.ignoredHigh = rsMeasure(addressOf(pm.usable), pm.limit, PHYS_END_MAX) + rsMeasure(addressOf(pm.reclaim), pm.limit, PHYS_END_MAX);
    ok = rsRemove(addressOf(pm.usable), pm.limit, PHYS_END_MAX) && ok;
    ok = rsRemove(addressOf(pm.reclaim), pm.limit, PHYS_END_MAX) && ok;
  }
  pm.kernelBytes = rsTotal(addressOf(kernelTmp));
  pm.usableAtBuild = rsTotal(addressOf(pm.usable));
  if (!ok) return PhysStatus.Overflow;
  if (pm.usable.count == 0) return PhysStatus.NoMemory;
  return PhysStatus.Ok;
}

/**
 * Moves loader-reclaimable memory into `usable`, except the pages in `keep` (the live page
 * tables and the kernel stack, which the loader allocated as loader data but the kernel
 * still runs on). Calls `added(ctx, base, end)` for every range that became usable, so the
 * frame allocator can take it. Returns the bytes moved, or PHYS_END_MAX on overflow.
 */
export function physReclaimLoader(pm: Ptr<PhysMem>, keep: Ptr<RangeSet>,
    added: (ctx: Ptr<void>, base: u64, end: u64) => void, ctx: Ptr<void>): u64 {
  for (let k: u64 = 0; k < keep.count; k++) {
    if (!rsRemove(addressOf(pm.reclaim), keep.r[k].base, keep.r[k].end)) return PHYS_END_MAX;
  }
  let moved: u64 = 0;
  // Take from the end so that removing from `reclaim` never splits a range.
  while (pm.reclaim.count > 0) {
    let i: u64 = pm.reclaim.count - 1;
    let b: u64 = pm.reclaim.r[i].base;
    let e: u64 = pm.reclaim.r[i].end;
    if (!rsAdd(addressOf(pm.usable), b, e)) return PHYS_END_MAX;
    rsRemove(addressOf(pm.reclaim), b, e);
    added(ctx, b, e);
    moved += e - b;
  }
  pm.reclaimedBytes += moved;
  return moved;
}
