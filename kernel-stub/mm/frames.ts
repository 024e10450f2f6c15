// The frame allocator: 4 KiB frames and 2 MiB-aligned 2 MiB runs, over every usable
// range, with a cost per operation that does not depend on the size of memory.
//
// Design (docs/memory.md has the reasoning): memory is cut into 2 MiB blocks.
//   - bits:    one bit per 4 KiB frame, set = free (8 words per block);
//   - counts:  free frames per block (u16);
//   - huge:    one bit per block, set = the block is out as a 2 MiB run;
//   - full:    a 6-level summary bitset of the blocks whose 512 frames are all free;
//   - partial: the same for blocks with some, but not all, frames free.
// A summary bit at level k+1 says "word i of level k is non-zero", so the first member of
// a set is found by reading one word per level (6 words) and a count-trailing-zeros each;
// adding or removing a member touches at most 6 words. Six levels of 64 cover 2^36 blocks
// (2^57 bytes), more than any physical address space, so every operation has the same
// bound on every machine.
//   - a 4 KiB frame comes from the lowest partial block (so single frames do not break up
//     2 MiB runs), else from the lowest full block; inside the block one of 8 words is
//     scanned;
//   - a 2 MiB run is the lowest full block.
// Frees are checked: the frame must be managed (binary search in the range set, at most
// 10 steps), allocated, and not part of a 2 MiB run; a bad free is counted and refused.
//
// All metadata lives in one physically contiguous area (from the early allocator), reached
// at pa + p2v (the HHDM in the kernel; a static buffer in the tests).

import { type RangeSet } from "./ranges";
import { type FrameSource } from "../../common/paging/engine";

export const FRAME_SIZE: u64 = 4096;
export const RUN_SIZE: u64 = 0x20_0000;
const FRAME_SHIFT: u64 = 12;
const BLOCK_SHIFT: u64 = 21;
const FRAMES_PER_BLOCK: u64 = 512;
const WORDS_PER_BLOCK: u64 = 8;
const LEVELS: u32 = 6;
/** hierFirst's answer for an empty set. */
const NONE: u64 = 0xFFFF_FFFF_FFFF_FFFF;
const ALL_ONES: u64 = 0xFFFF_FFFF_FFFF_FFFF;

// Count trailing zeros: isolate the lowest set bit, multiply by a de Bruijn sequence, and
// the top 6 bits index this table (constant time, no loop).
const DEBRUIJN: u64 = 0x03F7_9D71_B4CA_8B09;
const CTZ_TABLE: Arr<u8, 64> = [
  0, 1, 56, 2, 57, 49, 28, 3, 61, 58, 42, 50, 38, 29, 17, 4, 62, 47, 59, 36, 45, 43, 51, 22, 53, 39, 33, 30, 24, 18, 12, 5,
  63, 55, 48, 27, 60, 41, 37, 16, 46, 35, 44, 21, 52, 32, 23, 11, 54, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6,
];

/** Index of the lowest set bit of x (x != 0). @inline */
export function ctz64(x: u64): u64 {
  let low: u64 = x & (0 - x);
  return u64(CTZ_TABLE[(low * DEBRUIJN) >> 58]);
}

// ---- sizing ----------------------------------------------------------------------------

function levelWordsFor(nblocks: u64, k: u32): u64 {
  let n: u64 = nblocks;
  for (let i: u32 = 0; i <= k; i++) n = (n + 63) >> 6;
  if (n == 0) n = 1;
  return n;
}

function blocksFor(spanBase: u64, spanEnd: u64): u64 {
  let b: u64 = spanBase >> BLOCK_SHIFT;
  let e: u64 = (spanEnd + (RUN_SIZE - 1)) >> BLOCK_SHIFT;
  if (spanEnd > 0xFFFF_FFFF_FFE0_0000) e = u64(1) << (64 - BLOCK_SHIFT);
  if (e <= b) return 0;
  return e - b;
}

/** Bytes of metadata for frames in [spanBase, spanEnd) (0 if the span is empty or larger
 *  than 2^57 bytes). */
export function framesMetaBytes(spanBase: u64, spanEnd: u64): u64 {
  let nblocks: u64 = blocksFor(spanBase, spanEnd);
  if (nblocks == 0 || nblocks > (u64(1) << 36)) return 0;
  let words: u64 = nblocks * WORDS_PER_BLOCK + levelWordsFor(nblocks, 0);
  for (let k: u32 = 0; k < LEVELS; k++) words += 2 * levelWordsFor(nblocks, k);
  return words * 8 + ((nblocks * 2 + 7) & ~u64(7));
}

// ---- summary sets ----------------------------------------------------------------------

/** @inline */
function wordAt(va: u64, i: u64): Ptr<u64> {
  return ptr<u64>(va + i * 8);
}

function hierSet(lv: Ptr<u64>, b: u64): void {
  for (let k: u32 = 0; k < LEVELS; k++) {
    let w: Ptr<u64> = wordAt(lv[k], b >> 6);
    let old: u64 = w[0];
    w[0] = old | (u64(1) << (b & 63));
    if (old != 0) return;          // the levels above already say "non-empty"
    b = b >> 6;
  }
}

function hierClear(lv: Ptr<u64>, b: u64): void {
  for (let k: u32 = 0; k < LEVELS; k++) {
    let w: Ptr<u64> = wordAt(lv[k], b >> 6);
    let nw: u64 = w[0] & ~(u64(1) << (b & 63));
    w[0] = nw;
    if (nw != 0) return;           // still non-empty: the levels above stay set
    b = b >> 6;
  }
}

/**
 * The allocator. A global or a field, built in place: `fa = new FrameAlloc(managed, ...)`;
 * `fa.ok` says whether the arguments were usable.
 */
export class FrameAlloc {
  readonly p2v: u64;
  /** The frames this allocator may hand out (PhysMem.usable in the kernel). */
  readonly managed: Ptr<RangeSet>;
  /** 2 MiB-aligned physical base of block 0. */
  readonly spanBase: u64;
  readonly nblocks: u64;
  /** Virtual addresses of the metadata arrays. */
  private bits: u64;
  private huge: u64;
  private counts: u64;
  private full: Arr<u64, 6>;
  private partial: Arr<u64, 6>;
  private levelWords: Arr<u64, 6>;
  readonly metaPa: u64;
  readonly metaBytes: u64;
  totalFrames: u64 = 0;
  freeFrames: u64 = 0;
  /** Metadata words read by allocation searches: the cost measure the tests compare. */
  probes: u64 = 0;
  /** Refused frees (double, foreign, misaligned, inside a 2 MiB run). */
  errors: u64 = 0;
  /** FrameSource frees of frames the allocator never managed (the loader's table frames):
   *  ignored, as those pages stay reserved. */
  foreignFrees: u64 = 0;

  /**
   * The allocator for the frames of `managed` inside [spanBase, spanEnd) (the span may be
   * larger, so that ranges added later by addRange fit). The metadata goes at metaPa
   * (framesMetaBytes(spanBase, spanEnd) bytes, not managed), reached at metaPa + p2v.
   * Cost: one pass over the metadata, O(memory span). Not `ok` (nothing set up) when the
   * span is empty or too large, or metaPa is 0 or not 8-aligned.
   */
  constructor(managed: Ptr<RangeSet>, spanBase: u64, spanEnd: u64, metaPa: u64, p2v: u64) {
    let bytes: u64 = framesMetaBytes(spanBase, spanEnd);
    if (bytes == 0 || metaPa == 0 || (metaPa & 7) != 0) return;
    this.p2v = p2v;
    this.managed = managed;
    this.spanBase = spanBase & ~(RUN_SIZE - 1);
    this.nblocks = blocksFor(spanBase, spanEnd);
    this.metaPa = metaPa;
    this.metaBytes = bytes;
    let va: u64 = metaPa + p2v;
    memset(ptr<u8>(va), 0, bytes);
    this.bits = va;
    va += this.nblocks * WORDS_PER_BLOCK * 8;
    this.huge = va;
    va += levelWordsFor(this.nblocks, 0) * 8;
    for (let k: u32 = 0; k < LEVELS; k++) {
      let n: u64 = levelWordsFor(this.nblocks, k);
      this.levelWords[k] = n;
      this.full[k] = va;
      va += n * 8;
      this.partial[k] = va;
      va += n * 8;
    }
    this.counts = va;
    this.fillFromRanges();
  }

  /** The constructor's arguments were usable. */
  get ok(): bool {
    return this.metaBytes != 0;
  }

  /** Free bits, counts and summary sets from `managed` (the constructor's pass). */
  private fillFromRanges(): void {
    // Free bits and counts, a word at a time (a word never straddles a block).
    let managed: Ptr<RangeSet> = this.managed;
    let spanEndPa: u64 = this.spanBase + (this.nblocks << BLOCK_SHIFT);
    let total: u64 = 0;
    let bits: Ptr<u64> = ptr<u64>(this.bits);
    let counts: Ptr<u16> = ptr<u16>(this.counts);
    for (let i: u64 = 0; i < managed.count; i++) {
      let b: u64 = managed.r[i].base;
      let e: u64 = managed.r[i].end;
      if (b < this.spanBase) b = this.spanBase;
      if (e > spanEndPa || e < b) e = spanEndPa;
      if (b >= e) continue;
      let f: u64 = (b - this.spanBase) >> FRAME_SHIFT;
      let fEnd: u64 = (e - this.spanBase) >> FRAME_SHIFT;
      total += fEnd - f;
      while (f < fEnd) {
        let lo: u64 = f & 63;
        let n: u64 = 64 - lo;
        if (fEnd - f < n) n = fEnd - f;
        let mask: u64 = ALL_ONES;
        if (n != 64) mask = ((u64(1) << n) - 1) << lo;
        bits[f >> 6] |= mask;
        counts[f >> 9] = u16(u64(counts[f >> 9]) + n);
        f += n;
      }
    }
    this.totalFrames = total;
    this.freeFrames = total;

    // Summary sets, bottom-up.
    let w0: u64 = this.levelWords[0];
    let full0: Ptr<u64> = ptr<u64>(this.full[0]);
    let part0: Ptr<u64> = ptr<u64>(this.partial[0]);
    for (let w: u64 = 0; w < w0; w++) {
      let fw: u64 = 0;
      let pw: u64 = 0;
      for (let j: u64 = 0; j < 64; j++) {
        let blk: u64 = (w << 6) + j;
        if (blk >= this.nblocks) break;
        let c: u64 = u64(counts[blk]);
        if (c == FRAMES_PER_BLOCK) fw |= u64(1) << j;
        else if (c != 0) pw |= u64(1) << j;
      }
      full0[w] = fw;
      part0[w] = pw;
    }
    for (let k: u32 = 1; k < LEVELS; k++) {
      let below: u64 = this.levelWords[k - 1];
      let fb: Ptr<u64> = ptr<u64>(this.full[k - 1]);
      let pb: Ptr<u64> = ptr<u64>(this.partial[k - 1]);
      let fu: Ptr<u64> = ptr<u64>(this.full[k]);
      let pu: Ptr<u64> = ptr<u64>(this.partial[k]);
      for (let i: u64 = 0; i < below; i++) {
        if (fb[i] != 0) fu[i >> 6] |= u64(1) << (i & 63);
        if (pb[i] != 0) pu[i >> 6] |= u64(1) << (i & 63);
      }
    }
  }

  /**
   * Hands frames of [base, end) that are inside the span and not yet free to the allocator
   * (loader-reclaimable memory). The caller adds the range to `managed` first. Returns the
   * number of frames added.
   */
  addRange(base: u64, end: u64): u64 {
    let spanEndPa: u64 = this.spanBase + (this.nblocks << BLOCK_SHIFT);
    if (base < this.spanBase) base = this.spanBase;
    if (end > spanEndPa) end = spanEndPa;
    let added: u64 = 0;
    let pa: u64 = base;
    while (pa < end) {
      let f: u64 = (pa - this.spanBase) >> FRAME_SHIFT;
      let blk: u64 = f >> 9;
      let blockEnd: u64 = this.spanBase + ((blk + 1) << BLOCK_SHIFT);
      let stop: u64 = end;
      if (blockEnd < stop) stop = blockEnd;
      let c: u64 = this.countOf(blk);
      let old: u64 = c;
      let huge: bool = (wordAt(this.huge, blk >> 6)[0] & (u64(1) << (blk & 63))) != 0;
      while (pa < stop) {
        let g: u64 = (pa - this.spanBase) >> FRAME_SHIFT;
        let w: Ptr<u64> = wordAt(this.bits, g >> 6);
        let m: u64 = u64(1) << (g & 63);
        if (!huge && (w[0] & m) == 0 && this.managed.contains(pa, pa + FRAME_SIZE)) {
          w[0] |= m;
          c += 1;
          added += 1;
        }
        pa += FRAME_SIZE;
      }
      if (c != old) this.setCount(blk, old, c);
    }
    this.totalFrames += added;
    this.freeFrames += added;
    return added;
  }

  // ---- allocation ----------------------------------------------------------------------

  /** One free 4 KiB frame (its physical address), or 0 when none is left. */
  alloc(): u64 {
    let blk: u64 = this.first(addressOf(this.partial[0]));
    if (blk == NONE) blk = this.first(addressOf(this.full[0]));
    if (blk == NONE) return 0;
    let words: Ptr<u64> = ptr<u64>(this.bits + blk * WORDS_PER_BLOCK * 8);
    for (let w: u64 = 0; w < WORDS_PER_BLOCK; w++) {
      this.probes += 1;
      let v: u64 = words[w];
      if (v == 0) continue;
      words[w] = v & (v - 1);
      let c: u64 = this.countOf(blk);
      this.setCount(blk, c, c - 1);
      this.freeFrames -= 1;
      let f: u64 = (blk << 9) + (w << 6) + ctz64(v);
      return this.spanBase + (f << FRAME_SHIFT);
    }
    // A block in a set with no free bit: the metadata is corrupt.
    this.errors += 1;
    return 0;
  }

  /** A free, 2 MiB-aligned run of 512 frames, or 0 when none is left. */
  alloc2M(): u64 {
    let blk: u64 = this.first(addressOf(this.full[0]));
    if (blk == NONE) return 0;
    let words: Ptr<u64> = ptr<u64>(this.bits + blk * WORDS_PER_BLOCK * 8);
    for (let w: u64 = 0; w < WORDS_PER_BLOCK; w++) words[w] = 0;
    this.setCount(blk, FRAMES_PER_BLOCK, 0);
    let hw: Ptr<u64> = wordAt(this.huge, blk >> 6);
    hw[0] = hw[0] | (u64(1) << (blk & 63));
    this.freeFrames -= FRAMES_PER_BLOCK;
    return this.spanBase + (blk << BLOCK_SHIFT);
  }

  /** This allocator manages the frame at pa (it may be free or allocated). */
  manages(pa: u64): bool {
    if ((pa & (FRAME_SIZE - 1)) != 0 || this.frameIndex(pa) == NONE) return false;
    return this.managed.contains(pa, pa + FRAME_SIZE);
  }

  /** Frees a frame from alloc. Refuses (false, errors + 1) anything else. */
  free(pa: u64): bool {
    if (!this.manages(pa)) {
      this.errors += 1;
      return false;
    }
    let f: u64 = this.frameIndex(pa);
    let blk: u64 = f >> 9;
    let w: Ptr<u64> = wordAt(this.bits, f >> 6);
    let m: u64 = u64(1) << (f & 63);
    let inRun: bool = (wordAt(this.huge, blk >> 6)[0] & (u64(1) << (blk & 63))) != 0;
    if (inRun || (w[0] & m) != 0) {
      this.errors += 1;
      return false;
    }
    w[0] = w[0] | m;
    let c: u64 = this.countOf(blk);
    this.setCount(blk, c, c + 1);
    this.freeFrames += 1;
    return true;
  }

  /** Frees a run from alloc2M. Refuses (false, errors + 1) anything else. */
  free2M(pa: u64): bool {
    let f: u64 = this.frameIndex(pa);
    if ((pa & (RUN_SIZE - 1)) != 0 || f == NONE) {
      this.errors += 1;
      return false;
    }
    let blk: u64 = f >> 9;
    let hw: Ptr<u64> = wordAt(this.huge, blk >> 6);
    let m: u64 = u64(1) << (blk & 63);
    if ((hw[0] & m) == 0) {
      this.errors += 1;
      return false;
    }
    hw[0] = hw[0] & ~m;
    let words: Ptr<u64> = ptr<u64>(this.bits + blk * WORDS_PER_BLOCK * 8);
    for (let w: u64 = 0; w < WORDS_PER_BLOCK; w++) words[w] = ALL_ONES;
    this.setCount(blk, 0, FRAMES_PER_BLOCK);
    this.freeFrames += FRAMES_PER_BLOCK;
    return true;
  }

  /** Free 2 MiB runs available right now (walks the full set's leaf words: for reports). */
  freeRuns(): u64 {
    let n: u64 = 0;
    let w0: Ptr<u64> = ptr<u64>(this.full[0]);
    for (let i: u64 = 0; i < this.levelWords[0]; i++) {
      let v: u64 = w0[i];
      while (v != 0) {
        v = v & (v - 1);
        n++;
      }
    }
    return n;
  }

  // ---- metadata ------------------------------------------------------------------------

  /** The lowest member of the summary set `lv`, or NONE. Reads exactly one word per level. */
  private first(lv: Ptr<u64>): u64 {
    let idx: u64 = 0;
    let k: u32 = LEVELS;
    while (k > 0) {
      k--;
      let word: u64 = wordAt(lv[k], idx)[0];
      this.probes += 1;
      if (word == 0) return NONE;    // only the top word can be empty: the set is empty
      idx = (idx << 6) + ctz64(word);
    }
    return idx;
  }

  /** Stores a block's new free count and moves it between the full and partial sets. */
  private setCount(blk: u64, old: u64, nw: u64): void {
    ptr<u16>(this.counts)[blk] = u16(nw);
    let wasFull: bool = old == FRAMES_PER_BLOCK;
    let isFull: bool = nw == FRAMES_PER_BLOCK;
    let wasPart: bool = old != 0 && !wasFull;
    let isPart: bool = nw != 0 && !isFull;
    if (wasFull != isFull) {
      if (isFull) hierSet(addressOf(this.full[0]), blk);
      else hierClear(addressOf(this.full[0]), blk);
    }
    if (wasPart != isPart) {
      if (isPart) hierSet(addressOf(this.partial[0]), blk);
      else hierClear(addressOf(this.partial[0]), blk);
    }
  }

  /** @inline */
  private countOf(blk: u64): u64 {
    return u64(ptr<u16>(this.counts)[blk]);
  }

  /** The frame is inside the span: its index, else NONE. @inline */
  private frameIndex(pa: u64): u64 {
    if (pa < this.spanBase) return NONE;
    let f: u64 = (pa - this.spanBase) >> FRAME_SHIFT;
    if ((f >> 9) >= this.nblocks) return NONE;
    return f;
  }
}

// ---- the page-table engine's FrameSource -----------------------------------------------

function sourceAlloc(ctx: Ptr<void>): u64 {
  return cast<FrameAlloc>(ctx).alloc();
}

function sourceFree(ctx: Ptr<void>, pa: u64): void {
  let fa: Ptr<FrameAlloc> = cast<FrameAlloc>(ctx);
  // Table frames the loader allocated are not ours: they stay reserved (a page lost, not
  // a page handed out twice).
  if (!fa.manages(pa)) {
    fa.foreignFrees += 1;
    return;
  }
  fa.free(pa);
}

/** The frame source through which the page-table engine takes its table frames from `fa`. */
export function framesSource(fa: Ptr<FrameAlloc>): FrameSource {
  return { alloc: sourceAlloc, free: sourceFree, ctx: fa };
}
