// The memory manager's self-test, run by the kernel after mmInit (and, if it likes, again
// after mmReclaimLoader). Every check prints one `[kernel] mm test <name>: pass` or
// `[kernel] mm test <name>: FAIL ...` line; measurements print `[kernel] mm: ...` lines;
// the last line is the 9front-style memory summary. Returns true when every check passed.

import { type BootInfo, type MemRegion, MemType } from "../../common/bootinfo";
import { Attr } from "../../common/paging/attrs";
import { ptTranslate } from "../../common/paging/lookup";
import { type RangeSet, type PhysMem, PAGE_SIZE, PHYS_END_MAX, LOW_MEMORY_END, RANGES_MAX } from "./ranges";
import { type FrameAlloc } from "./frames";
import { checkAllFrames, stressFrames } from "./frametest";
import {
  mmReady, mmReclaimed, mmPhys, mmEarly, mmFrames, mmPageTable, mmKeep, mmBootInfo, mmMap, mmMapCount,
  mmBootInfoPhys, mmMemMapPhys, mmInitTicks, mmCollectTables, mmVmap, mmVmapMmio, mmVunmap, mmReport, mmSizeIn, mmSizeUnit,
} from "./kmem";
import { mmTicks, mmTickHz, medianU64 } from "./ticks";

const STRESS_SEED: u64 = 0x2545_F491_4F6C_DD1D;
const STRESS_OPS: u64 = 20000;
const BATCH: u64 = 32;
const SAMPLES: u64 = 255;

let forbidden: RangeSet;
let tables: RangeSet;
let batchPa: Arr<u64, 32>;
let samplesA: Arr<u64, 256>;
let samplesF: Arr<u64, 256>;
let passed: u32 = 0;
let failed: u32 = 0;

function verdict(name: cstr, ok: bool): void {
  print(`[kernel] mm test ${name}`);
  if (ok) {
    passed++;
    println(": pass");
  } else {
    failed++;
    println(": FAIL");
  }
}

function testLine(name: cstr): void {
  print(`[kernel] mm test ${name}: `);
}

/** Everything no allocated frame may touch. */
function buildForbidden(bi: Ptr<BootInfo>): bool {
  forbidden.clear();
  let ok: bool = true;
  let map: Ptr<MemRegion> = mmMap();
  for (let i: u64 = 0; i < mmMapCount(); i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    if (r.type == MemType.Usable) continue;
    if (r.type == MemType.LoaderReclaimable && mmReclaimed()) continue;
    let b: u64 = r.base & ~(PAGE_SIZE - 1);
    let e: u64 = (r.base + r.length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (e < b) e = PHYS_END_MAX;
    ok = forbidden.add(b, e) && ok;
  }
  ok = forbidden.add(0, LOW_MEMORY_END) && ok;
  ok = forbidden.add(bi.kernelPhysBase & ~(PAGE_SIZE - 1), (bi.kernelPhysBase + bi.kernelSize + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) && ok;
  if (!mmReclaimed()) {
    let b: u64 = mmBootInfoPhys();
    ok = forbidden.add(b & ~(PAGE_SIZE - 1), (b + sizeof<BootInfo>() + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) && ok;
    let m: u64 = mmMemMapPhys();
    ok = forbidden.add(m & ~(PAGE_SIZE - 1), (m + mmMapCount() * sizeof<MemRegion>() + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) && ok;
  }
  // The live tables as they are now (vmap may have added some), the kept loader pages and
  // the allocator's own metadata.
  tables.clear();
  ok = mmCollectTables(addressOf(tables)) && ok;
  for (let i: u64 = 0; i < tables.count; i++) ok = forbidden.add(tables.r[i].base, tables.r[i].end) && ok;
  let keep: Ptr<RangeSet> = mmKeep();
  for (let i: u64 = 0; i < keep.count; i++) ok = forbidden.add(keep.r[i].base, keep.r[i].end) && ok;
  let taken: Ptr<RangeSet> = addressOf(mmEarly().taken);
  for (let i: u64 = 0; i < taken.count; i++) ok = forbidden.add(taken.r[i].base, taken.r[i].end) && ok;
  return ok;
}

function bytesOfType(t: MemType): u64 {
  let n: u64 = 0;
  let map: Ptr<MemRegion> = mmMap();
  for (let i: u64 = 0; i < mmMapCount(); i++) {
    let r: Ptr<MemRegion> = ptrAdd(map, i);
    if (r.type == t) n += r.length;
  }
  return n;
}

function testAllFrames(bi: Ptr<BootInfo>): void {
  let fa: Ptr<FrameAlloc> = mmFrames();
  if (!buildForbidden(bi)) {
    testLine("all-frames");
    println("FAIL: the forbidden-range table overflowed");
    failed++;
    return;
  }
  let t0: u64 = mmTicks();
  const c = checkAllFrames(fa, addressOf(forbidden));
  let t1: u64 = mmTicks();
  testLine("all-frames");
  let bytes: u64 = (c.runs * 512 + c.frames) * PAGE_SIZE;
  let runtime: u64 = bytesOfType(MemType.RuntimeServicesCode) + bytesOfType(MemType.RuntimeServicesData);
  print(`${c.runs} runs of 2 MiB + ${c.frames} frames = ${mmSizeIn(bytes)} ${mmSizeUnit(bytes)} allocated, pattern ` +
    `written and checked; none in the kernel, boot info, ${tables.total() / PAGE_SIZE} page-table frames, runtime ` +
    `(${mmSizeIn(runtime)} ${mmSizeUnit(runtime)}) or reserved ranges (${forbidden.count} forbidden ranges); ` +
    `free count ${c.start} -> 0 -> ${c.endFree} (${t1 - t0} ticks)`);
  if (c.ok) {
    passed++;
    println(": pass");
  } else {
    failed++;
    print(`: FAIL: bad patterns ${c.badPattern}, forbidden ${c.forbiddenHits}, unmanaged ${c.unmanaged}, ` +
      `misaligned ${c.misaligned}, refused frees ${c.badFrees}, left over ${c.leftOver}, first bad ` +
      `${hex(c.firstBad)}`);
    let k: u64 = forbidden.find(c.firstBad);
    if (k != RANGES_MAX) {
      print(` in forbidden ${hex(forbidden.r[k].base)}..${hex(forbidden.r[k].end)}`);
    }
    print("\n");
  }
}

function testStress(): void {
  let fa: Ptr<FrameAlloc> = mmFrames();
  const s = stressFrames(fa, STRESS_SEED, STRESS_OPS);
  testLine("stress");
  print(`${s.ops} random ops (xorshift64 seed ${hex(STRESS_SEED)}): ${s.allocs} allocs (${s.runAllocs} runs), ` +
    `${s.frees} frees, ${s.outOfMemory} out of memory, max live ${s.maxLive}; bad frees refused: ` +
    `${s.badFreesRefused ? "yes" : "no"}`);
  if (s.ok) {
    passed++;
    println(": pass");
  } else {
    failed++;
    println(`: FAIL: double handouts ${s.doubleHandout}, bad tags ${s.badTags}, refused good frees ${s.badFrees}, ` +
      `count mismatches ${s.countMismatch}, end count ${s.endFreeMatches ? "ok" : "wrong"}`);
  }
}

function testVmap(bi: Ptr<BootInfo>): void {
  let fa: Ptr<FrameAlloc> = mmFrames();
  let free0: u64 = fa.freeFrames;
  let pa: u64 = fa.alloc();
  let ok: bool = pa != 0;
  let va: u64 = 0;
  if (ok) va = mmVmap(pa + 0x10, 64, Attr.Read | Attr.Write | Attr.Uncached | Attr.Global);
  ok = ok && va != 0 && (va & 0xFFF) == 0x10;
  if (ok) {
    storeVolatile<u64>(va, 0x5A5A_0000_1234_5678 ^ pa);
    ok = loadVolatile<u64>(bi.hhdmBase + pa + 0x10) == (0x5A5A_0000_1234_5678 ^ pa);
    const t = ptTranslate(mmPageTable(), va);
    ok = ok && t.ok && t.pa == pa + 0x10 && (t.attrs & Attr.Uncached) != 0 && (t.attrs & Attr.Exec) == 0;
    ok = mmVunmap(va, 64) && ok;
    ok = ok && !ptTranslate(mmPageTable(), va).ok;
  }
  if (pa != 0) fa.free(pa);
  let tablesBack: bool = fa.freeFrames == free0;
  testLine("vmap");
  print(`frame ${hex(pa)} mapped uncached at ${hex(va)}, written there and read through the HHDM, unmapped; free ` +
    `frames ${free0} -> ${fa.freeFrames} (engine's table frames returned)`);
  ok = ok && tablesBack;
  if (ok) { passed++; println(": pass"); } else { failed++; println(": FAIL"); }

  // A real device through vmapMmio.
  if (target.x86_64) {
    let apicBase: u64 = 0xFEE0_0000;
    if (target.elf) apicBase = rdmsr(0x1B) & 0x000F_FFFF_FFFF_F000;
    let r: u64 = mmVmapMmio(apicBase, 0x400);
    let ver: u32 = 0;
    if (r != 0) {
      ver = loadVolatile<u32>(r + 0x30);
      mmVunmap(r, 0x400);
    }
    let v: u32 = ver & 0xFF;
    testLine("vmap-mmio");
    print(`local APIC ${hex(apicBase)} at ${hex(r)}: version register ${hex(u64(ver))}`);
    let good: bool = r != 0 && v >= 0x10 && v <= 0x15;
    if (good) { passed++; println(" (integrated APIC): pass"); } else { failed++; println(": FAIL: expected version 0x10..0x15"); }
  } else {
    if (bi.uartKind == 2 && bi.uartBase != 0) {
      let r: u64 = mmVmapMmio(bi.uartBase, 0x1000);
      let id0: u32 = 0;
      let id1: u32 = 0;
      if (r != 0) {
        id0 = loadVolatile<u32>(r + 0xFE0) & 0xFF;
        id1 = loadVolatile<u32>(r + 0xFE4) & 0xFF;
        mmVunmap(r, 0x1000);
      }
      testLine("vmap-mmio");
      print(`PL011 ${hex(bi.uartBase)} at ${hex(r)}: PeriphID0 ${hex(u64(id0))} PeriphID1 ${hex(u64(id1))}`);
      let good: bool = r != 0 && id0 == 0x11 && id1 == 0x10;
      if (good) { passed++; println(": pass"); } else { failed++; println(": FAIL: expected 0x11 0x10"); }
    } else {
      println("[kernel] mm test vmap-mmio: skipped (no PL011 in the boot info)");
    }
  }
}

function printTicks(ticks: u64, hz: u64): void {
  print(`${ticks} ticks`);
  if (hz >= 1_000_000) {
    print(` = ${(ticks * 1000) / (hz / 1_000_000)} ns`);
  }
}

/** Median cost of alloc / free (and the 2 MiB pair) over batches of 32. */
function measure(bi: Ptr<BootInfo>): void {
  let fa: Ptr<FrameAlloc> = mmFrames();
  let hz: u64 = mmTickHz(bi.tscFrequency);
  let probes0: u64 = fa.probes;
  let ops: u64 = 0;
  let n: u64 = 0;
  for (let s: u64 = 0; s < SAMPLES; s++) {
    let t0: u64 = mmTicks();
    for (let i: u64 = 0; i < BATCH; i++) batchPa[i] = fa.alloc();
    let t1: u64 = mmTicks();
    for (let i: u64 = 0; i < BATCH; i++) fa.free(batchPa[i]);
    let t2: u64 = mmTicks();
    samplesA[n] = (t1 - t0) / BATCH;
    samplesF[n] = (t2 - t1) / BATCH;
    n++;
    ops += BATCH;
  }
  let a: u64 = medianU64(addressOf(samplesA[0]), n);
  let f: u64 = medianU64(addressOf(samplesF[0]), n);
  let probes: u64 = fa.probes - probes0;
  print("[kernel] mm: frame alloc ");
  printTicks(a, hz);
  print(", free ");
  printTicks(f, hz);
  println(` per op (median of ${n} batches of ${BATCH}); ${probes / ops} metadata words searched per alloc`);
  // 2 MiB runs (fewer samples: each takes a whole block).
  n = 0;
  for (let s: u64 = 0; s < 63; s++) {
    let t0: u64 = mmTicks();
    let pa: u64 = fa.alloc2M();
    let t1: u64 = mmTicks();
    if (pa == 0) break;
    fa.free2M(pa);
    let t2: u64 = mmTicks();
    samplesA[n] = t1 - t0;
    samplesF[n] = t2 - t1;
    n++;
  }
  if (n != 0) {
    print("[kernel] mm: 2 MiB run alloc ");
    printTicks(medianU64(addressOf(samplesA[0]), n), hz);
    print(", free ");
    printTicks(medianU64(addressOf(samplesF[0]), n), hz);
    println(` (median of ${n})`);
  }
  // Init: ticks for the span the allocator covers, scaled to 1 GiB.
  let spanMiB: u64 = (fa.nblocks << 21) >> 20;
  print("[kernel] mm: frame allocator init ");
  printTicks(mmInitTicks(), hz);
  print(` for ${spanMiB} MiB = `);
  if (spanMiB != 0) printTicks((mmInitTicks() * 1024) / spanMiB, hz);
  println(" per GiB");
}

/** Runs every check; true when all passed. Needs mmInit(bi) to have succeeded. */
export function mmSelfTest(): bool {
  passed = 0;
  failed = 0;
  if (!mmReady()) {
    println("[kernel] mm test init: FAIL: mmInit did not succeed");
    return false;
  }
  let bi: Ptr<BootInfo> = mmBootInfo();
  let pm: Ptr<PhysMem> = mmPhys();
  let errors0: u64 = mmFrames().errors;
  println(`[kernel] mm: usable ranges (generation ${pm.generation}` +
    `${mmReclaimed() ? ", loader memory reclaimed" : ", before reclaim"}):`);
  for (let i: u64 = 0; i < pm.usable.count; i++) {
    if (i == 12 && pm.usable.count > 13) {
      println(`[kernel] mm:   ... ${pm.usable.count - 12} more`);
      break;
    }
    let n: u64 = pm.usable.r[i].end - pm.usable.r[i].base;
    println(`[kernel] mm:   ${hex(pm.usable.r[i].base, 12)}-${hex(pm.usable.r[i].end, 12)} ${mmSizeIn(n)} ${mmSizeUnit(n)}`);
  }
  // The ranges must be sorted, disjoint, page-aligned, above 1 MiB, inside the HHDM and
  // made only of usable (or reclaimed loader) memory.
  let rangesOk: bool = true;
  for (let i: u64 = 0; i < pm.usable.count; i++) {
    let b: u64 = pm.usable.r[i].base;
    let e: u64 = pm.usable.r[i].end;
    if (b >= e || ((b | e) & (PAGE_SIZE - 1)) != 0 || b < LOW_MEMORY_END || e > bi.hhdmSize) rangesOk = false;
    if (i > 0 && pm.usable.r[i - 1].end >= b) rangesOk = false;
  }
  if (buildForbidden(bi)) {
    for (let i: u64 = 0; i < pm.usable.count; i++) {
      if (forbidden.measure(pm.usable.r[i].base, pm.usable.r[i].end) != 0) rangesOk = false;
    }
  } else {
    rangesOk = false;
  }
  verdict("ranges sorted, disjoint, above 1 MiB, inside the HHDM, clear of every non-usable region", rangesOk);

  testAllFrames(bi);
  testStress();
  testVmap(bi);
  measure(bi);
  let fa: Ptr<FrameAlloc> = mmFrames();
  verdict("no refused frees besides the stress test's 4 deliberate ones", fa.errors == errors0 + 4);
  mmReport();
  println(`[kernel] mm: ${passed} checks passed, ${failed} failed`);
  return failed == 0;
}
