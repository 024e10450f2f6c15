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
// PhysMem.reclaimLoader() moves it to `usable`, once the kernel no longer needs the boot info.

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

/** Zeroed storage is an empty set. */
export class RangeSet {
  count: u64;
  /** Bumped on every change of the set. */
  generation: u64;
  /** Set when an operation needed more than RANGES_MAX ranges (the set is then unchanged). */
  overflow: bool;
  r: Arr<PhysRange, 512>;

  clear(): void {
    if (this.count != 0) this.generation += 1;
    this.count = 0;
    this.overflow = false;
  }

  /** Makes this set a copy of src (the generation moves on if the contents change). */
  copyFrom(src: Ptr<RangeSet>): void {
    let same: bool = this.count == src.count;
    for (let i: u64 = 0; same && i < src.count; i++) {
      if (this.r[i].base != src.r[i].base || this.r[i].end != src.r[i].end) same = false;
    }
    if (same) return;
    for (let i: u64 = 0; i < src.count; i++) {
      this.r[i].base = src.r[i].base;
      this.r[i].end = src.r[i].end;
    }
    this.count = src.count;
    this.generation += 1;
  }

  private shiftRight(at: u64, by: u64): void {
    let i: u64 = this.count;
    while (i > at) {
      i--;
      this.r[i + by].base = this.r[i].base;
      this.r[i + by].end = this.r[i].end;
    }
    this.count += by;
  }

  private shiftLeft(from: u64, by: u64): void {
    for (let i: u64 = from; i < this.count; i++) {
      this.r[i - by].base = this.r[i].base;
      this.r[i - by].end = this.r[i].end;
    }
    this.count -= by;
  }

  /**
   * Adds [base, end) (merged with every range it overlaps or touches). Returns false, with
   * the set unchanged and `overflow` set, when a new range is needed and the set is full.
   */
  add(base: u64, end: u64): bool {
    if (end <= base) return true;
    // i: first range that ends at or after base (it may touch or overlap).
    let i: u64 = 0;
    while (i < this.count && this.r[i].end < base) i++;
    // j: one past the last range that starts at or before end.
    let j: u64 = i;
    while (j < this.count && this.r[j].base <= end) j++;
    if (i == j) {
      if (this.count >= RANGES_MAX) {
        this.overflow = true;
        return false;
      }
      this.shiftRight(i, 1);
      this.r[i].base = base;
      this.r[i].end = end;
      this.generation += 1;
      return true;
    }
    let nb: u64 = this.r[i].base;
    if (base < nb) nb = base;
    let ne: u64 = this.r[j - 1].end;
    if (end > ne) ne = end;
    if (j - i == 1 && nb == this.r[i].base && ne == this.r[i].end) return true;   // already inside
    this.r[i].base = nb;
    this.r[i].end = ne;
    if (j - i > 1) this.shiftLeft(j, j - i - 1);
    this.generation += 1;
    return true;
  }

  /**
   * Removes [base, end). Returns false, with the set unchanged and `overflow` set, when the
   * removal splits a range in two and the set is full.
   */
  remove(base: u64, end: u64): bool {
    if (end <= base) return true;
    let i: u64 = 0;
    while (i < this.count && this.r[i].end <= base) i++;
    let j: u64 = i;
    while (j < this.count && this.r[j].base < end) j++;
    if (i == j) return true;                       // nothing overlaps
    let first: Ptr<PhysRange> = addressOf(this.r[i]);
    let lastEnd: u64 = this.r[j - 1].end;
    let keepLeft: bool = first.base < base;
    let keepRight: bool = lastEnd > end;
    if (j - i == 1 && keepLeft && keepRight) {
      // One range strictly contains the hole: it becomes two.
      if (this.count >= RANGES_MAX) {
        this.overflow = true;
        return false;
      }
      let oldEnd: u64 = first.end;
      this.shiftRight(i + 1, 1);
      this.r[i].end = base;
      this.r[i + 1].base = end;
      this.r[i + 1].end = oldEnd;
      this.generation += 1;
      return true;
    }
    // Ranges i..j-1 become at most two pieces: [first.base, base) and [end, lastEnd).
    let out: u64 = i;
    if (keepLeft) {
      this.r[out].end = base;
      out++;
    }
    if (keepRight) {
      this.r[out].base = end;
      this.r[out].end = lastEnd;
      out++;
    }
    if (j > out) this.shiftLeft(j, j - out);
    this.generation += 1;
    return true;
  }

  /** Index of the range containing address a, or RANGES_MAX when none does (binary search:
   *  at most log2(RANGES_MAX) + 1 steps whatever the size of memory). */
  find(a: u64): u64 {
    let lo: u64 = 0;
    let hi: u64 = this.count;
    while (lo < hi) {
      let mid: u64 = (lo + hi) >> 1;
      if (this.r[mid].end <= a) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.count && this.r[lo].base <= a) return lo;
    return RANGES_MAX;
  }

  /** [base, end) lies entirely inside one range of the set. */
  contains(base: u64, end: u64): bool {
    let k: u64 = this.find(base);
    if (k == RANGES_MAX) return false;
    return end <= this.r[k].end;
  }

  /** Bytes of [base, end) covered by the set. */
  measure(base: u64, end: u64): u64 {
    let total: u64 = 0;
    for (let i: u64 = 0; i < this.count; i++) {
      let b: u64 = this.r[i].base;
      let e: u64 = this.r[i].end;
      if (b < base) b = base;
      if (e > end) e = end;
      if (b < e) total += e - b;
    }
    return total;
  }

  /** [base, end) overlaps some range of the set. */
  overlaps(base: u64, end: u64): bool {
    return this.measure(base, end) != 0;
  }

  total(): u64 {
    let total: u64 = 0;
    for (let i: u64 = 0; i < this.count; i++) total += this.r[i].end - this.r[i].base;
    return total;
  }

  /** One past the highest address of the set (0 when empty). */
  end(): u64 {
    if (this.count == 0) return 0;
    return this.r[this.count - 1].end;
  }

  /** The lowest address of the set (0 when empty). */
  base(): u64 {
    if (this.count == 0) return 0;
    return this.r[0].base;
  }
}

// ---- building from the memory map ----------------------------------------------------

export const enum PhysStatus {
  Ok = 0,
  /** More disjoint ranges than RANGES_MAX. */
  Overflow = 1,
  /** The map holds no usable memory above 1 MiB below the limit. */
  NoMemory = 2,
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

export class PhysMem {
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
  /** Bytes moved from `reclaim` to `usable` by reclaimLoader. */
  reclaimedBytes: u64;
  limit: u64;
  regions: u64;
  /** Regions whose type is not a known MemType (treated as reserved). */
  unknownTypes: u64;

  /** The key of the range database: changes whenever `usable` or `reclaim` change. */
  get generation(): u64 {
    return this.usable.generation + this.reclaim.generation;
  }

  /**
   * Builds the sets from `count` regions at `map` (any order, overlaps allowed). Memory at
   * or above `limit` is ignored (pass the HHDM size: the kernel can only touch what the
   * direct map reaches). The previous contents are replaced; the generations keep counting.
   */
  build(map: Ptr<MemRegion>, count: u64, limit: u64): PhysStatus {
    this.usable.clear();
    this.reclaim.clear();
    this.all.clear();
    kernelTmp.clear();
    this.ignoredLow = 0;
    this.ignoredHigh = 0;
    this.kernelBytes = 0;
    this.usableAtBuild = 0;
    this.reclaimedBytes = 0;
    this.limit = limit & ~(PAGE_SIZE - 1);
    this.regions = count;
    this.unknownTypes = 0;
    let ok: bool = true;

    // Pass 1: what may be used (inward-rounded).
    for (let i: u64 = 0; i < count; i++) {
      let r: Ptr<MemRegion> = ptrAdd(map, i);
      let t: u32 = r.type;
      let b: u64 = (r.base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
      if (b < r.base) continue;                                  // base in the last page of 2^64
      let e: u64 = regionEnd(r) & ~(PAGE_SIZE - 1);
      if (isUsableType(t)) ok = this.usable.add(b, e) && ok;
      else if (t == MemType.LoaderReclaimable) ok = this.reclaim.add(b, e) && ok;
    }
    // Pass 2: what must be avoided (outward-rounded), whatever order the map came in.
    for (let i: u64 = 0; i < count; i++) {
      let r: Ptr<MemRegion> = ptrAdd(map, i);
      let t: u32 = r.type;
      if (t < 1 || t > MEMTYPE_MAX) this.unknownTypes += 1;
      let b: u64 = r.base & ~(PAGE_SIZE - 1);
      let e: u64 = (regionEnd(r) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
      if (e < b) e = PHYS_END_MAX;
      if (isMemory(r)) ok = this.all.add(b, e) && ok;
      if (t == MemType.Kernel) ok = kernelTmp.add(b, e) && ok;
      if (isUsableType(t)) continue;
      ok = this.usable.remove(b, e) && ok;
      if (t != MemType.LoaderReclaimable) ok = this.reclaim.remove(b, e) && ok;
    }
    // Low and unreachable memory: removed and accounted.
    this.ignoredLow = this.usable.measure(0, LOW_MEMORY_END) + this.reclaim.measure(0, LOW_MEMORY_END);
    ok = this.usable.remove(0, LOW_MEMORY_END) && ok;
    ok = this.reclaim.remove(0, LOW_MEMORY_END) && ok;
    if (this.limit < PHYS_END_MAX) {
      this.ignoredHigh = this.usable.measure(this.limit, PHYS_END_MAX) + this.reclaim.measure(this.limit, PHYS_END_MAX);
      ok = this.usable.remove(this.limit, PHYS_END_MAX) && ok;
      ok = this.reclaim.remove(this.limit, PHYS_END_MAX) && ok;
    }
    this.kernelBytes = kernelTmp.total();
    this.usableAtBuild = this.usable.total();
    if (!ok) return PhysStatus.Overflow;
    if (this.usable.count == 0) return PhysStatus.NoMemory;
    return PhysStatus.Ok;
  }

  /**
   * Moves loader-reclaimable memory into `usable`, except the pages in `keep` (the live page
   * tables and the kernel stack, which the loader allocated as loader data but the kernel
   * still runs on). Calls `added(ctx, base, end)` for every range that became usable, so the
   * frame allocator can take it. Returns the bytes moved, or PHYS_END_MAX on overflow.
   */
  reclaimLoader(keep: Ptr<RangeSet>, added: (ctx: Ptr<void>, base: u64, end: u64) => void, ctx: Ptr<void>): u64 {
    for (let k: u64 = 0; k < keep.count; k++) {
      if (!this.reclaim.remove(keep.r[k].base, keep.r[k].end)) return PHYS_END_MAX;
    }
    let moved: u64 = 0;
    // Take from the end so that removing from `reclaim` never splits a range.
    while (this.reclaim.count > 0) {
      let i: u64 = this.reclaim.count - 1;
      let b: u64 = this.reclaim.r[i].base;
      let e: u64 = this.reclaim.r[i].end;
      if (!this.usable.add(b, e)) return PHYS_END_MAX;
      this.reclaim.remove(b, e);
      added(ctx, b, e);
      moved += e - b;
    }
    this.reclaimedBytes += moved;
    return moved;
  }
}
