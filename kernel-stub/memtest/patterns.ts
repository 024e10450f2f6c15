// The memory test's patterns, in the manner of memtest86+ (its tests 1, 3, 4 and 8),
// over one CPU's share of the memory under test. Nothing here knows about the kernel: the
// memory is a list of extents (physical address and where the code reaches it), so the
// *-linux test driver runs the same code on a buffer (tests/subset/memtest/).
//
//   own address        every word holds its own physical address: write all, then check
//                      all (finds address lines that alias two locations);
//   moving inversions  fill with p; upwards: check p, write ~p; downwards: check ~p,
//                      write p. With p = 0 and p = all ones, and with a random p (finds
//                      stuck bits and cells disturbed by writes to their neighbours);
//   modulo 20          for each offset 0..19: p into every 20th word from the offset, ~p
//                      into all the others, then check the every-20th words (finds cells
//                      changed by writes to other cells of the same rows).
//
// A word that differs is counted and the first FAULTS_KEPT are kept (physical address,
// expected and read value), and the test goes on. The fault hook flips one bit of one word
// after each pattern's first writes, before they are checked, so the test must find it.
//
// Between passes a compiler barrier makes every pass really read and write memory.

export const FAULTS_KEPT = 8;

/** A physically contiguous piece of the memory under test. */
export interface Extent extends Struct {
  pa: u64;
  /** Where the code reaches `pa` (the HHDM in the kernel). */
  va: u64;
  bytes: u64;
}

export interface Fault extends Struct {
  pa: u64;
  expected: u64;
  actual: u64;
}

/** One CPU's part of one run: words [start, end) of the concatenated extents. */
export interface Share extends Struct {
  ext: Ptr<Extent>;
  /** Extent and byte offset of the first word, extent and end offset of the last. */
  first: u64;
  firstOff: u64;
  last: u64;
  lastEnd: u64;
  bytes: u64;
  /** The fault hook: flip bit `injectBit` of the word at injectVa (0: none); its index
   *  in the share (for modulo 20). */
  injectVa: u64;
  injectIndex: u64;
  injectBit: u64;
  injected: u64;
  errors: u64;
  kept: u64;
  faults: Arr<Fault, 8>;
}

export const enum Pattern { OwnAddress = 0, MovingInversions01 = 1, MovingInversionsRandom = 2, Modulo20 = 3 }
export const PATTERNS: u32 = 4;

export function patternName(p: Pattern): cstr {
  switch (p) {
    case Pattern.OwnAddress: return "own address";
    case Pattern.MovingInversions01: return "moving inversions 0/1";
    case Pattern.MovingInversionsRandom: return "moving inversions random";
    case Pattern.Modulo20: return "modulo 20";
  }
  return "?";
}

/** Passes over the memory (each word read or written once per pass), for bandwidth. */
export function patternPasses(p: Pattern): u64 {
  switch (p) {
    case Pattern.OwnAddress: return 2;               // write, read
    case Pattern.MovingInversions01: return 10;      // 2 x (fill, up read+write, down read+write)
    case Pattern.MovingInversionsRandom: return 5;
    case Pattern.Modulo20: return 21;                // 20 x (write all) + 20 x (read 1/20)
  }
  return 0;
}

/**
 * Splits `total` bytes of the extents (ext[0..count)) into `n` shares of whole words and
 * fills share `rank`'s bounds. Shares differ by at most one word from an even split.
 */
export function shareInit(s: Ptr<Share>, ext: Ptr<Extent>, count: u64, total: u64, rank: u64, n: u64): void {
  let words: u64 = total >> 3;
  let w0: u64 = (words * rank) / n;
  let w1: u64 = (words * (rank + 1)) / n;
  s.ext = ext;
  s.bytes = (w1 - w0) << 3;
  s.errors = 0;
  s.kept = 0;
  s.injected = 0;
  s.injectVa = 0;
  // Walk the extents to byte offsets w0 * 8 and w1 * 8.
  let at: u64 = 0;
  s.first = count;
  s.last = count;
  for (let i: u64 = 0; i < count; i++) {
    let b: u64 = ext[i].bytes;
    if (s.first == count && (w0 << 3) < at + b) { s.first = i; s.firstOff = (w0 << 3) - at; }
    if (s.last == count && (w1 << 3) <= at + b) { s.last = i; s.lastEnd = (w1 << 3) - at; }
    at += b;
  }
  if (s.bytes == 0) { s.first = 0; s.firstOff = 0; s.last = 0; s.lastEnd = 0; }
}

/** Arms the fault hook if physical address `pa` lies in this share. */
export function shareInject(s: Ptr<Share>, pa: u64, bit: u64): bool {
  let index: u64 = 0;
  for (let i: u64 = s.first; i <= s.last && s.bytes != 0; i++) {
    let e: Ptr<Extent> = ptrAdd(s.ext, i);
    let b: u64 = pieceFrom(s, i);
    let end: u64 = pieceTo(s, i);
    if (pa >= e.pa + b && pa < e.pa + end) {
      s.injectVa = e.va + ((pa - e.pa) & ~u64(7));
      s.injectIndex = index + (((pa - e.pa) - b) >> 3);
      s.injectBit = bit & 63;
      return true;
    }
    index += (end - b) >> 3;
  }
  return false;
}

function record(s: Ptr<Share>, e: Ptr<Extent>, va: u64, expected: u64, actual: u64): void {
  s.errors++;
  if (s.kept < FAULTS_KEPT) {
    s.faults[s.kept].pa = e.pa + (va - e.va);
    s.faults[s.kept].expected = expected;
    s.faults[s.kept].actual = actual;
    s.kept++;
  }
}

function inject(s: Ptr<Share>): void {
  if (s.injectVa == 0) return;
  compilerBarrier();
  let w: Ptr<u64> = ptr<u64>(s.injectVa);
  w[0] = w[0] ^ (u64(1) << s.injectBit);
  s.injected++;
  compilerBarrier();
}

// Each pass below walks the share's pieces: extent i from byte pieceFrom to pieceTo.

/** @inline */
function pieceFrom(s: Ptr<Share>, i: u64): u64 {
  return i == s.first ? s.firstOff : 0;
}

/** @inline */
function pieceTo(s: Ptr<Share>, i: u64): u64 {
  return i == s.last ? s.lastEnd : ptrAdd(s.ext, i).bytes;
}

function ownAddress(s: Ptr<Share>): void {
  for (let i: u64 = s.first; i <= s.last; i++) {
    let e: Ptr<Extent> = ptrAdd(s.ext, i);
    let b: u64 = pieceFrom(s, i);
    let end: u64 = pieceTo(s, i);
    let w: Ptr<u64> = ptr<u64>(e.va);
    for (let o: u64 = b; o < end; o += 8) w[o >> 3] = e.pa + o;
  }
  inject(s);
  for (let i: u64 = s.first; i <= s.last; i++) {
    let e: Ptr<Extent> = ptrAdd(s.ext, i);
    let b: u64 = pieceFrom(s, i);
    let end: u64 = pieceTo(s, i);
    let w: Ptr<u64> = ptr<u64>(e.va);
    for (let o: u64 = b; o < end; o += 8) {
      let v: u64 = w[o >> 3];
      if (v != e.pa + o) record(s, e, e.va + o, e.pa + o, v);
    }
  }
}

/** Fill with p, then check p and write ~p upwards, then check ~p and write p downwards. */
function movingInversions(s: Ptr<Share>, p: u64, armed: bool): void {
  let q: u64 = ~p;
  for (let i: u64 = s.first; i <= s.last; i++) {
    let e: Ptr<Extent> = ptrAdd(s.ext, i);
    let b: u64 = pieceFrom(s, i);
    let end: u64 = pieceTo(s, i);
    let w: Ptr<u64> = ptr<u64>(e.va);
    for (let o: u64 = b; o < end; o += 8) w[o >> 3] = p;
  }
  if (armed) inject(s);
  compilerBarrier();
  for (let i: u64 = s.first; i <= s.last; i++) {
    let e: Ptr<Extent> = ptrAdd(s.ext, i);
    let b: u64 = pieceFrom(s, i);
    let end: u64 = pieceTo(s, i);
    let w: Ptr<u64> = ptr<u64>(e.va);
    for (let o: u64 = b; o < end; o += 8) {
      let v: u64 = w[o >> 3];
      if (v != p) record(s, e, e.va + o, p, v);
      w[o >> 3] = q;
    }
  }
  compilerBarrier();
  let i: u64 = s.last + 1;
  while (i > s.first) {
    i--;
    let e: Ptr<Extent> = ptrAdd(s.ext, i);
    let b: u64 = pieceFrom(s, i);
    let o: u64 = pieceTo(s, i);
    let w: Ptr<u64> = ptr<u64>(e.va);
    while (o > b) {
      o -= 8;
      let v: u64 = w[o >> 3];
      if (v != q) record(s, e, e.va + o, q, v);
      w[o >> 3] = p;
    }
  }
}

function modulo20(s: Ptr<Share>, p: u64): void {
  let q: u64 = ~p;
  for (let off: u64 = 0; off < 20; off++) {
    let k: u64 = 0;          // share word index mod 20
    for (let i: u64 = s.first; i <= s.last; i++) {
      let e: Ptr<Extent> = ptrAdd(s.ext, i);
      let b: u64 = pieceFrom(s, i);
      let end: u64 = pieceTo(s, i);
      let w: Ptr<u64> = ptr<u64>(e.va);
      for (let o: u64 = b; o < end; o += 8) {
        w[o >> 3] = k == off ? p : q;
        k++;
        if (k == 20) k = 0;
      }
    }
    if (s.injectVa != 0 && s.injectIndex % 20 == off) inject(s);
    compilerBarrier();
    k = 0;
    for (let i: u64 = s.first; i <= s.last; i++) {
      let e: Ptr<Extent> = ptrAdd(s.ext, i);
      let b: u64 = pieceFrom(s, i);
      let end: u64 = pieceTo(s, i);
      let w: Ptr<u64> = ptr<u64>(e.va);
      // The first word of this piece that is an every-20th word from `off`.
      let o: u64 = b + ((off + 20 - k) % 20) * 8;
      while (o < end) {
        let v: u64 = w[o >> 3];
        if (v != p) record(s, e, e.va + o, p, v);
        o += 160;
      }
      k = (k + ((end - b) >> 3)) % 20;
    }
    compilerBarrier();
  }
}

/** Runs `pattern` over the share; `random` is the random pattern's word. */
export function patternRun(s: Ptr<Share>, pattern: Pattern, random: u64): void {
  if (s.bytes == 0) return;
  switch (pattern) {
    case Pattern.OwnAddress: ownAddress(s); break;
    case Pattern.MovingInversions01:
      movingInversions(s, 0, true);
      movingInversions(s, 0xFFFF_FFFF_FFFF_FFFF, false);
      break;
    case Pattern.MovingInversionsRandom: movingInversions(s, random, true); break;
    case Pattern.Modulo20: modulo20(s, random); break;
  }
}
