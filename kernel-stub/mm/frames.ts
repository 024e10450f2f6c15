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

import { type RangeSet, rsContains } from "./ranges";
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

export interface FrameAlloc extends Struct {
  p2v: u64;
  /** The frames this allocator may hand out (PhysMem.usable in the kernel). */
  managed: Ptr<RangeSet>;
  /** 2 MiB-aligned physical base of block 0. */
  spanBase: u64;
  nblocks: u64;
  /** Virtual addresses of the metadata arrays. */
  bits: u64;
  huge: u64;
  counts: u64;
  full: Arr<u64, 6>;
  partial: Arr<u64, 6>;
  levelWords: Arr<u64, 6>;
  metaPa: u64;
  metaBytes: u64;
  totalFrames: u64;
  freeFrames: u64;
  /** Metadata words read by allocation searches: the cost measure the tests compare. */
  probes: u64;
  /** Refused frees (double, foreign, misaligned, inside a 2 MiB run). */
  errors: u64;
  /** FrameSource frees of frames the allocator never managed (the loader's table frames):
   *  ignored, as those pages stay reserved. */
  foreignFrees: u64;
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

/** The lowest member, or NONE. Reads exactly one word per level. */
function hierFirst(fa: Ptr<FrameAlloc>, lv: Ptr<u64>): u64 {
  let idx: u64 = 0;
  let k: u32 = LEVELS;
  while (k > 0) {
    k--;
    let word: u64 = wordAt(lv[k], idx)[0];
    fa.probes += 1;
    if (word == 0) return NONE;    // only the top word can be empty: the set is empty
    idx = (idx << 6) + ctz64(word);
  }
  return idx;
}

/** Stores a block's new free count and moves it between the full and partial sets. */
function setCount(fa: Ptr<FrameAlloc>, blk: u64, old: u64, nw: u64): void {
  ptr<u16>(fa.counts)[blk] = u16(nw);
  let wasFull: bool = old == FRAMES_PER_BLOCK;
  let isFull: bool = nw == FRAMES_PER_BLOCK;
  let wasPart: bool = old != 0 && !wasFull;
  let isPart: bool = nw != 0 && !isFull;
  if (wasFull != isFull) {
    if (isFull) hierSet(addressOf(fa.full[0]), blk);
    else hierClear(addressOf(fa.full[0]), blk);
  }
  if (wasPart != isPart) {
    if (isPart) hierSet(addressOf(fa.partial[0]), blk);
    else hierClear(addressOf(fa.partial[0]), blk);
  }
}

/** @inline */
function countOf(fa: Ptr<FrameAlloc>, blk: u64): u64 {
  return u64(ptr<u16>(fa.counts)[blk]);
}

// ---- init ------------------------------------------------------------------------------

/**
 * Builds the allocator for the frames of `managed` inside [spanBase, spanEnd) (the span may
 * be larger, so that ranges added later by framesAddRange fit). The metadata goes at
 * metaPa (framesMetaBytes(spanBase, spanEnd) bytes, not managed), reached at metaPa + p2v.
 * Cost: one pass over the metadata, O(memory span).
 */
export function framesInit(fa: Ptr<FrameAlloc>, managed: Ptr<RangeSet>, spanBase: u64, spanEnd: u64, metaPa: u64, p2v: u64): bool {
  let bytes: u64 = framesMetaBytes(spanBase, spanEnd);
  if (bytes == 0 || metaPa == 0 || (metaPa & 7) != 0) return false;
  fa.p2v = p2v;
  fa.managed = managed;
  fa.spanBase = spanBase & ~(RUN_SIZE - 1);
  fa.nblocks = blocksFor(spanBase, spanEnd);
  fa.metaPa = metaPa;
  fa.metaBytes = bytes;
  fa.probes = 0;
  fa.errors = 0;
  fa.foreignFrees = 0;
  let va: u64 = metaPa + p2v;
  memset(ptr<u8>(va), 0, bytes);
  fa.bits = va;
  va += fa.nblocks * WORDS_PER_BLOCK * 8;
  fa.huge = va;
  va += levelWordsFor(fa.nblocks, 0) * 8;
  for (let k: u32 = 0; k < LEVELS; k++) {
    let n: u64 = levelWordsFor(fa.nblocks, k);
    fa.levelWords[k] = n;
    fa.full[k] = va;
    va += n * 8;
    fa.partial[k] = va;
    va += n * 8;
  }
  fa.counts = va;

  // Free bits and counts, a word at a time (a word never straddles a block).
  let spanEndPa: u64 = fa.spanBase + (fa.nblocks << BLOCK_SHIFT);
  let total: u64 = 0;
  let bits: Ptr<u64> = ptr<u64>(fa.bits);
  let counts: Ptr<u16> = ptr<u16>(fa.counts);
  for (let i: u64 = 0; i < managed.count; i++) {
    let b: u64 = managed.r[i].base;
    let e: u64 = managed.r[i].end;
    if (b < fa.spanBase) b = fa.spanBase;
    if (e > spanEndPa || e < b) e = spanEndPa;
    if (b >= e) continue;
    let f: u64 = (b - fa.spanBase) >> FRAME_SHIFT;
    let fEnd: u64 = (e - fa.spanBase) >> FRAME_SHIFT;
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
  fa.totalFrames = total;
  fa.freeFrames = total;

  // Summary sets, bottom-up.
  let w0: u64 = fa.levelWords[0];
  let full0: Ptr<u64> = ptr<u64>(fa.full[0]);
  let part0: Ptr<u64> = ptr<u64>(fa.partial[0]);
  for (let w: u64 = 0; w < w0; w++) {
    let fw: u64 = 0;
    let pw: u64 = 0;
    for (let j: u64 = 0; j < 64; j++) {
      let blk: u64 = (w << 6) + j;
      if (blk >= fa.nblocks) break;
      let c: u64 = u64(counts[blk]);
      if (c == FRAMES_PER_BLOCK) fw |= u64(1) << j;
      else if (c != 0) pw |= u64(1) << j;
    }
    full0[w] = fw;
    part0[w] = pw;
  }
  for (let k: u32 = 1; k < LEVELS; k++) {
    let below: u64 = fa.levelWords[k - 1];
    let fb: Ptr<u64> = ptr<u64>(fa.full[k - 1]);
    let pb: Ptr<u64> = ptr<u64>(fa.partial[k - 1]);
    let fu: Ptr<u64> = ptr<u64>(fa.full[k]);
    let pu: Ptr<u64> = ptr<u64>(fa.partial[k]);
    for (let i: u64 = 0; i < below; i++) {
      if (fb[i] != 0) fu[i >> 6] |= u64(1) << (i & 63);
      if (pb[i] != 0) pu[i >> 6] |= u64(1) << (i & 63);
    }
  }
  return true;
}

/**
 * Hands frames of [base, end) that are inside the span and not yet free to the allocator
 * (loader-reclaimable memory). The caller adds the range to `managed` first. Returns the
 * number of frames added.
 */
export function framesAddRange(fa: Ptr<FrameAlloc>, base: u64, end: u64): u64 {
  let spanEndPa: u64 = fa.spanBase + (fa.nblocks << BLOCK_SHIFT);
  if (base < fa.spanBase) base = fa.spanBase;
  if (end > spanEndPa) end = spanEndPa;
  let added: u64 = 0;
  let pa: u64 = base;
  while (pa < end) {
    let f: u64 = (pa - fa.spanBase) >> FRAME_SHIFT;
    let blk: u64 = f >> 9;
    let blockEnd: u64 = fa.spanBase + ((blk + 1) << BLOCK_SHIFT);
    let stop: u64 = end;
    if (blockEnd < stop) stop = blockEnd;
    let c: u64 = countOf(fa, blk);
    let old: u64 = c;
    let huge: bool = (wordAt(fa.huge, blk >> 6)[0] & (u64(1) << (blk & 63))) != 0;
    while (pa < stop) {
      let g: u64 = (pa - fa.spanBase) >> FRAME_SHIFT;
      let w: Ptr<u64> = wordAt(fa.bits, g >> 6);
      let m: u64 = u64(1) << (g & 63);
      if (!huge && (w[0] & m) == 0 && rsContains(fa.managed, pa, pa + FRAME_SIZE)) {
        w[0] |= m;
        c += 1;
        added += 1;
      }
      pa += FRAME_SIZE;
    }
    if (c != old) setCount(fa, blk, old, c);
  }
  fa.totalFrames += added;
  fa.freeFrames += added;
  return added;
}

// ---- allocation ------------------------------------------------------------------------

/** One free 4 KiB frame (its physical address), or 0 when none is left. */
export function frameAlloc(fa: Ptr<FrameAlloc>): u64 {
  let blk: u64 = hierFirst(fa, addressOf(fa.partial[0]));
  if (blk == NONE) blk = hierFirst(fa, addressOf(fa.full[0]));
  if (blk == NONE) return 0;
  let words: Ptr<u64> = ptr<u64>(fa.bits + blk * WORDS_PER_BLOCK * 8);
  for (let w: u64 = 0; w < WORDS_PER_BLOCK; w++) {
    fa.probes += 1;
    let v: u64 = words[w];
    if (v == 0) continue;
    words[w] = v & (v - 1);
    let c: u64 = countOf(fa, blk);
    setCount(fa, blk, c, c - 1);
    fa.freeFrames -= 1;
    let f: u64 = (blk << 9) + (w << 6) + ctz64(v);
    return fa.spanBase + (f << FRAME_SHIFT);
  }
  // A block in a set with no free bit: the metadata is corrupt.
  fa.errors += 1;
  return 0;
}

/** A free, 2 MiB-aligned run of 512 frames, or 0 when none is left. */
export function frameAlloc2M(fa: Ptr<FrameAlloc>): u64 {
  let blk: u64 = hierFirst(fa, addressOf(fa.full[0]));
  if (blk == NONE) return 0;
  let words: Ptr<u64> = ptr<u64>(fa.bits + blk * WORDS_PER_BLOCK * 8);
  for (let w: u64 = 0; w < WORDS_PER_BLOCK; w++) words[w] = 0;
  setCount(fa, blk, FRAMES_PER_BLOCK, 0);
  let hw: Ptr<u64> = wordAt(fa.huge, blk >> 6);
  hw[0] = hw[0] | (u64(1) << (blk & 63));
  fa.freeFrames -= FRAMES_PER_BLOCK;
  return fa.spanBase + (blk << BLOCK_SHIFT);
}

/** The frame is inside the span: its index, else NONE. @inline */
function frameIndex(fa: Ptr<FrameAlloc>, pa: u64): u64 {
  if (pa < fa.spanBase) return NONE;
  let f: u64 = (pa - fa.spanBase) >> FRAME_SHIFT;
  if ((f >> 9) >= fa.nblocks) return NONE;
  return f;
}

/** This allocator manages the frame at pa (it may be free or allocated). */
export function frameManaged(fa: Ptr<FrameAlloc>, pa: u64): bool {
  if ((pa & (FRAME_SIZE - 1)) != 0 || frameIndex(fa, pa) == NONE) return false;
  return rsContains(fa.managed, pa, pa + FRAME_SIZE);
}

/** Frees a frame from frameAlloc. Refuses (false, errors + 1) anything else. */
export function frameFree(fa: Ptr<FrameAlloc>, pa: u64): bool {
  if (!frameManaged(fa, pa)) {
    fa.errors += 1;
    return false;
  }
  let f: u64 = frameIndex(fa, pa);
  let blk: u64 = f >> 9;
  let w: Ptr<u64> = wordAt(fa.bits, f >> 6);
  let m: u64 = u64(1) << (f & 63);
  let inRun: bool = (wordAt(fa.huge, blk >> 6)[0] & (u64(1) << (blk & 63))) != 0;
  if (inRun || (w[0] & m) != 0) {
    fa.errors += 1;
    return false;
  }
  w[0] = w[0] | m;
  let c: u64 = countOf(fa, blk);
  setCount(fa, blk, c, c + 1);
  fa.freeFrames += 1;
  return true;
}

/** Frees a run from frameAlloc2M. Refuses (false, errors + 1) anything else. */
export function frameFree2M(fa: Ptr<FrameAlloc>, pa: u64): bool {
  let f: u64 = frameIndex(fa, pa);
  if ((pa & (RUN_SIZE - 1)) != 0 || f == NONE) {
    fa.errors += 1;
    return false;
  }
  let blk: u64 = f >> 9;
  let hw: Ptr<u64> = wordAt(fa.huge, blk >> 6);
  let m: u64 = u64(1) << (blk & 63);
  if ((hw[0] & m) == 0) {
    fa.errors += 1;
    return false;
  }
  hw[0] = hw[0] & ~m;
  let words: Ptr<u64> = ptr<u64>(fa.bits + blk * WORDS_PER_BLOCK * 8);
  for (let w: u64 = 0; w < WORDS_PER_BLOCK; w++) words[w] = ALL_ONES;
  setCount(fa, blk, 0, FRAMES_PER_BLOCK);
  fa.freeFrames += FRAMES_PER_BLOCK;
  return true;
}

/** Free 2 MiB runs available right now (walks the full set's leaf words: for reports). */
export function framesFreeRuns(fa: Ptr<FrameAlloc>): u64 {
  let n: u64 = 0;
  let w0: Ptr<u64> = ptr<u64>(fa.full[0]);
  for (let i: u64 = 0; i < fa.levelWords[0]; i++) {
    let v: u64 = w0[i];
    while (v != 0) {
      v = v & (v - 1);
      n++;
    }
  }
  return n;
}

// ---- the page-table engine's FrameSource -----------------------------------------------

function sourceAlloc(ctx: Ptr<void>): u64 {
  return frameAlloc(cast<FrameAlloc>(ctx));
}

function sourceFree(ctx: Ptr<void>, pa: u64): void {
  let fa: Ptr<FrameAlloc> = cast<FrameAlloc>(ctx);
  // Table frames the loader allocated are not ours: they stay reserved (a page lost, not
  // a page handed out twice).
  if (!frameManaged(fa, pa)) {
    fa.foreignFrees += 1;
    return;
  }
  frameFree(fa, pa);
}

/** Fills `out` so that the page-table engine takes its table frames from `fa`. */
export function framesSource(fa: Ptr<FrameAlloc>, out: Ptr<FrameSource>): void {
  out.alloc = sourceAlloc;
  out.free = sourceFree;
  out.ctx = fa;
}
