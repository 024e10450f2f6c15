// Test driver for the memory manager (kernel-stub/mm/): tests/mm/mm.test.ts generates a
// main module holding a word stream of cases, compiles it for x86_64-linux and
// aarch64-linux, runs it, and compares every line with a BigInt reference model.
//
// A case: 8 header words, then `regions` * 4 words (base, length, type, attrs), then
// `ops` * 2 words (kind, arg).
//   header: flags, regions, limit, ops, backedBase, backedSize, seed, stressOps
//   flags bit 0: the physical range [backedBase, backedBase + backedSize) is backed by the
//   RAM buffer (p2v = addr(RAM) - backedBase), so frames can be written: the all-frames,
//   stress and vmap checks run. Otherwise only the metadata is real (META buffer).
// Ops (each prints one line "O kind result"):
//   1 alloc 4 KiB -> pa             2 alloc 2 MiB -> pa
//   3 free 4 KiB at pa=arg -> 0/1   4 free 2 MiB at pa=arg -> 0/1
//   5 free 4 KiB: result of op #arg 6 free 2 MiB: result of op #arg
//   7 reclaim loader memory -> bytes moved
//   8 free frame count              9 range-set generation
//  10 early alloc of arg bytes (after sealing: must fail) -> pa
//  11 arg allocs of 4 KiB, printing "O 11 first last count" (then they stay allocated)
//  12 timing: arg batches of 32 allocs then 32 frees: "O 12 medianAlloc medianFree maxProbes"

import { type MemRegion, MemType } from "../../../common/bootinfo";
import { type FrameSource, PageTable, PT_NEW_ROOT } from "../../../common/paging/engine";
import { ptTranslate } from "../../../common/paging/lookup";
import { Attr } from "../../../common/paging/attrs";
import { type PhysMem, type RangeSet, type PhysRange, PhysStatus } from "../../../kernel-stub/mm/ranges";
import { EarlyAlloc } from "../../../kernel-stub/mm/early";
import {
  FrameAlloc, framesMetaBytes, framesSource,
} from "../../../kernel-stub/mm/frames";
import { checkAllFrames, stressFrames } from "../../../kernel-stub/mm/frametest";
import { Vmap } from "../../../kernel-stub/mm/vmap";
import { mmTicks, medianU64 } from "../../../kernel-stub/mm/ticks";
import { printEfiTime } from "../../../kernel-stub/mm/runtime";
import { type EfiRuntimeServices, type EfiTime, type EfiTimeCapabilities, EFI_RUNTIME_SERVICES_SIGNATURE } from "../../../common/uefi";

const MAX_REGIONS = 1100;
const MAX_OPS = 8192;
/** Backing store for small maps: physical [backedBase, backedBase + 64 MiB). */
let RAM: Arr<u64, 8388608>;
/** Frame-allocator metadata for maps whose memory is not backed (up to ~1.7 TiB spans). */
let META: Arr<u64, 7340032>;
let MAP: Arr<MemRegion, 1100>;
let RESULTS: Arr<u64, 8192>;
let SAMPLE_A: Arr<u64, 4096>;
let SAMPLE_F: Arr<u64, 4096>;
let BATCH: Arr<u64, 32>;
let pm: PhysMem;
let ea: EarlyAlloc;
let fa: FrameAlloc;
let emptyKeep: RangeSet;
let pt: PageTable;
let vm: Vmap;

function sp(): void { printChar(0x20); }
function hx(v: u64): void { printHex(v); }

function printSet(tag: cstr, s: Ptr<RangeSet>): void {
  for (let i: u64 = 0; i < s.count; i++) {
    print(tag);
    sp();
    hx(s.r[i].base);
    sp();
    hx(s.r[i].end);
    print("\n");
  }
}

function reclaimAdd(ctx: Ptr<void>, base: u64, end: u64): void {
  cast<FrameAlloc>(ctx).addRange(base, end);
}

function vmapCheck(): bool {
  let free0: u64 = fa.freeFrames;
  let src: FrameSource = framesSource(addressOf(fa));
  pt = new PageTable(addressOf(src), fa.p2v, PT_NEW_ROOT);
  if (pt.root == 0) return false;
  pt.highHalf = true;
  vm = new Vmap(addressOf(pt), 0xFFFF_C000_0000_0000, 0x10_0000_0000);
  let ok: bool = true;
  // MMIO at an odd offset, then 4 MiB that should use 2 MiB pages, then one page.
  let a: u64 = vm.mapMmio(0xFEE0_0030, 0x20);
  let b: u64 = vm.map(0x8000_0000, 0x40_0000, Attr.Read | Attr.Write | Attr.Global);
  let c: u64 = vm.map(0x1234_5000, 0x1000, Attr.Read | Attr.Uncached);
  const ta = ptTranslate(addressOf(pt), a);
  const tb = ptTranslate(addressOf(pt), b + 0x30_0008);
  const tc = ptTranslate(addressOf(pt), c);
  ok = ok && a != 0 && (a & 0xFFF) == 0x30 && ta.ok && ta.pa == 0xFEE0_0030 && (ta.attrs & Attr.Device) != 0;
  ok = ok && b != 0 && (b & 0x1F_FFFF) == 0 && tb.ok && tb.pa == 0x8030_0008;
  ok = ok && c != 0 && tc.ok && tc.pa == 0x1234_5000 && (tc.attrs & Attr.Uncached) != 0 && (tc.attrs & Attr.Write) == 0;
  // Guard pages between the mappings.
  ok = ok && !ptTranslate(addressOf(pt), a - 0x30 + 0x1000).ok;
  let used: u64 = free0 - fa.freeFrames;
  ok = ok && vm.unmap(a, 0x20) && vm.unmap(b, 0x40_0000) && vm.unmap(c, 0x1000);
  ok = ok && !ptTranslate(addressOf(pt), b).ok;
  // Only the root is left: give it back, and every table frame must be home again.
  fa.free(pt.root);
  print("V ");
  printU(ok ? 1 : 0);
  sp();
  printU(used);
  sp();
  printU(free0 - fa.freeFrames);
  print("\n");
  return ok && fa.freeFrames == free0;
}

/** Runs one case starting at w; returns the number of words it used. */
function runCase(w: Ptr<u64>): u64 {
  let flags: u64 = w[0];
  let regions: u64 = w[1];
  let limit: u64 = w[2];
  let ops: u64 = w[3];
  let backedBase: u64 = w[4];
  let backedSize: u64 = w[5];
  let seed: u64 = w[6];
  let stressOps: u64 = w[7];
  let used: u64 = 8 + regions * 4 + ops * 2;
  if (regions > MAX_REGIONS || ops > MAX_OPS) {
    println("BAD CASE");
    exit(3);
  }
  let r: Ptr<u64> = ptrAdd(w, 8);
  for (let i: u64 = 0; i < regions; i++) {
    MAP[i].base = r[i * 4];
    MAP[i].length = r[i * 4 + 1];
    MAP[i].type = u32(r[i * 4 + 2]) as MemType;
    MAP[i].attrs = r[i * 4 + 3];
  }
  let st: PhysStatus = pm.build(addressOf(MAP[0]), regions, limit);
  print("S ");
  printU(u64(st));
  print("\n");
  if (st != PhysStatus.Ok) return used;
  printSet("U", addressOf(pm.usable));
  printSet("C", addressOf(pm.reclaim));
  print("A ");
  hx(pm.all.total());
  print("\nI ");
  hx(pm.ignoredLow);
  sp();
  hx(pm.ignoredHigh);
  print("\nK ");
  hx(pm.kernelBytes);
  print("\nG ");
  printU(pm.generation);
  print("\n");

  // Metadata through the early allocator, over usable + reclaimable (as mmInit does).
  let spanBase: u64 = pm.usable.base();
  let spanEnd: u64 = pm.usable.end();
  if (pm.reclaim.count != 0) {
    if (pm.reclaim.base() < spanBase) spanBase = pm.reclaim.base();
    if (pm.reclaim.end() > spanEnd) spanEnd = pm.reclaim.end();
  }
  ea = new EarlyAlloc(addressOf(pm));
  let metaBytes: u64 = framesMetaBytes(spanBase, spanEnd);
  let metaPa: u64 = ea.alloc(metaBytes, 4096);
  print("M ");
  hx(metaBytes);
  sp();
  hx(metaPa);
  print("\n");
  let backed: bool = (flags & 1) != 0;
  let p2v: u64 = 0;
  if (backed) {
    if (backedSize > RAM.length * 8 || metaPa < backedBase || metaPa + metaBytes > backedBase + backedSize) {
      println("BAD BACKING");
      exit(3);
    }
    p2v = addr(addressOf(RAM[0])) - backedBase;
  } else {
    if (metaBytes > META.length * 8) {
      println("META TOO SMALL");
      exit(3);
    }
    p2v = addr(addressOf(META[0])) - metaPa;
  }
  let t0: u64 = mmTicks();
  fa = new FrameAlloc(addressOf(pm.usable), spanBase, spanEnd, metaPa, p2v);
  let okInit: bool = fa.ok;
  let t1: u64 = mmTicks();
  ea.seal();
  print("F ");
  printU(okInit ? 1 : 0);
  sp();
  printU(fa.totalFrames);
  sp();
  printU(fa.freeFrames);
  sp();
  printU(fa.nblocks);
  sp();
  printU(t1 - t0);
  print("\n");
  if (!okInit) return used;

  let o: Ptr<u64> = ptrAdd(r, regions * 4);
  for (let i: u64 = 0; i < ops; i++) {
    let kind: u64 = o[i * 2];
    let arg: u64 = o[i * 2 + 1];
    let res: u64 = 0;
    print("O ");
    printU(kind);
    sp();
    switch (kind) {
      case 1: res = fa.alloc(); break;
      case 2: res = fa.alloc2M(); break;
      case 3: res = fa.free(arg) ? 1 : 0; break;
      case 4: res = fa.free2M(arg) ? 1 : 0; break;
      case 5: res = fa.free(RESULTS[arg]) ? 1 : 0; break;
      case 6: res = fa.free2M(RESULTS[arg]) ? 1 : 0; break;
      case 7: res = pm.reclaimLoader(addressOf(emptyKeep), reclaimAdd, addressOf(fa)); break;
      case 8: res = fa.freeFrames; break;
      case 9: res = pm.generation; break;
      case 10: res = ea.alloc(arg, 4096); break;
      case 11: {
        let first: u64 = 0;
        let last: u64 = 0;
        let n: u64 = 0;
        for (let k: u64 = 0; k < arg; k++) {
          let pa: u64 = fa.alloc();
          if (pa == 0) break;
          if (n == 0) first = pa;
          last = pa;
          n++;
        }
        hx(first);
        sp();
        hx(last);
        sp();
        res = n;
        break;
      }
      case 12: {
        let maxProbes: u64 = 0;
        let samples: u64 = arg;
        if (samples > 4096) samples = 4096;
        for (let s: u64 = 0; s < samples; s++) {
          let ta: u64 = mmTicks();
          for (let k: u64 = 0; k < 32; k++) {
            let p0: u64 = fa.probes;
            BATCH[k] = fa.alloc();
            if (fa.probes - p0 > maxProbes) maxProbes = fa.probes - p0;
          }
          let tb: u64 = mmTicks();
          for (let k: u64 = 0; k < 32; k++) fa.free(BATCH[k]);
          let tc: u64 = mmTicks();
          SAMPLE_A[s] = tb - ta;
          SAMPLE_F[s] = tc - tb;
        }
        printU(medianU64(addressOf(SAMPLE_A[0]), samples) / 32);
        sp();
        printU(medianU64(addressOf(SAMPLE_F[0]), samples) / 32);
        sp();
        res = maxProbes;
        break;
      }
      default:
        println("BAD OP");
        exit(3);
    }
    RESULTS[i] = res;
    hx(res);
    print("\n");
  }
  if (backed) {
    const c = checkAllFrames(addressOf(fa), null);
    print("X ");
    printU(c.ok ? 1 : 0);
    sp();
    printU(c.runs);
    sp();
    printU(c.frames);
    sp();
    printU(c.start);
    sp();
    printU(c.endFree);
    print("\n");
    const s = stressFrames(addressOf(fa), seed, stressOps);
    print("Y ");
    printU(s.ok ? 1 : 0);
    sp();
    printU(s.allocs);
    sp();
    printU(s.runAllocs);
    sp();
    printU(s.frees);
    sp();
    printU(s.badFreesRefused ? 1 : 0);
    print("\n");
    vmapCheck();
  }
  println("END");
  return used;
}

// ---- runtime services: a fake table whose GetTime follows the UEFI convention ------------

let fakeRt: EfiRuntimeServices;
let fakeStatus: u64 = 0;

/** @efiapi */
function fakeGetTime(t: Ptr<EfiTime>, caps: Ptr<EfiTimeCapabilities>): u64 {
  if (fakeStatus != 0) return fakeStatus;
  t.Year = 2024;
  t.Month = 2;
  t.Day = 29;
  t.Hour = 23;
  t.Minute = 5;
  t.Second = 9;
  t.TimeZone = 0x07FF;
  if (caps != null) caps.Resolution = 1;
  return 0;
}

function runtimeChecks(): void {
  fakeRt.Hdr.Signature = EFI_RUNTIME_SERVICES_SIGNATURE;
  fakeRt.Hdr.HeaderSize = u32(sizeof<EfiRuntimeServices>());
  fakeRt.GetTime = fakeGetTime;
  let a: bool = printEfiTime(addr(addressOf(fakeRt)));
  fakeStatus = 0x8000_0000_0000_0007;
  let b: bool = printEfiTime(addr(addressOf(fakeRt)));
  fakeStatus = 0;
  fakeRt.Hdr.Signature = 0;
  let c: bool = printEfiTime(addr(addressOf(fakeRt)));
  let d: bool = printEfiTime(0);
  print("T ");
  printU(a ? 1 : 0);
  printU(b ? 1 : 0);
  printU(c ? 1 : 0);
  printU(d ? 1 : 0);
  print("\n");
}

export function runCases(words: Ptr<u64>, n: u64, cases: u64): i32 {
  let at: u64 = 0;
  for (let k: u64 = 0; k < cases; k++) {
    print("CASE ");
    printU(k);
    print("\n");
    at += runCase(ptrAdd(words, at));
    if (at > n) {
      println("BAD STREAM");
      return 3;
    }
  }
  runtimeChecks();
  return 0;
}
