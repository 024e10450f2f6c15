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
//   say what changed; ptClearFlush resets them.
// - Running out of frames returns PT_ENOMEM: the pages [va, x) of the request then have the
//   new state and [x, va + size) the old one, for some page boundary x, and the tables are
//   canonical, with no frame leaked.
//
// Heights (desc.ts): a table at height h has entries that each span 2^(12 + 9h) bytes; the
// root is at height pt.levels - 1. ptDump lives in dump.ts.

import { Attr, ATTR_ALL, ATTR_MEMTYPE } from "./attrs";
import {
  tableBits, addrMask, paLimit, countOne, countMask, countFull, isLeaf, leafBits, leafAttrs, relevel,
  publishBarrier, shiftOf, leafAddrMask, zeroEntries,
} from "./desc";

/** Where table frames come from. `alloc` returns the physical address of a 4 KiB-aligned
 *  frame (contents arbitrary: the engine initialises it) or 0 when memory is exhausted. */
export interface FrameSource extends Struct {
  alloc: (ctx: Ptr<void>) => u64;
  free: (ctx: Ptr<void>, pa: u64) => void;
  ctx: Ptr<void>;
}

export interface PageTable extends Struct {
  root: u64;          // physical address of the top-level table (PML5 / PML4 / level 0)
  physToVirt: u64;    // added to a table frame's physical address to access it
  frames: FrameSource;
  allow1G: bool;      // x86: set only if CPUID 0x80000001 EDX bit 26 (pdpe1gb)
  allowWX: bool;      // writable+executable mappings are refused (PT_EWX) unless set
  tableFrames: u64;   // live table frames, root included
  flushAll: bool;     // too much changed: flush the whole TLB (flushVa is then meaningless)
  flushCount: u64;    // number of valid entries in flushVa
  flushVa: Arr<u64, 16>; // one VA inside each changed translation (invlpg / TLBI VAE1)
  highHalf: bool;     // aarch64: this is a TTBR1 table (VAs 0xFFFF_xxxx_xxxx_xxxx)
  /**
   * aarch64, for tables in use: called between the two halves of a break-before-make
   * (Arm ARM: a live descriptor may not change block size or memory type in one store).
   * The engine has written the invalid descriptor; the hook must make that visible and
   * invalidate the TLB for `va` (all = true: for every VA), e.g. DSB ISHST; TLBI VAE1IS;
   * DSB ISH; ISB. Null (the default) for tables not yet in use. Never called on x86_64.
   * The range being changed must not hold the code, stack or tables the caller is using.
   */
  breakHook: (va: u64, all: bool) => void;
  /** Translation levels: 4 (the default), or 5 on x86_64 (CR4.LA57: 57-bit VAs, a PML5
   *  root). Set it right after ptInit, before the first mapping. */
  levels: u32;
}

/** What ptWalk saw, in the order the descriptors were read (index 0: the root). */
export interface WalkResult extends Struct {
  levels: u32;            // descriptors read (1..5); when mapped, entries[levels - 1] is the leaf
  pageSize: u64;          // size of the leaf, 0 when not mapped
  pa: u64;                // translation of va
  attrs: u32;             // decoded Attr bits
  entries: Arr<u64, 5>;   // descriptor read at each level
  tablePa: Arr<u64, 5>;   // physical address of the table read at each level
}

export const PT_OK = 0;
export const PT_ENOMEM = -1;
export const PT_EINVAL = -2;
export const PT_EWX = -3;
export const PT_EEXIST = -4;

/** Capacity of PageTable.flushVa. */
export const PT_FLUSH_MAX = 16;

const PAGE: u64 = 4096;
const PAGE_OFFSET = 4095;
/** mapPage / unmapPage: "not the common case, take the range walker". */
const PT_SLOW = 1;

/** Per-call state handed down the recursion. */
interface Op extends Struct {
  pt: Ptr<PageTable>;
  p2v: u64;
  delta: u64;           // pa - va of a ptMap request (wrapping)
  maxLeaf: u32;         // highest height that may hold a leaf: 2 with 1 GiB pages, else 1
  rc: i32;
  rootCount: u64;       // stands in for the (absent) entry pointing to the root
  leaf: Arr<u64, 3>;    // leaf descriptor bits (no address) per height 0..2
}

/** @inline */
function tableAt(op: Ptr<Op>, e: u64): Ptr<u64> {
  return ptr<u64>(op.p2v + (e & addrMask()));
}

/** Height of the root table.
 * @inline
 */
export function rootHeight(pt: Ptr<PageTable>): u32 {
  return pt.levels - 1;
}

function allocTable(op: Ptr<Op>): u64 {
  let pt: Ptr<PageTable> = op.pt;
  let pa: u64 = pt.frames.alloc(pt.frames.ctx);
  if (pa == 0) {
    op.rc = PT_ENOMEM;
    return 0;
  }
  pt.tableFrames += 1;
  return pa;
}

function freeTable(pt: Ptr<PageTable>, pa: u64): void {
  pt.frames.free(pt.frames.ctx, pa);
  pt.tableFrames -= 1;
}

/** Records that the translation containing `va` changed. */
function noteFlush(pt: Ptr<PageTable>, va: u64): void {
  if (pt.flushAll) return;
  let n: u64 = pt.flushCount;
  if (n != 0 && pt.flushVa[n - 1] == va) return;
  if (n >= PT_FLUSH_MAX) {
    pt.flushAll = true;
    return;
  }
  pt.flushVa[n] = va;
  pt.flushCount = n + 1;
}

/** Frees the table `e` points to (at height h) and every table below it. */
function freeSubtree(op: Ptr<Op>, e: u64, h: u32): void {
  let t: Ptr<u64> = tableAt(op, e);
  if (h > 0) {
    for (let k: u32 = 0; k < 512; k++) {
      let c: u64 = t[k];
      if ((c & 1) != 0 && !isLeaf(c, h)) freeSubtree(op, c, h - 1);
    }
  }
  freeTable(op.pt, e & addrMask());
}

/** Replaces the valid descriptor t[i] (translating `va`) by `nv`, with break-before-make
 *  on aarch64 when the caller asked for it (PageTable.breakHook). */
function replaceLive(pt: Ptr<PageTable>, t: Ptr<u64>, i: u64, nv: u64, va: u64, all: bool): void {
  if (target.aarch64 && pt.breakHook != null) {
    t[i] = 0;
    pt.breakHook(va, all);
  }
  t[i] = nv;
}

/**
 * Replaces the leaf t[i] at height h (covering `base`) by a table of 512 leaves of the
 * next height with the same translation. Returns the new table's physical address, or 0
 * when out of frames (then nothing changed).
 */
function split(op: Ptr<Op>, t: Ptr<u64>, i: u64, h: u32, base: u64): u64 {
  let e: u64 = t[i];
  let childPa: u64 = allocTable(op);
  if (childPa == 0) return 0;
  let c: Ptr<u64> = ptr<u64>(op.p2v + childPa);
  let v: u64 = relevel(e, h, h - 1);
  let step: u64 = u64(1) << shiftOf(h - 1);
  for (let k: u32 = 0; k < 512; k++) {
    c[k] = v;
    v += step;
  }
  publishBarrier();
  replaceLive(op.pt, t, i, childPa | tableBits() | countFull(), base, false);
  noteFlush(op.pt, base);
  return childPa;
}

/**
 * If the table t[i] points to (height h - 1) is uniform — 512 leaves, same attributes,
 * contiguous addresses starting at an h-aligned address — replace it by one leaf at
 * height h and free it. Returns whether it did.
 */
function tryMerge(op: Ptr<Op>, t: Ptr<u64>, i: u64, h: u32): bool {
  if (h > op.maxLeaf) return false;
  let e: u64 = t[i];
  // Only a full table can be uniform: one load rejects nearly every case.
  if ((e & 1) == 0 || isLeaf(e, h) || (e & countMask()) != countFull()) return false;
  let c: Ptr<u64> = tableAt(op, e);
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
  replaceLive(op.pt, t, i, relevel(c0, h - 1, h), 0, true);
  freeTable(op.pt, e & addrMask());
  // The freed table may still be cached by the walker for any VA below it.
  op.pt.flushAll = true;
  return true;
}

// ---- the recursive workers -------------------------------------------------------------

/** Whether any page of [va, last] (inside table t at height h) is mapped. */
function anyMapped(op: Ptr<Op>, t: Ptr<u64>, h: u32, va: u64, last: u64): bool {
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
      if (anyMapped(op, tableAt(op, e), h - 1, va, subLast)) return true;
    }
    va = (va | (span - 1)) + 1;
    i++;
  }
  return false;
}

/**
 * Maps [va, last] (inside table t at height h, nothing in it mapped) to va + op.delta.
 * `fresh`: t was just allocated and holds garbage; every entry outside the range is zeroed
 * here, every entry inside is written without being read. `count` is the entry pointing
 * to t (or op.rootCount): its count field follows every entry made present.
 * Returns false on PT_ENOMEM (op.rc); the table is then consistent.
 * @hot: the leaf loop of every bulk mapping (the loader is built -Oz).
 */
function mapLevel(op: Ptr<Op>, t: Ptr<u64>, h: u32, va: u64, last: u64, fresh: bool, count: Ptr<u64>): bool {
  let shift: u64 = shiftOf(h);
  let span: u64 = u64(1) << shift;
  let mask: u64 = span - 1;
  let i: u64 = (va >> shift) & 511;
  let iLast: u64 = (last >> shift) & 511;
  if (fresh) {
    if (i != 0) zeroEntries(t, 0, i - 1);
    if (iLast != 511) zeroEntries(t, iLast + 1, 511);
  }
  let delta: u64 = op.delta;
  let leafOk: bool = h <= op.maxLeaf && (delta & mask) == 0;
  while (i <= iLast) {
    if (leafOk && (va & mask) == 0) {
      // A run of whole entries becomes leaves of this height. They are empty (nothing in
      // the range is mapped, and a present table would hold a mapping), so the loop only
      // writes.
      // Entries [i, stop) are whole; the last one is whole only if the range ends at its end.
      let stop: u64 = iLast + 1;
      if (((last + 1) & mask) != 0) stop = iLast;
      if (i < stop) {
        let v: u64 = (va + delta) | op.leaf[h];
        let p: Ptr<u64> = ptrAdd(t, i);
        let n: u64 = stop - i;
        for (let k: u64 = 0; k < n; k++) {
          p[k] = v;
          v += span;
        }
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
      let childPa: u64 = allocTable(op);
      if (childPa == 0) {
        if (fresh) zeroEntries(t, i, iLast);
        return false;
      }
      // The child's entry is built here and stored once the child is complete.
      let link: u64 = childPa | tableBits();
      let ok: bool = mapLevel(op, ptr<u64>(op.p2v + childPa), h - 1, va, subLast, true, addressOf(link));
      if (!ok && (link & countMask()) == 0) {
        freeTable(op.pt, childPa);
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
      let ok: bool = mapLevel(op, tableAt(op, e), h - 1, va, subLast, false, ptrAdd(t, i));
      tryMerge(op, t, i, h);
      if (!ok) return false;
    }
    va = subLast + 1;
    i++;
  }
  return true;
}

/** Unmaps [va, last] inside table t at height h; `count` as for mapLevel. */
function unmapLevel(op: Ptr<Op>, t: Ptr<u64>, h: u32, va: u64, last: u64, count: Ptr<u64>): bool {
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
        noteFlush(op.pt, base);
        if (!isLeaf(e, h)) {
          freeSubtree(op, e, h - 1);
          op.pt.flushAll = true;
        }
      } else {
        let childPa: u64 = 0;
        if (isLeaf(e, h)) {
          childPa = split(op, t, i, h, base);
          if (childPa == 0) return false;
        } else {
          childPa = e & addrMask();
        }
        let ok: bool = unmapLevel(op, ptr<u64>(op.p2v + childPa), h - 1, va, subLast, ptrAdd(t, i));
        if ((t[i] & countMask()) == 0) {
          t[i] = 0;
          count[0] -= countOne();
          freeTable(op.pt, childPa);
          op.pt.flushAll = true;
        }
        if (!ok) {
          // A split deeper down failed after this level's split: undo ours if unchanged.
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

/** Gives every mapped page of [va, last] inside table t at height h the attributes op.leaf. */
function protectLevel(op: Ptr<Op>, t: Ptr<u64>, h: u32, va: u64, last: u64): bool {
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
        let nv: u64 = (e & leafAddrMask(h)) | op.leaf[h];
        if (nv != e) {
          if (va == base && subLast == (va | mask)) {
            replaceLive(op.pt, t, i, nv, base, false);
            noteFlush(op.pt, base);
          } else {
            let childPa: u64 = split(op, t, i, h, base);
            if (childPa == 0) return false;
            // Only part of the new table changes, so it cannot become uniform.
            if (!protectLevel(op, ptr<u64>(op.p2v + childPa), h - 1, va, subLast)) {
              tryMerge(op, t, i, h);   // a deeper split failed: maybe nothing changed
              return false;
            }
          }
        }
      } else {
        let ok: bool = protectLevel(op, tableAt(op, e), h - 1, va, subLast);
        tryMerge(op, t, i, h);
        if (!ok) return false;
      }
    }
    va = subLast + 1;
    i++;
  }
  return true;
}

// ---- argument checks -------------------------------------------------------------------

/** A VA this table can translate (x86: canonical for 48 or 57 bits; aarch64: in the TTBR0
 *  or TTBR1 range).
 *  @inline */
function vaOk(pt: Ptr<PageTable>, va: u64): bool {
  if (target.x86_64) {
    // Bits 63..47 (63..56 with 5 levels) all equal.
    let top: u64 = va >> u64(9 * pt.levels + 11);
    return top == 0 || top == (0xFFFF_FFFF_FFFF_FFFF >> u64(9 * pt.levels + 11));
  }
  let top: u64 = va >> 48;
  if (pt.highHalf) return top == 0xFFFF;
  return top == 0;
}

function checkRange(pt: Ptr<PageTable>, va: u64, size: u64): i32 {
  if (size == 0 || ((va | size) & PAGE_OFFSET) != 0) return PT_EINVAL;
  let last: u64 = va + (size - 1);
  if (last < va) return PT_EINVAL;
  if (!vaOk(pt, va) || !vaOk(pt, last)) return PT_EINVAL;
  // Both ends canonical but on either side of the x86 hole.
  if (target.x86_64 && (va >> 63) != (last >> 63)) return PT_EINVAL;
  return PT_OK;
}

/** @inline */
function checkAttrs(pt: Ptr<PageTable>, attrs: u32): i32 {
  if ((attrs & ~u32(ATTR_ALL)) != 0 || (attrs & Attr.Read) == 0) return PT_EINVAL;
  let mt: u32 = attrs & ATTR_MEMTYPE;
  if ((mt & (mt - 1)) != 0) return PT_EINVAL;            // more than one memory type
  if ((attrs & Attr.Device) != 0 && (attrs & Attr.Exec) != 0) return PT_EINVAL;
  let wx: u32 = Attr.Write | Attr.Exec;
  if ((attrs & wx) == wx && !pt.allowWX) return PT_EWX;
  return PT_OK;
}

function setupOp(op: Ptr<Op>, pt: Ptr<PageTable>): void {
  op.pt = pt;
  op.p2v = pt.physToVirt;
  op.maxLeaf = 1;
  if (pt.allow1G) op.maxLeaf = 2;
  op.rc = PT_OK;
}

/** @inline */
function setupLeaves(op: Ptr<Op>, attrs: u32): void {
  op.leaf[0] = leafBits(attrs, 0);
  op.leaf[1] = leafBits(attrs, 1);
  op.leaf[2] = leafBits(attrs, 2);
}

// ---- single pages: one walk from the root ----------------------------------------------

/** The table a present table entry points to.
 * @inline
 */
function down(p2v: u64, e: u64): Ptr<u64> {
  return ptr<u64>(p2v + (e & addrMask()));
}

/**
 * The page directory entry (height 1) above `va`'s page table, when every table down to it
 * exists; null otherwise. `leaf` is set when a large page maps `va` on the way.
 * @inline
 */
function walkToPde(pt: Ptr<PageTable>, va: u64, leaf: Ptr<bool>): Ptr<u64> {
  let p2v: u64 = pt.physToVirt;
  let t: Ptr<u64> = ptr<u64>(p2v + pt.root);
  let e: u64 = 0;
  if (pt.levels == 5) {
    e = t[(va >> 48) & 511];
    if ((e & 1) == 0) return null;
    t = down(p2v, e);
  }
  e = t[(va >> 39) & 511];              // tables only at this height
  if ((e & 1) == 0) return null;
  t = down(p2v, e);
  e = t[(va >> 30) & 511];
  if ((e & 1) == 0) return null;
  if (isLeaf(e, 2)) {
    leaf[0] = true;
    return null;
  }
  let pde: Ptr<u64> = ptrAdd(down(p2v, e), (va >> 21) & 511);
  if ((pde[0] & 1) == 0) return null;
  if (isLeaf(pde[0], 1)) {
    leaf[0] = true;
    return null;
  }
  return pde;
}

/**
 * ptMap of one 4 KiB page in the common case: its page table exists and stays short of
 * full (so no merge can follow). One walk, one store, one count update. PT_SLOW for
 * everything else (a table to allocate, a table that may merge): the range walker.
 * @inline
 */
function mapPage(pt: Ptr<PageTable>, va: u64, pa: u64, attrs: u32): i32 {
  let leaf: bool = false;
  let pde: Ptr<u64> = walkToPde(pt, va, addressOf(leaf));
  if (leaf) return PT_EEXIST;
  if (pde == null) return PT_SLOW;
  let d: u64 = pde[0];
  if ((d & countMask()) == countFull() - countOne()) return PT_SLOW;
  let pte: Ptr<u64> = ptrAdd(down(pt.physToVirt, d), (va >> 12) & 511);
  if ((pte[0] & 1) != 0) return PT_EEXIST;
  pte[0] = pa | leafBits(attrs, 0);
  pde[0] = d + countOne();
  return PT_OK;
}

/**
 * ptUnmap of one 4 KiB page in the common case: mapped by a page table that keeps other
 * pages (so no table is freed). PT_SLOW otherwise (a split, a table to free).
 * @inline
 */
function unmapPage(pt: Ptr<PageTable>, va: u64): i32 {
  let leaf: bool = false;
  let pde: Ptr<u64> = walkToPde(pt, va, addressOf(leaf));
  if (leaf) return PT_SLOW;
  if (pde == null) return PT_OK;
  let d: u64 = pde[0];
  let pte: Ptr<u64> = ptrAdd(down(pt.physToVirt, d), (va >> 12) & 511);
  if ((pte[0] & 1) == 0) return PT_OK;
  if ((d & countMask()) == countOne()) return PT_SLOW;
  pte[0] = 0;
  pde[0] = d - countOne();
  noteFlush(pt, va);
  return PT_OK;
}

/** ptMap after the argument checks: the range walker.
 * @noinline
 */
function mapRange(pt: Ptr<PageTable>, va: u64, pa: u64, size: u64, attrs: u32): i32 {
  let op: Op = zeroed<Op>();
  setupOp(addressOf(op), pt);
  setupLeaves(addressOf(op), attrs);
  op.delta = pa - va;
  let last: u64 = va + (size - 1);
  let root: Ptr<u64> = ptr<u64>(pt.physToVirt + pt.root);
  let h: u32 = rootHeight(pt);
  if (anyMapped(addressOf(op), root, h, va, last)) return PT_EEXIST;
  mapLevel(addressOf(op), root, h, va, last, false, addressOf(op.rootCount));
  return op.rc;
}

/** ptUnmap after the argument checks: the range walker.
 * @noinline
 */
function unmapRange(pt: Ptr<PageTable>, va: u64, size: u64): i32 {
  let op: Op = zeroed<Op>();
  setupOp(addressOf(op), pt);
  let root: Ptr<u64> = ptr<u64>(pt.physToVirt + pt.root);
  unmapLevel(addressOf(op), root, rootHeight(pt), va, va + (size - 1), addressOf(op.rootCount));
  return op.rc;
}

// ---- the API ---------------------------------------------------------------------------

/** Allocates and clears the root table. allow1G, allowWX and highHalf start false, levels 4. */
export function ptInit(pt: Ptr<PageTable>, frames: Ptr<FrameSource>, physToVirt: u64): i32 {
  pt.frames.alloc = frames.alloc;
  pt.frames.free = frames.free;
  pt.frames.ctx = frames.ctx;
  pt.physToVirt = physToVirt;
  pt.allow1G = false;
  pt.allowWX = false;
  pt.highHalf = false;
  pt.breakHook = null;
  pt.levels = 4;
  pt.flushAll = false;
  pt.flushCount = 0;
  pt.tableFrames = 0;
  pt.root = 0;
  let root: u64 = frames.alloc(frames.ctx);
  if (root == 0) return PT_ENOMEM;
  zeroEntries(ptr<u64>(physToVirt + root), 0, 511);
  pt.root = root;
  pt.tableFrames = 1;
  return PT_OK;
}

/**
 * Maps [va, va + size) to [pa, pa + size) with `attrs` (Attr bits; Read required).
 * PT_EEXIST, with nothing changed, if any page of the range is already mapped.
 */
export function ptMap(pt: Ptr<PageTable>, va: u64, pa: u64, size: u64, attrs: u32): i32 {
  let rc: i32 = checkRange(pt, va, size);
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

/** Removes every mapping in [va, va + size); holes are fine. */
export function ptUnmap(pt: Ptr<PageTable>, va: u64, size: u64): i32 {
  let rc: i32 = checkRange(pt, va, size);
  if (rc != PT_OK) return rc;
  if (size == PAGE) {
    rc = unmapPage(pt, va);
    if (rc != PT_SLOW) return rc;
  }
  return unmapRange(pt, va, size);
}

/** Gives every mapped page in [va, va + size) the attributes `attrs`; holes are skipped. */
export function ptProtect(pt: Ptr<PageTable>, va: u64, size: u64, attrs: u32): i32 {
  let rc: i32 = checkRange(pt, va, size);
  if (rc != PT_OK) return rc;
  rc = checkAttrs(pt, attrs);
  if (rc != PT_OK) return rc;
  let op: Op = zeroed<Op>();
  setupOp(addressOf(op), pt);
  setupLeaves(addressOf(op), attrs);
  protectLevel(addressOf(op), ptr<u64>(pt.physToVirt + pt.root), rootHeight(pt), va, va + (size - 1));
  return op.rc;
}

/** The physical address and Attr bits of `va`; false when it is not mapped.
 *  outPa / outAttrs may be null. */
export function ptTranslate(pt: Ptr<PageTable>, va: u64, outPa: Ptr<u64>, outAttrs: Ptr<u32>): bool {
  if (!vaOk(pt, va)) return false;
  let p2v: u64 = pt.physToVirt;
  let e: u64 = pt.root;
  let h: u32 = rootHeight(pt);
  while (true) {
    let shift: u64 = shiftOf(h);
    let t: Ptr<u64> = ptr<u64>(p2v + (e & addrMask()));
    e = t[(va >> shift) & 511];
    if ((e & 1) == 0) return false;
    if (h < 3 && isLeaf(e, h)) {
      let off: u64 = (u64(1) << shift) - 1;
      if (outPa != null) outPa[0] = (e & leafAddrMask(h)) | (va & off);
      if (outAttrs != null) outAttrs[0] = leafAttrs(e, h);
      return true;
    }
    if (h == 0) return false;
    h--;
  }
}

/** Walks to `va`, recording every descriptor read (for dumps and self-checks). */
export function ptWalk(pt: Ptr<PageTable>, va: u64, out: Ptr<WalkResult>): bool {
  out.levels = 0;
  out.pageSize = 0;
  out.pa = 0;
  out.attrs = 0;
  for (let k: u32 = 0; k < 5; k++) {
    out.entries[k] = 0;
    out.tablePa[k] = 0;
  }
  if (!vaOk(pt, va)) return false;
  let tablePa: u64 = pt.root;
  let n: u32 = 0;
  let h: u32 = rootHeight(pt);
  while (true) {
    let shift: u64 = shiftOf(h);
    let t: Ptr<u64> = ptr<u64>(pt.physToVirt + tablePa);
    let e: u64 = t[(va >> shift) & 511];
    out.tablePa[n] = tablePa;
    out.entries[n] = e;
    n++;
    out.levels = n;
    if ((e & 1) == 0) return false;
    if (h < 3 && isLeaf(e, h)) {
      let size: u64 = u64(1) << shift;
      out.pageSize = size;
      out.pa = (e & leafAddrMask(h)) | (va & (size - 1));
      out.attrs = leafAttrs(e, h);
      return true;
    }
    if (h == 0) return false;
    tablePa = e & addrMask();
    h--;
  }
}

/** Forgets the recorded TLB work (call after doing it). */
export function ptClearFlush(pt: Ptr<PageTable>): void {
  pt.flushAll = false;
  pt.flushCount = 0;
}
