// Kernel mappings through the page-table engine: vmap() maps physical memory (MMIO
// usually) into a kernel virtual window and returns the virtual address, like 9front's
// vmap(). Table frames come from the frame allocator (the engine's FrameSource).
//
// The window is handed out upwards (a bump pointer), with one unmapped guard page after
// every mapping so that running off the end of a device's registers faults instead of
// touching the next device. vunmap() of the most recent mapping gives its VA back; others
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

export interface Vmap extends Struct {
  pt: Ptr<PageTable>;
  base: u64;
  next: u64;
  end: u64;
  /** The last mapping handed out (for giving its VA back). */
  lastVa: u64;
  lastSize: u64;
  mappings: u64;
  /** The engine's return code of the last failed call (PT_*), 0 if none failed. */
  lastError: i32;
}

export function vmapInit(v: Ptr<Vmap>, pt: Ptr<PageTable>, base: u64, size: u64): void {
  v.pt = pt;
  v.base = base;
  v.next = base;
  v.end = base + size;
  v.lastVa = 0;
  v.lastSize = 0;
  v.mappings = 0;
  v.lastError = 0;
}

/** Makes the engine's changes visible: TLB maintenance on a kernel, nothing in a
 *  *-linux test build (there the tables are plain memory that no MMU walks). */
function applyFlush(pt: Ptr<PageTable>): void {
  if (target.elf) archApplyFlush(pt);
  else pt.clearFlush();
}

/**
 * Maps [pa, pa + size) (any alignment) with `attrs` (Attr bits) and returns the virtual
 * address of pa, or 0 when the window is exhausted or the engine refused (v.lastError).
 */
export function vmap(v: Ptr<Vmap>, pa: u64, size: u64, attrs: u32): u64 {
  if (size == 0) return 0;
  let off: u64 = pa & (PAGE - 1);
  let base: u64 = pa - off;
  let bytes: u64 = (off + size + PAGE - 1) & ~(PAGE - 1);
  if (bytes < size) return 0;
  let va: u64 = v.next;
  if (bytes >= LARGE) {
    // Same offset within a 2 MiB block as pa, so whole 2 MiB pieces can be large pages.
    let want: u64 = base & (LARGE - 1);
    va = ((va + LARGE - 1) & ~(LARGE - 1)) + want;
    if (va - LARGE >= v.next && va >= LARGE) va -= LARGE;
  }
  if (va < v.next || va + bytes + PAGE > v.end || va + bytes < va) {
    v.lastError = -1;
    return 0;
  }
  let rc: i32 = v.pt.map(va, base, bytes, attrs);
  applyFlush(v.pt);
  if (rc != PT_OK) {
    v.lastError = rc;
    return 0;
  }
  v.next = va + bytes + PAGE;                 // one guard page
  v.lastVa = va;
  v.lastSize = bytes;
  v.mappings += 1;
  return va + off;
}

/** Device registers: strongly ordered, uncached, never executable. */
export function vmapMmio(v: Ptr<Vmap>, pa: u64, size: u64): u64 {
  return vmap(v, pa, size, Attr.Read | Attr.Write | Attr.Device | Attr.Global);
}

/** Removes a mapping made by vmap (va and size as given to / returned by it). */
export function vunmap(v: Ptr<Vmap>, va: u64, size: u64): bool {
  let off: u64 = va & (PAGE - 1);
  let base: u64 = va - off;
  let bytes: u64 = (off + size + PAGE - 1) & ~(PAGE - 1);
  if (base < v.base || base + bytes > v.next) return false;
  let rc: i32 = v.pt.unmap(base, bytes);
  applyFlush(v.pt);
  if (rc != PT_OK) {
    v.lastError = rc;
    return false;
  }
  if (base == v.lastVa && bytes == v.lastSize) {
    v.next = base;
    v.lastVa = 0;
    v.lastSize = 0;
  }
  v.mappings -= 1;
  return true;
}
