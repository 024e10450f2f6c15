// The fault-injection test switch: `tsboot.fault=<kind>` on the kernel command line
// (boot.cfg `cmdline=`) makes the kernel cause one CPU exception on purpose, so tests can
// check the exception report end to end. Without the switch nothing here runs.
//
//   kind    x86_64                                aarch64
//   pf      #PF: read of an unmapped address      data abort (EC 0x25), translation fault
//   exec    #PF: call into a non-executable page  instruction abort (EC 0x21), permission fault
//   ud      #UD: ud2                              undefined instruction (EC 0x00): udf #0
//   de      #DE: div by zero                      - (SDIV/UDIV by zero give 0, no exception)
//   gp      #GP: read of a non-canonical address  -
//   brk     #BP: int3                             BRK instruction (EC 0x3C)
//   stack   unbounded recursion into the guard page: #DF (the #PF cannot be pushed) on
//           x86_64, a data abort on aarch64; both reported as a kernel stack overflow
//   nested  pf, and the report itself faults after its first line (a fault in the handler)
//
// Every fault happens in its own @noinline function, so the backtrace names it.

import { type BootInfo, BootFlag } from "../../common/bootinfo";
import { fbcon } from "../../common/fbcon/fbcon";
import { archExit } from "../arch/index";
import { TRAP_UNMAPPED_VA, trapTestFaultWhileReporting } from "./report";

const KEY: cstr = "tsboot.fault=";

/** Something to jump to that is mapped but not executable (.data is RW-, NX). */
let notCode: Arr<u64, 2> = [0xFFFF_FFFF_FFFF_FFFF, 0];

/** @noinline */
function faultRead(): void {
  loadVolatile<u64>(TRAP_UNMAPPED_VA);
}

/** @noinline */
function faultExec(): void {
  let dest: u64 = addr(addressOf(notCode[0]));
  if (target.x86_64) asm("call *$0", "r,~{memory}", dest);
  else asm("blr $0", "r,~{x30},~{memory}", dest);
}

/** @noinline */
function faultInvalidOpcode(): void {
  if (target.x86_64) asm("ud2", "~{memory}");
  else asm("udf #0", "~{memory}");
}

/** @noinline */
function faultDivide(): void {
  if (target.x86_64) asm("xorl %edx, %edx\n\tmovl $$1, %eax\n\tdivq $0", "r,~{rax},~{rdx},~{memory}", u64(0));
}

/** @noinline */
function faultNonCanonical(): void {
  if (target.x86_64) loadVolatile<u64>(0x8000_0000_0000_0000);
}

/** @noinline */
function faultBreakpoint(): void {
  if (target.x86_64) asm("int3", "~{memory}");
  else asm("brk #0", "~{memory}");
}

/** Recursion that only the guard page stops (the bound is far beyond any kernel stack). @noinline */
function stackOverflow(depth: u64): u64 {
  let pad: Arr<u64, 16> = zeroed<Arr<u64, 16>>();
  storeVolatile<u64>(addr(addressOf(pad[0])), depth);
  if (depth > 100_000_000) return 0;
  return stackOverflow(depth + 1) + loadVolatile<u64>(addr(addressOf(pad[0])));
}

/** Whether `s` (length `n`, not NUL-terminated) equals the string `lit`. */
function wordIs(s: Ptr<u8>, n: u32, lit: cstr): bool {
  let p: Ptr<u8> = cast<u8>(lit);
  for (let i: u32 = 0; i < n; i++) {
    if (p[i] == 0 || p[i] != s[i]) return false;
  }
  return p[n] == 0;
}

function fail(what: Ptr<u8>, n: u32, why: cstr): never {
  print("[kernel] FAIL: tsboot.fault=");
  for (let i: u32 = 0; i < n; i++) printChar(what[i]);
  println(`: ${why}`);
  fbcon.verdict(false);
  archExit(false);
}

/** Causes the fault named by `tsboot.fault=` in the boot info's command line, if any. */
export function faultInjectFromCmdline(b: Ptr<BootInfo>): void {
  if ((b.flags & BootFlag.HasCmdline) == 0) return;
  let n: u32 = b.cmdlineLength;
  if (n > 255) n = 255;
  let line: Ptr<u8> = addressOf(b.cmdline[0]);
  let keyLen: u32 = u32(strlen(KEY));
  let i: u32 = 0;
  while (i < n) {
    while (i < n && line[i] == 32) i++;
    let start: u32 = i;
    while (i < n && line[i] != 32 && line[i] != 0) i++;
    if (i - start > keyLen && wordIs(ptrAdd(line, start), keyLen, KEY)) {
      let v: Ptr<u8> = ptrAdd(line, start + keyLen);
      faultInject(v, i - start - keyLen);
      return;
    }
    if (i < n && line[i] == 0) return;
  }
}

function faultInject(v: Ptr<u8>, n: u32): void {
  print("[kernel] tsboot.fault: causing ");
  for (let i: u32 = 0; i < n; i++) printChar(v[i]);
  println(" on purpose (test switch)");
  if (wordIs(v, n, "pf")) faultRead();
  else if (wordIs(v, n, "exec")) faultExec();
  else if (wordIs(v, n, "ud")) faultInvalidOpcode();
  else if (wordIs(v, n, "brk")) faultBreakpoint();
  else if (wordIs(v, n, "stack")) stackOverflow(0);
  else if (wordIs(v, n, "nested")) {
    trapTestFaultWhileReporting();
    faultRead();
  } else if (wordIs(v, n, "de") || wordIs(v, n, "gp")) {
    if (target.aarch64) fail(v, n, "x86_64 only (aarch64 has no such exception); use pf, exec, ud, brk, stack, nested");
    if (wordIs(v, n, "de")) faultDivide(); else faultNonCanonical();
  } else {
    fail(v, n, target.x86_64
      ? "unknown fault; use pf, exec, ud, de, gp, brk, stack or nested"
      : "unknown fault; use pf, exec, ud, brk, stack or nested");
  }
  fail(v, n, "the fault did not happen");
}
