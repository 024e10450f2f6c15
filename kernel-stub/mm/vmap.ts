// Kernel mappings through the page-table engine: Vmap.map() maps physical memory (MMIO
// usually) into a kernel virtual window and returns the virtual address, like 9front's
// vmap(). Table frames come from the frame allocator (the engine's FrameSource).
//
// The window is handed out upwards (a bump pointer), with one unmapped guard page after
// every mapping so that running off the end of a device's registers faults instead of
// touching the next device. unmap() of the most recent mapping gives its VA back; others
// leave a hole (devices are mapped once and kept, so the window does not run out).
// Mappings of 2 MiB or more get a VA with the same offset in a 2 MiB block as the
// physical address, so the engine can use 2 MiB pages.

import { type PageTable, PT_OK } from "../../common/paging/engine";
import { Attr } from "../../common/paging/attrs";
import { archApplyFlush } from "../arch/index";

/** The window: PML4 slot 384 / the same in TTBR1, far from the HHDM (slot 256...) and the
 *  kernel image (the top 2 GiB). */
export const VMAP_BASE: u64 = 0xFFFF_C000_0000_0000;
export const VMAP_SIZE: u64 = 0x10_0000_0000;          // 64 GiB

const PAGE: u64 = 4096;
const LARGE: u64 = 0x20_0000;

/** Makes the engine's changes visible: TLB maintenance on a kernel, nothing in a
 *  *-linux test build (there the tables are plain memory that no MMU walks). */
function applyFlush(pt: Ptr<PageTable>): void {
  if (target.elf) archApplyFlush(pt);
  else pt.clearFlush();
}

/** A window [base, base + size) of kernel virtual addresses mapped through `pt`. */
export class Vmap {
  readonly pt: Ptr<PageTable>;
  readonly base: u64;
  private next: u64;
  readonly end: u64;
  /** The last mapping handed out (for giving its VA back). */
  private lastVa: u64 = 0;
  private lastSize: u64 = 0;
  mappings: u64 = 0;
  /** The engine's return code of the last failed call (PT_*), 0 if none failed. */
  lastError: i32 = 0;

  constructor(pt: Ptr<PageTable>, base: u64, size: u64) {
    this.pt = pt;
    this.base = base;
    this.next = base;
    this.end = base + size;
  }

  /**
   * Maps [pa, pa + size) (any alignment) with `attrs` (Attr bits) and returns the virtual
   * address of pa, or 0 when the window is exhausted or the engine refused (lastError).
   */
  map(pa: u64, size: u64, attrs: u32): u64 {
    if (size == 0) return 0;
    let off: u64 = pa & (PAGE - 1);
    let base: u64 = pa - off;
    let bytes: u64 = (off + size + PAGE - 1) & ~(PAGE - 1);
    if (bytes < size) return 0;
    let va: u64 = this.next;
    if (bytes >= LARGE) {
      // Same offset within a 2 MiB block as pa, so whole 2 MiB pieces can be large pages.
      let want: u64 = base & (LARGE - 1);
      va = ((va + LARGE - 1) & ~(LARGE - 1)) + want;
      if (va - LARGE >= this.next && va >= LARGE) va -= LARGE;
    }
    if (va < this.next || va + bytes + PAGE > this.end || va + bytes < va) {
      this.lastError = -1;
      return 0;
    }
    let rc: i32 = this.pt.map(va, base, bytes, attrs);
    applyFlush(this.pt);
    if (rc != PT_OK) {
      this.lastError = rc;
      return 0;
    }
    this.next = va + bytes + PAGE;                 // one guard page
    this.lastVa = va;
    this.lastSize = bytes;
    this.mappings += 1;
    return va + off;
  }

  /** Device registers: strongly ordered, uncached, never executable. */
  mapMmio(pa: u64, size: u64): u64 {
    return this.map(pa, size, Attr.Read | Attr.Write | Attr.Device | Attr.Global);
  }

  /** Removes a mapping made by map (va and size as given to / returned by it). */
  unmap(va: u64, size: u64): bool {
    let off: u64 = va & (PAGE - 1);
    let base: u64 = va - off;
    let bytes: u64 = (off + size + PAGE - 1) & ~(PAGE - 1);
    if (base < this.base || base + bytes > this.next) return false;
    let rc: i32 = this.pt.unmap(base, bytes);
    applyFlush(this.pt);
    if (rc != PT_OK) {
      this.lastError = rc;
      return false;
    }
    if (base == this.lastVa && bytes == this.lastSize) {
      this.next = base;
      this.lastVa = 0;
      this.lastSize = 0;
    }
    this.mappings -= 1;
    return true;
  }
}
