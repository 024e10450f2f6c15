// The page-table engine shared by the loader and the kernel: one source for x86_64
// (4-level or 5-level paging) and aarch64 (VMSAv8-64, 4 KiB granule, 48-bit VA); the
// descriptor format is chosen at compile time by `target.x86_64` / `target.aarch64`.
//
// Rules (docs/paging.md has the full story):
// - Every mapping uses the largest page that the alignment of va and pa and the extent
//   allow: 1 GiB (only when pt.allow1G), 2 MiB, 4 KiB.
// - The tables stay canonical after every call: a table exists only if it holds at least
//   one mapping and cannot be replaced by a single large page. Changing part of a large
//   page splits it; a table that becomes uniform (512 leaves with the same attributes and
//   contiguous, aligned addresses) is merged back into one large page and its frame freed;
//   a table that becomes empty is freed.
// - Every entry that points to a table also holds how many entries of that table are
//   present (in bits the hardware ignores: x86_64.ts, aarch64.ts). So "did this table just
//   become empty / full?" costs one load, and a single-page map or unmap is one walk from
//   the root with no scan: about as cheap as a loader's plain per-page walker.
// - Table frames come from pt.frames and are reached at pa + pt.physToVirt.
// - New tables are filled completely before they are linked, so a live table never shows
//   a half-built subtree to the MMU.
// - The caller does the TLB maintenance: after a call, pt.flushAll or pt.flushVa[0..flushCount)
//   say what changed; pt.clearFlush() resets them.
// - Running out of frames returns PT_ENOMEM: the pages [va, x) of the request then have the
//   new state and [x, va + size) the old one, for some page boundary x, and the tables are
//   canonical, with no frame leaked.
//
// Heights (desc.ts): a table at height h has entries that each span 2^(12 + 9h) bytes; the
// root is at height pt.levels - 1. Lookups (ptTranslate, ptWalk) live in lookup.ts, ptDump
// in dump.ts.

import { Attr, ATTR_ALL, ATTR_MEMTYPE } from "./attrs";
import {
  tableBits, addrMask, paLimit, countOne, countMask, countFull, isLeaf, leafBits, relevel,
  publishBarrier, shiftOf, leafAddrMask, zeroEntries, fillEntries,
} from "./desc";

/** Where table frames come from. `alloc` returns the physical address of a 4 KiB-aligned
 *  frame (contents arbitrary: the engine initialises it) or 0 when memory is exhausted. */
export interface FrameSource extends Struct {
  alloc: (ctx: Ptr<void>) => u64;
  free: (ctx: Ptr<void>, pa: u64) => void;
  ctx: Ptr<void>;
}

export const PT_OK = 0;
export const PT_ENOMEM = -1;
export const PT_EINVAL = -2;
export const PT_EWX = -3;
export const PT_EEXIST = -4;

/** The PageTable constructor's `root` for a table of its own (a root frame is allocated). */
export const PT_NEW_ROOT: u64 = 0;

/** Capacity of PageTable.flushVa. */
export const PT_FLUSH_MAX = 16;

const PAGE: u64 = 4096;
const PAGE_OFFSET = 4095;
/** mapPage / unmapPage: "not the common case, take the range walker". */
const PT_SLOW = 1;

/**
 * One translation table tree (x86_64 PML4/PML5, aarch64 TTBR0 or TTBR1) and how to edit
 * it. A global or a field: `pt = new PageTable(addressOf(frames), physToVirt, PT_NEW_ROOT)`.
 */
export class PageTable {
  readonly root: u64;        // physical address of the top-level table (PML5 / PML4 / level 0)
  readonly physToVirt: u64;  // added to a table frame's physical address to access it
  frames: FrameSource;
  allow1G: bool = false;     // x86: set only if CPUID 0x80000001 EDX bit 26 (pdpe1gb)
  allowWX: bool = false;     // writable+executable mappings are refused (PT_EWX) unless set
  tableFrames: u64 = 0;      // live table frames, root included
  flushAll: bool = false;    // too much changed: flush the whole TLB (flushVa is then meaningless)
  flushCount: u64 = 0;       // number of valid entries in flushVa
  flushVa: Arr<u64, 16>;     // one VA inside each changed translation (invlpg / TLBI VAE1)
  highHalf: bool = false;    // aarch64: this is a TTBR1 table (VAs 0xFFFF_xxxx_xxxx_xxxx)
  /**
   * aarch64, for tables in use: called between the two halves of a break-before-make
   * (Arm ARM: a live descriptor may not change block size or memory type in one store).
   * The engine has written the invalid descriptor; the hook must make that visible and
   * invalidate the TLB for `va` (all = true: for every VA), e.g. DSB ISHST; TLBI VAE1IS;
   * DSB ISH; ISB. Null (the default) for tables not yet in use. Never called on x86_64.
   * The range being changed must not hold the code, stack or tables the caller is using.
   */
  breakHook: (va: u64, all: bool) => void = null;
  /** Translation levels: 4 (the default), or 5 on x86_64 (CR4.LA57: 57-bit VAs, a PML5
   *  root). Set it right after construction, before the first mapping. */
  levels: u32 = 4;

  /**
   * A table whose frames come from `frames` (copied) and are reached at pa + physToVirt.
   * With `root` PT_NEW_ROOT a new root is allocated and cleared; on a frame source with
   * nothing left `root` stays 0 (the table is unusable: check it). Another `root` adopts an
   * existing table built by this engine (e.g. the loader's, in the kernel); tableFrames
   * then counts from 1 as if only the root existed.
   */
  constructor(frames: Ptr<FrameSource>, physToVirt: u64, root: u64) {
    this.frames.alloc = frames.alloc;
    this.frames.free = frames.free;
    this.frames.ctx = frames.ctx;
    this.physToVirt = physToVirt;
    if (root == PT_NEW_ROOT) {
      root = frames.alloc(frames.ctx);
      if (root == 0) return;
      zeroEntries(ptr<u64>(physToVirt + root), 0, 511);
    }
    this.root = root;
    this.tableFrames = 1;
  }

  /** Height of the root table. */
  get rootHeight(): u32 {
    return this.levels - 1;
  }

  /**
   * Maps [va, va + size) to [pa, pa + size) with `attrs` (Attr bits; Read required).
   * PT_EEXIST, with nothing changed, if any page of the range is already mapped.
   */
  map(va: u64, pa: u64, size: u64, attrs: u32): i32 {
    let rc: i32 = this.checkRange(va, size);
    if (rc != PT_OK) return rc;
    if ((pa & PAGE_OFFSET) != 0 || pa >= paLimit() || size > paLimit() - pa) return PT_EINVAL;
    rc = this.checkAttrs(attrs);
    if (rc != PT_OK) return rc;
    if (size == PAGE) {
      rc = this.mapPage(va, pa, attrs);
      if (rc != PT_SLOW) return rc;
    }
    return mapRange(addressOf<PageTable>(this), va, pa, size, attrs);
  }

  /** Removes every mapping in [va, va + size); holes are fine. */
  unmap(va: u64, size: u64): i32 {
    let rc: i32 = this.checkRange(va, size);
    if (rc != PT_OK) return rc;
    if (size == PAGE) {
      rc = this.unmapPage(va);
      if (rc != PT_SLOW) return rc;
    }
    return unmapRange(addressOf<PageTable>(this), va, size);
  }

  /** Gives every mapped page in [va, va + size) the attributes `attrs`; holes are skipped. */
  protect(va: u64, size: u64, attrs: u32): i32 {
    let rc: i32 = this.checkRange(va, size);
    if (rc != PT_OK) return rc;
    rc = this.checkAttrs(attrs);
    if (rc != PT_OK) return rc;
    let op = new RangeOp(addressOf<PageTable>(this));
    op.setLeaves(attrs);
    op.protectLevel(ptr<u64>(this.physToVirt + this.root), this.rootHeight, va, va + (size - 1));
    return op.rc;
  }

  /** Forgets the recorded TLB work (call after doing it). */
  clearFlush(): void {
    this.flushAll = false;
    this.flushCount = 0;
  }

  /** A VA this table can translate (x86: canonical for 48 or 57 bits; aarch64: in the
   *  TTBR0 or TTBR1 range).
   *  @inline */
  covers(va: u64): bool {
    if (target.x86_64) {
      // Bits 63..47 (63..56 with 5 levels) all equal.
      let top: u64 = va >> u64(9 * this.levels + 11);
      return top == 0 || top == (0xFFFF_FFFF_FFFF_FFFF >> u64(9 * this.levels + 11));
    }
    let top: u64 = va >> 48;
    if (this.highHalf) return top == 0xFFFF;
    return top == 0;
  }

  // ---- argument checks -----------------------------------------------------------------

  private checkRange(va: u64, size: u64): i32 {
    if (size == 0 || ((va | size) & PAGE_OFFSET) != 0) return PT_EINVAL;
    let last: u64 = va + (size - 1);
    if (last < va) return PT_EINVAL;
    if (!this.covers(va) || !this.covers(last)) return PT_EINVAL;
    // Both ends canonical but on either side of the x86 hole.
    if (target.x86_64 && (va >> 63) != (last >> 63)) return PT_EINVAL;
    return PT_OK;
  }

  /** @inline */
  private checkAttrs(attrs: u32): i32 {
    if ((attrs & ~u32(ATTR_ALL)) != 0 || (attrs & Attr.Read) == 0) return PT_EINVAL;
    let mt: u32 = attrs & ATTR_MEMTYPE;
    if ((mt & (mt - 1)) != 0) return PT_EINVAL;            // more than one memory type
    if ((attrs & Attr.Device) != 0 && (attrs & Attr.Exec) != 0) return PT_EINVAL;
    let wx: u32 = Attr.Write | Attr.Exec;
    if ((attrs & wx) == wx && !this.allowWX) return PT_EWX;
    return PT_OK;
  }

  // ---- single pages: one walk from the root --------------------------------------------

  /**
   * map() of one 4 KiB page in the common case: its page table exists and stays short of
   * full (so no merge can follow). One walk, one store, one count update. PT_SLOW for
   * everything else (a table to allocate, a table that may merge): the range walker.
   * @inline
   */
  private mapPage(va: u64, pa: u64, attrs: u32): i32 {
    const w = walkToPde(addressOf<PageTable>(this), va);
    if (w.leaf) return PT_EEXIST;
    let pde: Ptr<u64> = w.pde;
    if (pde == null) return PT_SLOW;
    let d: u64 = pde[0];
    if ((d & countMask()) == countFull() - countOne()) return PT_SLOW;
    let pte: Ptr<u64> = ptrAdd(down(this.physToVirt, d), (va >> 12) & 511);
    if ((pte[0] & 1) != 0) return PT_EEXIST;
    pte[0] = pa | leafBits(attrs, 0);
    pde[0] = d + countOne();
    return PT_OK;
  }

  /**
   * unmap() of one 4 KiB page in the common case: mapped by a page table that keeps other
   * pages (so no table is freed). PT_SLOW otherwise (a split, a table to free).
   * @inline
   */
  private unmapPage(va: u64): i32 {
    const w = walkToPde(addressOf<PageTable>(this), va);
    if (w.leaf) return PT_SLOW;
    let pde: Ptr<u64> = w.pde;
    if (pde == null) return PT_OK;
    let d: u64 = pde[0];
    let pte: Ptr<u64> = ptrAdd(down(this.physToVirt, d), (va >> 12) & 511);
    if ((pte[0] & 1) == 0) return PT_OK;
    if ((d & countMask()) == countOne()) return PT_SLOW;
    pte[0] = 0;
    pde[0] = d - countOne();
    this.noteFlush(va);
    return PT_OK;
  }

  // ---- what the range walker changes ---------------------------------------------------

  /** A new table frame (counted), or 0 when the frame source has none. */
  allocTable(): u64 {
    let pa: u64 = this.frames.alloc(this.frames.ctx);
    if (pa != 0) this.tableFrames += 1;
    return pa;
  }

  freeTable(pa: u64): void {
    this.frames.free(this.frames.ctx, pa);
    this.tableFrames -= 1;
  }

  /** Records that the translation containing `va` changed. */
  noteFlush(va: u64): void {
    if (this.flushAll) return;
    let n: u64 = this.flushCount;
    if (n != 0 && this.flushVa[n - 1] == va) return;
    if (n >= PT_FLUSH_MAX) {
      this.flushAll = true;
      return;
    }
    this.flushVa[n] = va;
    this.flushCount = n + 1;
  }

  /** Replaces the valid descriptor t[i] (translating `va`) by `nv`, with break-before-make
   *  on aarch64 when the caller asked for it (breakHook). */
  replaceLive(t: Ptr<u64>, i: u64, nv: u64, va: u64, all: bool): void {
    if (target.aarch64 && this.breakHook != null) {
      t[i] = 0;
      this.breakHook(va, all);
    }
    t[i] = nv;
  }
}

/** The table a present table entry points to.
 * @inline
 */
function down(p2v: u64, e: u64): Ptr<u64> {
  return ptr<u64>(p2v + (e & addrMask()));
}

/** Where walkToPde stopped: the page directory entry above the page, or null. */
interface PdeWalk extends Struct {
  pde: Ptr<u64>;
  leaf: bool;            // a large page maps the VA on the way (pde is null)
}

/**
 * The page directory entry (height 1) above `va`'s page table, when every table down to it
 * exists; null otherwise, with `leaf` set when a large page maps `va` on the way.
 * @inline
 */
function walkToPde(pt: Ptr<PageTable>, va: u64): PdeWalk {
  let p2v: u64 = pt.physToVirt;
  let t: Ptr<u64> = ptr<u64>(p2v + pt.root);
  let e: u64 = 0;
  if (pt.levels == 5) {
    e = t[(va >> 48) & 511];
    if ((e & 1) == 0) return { pde: null, leaf: false };
    t = down(p2v, e);
  }
  e = t[(va >> 39) & 511];              // tables only at this height
  if ((e & 1) == 0) return { pde: null, leaf: false };
  t = down(p2v, e);
  e = t[(va >> 30) & 511];
  if ((e & 1) == 0) return { pde: null, leaf: false };
  if (isLeaf(e, 2)) return { pde: null, leaf: true };
  let pde: Ptr<u64> = ptrAdd(down(p2v, e), (va >> 21) & 511);
  if ((pde[0] & 1) == 0) return { pde: null, leaf: false };
  if (isLeaf(pde[0], 1)) return { pde: null, leaf: true };
  return { pde, leaf: false };
}

// ---- the range walker ------------------------------------------------------------------

/** One map / unmap / protect of a range: the per-call state handed down the recursion. */
class RangeOp {
  pt: Ptr<PageTable>;
  p2v: u64;
  delta: u64 = 0;       // pa - va of a map request (wrapping)
  maxLeaf: u32;         // highest height that may hold a leaf: 2 with 1 GiB pages, else 1
  rc: i32 = PT_OK;
  rootCount: u64 = 0;   // stands in for the (absent) entry pointing to the root
  leaf: Arr<u64, 3>;    // leaf descriptor bits (no address) per height 0..2

  /** @inline */
  constructor(pt: Ptr<PageTable>) {
    this.pt = pt;
    this.p2v = pt.physToVirt;
    this.maxLeaf = 1;
    if (pt.allow1G) this.maxLeaf = 2;
  }

  /** The leaf descriptor bits of `attrs` at each height (map and protect).
   *  @inline */
  setLeaves(attrs: u32): void {
    this.leaf[0] = leafBits(attrs, 0);
    this.leaf[1] = leafBits(attrs, 1);
    this.leaf[2] = leafBits(attrs, 2);
  }

  /** @inline */
  tableAt(e: u64): Ptr<u64> {
    return ptr<u64>(this.p2v + (e & addrMask()));
  }

  allocTable(): u64 {
    let pa: u64 = this.pt.allocTable();
    if (pa == 0) this.rc = PT_ENOMEM;
    return pa;
  }

  /** Frees the table `e` points to (at height h) and every table below it. */
  freeSubtree(e: u64, h: u32): void {
    let t: Ptr<u64> = this.tableAt(e);
    if (h > 0) {
      for (let k: u32 = 0; k < 512; k++) {
        let c: u64 = t[k];
        if ((c & 1) != 0 && !isLeaf(c, h)) this.freeSubtree(c, h - 1);
      }
    }
    this.pt.freeTable(e & addrMask());
  }

  /**
   * Replaces the leaf t[i] at height h (covering `base`) by a table of 512 leaves of the
   * next height with the same translation. Returns the new table's physical address, or 0
   * when out of frames (then nothing changed).
   */
  split(t: Ptr<u64>, i: u64, h: u32, base: u64): u64 {
    let e: u64 = t[i];
    let childPa: u64 = this.allocTable();
    if (childPa == 0) return 0;
    let c: Ptr<u64> = ptr<u64>(this.p2v + childPa);
    fillEntries(c, 512, relevel(e, h, h - 1), u64(1) << shiftOf(h - 1));
    publishBarrier();
    this.pt.replaceLive(t, i, childPa | tableBits() | countFull(), base, false);
    this.pt.noteFlush(base);
    return childPa;
  }

  /**
   * If the table t[i] points to (height h - 1) is uniform — 512 leaves, same attributes,
   * contiguous addresses starting at an h-aligned address — replace it by one leaf at
   * height h and free it. Returns whether it did. Out of line: mapLevel (@hot) would
   * otherwise carry a speed-optimised copy of the scan, for the rare existing table.
   * @noinline
   */
  tryMerge(t: Ptr<u64>, i: u64, h: u32): bool {
    if (h > this.maxLeaf) return false;
    let e: u64 = t[i];
    // Only a full table can be uniform: one load rejects nearly every case.
    if ((e & 1) == 0 || isLeaf(e, h) || (e & countMask()) != countFull()) return false;
    let c: Ptr<u64> = this.tableAt(e);
    let c0: u64 = c[0];
    if (!isLeaf(c0, h - 1)) return false;
    let cspan: u64 = u64(1) << shiftOf(h - 1);
    let span: u64 = cspan << 9;
    if ((c0 & leafAddrMask(h - 1) & (span - 1)) != 0) return false;
    // The last entry first: most non-uniform tables fail here without a scan.
    if (c[511] != c0 + span - cspan) return false;
    let expect: u64 = c0 + cspan;
    for (let k: u32 = 1; k < 511; k++) {
      if (c[k] != expect) return false;
      expect += cspan;
    }
    this.pt.replaceLive(t, i, relevel(c0, h - 1, h), 0, true);
    this.pt.freeTable(e & addrMask());
    // The freed table may still be cached by the walker for any VA below it.
    this.pt.flushAll = true;
    return true;
  }

  /** Whether any page of [va, last] (inside table t at height h) is mapped. */
  anyMapped(t: Ptr<u64>, h: u32, va: u64, last: u64): bool {
    let shift: u64 = shiftOf(h);
    let span: u64 = u64(1) << shift;
    let i: u64 = (va >> shift) & 511;
    let iLast: u64 = (last >> shift) & 511;
    while (i <= iLast) {
      let e: u64 = t[i];
      if ((e & 1) != 0) {
        if (isLeaf(e, h)) return true;
        let base: u64 = va & ~(span - 1);
        let entryLast: u64 = base + (span - 1);
        // A table always holds a mapping (tables are freed when they become empty).
        if (va == base && entryLast <= last) return true;
        let subLast: u64 = entryLast;
        if (last < subLast) subLast = last;
        if (this.anyMapped(this.tableAt(e), h - 1, va, subLast)) return true;
      }
      va = (va | (span - 1)) + 1;
      i++;
    }
    return false;
  }

  /**
   * Maps [va, last] (inside table t at height h, nothing in it mapped) to va + delta.
   * `fresh`: t was just allocated and holds garbage; every entry outside the range is
   * zeroed here, every entry inside is written without being read. `count` is the entry
   * pointing to t (or rootCount): its count field follows every entry made present.
   * Returns false on PT_ENOMEM (rc); the table is then consistent.
   * @hot: the leaf loop of every bulk mapping (the loader is built -Oz).
   */
  mapLevel(t: Ptr<u64>, h: u32, va: u64, last: u64, fresh: bool, count: Ptr<u64>): bool {
    let shift: u64 = shiftOf(h);
    let span: u64 = u64(1) << shift;
    let mask: u64 = span - 1;
    let i: u64 = (va >> shift) & 511;
    let iLast: u64 = (last >> shift) & 511;
    if (fresh) {
      if (i != 0) zeroEntries(t, 0, i - 1);
      if (iLast != 511) zeroEntries(t, iLast + 1, 511);
    }
    let delta: u64 = this.delta;
    let leafOk: bool = h <= this.maxLeaf && (delta & mask) == 0;
    while (i <= iLast) {
      if (leafOk && (va & mask) == 0) {
        // A run of whole entries becomes leaves of this height. They are empty (nothing in
        // the range is mapped, and a present table would hold a mapping), so the loop only
        // writes.
        // Entries [i, stop) are whole; the last one is whole only if the range ends at its end.
        let stop: u64 = iLast + 1;
        if (((last + 1) & mask) != 0) stop = iLast;
        if (i < stop) {
          let n: u64 = stop - i;
          fillEntries(ptrAdd(t, i), n, (va + delta) | this.leaf[h], span);
          count[0] += n * countOne();
          i = stop;
          va += n << shift;
          continue;
        }
      }
      let subLast: u64 = va | mask;
      if (last < subLast) subLast = last;
      let e: u64 = 0;
      if (!fresh) e = t[i];
      if ((e & 1) == 0) {
        let childPa: u64 = this.allocTable();
        if (childPa == 0) {
          if (fresh) zeroEntries(t, i, iLast);
          return false;
        }
        // The child's entry is built here and stored once the child is complete.
        let link: u64 = childPa | tableBits();
        let ok: bool = this.mapLevel(ptr<u64>(this.p2v + childPa), h - 1, va, subLast, true, addressOf(link));
        if (!ok && (link & countMask()) == 0) {
          this.pt.freeTable(childPa);
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
        let ok: bool = this.mapLevel(this.tableAt(e), h - 1, va, subLast, false, ptrAdd(t, i));
        this.tryMerge(t, i, h);
        if (!ok) return false;
      }
      va = subLast + 1;
      i++;
    }
    return true;
  }

  /** Unmaps [va, last] inside table t at height h; `count` as for mapLevel. */
  unmapLevel(t: Ptr<u64>, h: u32, va: u64, last: u64, count: Ptr<u64>): bool {
    let shift: u64 = shiftOf(h);
    let span: u64 = u64(1) << shift;
    let mask: u64 = span - 1;
    let i: u64 = (va >> shift) & 511;
    let iLast: u64 = (last >> shift) & 511;
    while (i <= iLast) {
      let subLast: u64 = va | mask;
      if (last < subLast) subLast = last;
      let e: u64 = t[i];
      if ((e & 1) != 0) {
        let base: u64 = va & ~mask;
        if (va == base && subLast == (va | mask)) {
          t[i] = 0;
          count[0] -= countOne();
          this.pt.noteFlush(base);
          if (!isLeaf(e, h)) {
            this.freeSubtree(e, h - 1);
            this.pt.flushAll = true;
          }
        } else {
          let childPa: u64 = 0;
          if (isLeaf(e, h)) {
            childPa = this.split(t, i, h, base);
            if (childPa == 0) return false;
          } else {
            childPa = e & addrMask();
          }
          let ok: bool = this.unmapLevel(ptr<u64>(this.p2v + childPa), h - 1, va, subLast, ptrAdd(t, i));
          if ((t[i] & countMask()) == 0) {
            t[i] = 0;
            count[0] -= countOne();
            this.pt.freeTable(childPa);
            this.pt.flushAll = true;
          }
          if (!ok) {
            // A split deeper down failed after this level's split: undo ours if unchanged.
            this.tryMerge(t, i, h);
            return false;
          }
        }
      }
      va = subLast + 1;
      i++;
    }
    return true;
  }

  /** Gives every mapped page of [va, last] inside table t at height h the attributes leaf. */
  protectLevel(t: Ptr<u64>, h: u32, va: u64, last: u64): bool {
    let shift: u64 = shiftOf(h);
    let span: u64 = u64(1) << shift;
    let mask: u64 = span - 1;
    let i: u64 = (va >> shift) & 511;
    let iLast: u64 = (last >> shift) & 511;
    while (i <= iLast) {
      let subLast: u64 = va | mask;
      if (last < subLast) subLast = last;
      let e: u64 = t[i];
      if ((e & 1) != 0) {
        let base: u64 = va & ~mask;
        if (isLeaf(e, h)) {
          let nv: u64 = (e & leafAddrMask(h)) | this.leaf[h];
          if (nv != e) {
            if (va == base && subLast == (va | mask)) {
              this.pt.replaceLive(t, i, nv, base, false);
              this.pt.noteFlush(base);
            } else {
              let childPa: u64 = this.split(t, i, h, base);
              if (childPa == 0) return false;
              // Only part of the new table changes, so it cannot become uniform.
              if (!this.protectLevel(ptr<u64>(this.p2v + childPa), h - 1, va, subLast)) {
                this.tryMerge(t, i, h);   // a deeper split failed: maybe nothing changed
                return false;
              }
            }
          }
        } else {
          let ok: bool = this.protectLevel(this.tableAt(e), h - 1, va, subLast);
          this.tryMerge(t, i, h);
          if (!ok) return false;
        }
      }
      va = subLast + 1;
      i++;
    }
    return true;
  }
}

/** map() after the argument checks: the range walker.
 * @noinline
 */
function mapRange(pt: Ptr<PageTable>, va: u64, pa: u64, size: u64, attrs: u32): i32 {
  let op = new RangeOp(pt);
  op.setLeaves(attrs);
  op.delta = pa - va;
  let last: u64 = va + (size - 1);
  let root: Ptr<u64> = ptr<u64>(pt.physToVirt + pt.root);
  let h: u32 = pt.rootHeight;
  if (op.anyMapped(root, h, va, last)) return PT_EEXIST;
  op.mapLevel(root, h, va, last, false, addressOf(op.rootCount));
  return op.rc;
}

/** unmap() after the argument checks: the range walker.
 * @noinline
 */
function unmapRange(pt: Ptr<PageTable>, va: u64, size: u64): i32 {
  let op = new RangeOp(pt);
  let root: Ptr<u64> = ptr<u64>(pt.physToVirt + pt.root);
  op.unmapLevel(root, pt.rootHeight, va, va + (size - 1), addressOf(op.rootCount));
  return op.rc;
}
