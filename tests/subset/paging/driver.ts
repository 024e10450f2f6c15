// Test driver for the page-table engine (common/paging/engine.ts): runs it over a
// simulated physical memory (a 16 MiB global; physToVirt = its address - FAKE_BASE) and
// executes a command stream, printing what tests/paging/engine.test.ts compares with the
// BigInt reference model (tests/paging/model.ts). bench/paging/check_driver.c is its C twin
// and prints the same lines.
//
// A command is 6 u64 words: kind, table (0..3), va, pa, size, attrs.
//   1 map, 2 unmap, 3 protect      -> "R rc tableFrames totalTableFrames liveFrames flushAll flushCount va..."
//   4 probe va                      -> "P -" or "P pa attrs pageSize leafDescriptor"
//   5 config: va = allow1G, pa = allowWX, size = highHalf, attrs = levels (0: 4)
//   6 budget: va = how many more frames may be allocated (all ones: unlimited)
//   7 dump                          -> ptDump's lines, then "E"
//   8 walk va                       -> "W levels e0 e1 e2 e3 e4"
//   9 map pages, 10 unmap pages     -> "R ..." as 1 / 2, but one 4 KiB call per page, in the
//                                      order (k * 167) mod n; rc is the first failure's

import { type FrameSource, PageTable, PT_OK, PT_NEW_ROOT } from "../../../common/paging/engine";
import { ptTranslate, ptWalk } from "../../../common/paging/lookup";
import { ptDump } from "../../../common/paging/dump";

const NFRAMES = 4096;
const FAKE_BASE: u64 = 0x8000_0000;
const UNLIMITED: u64 = 0xFFFF_FFFF_FFFF_FFFF;

let MEM: Arr<u64, 2097152>;        // NFRAMES frames of 512 entries
let FREE_LIST: Arr<u32, 4096>;
let USED: Arr<u8, 4096>;
let freeTop: u32 = 0;
let live: u64 = 0;
let budget: u64 = 0xFFFF_FFFF_FFFF_FFFF;

let T0: PageTable;
let T1: PageTable;
let T2: PageTable;
let T3: PageTable;

function simAlloc(ctx: Ptr<void>): u64 {
  if (budget == 0 || freeTop == 0) return 0;
  if (budget != UNLIMITED) budget -= 1;
  freeTop -= 1;
  let f: u32 = FREE_LIST[freeTop];
  USED[f] = 1;
  live += 1;
  // Garbage, not zeros: the engine must initialise every entry of a new table.
  memset(cast<u8>(addressOf(MEM[u64(f) * 512])), 0xA5, 4096);
  return FAKE_BASE + u64(f) * 4096;
}

function simFree(ctx: Ptr<void>, pa: u64): void {
  let f: u64 = (pa - FAKE_BASE) >> 12;
  if (pa < FAKE_BASE || f >= NFRAMES || (pa & 4095) != 0 || USED[f] == 0) {
    print("BAD FREE ");
    printHex(pa);
    println("");
    exit(3);
  }
  USED[f] = 0;
  live -= 1;
  FREE_LIST[freeTop] = u32(f);
  freeTop += 1;
}

function tableFor(k: u64): Ptr<PageTable> {
  if (k == 0) return addressOf(T0);
  if (k == 1) return addressOf(T1);
  if (k == 2) return addressOf(T2);
  return addressOf(T3);
}

function sp(): void {
  printChar(0x20);
}

/** Runs `n` words of commands; returns the exit status (0 when the stream was well formed). */
export function runOps(ops: Ptr<u64>, n: u64): i32 {
  for (let i: u32 = 0; i < NFRAMES; i++) FREE_LIST[i] = NFRAMES - 1 - i;
  freeTop = NFRAMES;
  let fs: FrameSource = zeroed<FrameSource>();
  fs.alloc = simAlloc;
  fs.free = simFree;
  fs.ctx = null;
  let p2v: u64 = addr(addressOf(MEM[0])) - FAKE_BASE;
  T0 = new PageTable(addressOf(fs), p2v, PT_NEW_ROOT);
  T1 = new PageTable(addressOf(fs), p2v, PT_NEW_ROOT);
  T2 = new PageTable(addressOf(fs), p2v, PT_NEW_ROOT);
  T3 = new PageTable(addressOf(fs), p2v, PT_NEW_ROOT);
  if (T0.root == 0 || T1.root == 0 || T2.root == 0 || T3.root == 0) return 2;
  for (let at: u64 = 0; at + 6 <= n; at += 6) {
    let kind: u64 = ops[at];
    let pt: Ptr<PageTable> = tableFor(ops[at + 1]);
    let va: u64 = ops[at + 2];
    let pa: u64 = ops[at + 3];
    let size: u64 = ops[at + 4];
    let attrs: u32 = u32(ops[at + 5]);
    let rc: i32 = 0;
    if (kind == 1) {
      rc = pt.map(va, pa, size, attrs);
    } else if (kind == 2) {
      rc = pt.unmap(va, size);
    } else if (kind == 3) {
      rc = pt.protect(va, size, attrs);
    } else if (kind == 9 || kind == 10) {
      let n: u64 = size >> 12;
      for (let k: u64 = 0; k < n && rc == PT_OK; k++) {
        let off: u64 = ((k * 167) % n) << 12;
        if (kind == 9) rc = pt.map(va + off, pa + off, 4096, attrs);
        else rc = pt.unmap(va + off, 4096);
      }
    } else if (kind == 4) {
      const t = ptTranslate(pt, va);
      const w = ptWalk(pt, va);
      if (t.ok != w.ok || t.pa != w.pa || t.attrs != w.attrs) {
        println("WALK MISMATCH");
        return 4;
      }
      if (!t.ok) println("P -");
      else println(`P ${hex(t.pa)} ${hex(t.attrs)} ${hex(w.pageSize)} ${hex(w.entries[w.levels - 1])}`);
      continue;
    } else if (kind == 5) {
      pt.allow1G = va != 0;
      pt.allowWX = pa != 0;
      pt.highHalf = size != 0;
      pt.levels = attrs == 0 ? 4 : attrs;
      continue;
    } else if (kind == 6) {
      budget = va;
      continue;
    } else if (kind == 7) {
      ptDump(pt);
      println("E");
      continue;
    } else if (kind == 8) {
      const w = ptWalk(pt, va);
      print("W ");
      printU(u64(w.levels));
      for (let l: u32 = 0; l < 5; l++) {
        sp();
        printHex(w.entries[l]);
      }
      println("");
      continue;
    } else {
      println("BAD OP");
      return 5;
    }
    let total: u64 = T0.tableFrames + T1.tableFrames + T2.tableFrames + T3.tableFrames;
    print("R ");
    printI(i64(rc));
    sp();
    printHex(pt.tableFrames);
    sp();
    printHex(total);
    sp();
    printHex(live);
    sp();
    if (pt.flushAll) print("1"); else print("0");
    sp();
    printHex(pt.flushCount);
    if (!pt.flushAll) {
      for (let k: u64 = 0; k < pt.flushCount; k++) {
        sp();
        printHex(pt.flushVa[k]);
      }
    }
    println("");
    pt.clearFlush();
  }
  return 0;
}
