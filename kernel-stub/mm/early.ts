// The early allocator: a hole allocator in the spirit of 9front's xalloc, used to
// bootstrap before the frame allocator exists (its metadata is the first customer).
//
// The holes are PhysMem.usable itself: an allocation is carved out of a usable range and
// recorded in `taken`, so the frame allocator, which is built from `usable` afterwards,
// never sees those frames and can never hand them out. Allocations come from the top of
// memory (the highest hole that fits), leaving low memory, which DMA-limited devices may
// need, to the frame allocator. Once the frame allocator is built the allocator is
// sealed: carving `usable` then would take frames the frame allocator owns.

import { type PhysMem, type RangeSet, PAGE_SIZE } from "./ranges";

export class EarlyAlloc {
  readonly pm: Ptr<PhysMem>;
  /** Every range handed out (never handed out again: it is no longer in pm.usable). */
  taken: RangeSet;
  sealed: bool = false;
  allocs: u64 = 0;
  failures: u64 = 0;

  constructor(pm: Ptr<PhysMem>) {
    this.pm = pm;
  }

  /**
   * Allocates `size` bytes (rounded up to pages) aligned to `align` (a power of two, at
   * least 4 KiB is used). Returns the physical address, or 0 when nothing fits, the
   * allocator is sealed, or the range tables are full. The memory is not cleared.
   */
  alloc(size: u64, align: u64): u64 {
    if (this.sealed || size == 0 || (align & (align - 1)) != 0) {
      this.failures += 1;
      return 0;
    }
    if (align < PAGE_SIZE) align = PAGE_SIZE;
    let bytes: u64 = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (bytes < size) {
      this.failures += 1;
      return 0;
    }
    let holes: Ptr<RangeSet> = addressOf(this.pm.usable);
    let i: u64 = holes.count;
    while (i > 0) {
      i--;
      let b: u64 = holes.r[i].base;
      let e: u64 = holes.r[i].end;
      if (e - b < bytes) continue;
      let pa: u64 = (e - bytes) & ~(align - 1);
      if (pa < b) continue;
      // Record first, then carve: if either table is full nothing changes.
      if (!this.taken.add(pa, pa + bytes)) break;
      if (!holes.remove(pa, pa + bytes)) {
        this.taken.remove(pa, pa + bytes);
        break;
      }
      this.allocs += 1;
      return pa;
    }
    this.failures += 1;
    return 0;
  }

  /** Gives back [pa, pa + size) (like xfree); only before sealing and only what was taken. */
  free(pa: u64, size: u64): bool {
    let bytes: u64 = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (this.sealed || bytes == 0 || (pa & (PAGE_SIZE - 1)) != 0 || !this.taken.contains(pa, pa + bytes)) return false;
    if (!this.pm.usable.add(pa, pa + bytes)) return false;
    if (!this.taken.remove(pa, pa + bytes)) {
      this.pm.usable.remove(pa, pa + bytes);
      return false;
    }
    return true;
  }

  /** From now on every alloc fails: the frame allocator owns pm.usable. */
  seal(): void {
    this.sealed = true;
  }

  get takenBytes(): u64 {
    return this.taken.total();
  }
}
