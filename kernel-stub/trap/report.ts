// The part of an exception report that is the same on both architectures: who reports
// (one CPU, once), the console it reports on, symbols, the backtrace, and the end
// (`[kernel] FAIL: ...`, the FAIL verdict on the screen, power-off).
//
// The arch dispatchers (trap/x86_64.ts, trap/aarch64.ts) call trapBegin() first. It
// decides how much may still be attempted:
//   - the first exception gets the full report, on the screen and the serial port;
//   - an exception while reporting (the report's own code faulted, or the screen console
//     did) gets one short line on the serial port only, then FAIL and power-off;
//   - a third one powers off at once without printing, a fourth halts the CPU;
//   - an exception on another CPU while one is reporting halts that CPU quietly.
// So a fault in the handler never recurses, and never ends in a reset.

import { type BootInfo, KERNEL_STACK_TOP, KERNEL_STACK_SIZE } from "../../common/bootinfo";
import { fbcon } from "../../common/fbcon/fbcon";
import { archConsoleInit, archExit, archHalt, archCpuId } from "../arch/index";
import { ksymsLookup } from "./ksyms";

export const enum TrapLevel { First = 1, Nested = 2, Hopeless = 3 }

const PAGE: u64 = 4096;
/** A kernel address nothing maps (between the kernel's fixed windows), for injected faults. */
export const TRAP_UNMAPPED_VA: u64 = 0xFFFF_FFFF_DEAD_0000;
const MAX_FRAMES: u32 = 16;
/** The boot CPU's stacks and each further CPU's kernel and exception stacks (smp/smp.ts). */
const MAX_STACKS: u32 = 136;

/** The raw boot info of the entry, for bringing the console up from inside a report. */
let bootInfoRaw: Ptr<BootInfo> = null;
/** The serial sink, without the screen: what a nested report prints through. */
let serialSink: (c: u8) => void = null;

/** CPU id + 1 of the CPU that is reporting (0: nobody), and how deep it is. */
let owner: u64 = 0;
let depth: u32 = 0;
/** The first exception's name, for the nested report. */
let firstName: cstr = "";
let firstTag: cstr = "";
let firstCode: i64 = -1;

/** Test switch (tsboot.fault=nested): the report faults on purpose after its first line. */
let faultWhileReporting: bool = false;

/** Stacks the backtrace may read: [lo, hi) each; slot 0 is the kernel stack. */
let stackLo: Arr<u64, 136>;
let stackHi: Arr<u64, 136>;
let stackCount: u32 = 1;

// ---- set-up (called by trap/trap.ts and main) ------------------------------------------

export function trapReportInit(bootInfo: Ptr<BootInfo>): void {
  bootInfoRaw = bootInfo;
  // Until the boot info is checked: where the protocol puts the kernel stack.
  stackLo[0] = KERNEL_STACK_TOP - KERNEL_STACK_SIZE;
  stackHi[0] = KERNEL_STACK_TOP;
}

/** The console is up: its sink is what nested reports use. */
export function trapConsoleReady(): void {
  serialSink = consoleSink();
}

/** The kernel stack from the checked boot info (its guard page is the page below). */
export function trapSetKernelStack(top: u64, size: u64): void {
  stackLo[0] = top - size;
  stackHi[0] = top;
}

/** Another stack (exception, IST, a CPU's own) the backtrace may walk; ignored when full. */
export function trapAddStack(lo: u64, hi: u64): void {
  if (stackCount >= MAX_STACKS) return;
  stackLo[stackCount] = lo;
  stackHi[stackCount] = hi;
  stackCount++;
}

export function trapTestFaultWhileReporting(): void {
  faultWhileReporting = true;
}

// ---- who reports -----------------------------------------------------------------------

/** Sets *p to `v` if it is 0; returns the old value (atomic). */
function claim(p: Ptr<u64>, v: u64): u64 {
  return atomicCompareExchange(p, 0, v, "acq_rel", "acquire");
}

/** Whether some CPU is reporting an exception (it will power the machine off). */
export function trapReporting(): bool {
  return atomicLoad(addressOf(owner), "acquire") != 0;
}

/**
 * First call of every exception. Returns the level of report still allowed; does not
 * return on another CPU while one is reporting, nor past the third level.
 */
export function trapBegin(): TrapLevel {
  let me: u64 = archCpuId() + 1;
  let prev: u64 = claim(addressOf(owner), me);
  if (prev != 0 && prev != me) archHalt(); // another CPU reports and powers off
  depth++;
  if (depth == 1) {
    // The console may not be up yet (an exception in the first instructions).
    if (consoleSink() == null) archConsoleInit(bootInfoRaw);
    if (serialSink == null) serialSink = consoleSink();
    return TrapLevel.First;
  }
  if (depth == 2) {
    // The screen console may be what faulted: from here on, the serial port only.
    setConsoleSink(serialSink);
    return TrapLevel.Nested;
  }
  if (depth == 3) archExit(false);
  archHalt();
}

/** ` (tag)` or ` (tag 0x25)` when `code` >= 0. */
function printTag(tag: cstr, code: i64): void {
  print(` (${tag}`);
  if (code >= 0) {
    print(` ${hex(u64(code), 2)}`);
  }
  print(")");
}

/**
 * The report's first line: what happened (`name (tag)`, e.g. `page fault (#PF)` or
 * `data abort (EC 0x25)`: `code` >= 0 is printed after the tag), on which CPU. The first
 * exception's are kept for the line of a nested one.
 */
export function trapHeader(level: TrapLevel, name: cstr, tag: cstr, code: i64): void {
  if (level == TrapLevel.First) {
    firstName = name;
    firstTag = tag;
    firstCode = code;
  }
  // On a line of its own, even when the exception cut a line short.
  print(`\n[kernel] EXCEPTION: ${name}`);
  printTag(tag, code);
  print(` on cpu ${archCpuId()}`);
  if (level == TrapLevel.Nested) print(", while reporting an earlier one");
  print("\n");
  if (level == TrapLevel.First && faultWhileReporting) {
    faultWhileReporting = false;
    // An address nothing maps (between the kernel's fixed windows).
    loadVolatile<u64>(TRAP_UNMAPPED_VA);
  }
}

// ---- pieces of a report ----------------------------------------------------------------

export function trapLine(s: cstr): void {
  print(`[kernel]   ${s}`);
}

/** ` name 0x0123456789abcdef` */
function trapReg(name: cstr, v: u64): void {
  print(` ${name} ${hex(v, 16)}`);
}

/** One line of up to four registers: `[kernel]   <label> n1 0x... n2 0x...`; an empty name ends it. */
export function trapRegs(
  label: cstr, n1: cstr, v1: u64, n2: cstr, v2: u64, n3: cstr, v3: u64, n4: cstr, v4: u64,
): void {
  trapLine(label);
  trapReg(n1, v1);
  if (cast<u8>(n2)[0] != 0) trapReg(n2, v2);
  if (cast<u8>(n3)[0] != 0) trapReg(n3, v3);
  if (cast<u8>(n4)[0] != 0) trapReg(n4, v4);
  print("\n");
}

/** ` in name+0x1c`, or nothing when no kernel function contains `pc`. */
export function trapSymbol(pc: u64): bool {
  return symbolAt(pc, pc);
}

/** ` in name+offset` of `pc`, naming the function that contains `lookup`. */
function symbolAt(pc: u64, lookup: u64): bool {
  const hit = ksymsLookup(lookup);
  if (hit.name == null) return false;
  print(" in ");
  for (let i: u32 = 0; i < 256 && hit.name[i] != 0; i++) printChar(hit.name[i]);
  print(`+${hex(pc - (lookup - hit.offset))}`);
  return true;
}

/** The stack holding [a, a + n), or -1. */
function stackOf(a: u64, n: u64): i32 {
  for (let i: u32 = 0; i < stackCount; i++) {
    if (a >= stackLo[i] && a + n <= stackHi[i] && a + n > a) return i32(i);
  }
  return -1;
}

/** The u64 at `a` when it lies inside a known stack, else 0 (never faults). */
export function trapReadStack(a: u64): u64 {
  if ((a & 7) != 0 || stackOf(a, 8) < 0) return 0;
  return load<u64>(a);
}

/** Whether `a` lies in the unmapped guard page below a known stack. */
export function trapInGuardPage(a: u64): bool {
  for (let i: u32 = 0; i < stackCount; i++) {
    if (stackLo[i] >= PAGE && a >= stackLo[i] - PAGE && a < stackLo[i]) return true;
  }
  return false;
}

/** A stack-overflow note when `a` is in a guard page. */
export function trapGuardNote(a: u64): void {
  if (!trapInGuardPage(a)) return;
  trapLine("the address is in the guard page below a stack: stack overflow\n");
}

function frameLine(n: u32, pc: u64, lookup: u64, note: cstr): void {
  print(`[kernel]     #${n} ${hex(pc, 16)}`);
  // A return address names the function of the call before it (`lookup` = pc - 1): a call
  // that ends a function returns just past its end.
  if (!symbolAt(pc, lookup)) print(" (not in the kernel's symbol table)");
  println(`${note}`);
}

/** The start of the kernel function containing `pc`, or 0. */
function functionOf(pc: u64): u64 {
  const hit = ksymsLookup(pc);
  return hit.name == null ? 0 : pc - hit.offset;
}

/**
 * The backtrace: `pc` itself, then the return addresses of the frame-pointer chain that
 * starts at `fp` (each record is {previous fp, return address}, on x86_64 and aarch64
 * alike). `link` names the caller where the chain cannot: when `pc` is in no kernel
 * function (a call to a bad address: x86_64 passes the return address at rsp, aarch64 the
 * link register), and, with `linkRegister` (aarch64), when the faulting function had not
 * yet linked its own frame record (an exception in its prologue). Such a line is marked.
 * The walk reads only inside known stacks, with frame pointers aligned and increasing, so
 * a corrupt chain ends the walk instead of faulting; a run of equal return addresses
 * (recursion) is printed once with its count.
 */
export function trapBacktrace(pc: u64, fp: u64, link: u64, linkRegister: bool): void {
  trapLine("backtrace:\n");
  let n: u32 = 0;
  frameLine(n, pc, pc, "");
  n++;
  let firstRet: u64 = fp != 0 && (fp & 7) == 0 && stackOf(fp, 16) >= 0 ? load<u64>(fp + 8) : 0;
  let pcFn: u64 = functionOf(pc);
  let linkFn: u64 = link != 0 ? functionOf(link - 1) : 0;
  if (linkFn != 0 && (pcFn == 0 || (linkRegister && linkFn != pcFn && link != firstRet))) {
    frameLine(n, link, link - 1, linkRegister ? " (from the link register)" : " (return address at rsp)");
    n++;
  }
  let prev: u64 = 0;
  let cur: u64 = fp;
  let lastRet: u64 = 0;
  let repeats: u64 = 0;
  for (let steps: u32 = 0; steps < 8192 && n < MAX_FRAMES; steps++) {
    if (cur == 0) break;
    if ((cur & 7) != 0 || cur <= prev || stackOf(cur, 16) < 0) {
      trapLine("(frame pointer ");
      println(`${hex(cur)} is outside the known stacks; the walk stops)`);
      cur = 0;
      break;
    }
    let ret: u64 = load<u64>(cur + 8);
    if (ret == 0) {
      cur = 0;
      break;
    }
    if (ret == lastRet) {
      repeats++;
    } else {
      if (repeats != 0) printRepeats(repeats);
      repeats = 0;
      frameLine(n, ret, ret - 1, "");
      n++;
      lastRet = ret;
    }
    prev = cur;
    cur = load<u64>(cur);
  }
  if (repeats != 0) printRepeats(repeats);
  if (cur != 0) trapLine("(more frames)\n");
}

function printRepeats(k: u64): void {
  trapLine("  (the frame above ");
  println(`${k}${k == 1 ? " more time)" : " more times)"}`);
}

// ---- the end -----------------------------------------------------------------------------

/**
 * The verdict line, `[kernel] FAIL: <name> (<tag>)[, address <address>], <pcName> <pc>[ in fn+off]`,
 * prefixed with `kernel stack overflow: ` when the address is in a guard page
 * (with `while reporting <first>` for a nested exception), the FAIL verdict on the screen,
 * and power-off. Never returns.
 */
export function trapFail(
  level: TrapLevel, name: cstr, tag: cstr, code: i64, hasAddr: bool, faultAddr: u64, pcName: cstr, pc: u64,
): never {
  print("[kernel] FAIL: ");
  if (level == TrapLevel.First && hasAddr && trapInGuardPage(faultAddr)) print("kernel stack overflow: ");
  print(name);
  printTag(tag, code);
  if (hasAddr) {
    print(`, address ${hex(faultAddr)}`);
  }
  print(`, ${pcName} ${hex(pc)}`);
  trapSymbol(pc);
  if (level == TrapLevel.Nested) {
    print(`, while reporting ${firstName}`);
    printTag(firstTag, firstCode);
  }
  print("\n");
  if (level == TrapLevel.First) fbcon.verdict(false);
  archExit(false);
}
