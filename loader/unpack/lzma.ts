// LZMA1 decoder for raw streams (what `xz --format=raw --lzma1=...` writes: no header, an
// end-of-payload marker). The self-extracting loader keeps its real image compressed this
// way and runs this before anything else, so it is written for size first and speed
// second: every modelled bit of the stream is decoded by one loop, a walk down a bit tree
// (a single bit is a tree of one node), which keeps the range coder in registers while it
// walks; the few bits without a model have a loop of their own, so that the walk's inner
// loop need not ask for every bit whether it has a model (19 % of the instructions of a
// loader's decoding, for 40-44 bytes of code).
//
// Bad input is contained: every read is checked against srcLen and every write against
// dstLen, a distance must point into what was already written, and each pass of the main
// loop writes at least one byte or ends it, so a corrupt stream cannot loop forever.

/** lzmaDecode's result for a corrupt or truncated stream or unsupported properties. */
export const LZMA_ERROR: u64 = 0xFFFF_FFFF_FFFF_FFFF;

// Where each model starts in `probs` (11-bit probabilities). Models indexed by a bit tree
// leave slot 0 unused: the walk starts at node 1.
const IS_MATCH = 0; // [state << 4 | posState]
const IS_REP = 192; // [state], then IS_REP_G0, IS_REP_G1, IS_REP_G2 12 apart
const IS_REP0_LONG = 240; // [state << 4 | posState]
const POS_SLOT = 432; // [lenState][64]: 6-bit trees
const SPEC_POS = 688; // reverse trees of distance slots 4..13, which overlap as in the format
const ALIGN = 803; // a 4-bit reverse tree
const LEN = 819; // the match length coder: see LEN_* below
const REP_LEN = 1333; // the same layout, for repeated matches
const LITERAL = 1847; // 0x300 per literal context
// Inside a length coder: two choice bits, then 3-bit trees per posState, then one 8-bit tree.
const LEN_CHOICE2 = 1;
const LEN_LOW = 2;
const LEN_MID = 130;
const LEN_HIGH = 258;
// lc + lp <= 4: at most 16 literal contexts.
const PROBS = LITERAL + 0x300 * 16;

/** The state after a literal, by the state before it. */
const LITERAL_NEXT: Arr<u8, 12> = [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 4, 5];

/** A probability's reset value: one half in 11 bits. */
const HALF = 1024;

/** The range decoder: its interval and code, and the input. */
interface Coder extends Struct {
  range: u32;
  code: u32;
  /** The next input byte; past `end` means the stream was truncated (they read as 0). */
  next: Ptr<u8>;
  end: Ptr<u8>;
}

// Module storage rather than locals: 28 KB does not belong on a firmware stack, and the
// coder's state is shared by every bit. So one decode runs at a time. Each loop below
// works on a local copy of the coder, which stays in registers.
let probs: Arr<u16, typeof PROBS>;
let coder: Coder;

/** Shifts the next byte in once the range has narrowed below 2^24. @inline */
function normalize(k: Ptr<Coder>): void {
  if (k.range < 0x100_0000) {
    k.range <<= 8;
    k.code <<= 8;
    if (k.next < k.end) k.code |= u32(k.next[0]);
    k.next = ptrAdd(k.next, 1);
  }
}

/**
 * Walks the tree of nodes probs[base + 1 ..] from node m down until the node is at least
 * `end`, one adaptive bit per step (most significant first), and returns that node: the
 * bits decoded, below the bits of m. Every bit of the stream is decoded here, so the
 * coder's state stays in registers for a whole walk.
 */
function walk(base: u32, end: u32, m: u32): u32 {
  let k: Coder = coder;
  while (m < end) {
    const i: u32 = base + m;
    let p: u32 = probs[i];
    const bound: u32 = (k.range >>> 11) * p;
    m <<= 1;
    if (k.code < bound) {
      k.range = bound;
      p += (2048 - p) >>> 5;
    } else {
      k.range -= bound;
      k.code -= bound;
      p -= p >>> 5;
      m |= 1;
    }
    // The model moves toward the bit it just saw.
    probs[i] = u16(p);
    normalize(addressOf(k));
  }
  coder = k;
  return m;
}

/**
 * n bits without a model (even odds: the range halves exactly, as the encoder's shift
 * does), most significant first. With the range at 0 each one only shifts a byte in.
 */
function direct(n: u32): u32 {
  let k: Coder = coder;
  let v: u32 = 0;
  for (; n != 0; n--) {
    k.range >>>= 1;
    v <<= 1;
    if (k.code >= k.range) {
      k.code -= k.range;
      v |= 1;
    }
    normalize(addressOf(k));
  }
  coder = k;
  return v;
}

/** n bits through the tree at probs[base], most significant first, below a leading 1. */
function tree(base: u32, n: u32): u32 {
  return walk(base, u32(1) << n, 1);
}

/** The walk of the one-node tree probs[i]: 2 or 3. Out of line, it is a jump into walk(). @noinline */
function node(i: u32): u32 {
  return walk(i - 1, 2, 1);
}

/** A single bit with the model probs[i]. @inline */
function bit(i: u32): u32 {
  return node(i) & 1;
}

/** A match length minus 2 (0..271) from the length coder at probs[base]. */
function length(base: u32, posState: u32): u32 {
  // The three trees give 0..7, 8..15 and 16..271; tree() returns them plus 8, 8 and 256.
  let at: u32 = base + LEN_LOW + (posState << 3);
  let n: u32 = 3;
  let add: u32 = ~7; // -8
  if (bit(base) != 0) {
    at += LEN_MID - LEN_LOW;
    add = 0;
    if (bit(base + LEN_CHOICE2) != 0) {
      at = base + LEN_HIGH;
      n = 8;
      add = ~239; // -240
    }
  }
  return tree(at, n) + add;
}

/** A match distance minus 1; 0xFFFF_FFFF is the end marker. */
function distance(len: u32): u32 {
  const slot: u32 = tree(POS_SLOT + ((len < 3 ? len : 3) << 6), 6) - 64;
  if (slot < 4) return slot;
  const n: u32 = (slot >>> 1) - 1;
  let d: u32 = (2 | (slot & 1)) << n;
  // The low bits are coded least significant first: by a tree of their own for slots up to
  // 13, for the others 4 of them after as many bits without a model as remain.
  let at: u32 = SPEC_POS + d - slot;
  let low: u32 = n;
  if (slot >= 14) {
    d += direct(n - 4) << 4;
    at = ALIGN;
    low = 4;
  }
  let m: u32 = tree(at, low);
  let r: u32 = 0;
  for (; m > 1; m >>>= 1) r = (r << 1) | (m & 1);
  return d + r;
}

/**
 * Decodes a raw LZMA1 stream (no .lzma header) with properties byte `props` (lc + 9*(lp + 5*pb), as in
 * the .lzma header) from src[0..srcLen) into dst[0..dstLen). The whole output is the dictionary.
 * Returns the number of bytes written (it stops at the end marker or when dst is full), or
 * LZMA_ERROR (u64 max) for a corrupt or truncated stream or properties it does not take (lc+lp > 4).
 */
export function lzmaDecode(props: u32, src: Ptr<u8>, srcLen: usize, dst: Ptr<u8>, dstLen: usize): u64 {
  if (props >= 9 * 5 * 5) return LZMA_ERROR;
  const pb: u32 = props / 45;
  const lp: u32 = (props - pb * 45) / 9;
  const lc: u32 = props - pb * 45 - lp * 9;
  const pbMask: u32 = (u32(1) << pb) - 1;
  if (lc + lp > 4) return LZMA_ERROR;
  // The literal context is the low lp bits of the position and the high lc bits of the
  // previous byte: bits 8 - lc .. 8 + lp of (pos << 8 | previous byte).
  const litMask: u32 = (u32(0x100) << lp) - 1;
  const litShift: u32 = 8 - lc;
  // All of them, whatever lc + lp: shorter code for a few thousand more stores.
  for (let i: u32 = 0; i < PROBS; i++) probs[i] = HALF;

  // The encoder's first byte is always 0; the next four prime the code. With the range at
  // 0, each even-odds bit only shifts a byte in.
  if (srcLen == 0 || src[0] != 0) return LZMA_ERROR;
  coder.next = ptrAdd(src, 1);
  coder.end = ptrAdd(src, srcLen);
  coder.range = 0;
  direct(4);
  coder.range = 0xFFFF_FFFF;

  let state: u32 = 0; // 0..6 after a literal, 7..11 after a match
  // The last four distances, most recent first.
  let reps: Arr<u32, 4> = [0, 0, 0, 0];
  let pos: usize = 0;
  while (pos < dstLen) {
    const posState: u32 = u32(pos) & pbMask;
    if (bit(IS_MATCH + (state << 4) + posState) == 0) {
      const prev: u32 = pos == 0 ? 0 : u32(dst[pos - 1]);
      const base: u32 = LITERAL + 0x300 * ((((u32(pos) << 8) | prev) & litMask) >>> litShift);
      let sym: u32 = 1;
      if (state >= 7) {
        // After a match the byte at rep0 predicts this one: while the decoded bits agree
        // with its bits, they have their own models, at 0x100 or 0x200 by its bit.
        let match: u32 = u32(dst[pos - u64(reps[0]) - 1]);
        while (sym < 0x100) {
          const mbit: u32 = (match >>> 7) & 1;
          match <<= 1;
          sym = walk(base + 0x100 + (mbit << 8), sym + 1, sym);
          if ((sym & 1) != mbit) break;
        }
      }
      sym = walk(base, 0x100, sym);
      dst[pos] = u8(sym);
      pos++;
      state = LITERAL_NEXT[state];
      continue;
    }
    // Which distance, as a run of 1 bits from IS_REP through IS_REP_G2: none for a new
    // one, which makes room for itself as a repeat of reps[3] would; 1 to 4 for reps[0..3].
    let j: u32 = 0;
    while (j < 4 && bit(IS_REP + 12 * j + state) != 0) j++;
    const isRep: bool = j != 0;
    let k: u32 = isRep ? j - 1 : 3;
    // A short rep is one byte from reps[0]: len + 2 wraps to 1.
    let len: u32 = 0xFFFF_FFFF;
    const short: bool = j == 1 && bit(IS_REP0_LONG + (state << 4) + posState) == 0;
    if (!short) len = length(isRep ? REP_LEN : LEN, posState);
    state = short ? (state < 7 ? 9 : 11) : (state < 7 ? 7 : 10) + (isRep ? 1 : 0);
    const d: u32 = reps[k];
    for (; k != 0; k--) reps[k] = reps[k - 1];
    reps[0] = d;
    if (!isRep) {
      reps[0] = distance(len);
      if (reps[0] == 0xFFFF_FFFF) {
        // The end marker; a stream that ends cleanly leaves the code at 0.
        if (coder.code != 0) return LZMA_ERROR;
        break;
      }
    }
    const from: usize = pos - u64(reps[0]) - 1;
    if (from >= pos) return LZMA_ERROR; // it wrapped: further back than the start
    // len + 2 bytes (a short rep's len wraps to copy 1), as many as fit.
    let end: usize = pos + u64(len + 2);
    if (end > dstLen) end = dstLen;
    for (let i: usize = from; pos < end; i++) dst[pos++] = dst[i];
  }
  if (coder.next > coder.end) return LZMA_ERROR;
  return pos;
}
