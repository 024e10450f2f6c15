// The kernel's memory test: the patterns of patterns.ts over free memory, on one CPU and
// then on every CPU, each CPU testing its share; bandwidth per pattern and the speedup.
//
//   memtestPrepare()   reads the command line, takes the memory under test from the frame
//                      allocator (2 MiB runs; with `all`, then every single frame too), as
//                      extents of contiguous memory;
//   memtestRun(label)  every pattern on smpOnline() CPUs; call it before the other CPUs
//                      start (the one-CPU baseline) and after (the parallel run);
//   memtestFinish()    prints the results and errors, gives the memory back; true when
//                      no error was found besides the injected ones.
//
// Command line (docs/memory.md, "Memory test"):
//   tsboot.memtest=off | all | <N>M | <N>G   how much to test (default MEMTEST_DEFAULT_MIB:
//                                            a bounded share, so that a boot under QEMU
//                                            stays short; `all` tests every free frame)
//   tsboot.memtest.inject=<pa|auto>[:<bit>]  the fault hook: flip that bit (default 0) of
//                                            the word at physical address pa (auto: a word
//                                            in the last CPU's share) after each pattern's
//                                            first writes; the test must report it.

import {
  type Extent, type Share, type Fault, Pattern, PATTERNS, FAULTS_KEPT,
  patternName, patternPasses, shareInit, shareInject, patternRun,
} from "./patterns";
import { cmdlineOf, cmdlineFind, cmdlineIs, cmdlineNumber } from "../cmdline";
import { mmAlloc2M, mmAllocFrame, mmFree2M, mmFreeFrame, mmP2V, mmBootInfo, mmSizeIn, mmSizeUnit } from "../mm/kmem";
import { mmTicks } from "../mm/ticks";
import { xorshift64 } from "../mm/frametest";
import { smpRun, smpOnline, smpCpuOfRank, smpRankFinished } from "../smp/work";
import { MAX_CPUS, cpuIndex } from "../smp/cpu";

/** Memory tested when the command line does not say: enough to measure, short under TCG. */
export const MEMTEST_DEFAULT_MIB: u64 = 16;
const EXTENTS_MAX = 4096;
const RUN: u64 = 0x20_0000;
const FRAME: u64 = 4096;
const SEED: u64 = 0x9E37_79B9_7F4A_7C15;
/** Longest wait for other CPUs after the boot CPU finished its share (or 10x its time). */
const WAIT_MIN_MS: u64 = 5000;

let extents: Arr<Extent, 4096>;
/** 1: the extent is 2 MiB runs, 0: single frames (how to give it back). */
let extentRuns: Arr<u8, 4096>;
let count: u64 = 0;
let total: u64 = 0;
let freeAtStart: u64 = 0;
let enabled: bool = false;
let all: bool = false;
let budget: u64 = 0;
let truncated: bool = false;

let injectOn: bool = false;
let injectPa: u64 = 0;
let injectBit: u64 = 0;

let shares: Arr<Share, 64>;
let hz: u64 = 0;

/** Results of one pattern in one run. */
interface Result extends Struct {
  cpus: u32;
  ticks: u64;
  errors: u64;
  injected: u64;
  kept: u64;
  faults: Arr<Fault, 8>;
}
/** [0]: one CPU, [1]: every CPU, per pattern. */
let results: Arr<Result, 8>;
let runs: u32 = 0;
let patternNow: Pattern = Pattern.OwnAddress;
let randomNow: u64 = 0;

// ---- configuration and memory ----------------------------------------------------------

function parseOptions(): void {
  const cmd = cmdlineOf(mmBootInfo());
  enabled = true;
  all = false;
  budget = MEMTEST_DEFAULT_MIB << 20;
  const amount = cmdlineFind(cmd, "tsboot.memtest");
  if (amount.found) {
    const v = amount.value;
    const n: u64 = v.length;
    const { value: num, used } = cmdlineNumber(v);
    if (cmdlineIs(v, "off")) enabled = false;
    else if (cmdlineIs(v, "all")) all = true;
    else if (used != 0 && used == n) budget = num << 20;
    else if (used != 0 && used + 1 == n && (v[used] == 0x4D || v[used] == 0x6D)) budget = num << 20;   // M
    else if (used != 0 && used + 1 == n && (v[used] == 0x47 || v[used] == 0x67)) budget = num << 30;   // G
    else println("[kernel] memtest: tsboot.memtest takes off, all, <N>M or <N>G; testing the default amount");
  }
  injectOn = false;
  const inject = cmdlineFind(cmd, "tsboot.memtest.inject");
  if (inject.found) {
    const v = inject.value;
    const n: u64 = v.length;
    let used: u64 = 0;
    injectPa = 0;
    if (n >= 4 && cmdlineIs(v.sub(0, 4), "auto")) {
      used = 4;
    } else {
      const pa = cmdlineNumber(v);
      used = pa.used;
      injectPa = pa.value;
    }
    injectBit = 0;
    let ok: bool = used != 0;
    if (ok && used < n) {
      const bit = cmdlineNumber(v.sub(used + 1, n));
      ok = v[used] == 0x3A && bit.used == n - used - 1 && bit.value < 64;
      injectBit = bit.value;
    }
    if (ok) injectOn = true;
    else println("[kernel] memtest: tsboot.memtest.inject takes <physical address or auto>[:<bit 0..63>]; no fault injected");
  }
}

function addExtent(pa: u64, bytes: u64, isRun: u8): bool {
  if (count != 0) {
    let last: Ptr<Extent> = addressOf(extents[count - 1]);
    if (extentRuns[count - 1] == isRun && last.pa + last.bytes == pa) {
      last.bytes += bytes;
      return true;
    }
  }
  if (count >= EXTENTS_MAX) return false;
  extents[count].pa = pa;
  extents[count].va = mmP2V() + pa;
  extents[count].bytes = bytes;
  extentRuns[count] = isRun;
  count++;
  return true;
}

/** Reads the options and takes the memory to test; false when the test is off. */
export function memtestPrepare(tickHz: u64, freeFrames: u64): bool {
  hz = tickHz;
  parseOptions();
  count = 0;
  total = 0;
  runs = 0;
  truncated = false;
  freeAtStart = freeFrames * FRAME;
  if (!enabled) {
    println("[kernel] memtest: off (tsboot.memtest=off)");
    return false;
  }
  while (all || total + RUN <= budget) {
    let pa: u64 = mmAlloc2M();
    if (pa == 0) break;
    if (!addExtent(pa, RUN, 1)) { mmFree2M(pa); truncated = true; break; }
    total += RUN;
  }
  while (!truncated && (all || total + FRAME <= budget)) {
    let pa: u64 = mmAllocFrame();
    if (pa == 0) break;
    if (!addExtent(pa, FRAME, 0)) { mmFreeFrame(pa); truncated = true; break; }
    total += FRAME;
  }
  let share: cstr = all ? " (tsboot.memtest=all: every free frame)"
    : total < freeAtStart ? " (a bounded share; tsboot.memtest=all tests all of it)" : "";
  println(`[kernel] memtest: ${mmSizeIn(total)} ${mmSizeUnit(total)} in ${count}${count == 1 ? " extent" : " extents"} ` +
    `of the ${mmSizeIn(freeAtStart)} ${mmSizeUnit(freeAtStart)} free${share}` +
    `${truncated ? "; the extent table is full, the rest is not tested" : ""}`);
  if (total == 0) {
    println("[kernel] memtest: no free memory to test");
    enabled = false;
  }
  return enabled;
}

/** Chooses the injected word: the given address if it is under test, else one in the last
 *  CPU's share of `cpus` (auto). */
export function memtestArmInjection(cpus: u32): void {
  if (!injectOn || !enabled) return;
  let probe: Share = zeroed<Share>();
  shareInit(addressOf(probe), addressOf(extents[0]), count, total, 0, 1);
  let wanted: u64 = injectPa;
  if (injectPa == 0 || !shareInject(addressOf(probe), injectPa, injectBit)) {
    // Auto: the middle of the last CPU's share (byte offset total * (2n - 1) / 2n).
    let n: u64 = u64(cpus);
    let off: u64 = ((total / (2 * n)) * (2 * n - 1)) & ~u64(7);
    let at: u64 = 0;
    for (let i: u64 = 0; i < count; i++) {
      if (off < at + extents[i].bytes) { injectPa = extents[i].pa + (off - at); break; }
      at += extents[i].bytes;
    }
    if (wanted != 0) {
      println(`[kernel] memtest: ${hex(wanted)} is not in the memory under test; injecting elsewhere`);
    }
  }
  injectPa = injectPa & ~u64(7);
  println(`[kernel] memtest: fault injection: bit ${injectBit} of the word at ${hex(injectPa)} flips after each ` +
    `pattern's first writes`);
}

// ---- running ---------------------------------------------------------------------------

function job(arg: Ptr<void>, rank: u32, n: u32): void {
  let s: Ptr<Share> = addressOf(shares[cpuIndex()]);
  shareInit(s, addressOf(extents[0]), count, total, u64(rank), u64(n));
  if (injectOn) shareInject(s, injectPa, injectBit);
  patternRun(s, patternNow, randomNow);
}

function resultOf(run: u32, p: u32): Ptr<Result> {
  return addressOf(results[run * 4 + p]);
}

/** Every pattern on every online CPU; run 0 must be on one CPU. */
export function memtestRun(): void {
  if (!enabled || runs >= 2) return;
  let n: u32 = smpOnline();
  if (runs == 1 && n == 1) return;      // one CPU only: the baseline is all there is
  if (n > MAX_CPUS) n = MAX_CPUS;
  let rng: u64 = SEED;
  for (let p: u32 = 0; p < PATTERNS; p++) {
    patternNow = p as Pattern;
    randomNow = xorshift64(addressOf(rng));     // the same patterns in every run
    let r: Ptr<Result> = resultOf(runs, p);
    memset(r, 0, sizeof<Result>());
    r.cpus = n;
    let t0: u64 = mmTicks();
    let wait: u64 = (WAIT_MIN_MS * hz) / 1000;
    let missing: u32 = smpRun(job, null, n, mmTicks, wait);
    r.ticks = mmTicks() - t0;
    if (missing != 0) {
      println(`[kernel] memtest: ${missing} CPUs did not finish their share in time; they are left out from now on`);
    }
    for (let k: u32 = 0; k < n; k++) {
      if (!smpRankFinished(k)) continue;
      let s: Ptr<Share> = addressOf(shares[smpCpuOfRank(k)]);
      r.errors += s.errors;
      r.injected += s.injected;
      for (let f: u64 = 0; f < s.kept && r.kept < FAULTS_KEPT; f++) {
        memcpy(addressOf(r.faults[r.kept]), addressOf(s.faults[f]), sizeof<Fault>());
        r.kept++;
      }
    }
  }
  runs++;
}

// ---- report ----------------------------------------------------------------------------

function printMiBs(p: u32, ticks: u64): void {
  if (ticks == 0 || hz == 0) { print("?"); return; }
  print(`${((total * patternPasses(p as Pattern)) >> 20) * hz / ticks} MiB/s`);
}

/** The number of the lowest set bit of x (x != 0). */
function bitOf(x: u64): u64 {
  let b: u64 = 0;
  while (b < 63 && ((x >> b) & 1) == 0) b++;
  return b;
}

/** Prints the faults of one result; true when they are exactly the injected ones. */
function reportFaults(p: u32, r: Ptr<Result>): bool {
  let explained: bool = r.errors == r.injected;
  for (let f: u64 = 0; f < r.kept; f++) {
    let x: Ptr<Fault> = addressOf(r.faults[f]);
    let diff: u64 = x.expected ^ x.actual;
    let injected: bool = injectOn && x.pa == injectPa && diff == (u64(1) << injectBit);
    if (!injected) explained = false;
    print(`[kernel] memtest ${patternName(p as Pattern)} (${r.cpus}` +
      `${r.cpus == 1 ? " CPU): error at " : " CPUs): error at "}${hex(x.pa)}`);
    if ((diff & (diff - 1)) == 0) { print(` bit ${bitOf(diff)}`); }
    else { print(` bits ${hex(diff)}`); }
    println(`: expected ${hex(x.expected)}, read ${hex(x.actual)}${injected ? " (the injected fault)" : ""}`);
  }
  if (r.errors > r.kept) {
    println(`[kernel] memtest ${patternName(p as Pattern)}: ${r.errors - r.kept} more errors not listed`);
  }
  return explained;
}

/** Prints every pattern's results, gives the memory back; true when no error was found
 *  besides the injected faults (each of which must have been found). */
export function memtestFinish(): bool {
  if (!enabled) return true;
  let ok: bool = true;
  let errors: u64 = 0;
  let injected: u64 = 0;
  for (let p: u32 = 0; p < PATTERNS; p++) {
    let one: Ptr<Result> = resultOf(0, p);
    let par: Ptr<Result> = resultOf(runs - 1, p);
    let good: bool = reportFaults(p, one);
    if (runs > 1) good = reportFaults(p, par) && good;
    print(`[kernel] memtest ${patternName(p as Pattern)}: 1 CPU `);
    printMiBs(p, one.ticks);
    if (runs > 1 && par.cpus > 1) {
      print(`, ${par.cpus} CPUs `);
      printMiBs(p, par.ticks);
      print(", speedup ");
      let x100: u64 = par.ticks == 0 ? 0 : (one.ticks * 100) / par.ticks;
      print(`${x100 / 100}.`);
      if (x100 % 100 < 10) print("0");
      print(`${x100 % 100}x`);
    }
    print(`, ${one.errors + (runs > 1 ? par.errors : 0)} errors`);
    if (injectOn) {
      print(` (${one.injected + (runs > 1 ? par.injected : 0)} injected)`);
    }
    println(good ? ": pass" : ": FAIL");
    ok = ok && good;
    errors += one.errors + (runs > 1 ? par.errors : 0);
    injected += one.injected + (runs > 1 ? par.injected : 0);
  }
  if (injectOn && injected == 0) {
    println("[kernel] memtest: the fault hook never fired (its word was in no CPU's share)");
    ok = false;
  }
  // Give the memory back.
  for (let i: u64 = 0; i < count; i++) {
    let e: Ptr<Extent> = addressOf(extents[i]);
    let step: u64 = extentRuns[i] != 0 ? RUN : FRAME;
    for (let o: u64 = 0; o < e.bytes; o += step) {
      if (extentRuns[i] != 0) mmFree2M(e.pa + o);
      else mmFreeFrame(e.pa + o);
    }
  }
  println(`[kernel] memtest: ${mmSizeIn(total)} ${mmSizeUnit(total)}, ${PATTERNS} patterns, ${errors} errors` +
    `${injectOn ? `, ${injected} injected faults found` : ""}${ok ? ": pass" : ": FAIL"}`);
  return ok;
}
