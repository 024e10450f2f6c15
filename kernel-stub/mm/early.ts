// The early allocator: a hole allocator in the spirit of 9front's xalloc, used to
// bootstrap before the frame allocator exists (its metadata is the first customer).
//
// The holes are PhysMem.usable itself: an allocation is carved out of a usable range and
// recorded in `taken`, so the frame allocator, which is built from `usable` afterwards,
// never sees those frames and can never hand them out. Allocations come from the top of
// memory (the highest hole that fits), leaving low memory, which DMA-limited devices may
// need, to the frame allocator. Once the frame allocator is built the allocator is
// sealed: carving `usable` then would take frames the frame allocator owns.

import {
  type PhysMem, type RangeSet, PAGE_SIZE, rsAdd, rsRemove, rsContains, rsTotal,
} from "./ranges";

export interface EarlyAlloc extends Struct {
  pm: Ptr<PhysMem>;
  /** Every range handed out (never handed out again: it is no longer in pm.usable). */
  taken: RangeSet;
  sealed: bool;
  allocs: u64;
  failures: u64;
}

export function earlyInit(ea: Ptr<EarlyAlloc>, pm: Ptr<PhysMem>): void {
  ea.pm = pm;
  ea.taken.count = 0;
  ea.taken.overflow = false;
  ea.sealed = false;
  ea.allocs = 0;
  ea.failures = 0;
}

/**
 * Allocates `size` bytes (rounded up to pages) aligned to `align` (a power of two, at
 * least 4 KiB is used). Returns the physical address, or 0 when nothing fits, the
 * allocator is sealed, or the range tables are full. The memory is not cleared.
 */
export function earlyAlloc(ea: Ptr<EarlyAlloc>, size: u64, align: u64): u64 {
  if (ea.sealed || size == 0 || (align & (align - 1)) != 0) {
    ea.failures += 1;
    return 0;
  }
  if (align < PAGE_SIZE) align = PAGE_SIZE;
  let bytes: u64 = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  if (bytes < size) {
    ea.failures += 1;
    return 0;
  }
  let holes: Ptr<RangeSet> = addressOf(ea.pm.usable);
  let i: u64 = holes.count;
  while (i > 0) {
    i--;
    let b: u64 = holes.r[i].base;
    let e: u64 = holes.r[i].end;
    if (e - b < bytes) continue;
    let pa: u64 = (e - bytes) & ~(align - 1);
    if (pa < b) continue;
    // Record first, then carve: if either table is full nothing changes.
    if (!rsAdd(addressOf(ea.taken), pa, pa + bytes)) break;
    if (!rsRemove(holes, pa, pa + bytes)) {
      rsRemove(addressOf(ea.taken), pa, pa + bytes);
      break;
    }
    ea.allocs += 1;
    return pa;
  }
  ea.failures += 1;
  return 0;
}

/** Gives back [pa, pa + size) (like xfree); only before sealing and only what was taken. */
export function earlyFree(ea: Ptr<EarlyAlloc>, pa: u64, size: u64): bool {
  let bytes: u64 = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  if (ea.sealed || bytes == 0 || (pa & (PAGE_SIZE - 1)) != 0 || !rsContains(addressOf(ea.taken), pa, pa + bytes)) return false;
  if (!rsAdd(addressOf(ea.pm.usable), pa, pa + bytes)) return false;
  if (!rsRemove(addressOf(ea.taken), pa, pa + bytes)) {
    rsRemove(addressOf(ea.pm.usable), pa, pa + bytes);
    return false;
  }
  return true;
}

/** From now on every earlyAlloc fails: the frame allocator owns pm.usable. */
export function earlySeal(ea: Ptr<EarlyAlloc>): void {
  ea.sealed = true;
}

export function earlyTakenBytes(ea: Ptr<EarlyAlloc>): u64 {
  return rsTotal(addressOf(ea.taken));
}
