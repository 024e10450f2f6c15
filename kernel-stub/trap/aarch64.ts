// aarch64 exceptions: the vector table (VBAR_EL1, all 16 entries), the stack switch that
// lets a stack overflow still be reported, and the report of each exception.
//
// The kernel runs on SP_EL0 (SPSel = 0); SP_EL1 is each CPU's exception stack. Taking an
// exception selects SP_EL1, so the handler starts on a good stack even when the kernel
// stack overflowed into its guard page (the data abort of the push that hit it). An
// exception inside the handler comes in through the "current EL with SP_ELx" entries and
// is reported as nested (trap/report.ts).
//
// Each 128-byte entry makes room for the frame, saves x0/x1, puts its index (0..15: the
// group times 4 plus synchronous/IRQ/FIQ/SError) in x0 and branches to the common part,
// which saves the rest with SP_EL0, ELR, SPSR, ESR and FAR and calls a64Trap. a64Trap
// returns only for the abort of a recoverable probe (trap/probe.ts), with the frame's ELR
// pointed at the probe's resume point: the common part restores everything and returns
// there with eret.
//
// With VHE (the kernel entered at EL2 with HCR_EL2.E2H = 1) the *_EL1 names below reach
// the EL2 registers, so the same code works there.

import {
  TrapLevel, trapBegin, trapHeader, trapLine, trapRegs, trapSymbol, trapGuardNote, trapBacktrace, trapFail,
  trapAddStack,
} from "./report";
import {
  EC_IABT_SAME, EC_DABT_SAME, esrClass, esrClassName, esrHasFaultAddress, esrIsAbort, esrPrintAbort,
} from "./esr";
import { type ProbeFault, trapProbeCatch } from "./probe";
import { ProbeAccess } from "../arch/index";

/** Bytes of the saved frame (A64TrapFrame), a multiple of 16. */
const FRAME_BYTES: u64 = 304;
const EXCEPTION_STACK_BYTES: u64 = 16384;

/** What the entry code saves (a64Trap's argument). */
export interface A64TrapFrame extends Struct {
  x: Arr<u64, 31>;
  spEl0: u64;
  elr: u64;
  spsr: u64;
  esr: u64;
  far: u64;
  /** The vector entry, 0..15. */
  kind: u64;
  /** SP_ELx before the entry made room for this frame. */
  spElx: u64;
}

let bspExceptionStack: Arr<u8, 16384>;

/**
 * The vector table (tsboot_a64_vectors, 2 KiB aligned) and the common entry code.
 *
 * @symbol tsboot_a64_vectors_fn
 * @naked
 */
export function a64Vectors(): void {
  if (target.aarch64) {
    asm(`
.balign 2048
.globl tsboot_a64_vectors
tsboot_a64_vectors:
.irp kind, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  .balign 128
  sub sp, sp, #304
  stp x0, x1, [sp, #0]
  mov x0, #\\kind
  b tsboot_a64_trap_common
.endr
tsboot_a64_trap_common:
  stp x2, x3, [sp, #16]
  stp x4, x5, [sp, #32]
  stp x6, x7, [sp, #48]
  stp x8, x9, [sp, #64]
  stp x10, x11, [sp, #80]
  stp x12, x13, [sp, #96]
  stp x14, x15, [sp, #112]
  stp x16, x17, [sp, #128]
  stp x18, x19, [sp, #144]
  stp x20, x21, [sp, #160]
  stp x22, x23, [sp, #176]
  stp x24, x25, [sp, #192]
  stp x26, x27, [sp, #208]
  stp x28, x29, [sp, #224]
  mrs x1, sp_el0
  stp x30, x1, [sp, #240]
  mrs x1, elr_el1
  mrs x2, spsr_el1
  stp x1, x2, [sp, #256]
  mrs x1, esr_el1
  mrs x2, far_el1
  stp x1, x2, [sp, #272]
  add x1, sp, #304
  stp x0, x1, [sp, #288]
  mov x0, sp
  bl tsboot_a64_trap
  ldp x1, x2, [sp, #256]
  msr elr_el1, x1
  msr spsr_el1, x2
  ldp x30, x1, [sp, #240]
  msr sp_el0, x1
  ldp x2, x3, [sp, #16]
  ldp x4, x5, [sp, #32]
  ldp x6, x7, [sp, #48]
  ldp x8, x9, [sp, #64]
  ldp x10, x11, [sp, #80]
  ldp x12, x13, [sp, #96]
  ldp x14, x15, [sp, #112]
  ldp x16, x17, [sp, #128]
  ldp x18, x19, [sp, #144]
  ldp x20, x21, [sp, #160]
  ldp x22, x23, [sp, #176]
  ldp x24, x25, [sp, #192]
  ldp x26, x27, [sp, #208]
  ldp x28, x29, [sp, #224]
  ldp x0, x1, [sp, #0]
  add sp, sp, #304
  eret
`, "~{memory}");
  }
}

function vectorsBase(): u64 {
  return asm<u64>("adrp $0, tsboot_a64_vectors\n\tadd $0, $0, :lo12:tsboot_a64_vectors", "=r");
}

/**
 * Installs the exception vectors on the calling CPU and moves it onto SP_EL0, with
 * `exceptionStackTop` (16-byte aligned down here) as its SP_EL1. The stack pointer value
 * does not change, so the caller's frames stay where they are.
 */
export function a64TrapsInstallCpu(exceptionStackTop: u64): void {
  asm(`mrs x10, spsel
  cbnz x10, 1f
  msr spsel, #1
  mov sp, $0
  msr spsel, #0
  b 2f
1:
  mov x9, sp
  msr sp_el0, x9
  mov sp, $0
  msr spsel, #0
2:`, "r,~{x9},~{x10},~{memory}", exceptionStackTop & ~u64(15));
  msr("VBAR_EL1", vectorsBase());
  isb();
}

/** The boot CPU's vectors and exception stack (in .bss). */
export function a64TrapsInit(): void {
  let lo: u64 = addr(addressOf(bspExceptionStack[0]));
  a64TrapsInstallCpu(lo + EXCEPTION_STACK_BYTES);
  trapAddStack(lo, lo + EXCEPTION_STACK_BYTES);
}

// ---- the report ----------------------------------------------------------------------------

function kindName(kind: u64): cstr {
  switch (kind & 3) {
    case 0: return "synchronous";
    case 1: return "IRQ";
    case 2: return "FIQ";
  }
  return "SError";
}

function kindOrigin(kind: u64): cstr {
  switch (kind >> 2) {
    case 0: return "current EL with SP_EL0";
    case 1: return "current EL with SP_ELx";
    case 2: return "lower EL, AArch64";
  }
  return "lower EL, AArch32";
}

/** The name for the FAIL line: the exception class for synchronous exceptions. */
function exceptionName(kind: u64, ec: u64): cstr {
  if ((kind & 3) != 0) return kindName(kind);
  return esrClassName(ec);
}

function printRegisters(f: Ptr<A64TrapFrame>, sp: u64): void {
  for (let i: u32 = 0; i < 28; i += 4) {
    trapLine("regs");
    for (let j: u32 = i; j < i + 4; j++) {
      print(`${j < 10 ? "  x" : " x"}${j} ${hex(f.x[j], 16)}`);
    }
    print("\n");
  }
  trapRegs("regs", "x28", f.x[28], "x29", f.x[29], "x30", f.x[30], " sp", sp);
  trapRegs("regs", "elr", f.elr, "spsr", f.spsr, "sp_el0", f.spEl0, "", 0);
}

/**
 * Every vector entry ends here (from tsboot_a64_trap_common).
 *
 * @symbol tsboot_a64_trap
 */
export function a64Trap(f: Ptr<A64TrapFrame>): void {
  if (target.aarch64) {
    let kind: u64 = f.kind;
    let ec: u64 = esrClass(f.esr);
    // A synchronous abort of the kernel (on SP_EL0) may be a probe's; SP_EL0 is left as it was.
    if (kind == 0 && (ec == EC_IABT_SAME || ec == EC_DABT_SAME)) {
      let resume: u64 = trapProbeCatch(f.far, f.elr, ec, f.esr);
      if (resume != 0) {
        f.elr = resume;
        return;
      }
    }
    let level: TrapLevel = trapBegin();
    let synchronous: bool = (kind & 3) == 0;
    let hasAddr: bool = synchronous && esrHasFaultAddress(ec);
    // "data abort (EC 0x25)" for synchronous exceptions, "IRQ (unexpected interrupt)" otherwise.
    let tag: cstr = synchronous ? "EC" : "unexpected interrupt";
    let code: i64 = synchronous ? i64(ec) : -1;
    let name: cstr = exceptionName(kind, ec);
    trapHeader(level, name, tag, code);
    if (level == TrapLevel.Nested) trapFail(level, name, tag, code, hasAddr, f.far, "pc", f.elr);

    // The stack that was in use: SP_EL0 for the kernel, SP_ELx inside a handler.
    let sp: u64 = (kind >> 2) == 1 ? f.spElx : f.spEl0;
    trapLine(kindName(kind));
    print(` exception from the ${kindOrigin(kind)} (vector offset ${hex(kind * 0x80, 3)}), pc ${hex(f.elr, 16)}`);
    trapSymbol(f.elr);
    print("\n");
    // ESR describes synchronous exceptions and SErrors; for IRQ and FIQ it is stale.
    if (synchronous || (kind & 3) == 3) {
      trapLine("esr ");
      println(`${hex(f.esr, 8)}: EC ${hex(ec, 2)} ${esrClassName(ec)}` +
        `${(f.esr & (1 << 25)) != 0 ? "; IL 32-bit" : "; IL 16-bit"}; ISS ${hex(f.esr & 0x1FF_FFFF, 7)}`);
    }
    if (synchronous && esrIsAbort(ec)) {
      trapLine("");
      esrPrintAbort(f.esr);
      print("\n");
    }
    if (hasAddr) {
      trapLine("far ");
      println(`${hex(f.far, 16)}`);
      trapGuardNote(f.far);
    }
    printRegisters(f, sp);
    trapBacktrace(f.elr, f.x[29], f.x[30], true);
    trapFail(level, name, tag, code, hasAddr, f.far, "pc", f.elr);
  }
}

// ---- recoverable probes ------------------------------------------------------------------

/** A probe's fault as one line's tail: `instruction abort (EC 0x21), ESR 0x8600000f: IFSC 0x0f permission ...`. */
export function a64ProbeDescribe(f: ProbeFault): void {
  print(`${esrClassName(f.vector)} (EC ${hex(f.vector, 2)}), ESR ${hex(f.syndrome, 8)}: `);
  esrPrintAbort(f.syndrome);
}

/**
 * Whether a probe's fault is the abort that `access` must take: an instruction abort for a
 * fetch, else a data abort with WnR set exactly for a write (and no cache maintenance); a
 * permission fault when `permission`, else a translation fault; at any level.
 */
export function a64ProbeFaultIs(f: ProbeFault, access: ProbeAccess, permission: bool): bool {
  let fsc: u64 = f.syndrome & 0x3F;
  let fscOk: bool = permission ? fsc >= 0x0C && fsc <= 0x0F : fsc >= 0x04 && fsc <= 0x07;
  if (!f.taken || !fscOk) return false;
  if (access == ProbeAccess.Fetch) return f.vector == EC_IABT_SAME;
  return f.vector == EC_DABT_SAME && ((f.syndrome & (1 << 6)) != 0) == (access == ProbeAccess.Write)
    && (f.syndrome & (1 << 8)) == 0;
}
