// Checks of the frame allocator that both the kernel's self-test and the *-linux test
// drivers run (the frames must be reachable at pa + fa.p2v: the HHDM in the kernel, a
// static buffer in the drivers). They print nothing; the callers report.

import { type FrameAlloc, FRAME_SIZE, RUN_SIZE } from "./frames";
import { type RangeSet } from "./ranges";

const GOLD: u64 = 0x9E37_79B9_7F4A_7C15;
const LIVE_MAGIC: u64 = 0x4C49_5645_F7A3_0001;
const DEAD_MAGIC: u64 = 0x4445_4144_F7A3_0002;
const END: u64 = 0xFFFF_FFFF_FFFF_FFFF;

export interface FrameCheck extends Struct {
  ok: bool;
  /** Free frames before the test and after freeing everything again. */
  start: u64;
  endFree: u64;
  /** What the allocator handed out: 2 MiB runs first, then single frames. */
  runs: u64;
  frames: u64;
  /** Problems found (each should be 0). */
  badPattern: u64;
  forbiddenHits: u64;
  unmanaged: u64;
  misaligned: u64;
  badFrees: u64;
  leftOver: u64;
  /** Physical address of the first bad frame (0 if none). */
  firstBad: u64;
}

function noteBad(out: Ptr<FrameCheck>, pa: u64): void {
  if (out.firstBad == 0) out.firstBad = pa;
}

/** Pattern of one frame: every 8th word and the last one (word 0 holds the list link). */
function writeFrame(va: u64, pa: u64, seq: u64): void {
  let w: Ptr<u64> = ptr<u64>(va);
  w[1] = seq;
  for (let k: u64 = 8; k < 512; k += 8) w[k] = pa ^ (k * GOLD) ^ (seq << 32);
  w[511] = ~pa;
}

function checkFrame(va: u64, pa: u64, seq: u64): bool {
  let w: Ptr<u64> = ptr<u64>(va);
  if (w[1] != seq || w[511] != ~pa) return false;
  for (let k: u64 = 8; k < 512; k += 8) {
    if (w[k] != (pa ^ (k * GOLD) ^ (seq << 32))) return false;
  }
  return true;
}

/** A frame (or run) is outside every forbidden range and inside the managed set. */
function checkPlace(fa: Ptr<FrameAlloc>, forbidden: Ptr<RangeSet>, pa: u64, bytes: u64, out: Ptr<FrameCheck>): void {
  if (forbidden != null && forbidden.measure(pa, pa + bytes) != 0) {
    out.forbiddenHits += 1;
    noteBad(out, pa);
  }
  for (let off: u64 = 0; off < bytes; off += FRAME_SIZE) {
    if (!fa.manages(pa + off)) {
      out.unmanaged += 1;
      noteBad(out, pa + off);
      return;
    }
  }
}

/**
 * Takes every free 2 MiB run, then every free frame; writes a pattern into each (with a
 * sequence number, so a frame handed out twice shows up), checks that none lies in
 * `forbidden` (may be null) and all are managed, reads every pattern back, frees
 * everything, and checks the free count is back exactly where it started.
 */
export function checkAllFrames(fa: Ptr<FrameAlloc>, forbidden: Ptr<RangeSet>): FrameCheck {
  let out: FrameCheck = zeroed<FrameCheck>();
  out.start = fa.freeFrames;
  let seq: u64 = 1;
  let runs: u64 = END;
  while (true) {
    let pa: u64 = fa.alloc2M();
    if (pa == 0) break;
    if ((pa & (RUN_SIZE - 1)) != 0) { out.misaligned += 1; noteBad(addressOf(out), pa); }
    checkPlace(fa, forbidden, pa, RUN_SIZE, addressOf(out));
    for (let off: u64 = 0; off < RUN_SIZE; off += FRAME_SIZE) writeFrame(pa + off + fa.p2v, pa + off, seq);
    ptr<u64>(pa + fa.p2v)[0] = runs;
    runs = pa;
    out.runs += 1;
    seq += 1;
  }
  let frames: u64 = END;
  while (true) {
    let pa: u64 = fa.alloc();
    if (pa == 0) break;
    if ((pa & (FRAME_SIZE - 1)) != 0) { out.misaligned += 1; noteBad(addressOf(out), pa); }
    checkPlace(fa, forbidden, pa, FRAME_SIZE, addressOf(out));
    writeFrame(pa + fa.p2v, pa, seq);
    ptr<u64>(pa + fa.p2v)[0] = frames;
    frames = pa;
    out.frames += 1;
    seq += 1;
  }
  out.leftOver = fa.freeFrames;
  // Read back in reverse order of allocation (the list order), counting sequence numbers down.
  let s: u64 = seq;
  let pa: u64 = frames;
  while (pa != END) {
    s -= 1;
    if (!checkFrame(pa + fa.p2v, pa, s)) { out.badPattern += 1; noteBad(addressOf(out), pa); }
    let next: u64 = ptr<u64>(pa + fa.p2v)[0];
    if (!fa.free(pa)) { out.badFrees += 1; noteBad(addressOf(out), pa); }
    pa = next;
  }
  pa = runs;
  while (pa != END) {
    s -= 1;
    for (let off: u64 = 0; off < RUN_SIZE; off += FRAME_SIZE) {
      if (!checkFrame(pa + off + fa.p2v, pa + off, s)) { out.badPattern += 1; noteBad(addressOf(out), pa + off); break; }
    }
    let next: u64 = ptr<u64>(pa + fa.p2v)[0];
    if (!fa.free2M(pa)) { out.badFrees += 1; noteBad(addressOf(out), pa); }
    pa = next;
  }
  out.endFree = fa.freeFrames;
  out.ok = out.badPattern == 0 && out.forbiddenHits == 0 && out.unmanaged == 0 && out.misaligned == 0 &&
    out.badFrees == 0 && out.leftOver == 0 && out.endFree == out.start && s == 1 &&
    out.frames + out.runs * 512 == out.start;
  return out;
}

// ---- randomised stress -----------------------------------------------------------------

export const STRESS_SLOTS = 2048;
let slots: Arr<u64, 2048>;     // pa | 1 for a 2 MiB run

export interface StressResult extends Struct {
  ok: bool;
  ops: u64;
  allocs: u64;
  runAllocs: u64;
  frees: u64;
  outOfMemory: u64;
  maxLive: u64;
  /** Problems (each should be 0 / true). */
  doubleHandout: u64;
  badTags: u64;
  badFrees: u64;
  countMismatch: u64;
  /** The allocator refused the 4 deliberate bad frees. */
  badFreesRefused: bool;
  endFreeMatches: bool;
  firstBad: u64;
}

/** xorshift64 (Marsaglia): fixed seed, so a failure can be replayed. */
export function xorshift64(state: Ptr<u64>): u64 {
  let x: u64 = state[0];
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  state[0] = x;
  return x;
}

function tagOk(fa: Ptr<FrameAlloc>, pa: u64): bool {
  return ptr<u64>(pa + fa.p2v)[0] == (pa ^ LIVE_MAGIC);
}

/**
 * `ops` random allocations and frees of frames and runs (at most STRESS_SLOTS live). Each
 * live block carries a tag in its first word: an allocation that finds a live tag was
 * handed out twice. After every operation free + live frames must equal the start.
 * Finally four bad frees must be refused and freeing everything restores the start count.
 */
export function stressFrames(fa: Ptr<FrameAlloc>, seed: u64, ops: u64): StressResult {
  let out: StressResult = zeroed<StressResult>();
  let start: u64 = fa.freeFrames;
  let rng: u64 = seed;
  if (rng == 0) rng = 1;
  let live: u64 = 0;
  let liveFrames: u64 = 0;
  for (let i: u64 = 0; i < ops; i++) {
    let r: u64 = xorshift64(addressOf(rng));
    let doAlloc: bool = live == 0 || (live < STRESS_SLOTS && (r & 1) == 0);
    if (doAlloc) {
      let run: bool = ((r >> 8) & 15) == 0;
      let pa: u64 = run ? fa.alloc2M() : fa.alloc();
      if (pa == 0) {
        out.outOfMemory += 1;
      } else {
        if (tagOk(fa, pa)) { out.doubleHandout += 1; if (out.firstBad == 0) out.firstBad = pa; }
        ptr<u64>(pa + fa.p2v)[0] = pa ^ LIVE_MAGIC;
        slots[live] = run ? pa | 1 : pa;
        live += 1;
        liveFrames += run ? 512 : 1;
        out.allocs += 1;
        if (run) out.runAllocs += 1;
      }
    } else {
      let k: u64 = (r >> 16) % live;
      let v: u64 = slots[k];
      let pa: u64 = v & ~u64(1);
      let run: bool = (v & 1) != 0;
      if (!tagOk(fa, pa)) { out.badTags += 1; if (out.firstBad == 0) out.firstBad = pa; }
      ptr<u64>(pa + fa.p2v)[0] = pa ^ DEAD_MAGIC;
      let okFree: bool = run ? fa.free2M(pa) : fa.free(pa);
      if (!okFree) { out.badFrees += 1; if (out.firstBad == 0) out.firstBad = pa; }
      live -= 1;
      slots[k] = slots[live];
      liveFrames -= run ? 512 : 1;
      out.frees += 1;
    }
    if (fa.freeFrames + liveFrames != start) out.countMismatch += 1;
    if (live > out.maxLive) out.maxLive = live;
    out.ops += 1;
  }

  // Deliberate bad frees: each must be refused and counted.
  let errors0: u64 = fa.errors;
  let refused: u64 = 0;
  let single: u64 = fa.alloc();
  let run: u64 = fa.alloc2M();
  if (single != 0) {
    if (fa.free(single)) {
      if (!fa.free(single)) refused++;          // double free
    }
    if (!fa.free2M(single & ~(RUN_SIZE - 1))) refused++;   // not a run (unless it is one: then refused anyway)
  }
  if (!fa.free(0x1000)) refused++;              // below 1 MiB: never managed
  if (run != 0) {
    if (!fa.free(run + FRAME_SIZE)) refused++;   // a frame inside a run
    fa.free2M(run);
  } else {
    if (!fa.free(0x3)) refused++;               // misaligned
  }
  out.badFreesRefused = refused == 4 && fa.errors == errors0 + 4;

  while (live > 0) {
    live -= 1;
    let v: u64 = slots[live];
    let pa: u64 = v & ~u64(1);
    if (!tagOk(fa, pa)) { out.badTags += 1; if (out.firstBad == 0) out.firstBad = pa; }
    ptr<u64>(pa + fa.p2v)[0] = pa ^ DEAD_MAGIC;
    let okFree: bool = (v & 1) != 0 ? fa.free2M(pa) : fa.free(pa);
    if (!okFree) out.badFrees += 1;
  }
  out.endFreeMatches = fa.freeFrames == start;
  out.ok = out.doubleHandout == 0 && out.badTags == 0 && out.badFrees == 0 && out.countMismatch == 0 &&
    out.badFreesRefused && out.endFreeMatches;
  return out;
}
