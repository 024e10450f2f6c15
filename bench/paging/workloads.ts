// Paging benchmark workloads for the subset engine (common/paging/engine.ts), compiled by
// tsboot -O2 for x86_64-linux. bench/paging/workloads.c is the same program for the C
// transcription of the engine; bench/paging.ts runs both and writes the table.
//
//   workloads <k> <reps> <inner>   times `reps` rounds of `inner` back-to-back runs of
//                                  workload k (each from an empty table); prints
//                                  "ns <t1> <t2> ..." (per round) and "frames <n>" (per run)
//   workloads 99 <reps> <inner> <bytes>  the std memset of <bytes> (the floor), as in C
//   workloads 98 <reps> <inner> <bytes>  the engine's leaf loop (fillEntries) over <bytes>
// (inner > 1 keeps the clock's own cost — a raw system call here, the vDSO in C — out of
// the per-run time of the small workloads.)
// Every run goes through pw_run (kept out of line, fixed symbol name) so that callgrind
// --toggle-collect=pw_run counts the workload's instructions only.

import { type FrameSource, PageTable, PT_OK, PT_NEW_ROOT } from "../../common/paging/engine";
import { Attr } from "../../common/paging/attrs";
import { fillEntries } from "../../common/paging/desc";
import { argU64, nowNs } from "../subset/lib";

const POOL_FRAMES = 1100;
const FAKE_BASE: u64 = 0x1_0000_0000;
const HHDM: u64 = 0xFFFF_8000_0000_0000;
const KERNEL: u64 = 0xFFFF_FFFF_8000_0000;
const HEAP: u64 = 0xFFFF_C000_0000_0000;
const GIB: u64 = 0x4000_0000;
const MIB: u64 = 0x10_0000;

let POOL: Arr<u64, 563712>;       // (POOL_FRAMES + 1) * 512: room to align frame 0 to 4 KiB
let FREE_STACK: Arr<u64, 1100>;
let freeTop: u64 = 0;
let nextFrame: u64 = 0;
let allocated: u64 = 0;
let p2v: u64 = 0;
let PT: PageTable;
let MAPPED: Arr<u8, 16384>;       // random workload: which heap pages are mapped

function frameAlloc(ctx: Ptr<void>): u64 {
  allocated += 1;
  if (freeTop != 0) {
    freeTop -= 1;
    return FREE_STACK[freeTop];
  }
  if (nextFrame >= POOL_FRAMES) return 0;
  let pa: u64 = FAKE_BASE + (nextFrame << 12);
  nextFrame += 1;
  return pa;
}

function frameFree(ctx: Ptr<void>, pa: u64): void {
  FREE_STACK[freeTop] = pa;
  freeTop += 1;
}

function fail(what: cstr): void {
  print("workload failed: ");
  println(what);
  exit(1);
}

function hhdm(size: u64, allow1G: bool): void {
  PT.allow1G = allow1G;
  if (PT.map(HHDM, 0, size, Attr.Read | Attr.Write | Attr.Global) != PT_OK) fail("hhdm");
}

/** An 8 MiB kernel image in 4 KiB pages: pa is 4 KiB- but not 2 MiB-congruent to va. */
function kernel(): void {
  let pa: u64 = 0x20_1000;
  let va: u64 = KERNEL;
  if (PT.map(va, pa, 3 * MIB, Attr.Read | Attr.Exec | Attr.Global) != PT_OK) fail("text");
  if (PT.map(va + 3 * MIB, pa + 3 * MIB, MIB, Attr.Read | Attr.Global) != PT_OK) fail("rodata");
  if (PT.map(va + 4 * MIB, pa + 4 * MIB, 2 * MIB, Attr.Read | Attr.Write | Attr.Global) != PT_OK) fail("data");
  if (PT.map(va + 6 * MIB, pa + 6 * MIB, 2 * MIB, Attr.Read | Attr.Write | Attr.Global) != PT_OK) fail("bss");
}

/** 10,000 random 4 KiB operations in a 64 MiB heap window: map if unmapped, else unmap. */
function randomOps(): void {
  for (let i: u32 = 0; i < 16384; i++) MAPPED[i] = 0;
  let x: u64 = 0x9E37_79B9_7F4A_7C15;
  for (let i: u32 = 0; i < 10000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    let page: u64 = (x >> 20) & 16383;
    let va: u64 = HEAP + (page << 12);
    if (MAPPED[page] == 0) {
      if (PT.map(va, 0x2_0000_0000 + (page << 12), 4096, Attr.Read | Attr.Write) != PT_OK) fail("map");
      MAPPED[page] = 1;
    } else {
      if (PT.unmap(va, 4096) != PT_OK) fail("unmap");
      MAPPED[page] = 0;
    }
  }
}

/** One 4 KiB map (callgrind --toggle-collect=pw_map1 counts these calls alone).
 * @symbol pw_map1
 * @noinline
 */
export function pwMap1(va: u64, pa: u64): i32 {
  return PT.map(va, pa, 4096, Attr.Read | Attr.Write);
}

/** One 4 KiB unmap.
 * @symbol pw_unmap1
 * @noinline
 */
export function pwUnmap1(va: u64): i32 {
  return PT.unmap(va, 4096);
}

/** SINGLE_OPS maps and unmaps of one page whose tables exist: a neighbour page keeps the
 *  page table alive, so no call allocates or frees a table. */
const SINGLE_OPS: u32 = 1000;
function singleOps(): void {
  if (PT.map(HEAP, 0x2_0000_0000, 4096, Attr.Read | Attr.Write) != PT_OK) fail("neighbour");
  for (let i: u32 = 0; i < SINGLE_OPS; i++) {
    if (pwMap1(HEAP + 0x1000, 0x2_0000_1000) != PT_OK) fail("map1");
    if (pwUnmap1(HEAP + 0x1000) != PT_OK) fail("unmap1");
  }
}

/** Table zeroing alone: ZERO_TABLES fresh roots, each allocated and cleared by the PageTable constructor. */
const ZERO_TABLES: u32 = 64;
function zeroTables(fs: Ptr<FrameSource>): void {
  for (let i: u32 = 1; i < ZERO_TABLES; i++) {
    PT = new PageTable(fs, p2v, PT_NEW_ROOT);
    if (PT.root == 0) fail("zero");
  }
}

/** memset of `bytes` table bytes, one 4 KiB frame per call as tables are written: the floor
 *  for writing that much.
 * @symbol pw_memset
 * @noinline
 */
export function pwMemset(bytes: u64): void {
  for (let off: u64 = 0; off < bytes; off += 4096) {
    memset(ptr<u8>(p2v + FAKE_BASE + off), 0, 4096);
    compilerBarrier();
  }
}

/** The engine's leaf loop alone over the same frames: 512 2 MiB leaves per 4 KiB frame,
 *  one frame per call. The floor for tables full of leaves with general registers.
 * @symbol pw_fill
 * @noinline
 */
export function pwFill(bytes: u64): void {
  for (let off: u64 = 0; off < bytes; off += 4096) {
    fillEntries(ptr<u64>(p2v + FAKE_BASE + off), 512, (off << 18) | 0x83, 0x20_0000);
    compilerBarrier();
  }
}

/**
 * One run of workload k from an empty table; returns the table frames allocated.
 * @symbol pw_run
 * @noinline
 */
export function pwRun(k: u64): u64 {
  freeTop = 0;
  nextFrame = 0;
  allocated = 0;
  let fs: FrameSource = zeroed<FrameSource>();
  fs.alloc = frameAlloc;
  fs.free = frameFree;
  fs.ctx = null;
  PT = new PageTable(addressOf(fs), p2v, PT_NEW_ROOT);
  if (PT.root == 0) fail("init");
  // aarch64: the high-half workloads need a TTBR1 table (only the identity one is low).
  PT.highHalf = target.aarch64 && k != 7;
  if (k == 0) hhdm(4 * GIB, true);
  else if (k == 1) hhdm(4 * GIB, false);
  else if (k == 2) hhdm(64 * GIB, true);
  else if (k == 3) hhdm(64 * GIB, false);
  else if (k == 4) hhdm(1024 * GIB, true);
  else if (k == 5) hhdm(1024 * GIB, false);
  else if (k == 6) kernel();
  else if (k == 7) {
    PT.allow1G = false;
    if (PT.map(0, 0, 4 * GIB, Attr.Read | Attr.Write) != PT_OK) fail("identity");
  } else if (k == 8) randomOps();
  else if (k == 9) singleOps();
  else if (k == 10) zeroTables(addressOf(fs));
  else fail("no such workload");
  return allocated;
}

export function main(): i32 {
  let k: u64 = argU64(1, 0);
  let reps: u64 = argU64(2, 1);
  let inner: u64 = argU64(3, 1);
  let bytes: u64 = argU64(4, 4096);
  // Frame 0 at the first 4 KiB boundary inside POOL (the C version does the same).
  let base: u64 = (addr(addressOf(POOL[0])) + 4095) & 0xFFFF_FFFF_FFFF_F000;
  p2v = base - FAKE_BASE;
  let frames: u64 = 0;
  print("ns");
  for (let r: u64 = 0; r < reps; r++) {
    let t0: u64 = nowNs();
    for (let j: u64 = 0; j < inner; j++) {
      if (k == 99) pwMemset(bytes);
      else if (k == 98) pwFill(bytes);
      else frames = pwRun(k);
    }
    let t1: u64 = nowNs();
    print(" ");
    printU(t1 - t0);
  }
  println("");
  print("frames ");
  printU(frames);
  println("");
  return 0;
}
