// Reading a page table without changing it: the translation of one VA (ptTranslate) and
// every descriptor on the way to it (ptWalk, for dumps and self-checks). Module functions
// rather than PageTable methods because they return a struct value, which methods cannot
// yet (docs/language.md, Classes).

import { type PageTable } from "./engine";
import { addrMask, isLeaf, leafAddrMask, leafAttrs, shiftOf } from "./desc";

/** What a VA translates to. */
export interface Translation extends Struct {
  ok: bool;               // mapped (pa and attrs are 0 otherwise)
  pa: u64;                // translation of va
  attrs: u32;             // decoded Attr bits (Read is always reported)
}

/** What ptWalk saw, in the order the descriptors were read (index 0: the root). */
export interface WalkResult extends Struct {
  ok: bool;               // mapped
  levels: u32;            // descriptors read (0..5); when mapped, entries[levels - 1] is the leaf
  pageSize: u64;          // size of the leaf, 0 when not mapped
  pa: u64;                // translation of va
  attrs: u32;             // decoded Attr bits
  entries: Arr<u64, 5>;   // descriptor read at each level
  tablePa: Arr<u64, 5>;   // physical address of the table read at each level
}

/** The physical address and Attr bits of `va` (ok false when it is not mapped). */
export function ptTranslate(pt: Ptr<PageTable>, va: u64): Translation {
  if (!pt.covers(va)) return { ok: false, pa: 0, attrs: 0 };
  let p2v: u64 = pt.physToVirt;
  let e: u64 = pt.root;
  let h: u32 = pt.rootHeight;
  while (true) {
    let shift: u64 = shiftOf(h);
    let t: Ptr<u64> = ptr<u64>(p2v + (e & addrMask()));
    e = t[(va >> shift) & 511];
    if ((e & 1) == 0) break;
    if (h < 3 && isLeaf(e, h)) {
      let off: u64 = (u64(1) << shift) - 1;
      return { ok: true, pa: (e & leafAddrMask(h)) | (va & off), attrs: leafAttrs(e, h) };
    }
    if (h == 0) break;
    h--;
  }
  return { ok: false, pa: 0, attrs: 0 };
}

/** Walks to `va`, recording every descriptor read. */
export function ptWalk(pt: Ptr<PageTable>, va: u64): WalkResult {
  let out: WalkResult = zeroed<WalkResult>();
  if (!pt.covers(va)) return out;
  let tablePa: u64 = pt.root;
  let n: u32 = 0;
  let h: u32 = pt.rootHeight;
  while (true) {
    let shift: u64 = shiftOf(h);
    let t: Ptr<u64> = ptr<u64>(pt.physToVirt + tablePa);
    let e: u64 = t[(va >> shift) & 511];
    out.tablePa[n] = tablePa;
    out.entries[n] = e;
    n++;
    out.levels = n;
    if ((e & 1) == 0) return out;
    if (h < 3 && isLeaf(e, h)) {
      let size: u64 = u64(1) << shift;
      out.ok = true;
      out.pageSize = size;
      out.pa = (e & leafAddrMask(h)) | (va & (size - 1));
      out.attrs = leafAttrs(e, h);
      return out;
    }
    if (h == 0) return out;
    tablePa = e & addrMask();
    h--;
  }
}
