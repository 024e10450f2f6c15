// x86_64 exceptions: the kernel's own GDT (with a TSS) per CPU, one IDT for all CPUs with
// the 32 exception vectors, their entry stubs, and the report of each.
//
// Per CPU (x64TrapsInstallCpu, run on the CPU itself): a GDT (null, 64-bit code 0x08, data
// 0x10, TSS 0x18) and a TSS whose IST1..3 are that CPU's stacks for the double fault, the
// NMI and the machine check, so those three always start on a good stack, even when the
// kernel stack overflowed into its guard page (the #PF cannot be delivered there and
// becomes a #DF). The IDT is shared: gates 0..31 point at the stubs, the rest are not
// present (one arriving is reported as the #NP or #GP it causes, with its vector in the
// error code). x64IdtSetGate lets later code (interrupts, IPIs) add gates.
//
// A stub pushes a zero error code where the CPU pushes none, then the vector, then every
// general register, and calls x64Trap with the frame. Every exception is fatal, except the
// page fault of a recoverable probe (trap/probe.ts): x64Trap then points the frame's rip and
// rsp at the probe's resume point and returns, and the stub restores the registers and
// returns there with iretq.

import {
  TrapLevel, trapBegin, trapHeader, trapLine, trapRegs, trapSymbol, trapGuardNote, trapBacktrace, trapFail,
  trapAddStack, trapReadStack,
} from "./report";
import { type ProbeFault, trapProbeCatch, trapProbeResumeSp } from "./probe";
import { ProbeAccess } from "../arch/index";

export const KERNEL_CS: u16 = 0x08;
export const KERNEL_DS: u16 = 0x10;
export const TSS_SEL: u16 = 0x18;
/** IST slots (1-based, as the gate's IST field names them). */
export const IST_DOUBLE_FAULT: u32 = 1;
export const IST_NMI: u32 = 2;
export const IST_MACHINE_CHECK: u32 = 3;
/** Size of each IST stack of the boot CPU. */
const IST_STACK_BYTES: u64 = 16384;
const GATE_INTERRUPT: u64 = 0x8E; // present, DPL 0, 64-bit interrupt gate (IF cleared)

/** What a stub leaves on the stack, lowest address first (x64Trap's argument). */
export interface X64TrapFrame extends Struct {
  r15: u64; r14: u64; r13: u64; r12: u64; r11: u64; r10: u64; r9: u64; r8: u64;
  rbp: u64; rdi: u64; rsi: u64; rdx: u64; rcx: u64; rbx: u64; rax: u64;
  vector: u64;
  /** The CPU's error code, or 0 for vectors without one. */
  error: u64;
  rip: u64; cs: u64; rflags: u64; rsp: u64; ss: u64;
}

/** The 64-bit TSS: only the stack pointers matter here (no I/O bitmap). */
export interface X64Tss extends Packed {
  reserved0: u32;
  rsp: Arr<u64, 3>;
  reserved1: u64;
  /** IST1..IST7. */
  ist: Arr<u64, 7>;
  reserved2: u64;
  reserved3: u16;
  iomapBase: u16;
}

/** One CPU's descriptor tables. Must stay in memory (and mapped) as long as the CPU runs. */
export interface X64CpuTables extends Struct {
  /** null, kernel code, kernel data, TSS (two slots). */
  gdt: Arr<u64, 5>;
  tss: X64Tss;
}

interface X64TablePointer extends Packed { limit: u16; base: u64 }

/** The shared IDT: 256 gates of 16 bytes. */
let idt: Arr<u64, 512>;
let idtReady: bool = false;

let bspTables: X64CpuTables;
let bspIst: Arr<u8, 49152>;

// ---- entry stubs -------------------------------------------------------------------------

/**
 * The 32 stubs, 16 bytes apart from tsboot_x64_trap_stubs, and the common part. Vectors 8,
 * 10..14, 17, 21, 29 and 30 come with an error code from the CPU; the others get a 0.
 * The frame is 22 × 8 = 176 bytes on the 16-byte aligned exception stack, so RSP is
 * aligned at the call, as the SysV ABI wants.
 *
 * @symbol tsboot_x64_trap_stubs_fn
 * @naked
 */
export function x64TrapStubs(): void {
  if (target.x86_64) {
    asm(`
.balign 16
.globl tsboot_x64_trap_stubs
tsboot_x64_trap_stubs:
.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  .balign 16
  .if (\\vec == 8) || ((\\vec >= 10) && (\\vec <= 14)) || (\\vec == 17) || (\\vec == 21) || (\\vec >= 29 && \\vec <= 30)
  .else
  pushq $$0
  .endif
  pushq $$\\vec
  jmp tsboot_x64_trap_common
.endr
tsboot_x64_trap_common:
  pushq %rax
  pushq %rbx
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %rbp
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  cld
  movq %rsp, %rdi
  call tsboot_x64_trap
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rbp
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  popq %rbx
  popq %rax
  addq $$16, %rsp
  iretq
`,
      "~{memory}",
    );
  }
}

function stubsBase(): u64 {
  return asm<u64>("leaq tsboot_x64_trap_stubs(%rip), $0", "=r");
}

// ---- tables --------------------------------------------------------------------------------

/** Sets IDT gate `vector` to `handler` (kernel code segment, interrupt gate, IST 0..7). */
export function x64IdtSetGate(vector: u32, handler: u64, ist: u32): void {
  idt[vector * 2] = (handler & 0xFFFF) | (u64(KERNEL_CS) << 16) | (u64(ist & 7) << 32) | (GATE_INTERRUPT << 40)
    | (((handler >> 16) & 0xFFFF) << 48);
  idt[vector * 2 + 1] = handler >> 32;
}

function buildIdt(): void {
  let base: u64 = stubsBase();
  for (let v: u32 = 0; v < 32; v++) {
    let ist: u32 = 0;
    if (v == 8) ist = IST_DOUBLE_FAULT;
    if (v == 2) ist = IST_NMI;
    if (v == 18) ist = IST_MACHINE_CHECK;
    x64IdtSetGate(v, base + u64(v) * 16, ist);
  }
  idtReady = true;
}

/** A 64-bit available-TSS descriptor (two GDT slots). */
function tssDescriptor(t: Ptr<X64CpuTables>): void {
  let base: u64 = addr(addressOf(t.tss));
  let limit: u64 = sizeof<X64Tss>() - 1;
  t.gdt[3] = (limit & 0xFFFF) | ((base & 0xFF_FFFF) << 16) | (u64(0x89) << 40) | (((limit >> 16) & 0xF) << 48)
    | (((base >> 24) & 0xFF) << 56);
  t.gdt[4] = base >> 32;
}

/**
 * Installs the kernel's descriptor tables on the calling CPU: fills `t` (GDT and TSS, with
 * the three IST stack tops), loads the GDT, reloads CS (far return), DS, ES and SS, loads
 * the task register and the shared IDT (built on the first call). FS and GS are left alone
 * (their bases may carry per-CPU data). Interrupts must be off.
 */
export function x64TrapsInstallCpu(t: Ptr<X64CpuTables>, dfStackTop: u64, nmiStackTop: u64, mcStackTop: u64): void {
  if (!idtReady) buildIdt();
  t.gdt[0] = 0;
  t.gdt[1] = 0x00AF_9B00_0000_FFFF; // 64-bit code, present, DPL 0, accessed
  t.gdt[2] = 0x00CF_9300_0000_FFFF; // data, present, DPL 0, writable, accessed
  memset(cast<u8>(addressOf(t.tss)), 0, sizeof<X64Tss>());
  t.tss.ist[IST_DOUBLE_FAULT - 1] = dfStackTop & ~u64(15);
  t.tss.ist[IST_NMI - 1] = nmiStackTop & ~u64(15);
  t.tss.ist[IST_MACHINE_CHECK - 1] = mcStackTop & ~u64(15);
  t.tss.iomapBase = u16(sizeof<X64Tss>()); // no I/O permission bitmap
  tssDescriptor(t);

  let gdtr: X64TablePointer = zeroed<X64TablePointer>();
  gdtr.limit = 5 * 8 - 1;
  gdtr.base = addr(addressOf(t.gdt[0]));
  asm("lgdt ($0)", "r,~{memory}", addr(addressOf(gdtr)));
  asm(`pushq $$0x08
  leaq 1f(%rip), %rax
  pushq %rax
  lretq
1:
  movw $$0x10, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movw $$0x18, %ax
  ltr %ax`, "~{rax},~{memory}");
  let idtr: X64TablePointer = zeroed<X64TablePointer>();
  idtr.limit = 256 * 16 - 1;
  idtr.base = addr(addressOf(idt[0]));
  asm("lidt ($0)", "r,~{memory}", addr(addressOf(idtr)));
}

/** The boot CPU's tables and IST stacks (in .bss). */
export function x64TrapsInit(): void {
  let lo: u64 = addr(addressOf(bspIst[0]));
  x64TrapsInstallCpu(addressOf(bspTables), lo + IST_STACK_BYTES, lo + 2 * IST_STACK_BYTES, lo + 3 * IST_STACK_BYTES);
  trapAddStack(lo, lo + 3 * IST_STACK_BYTES);
}

// ---- the report ----------------------------------------------------------------------------

/** Mnemonic and name of exception vector `v` (Intel SDM vol. 3, table 6-1). */
function vectorTag(v: u64): cstr {
  switch (v) {
    case 0: return "#DE"; case 1: return "#DB"; case 2: return "NMI"; case 3: return "#BP";
    case 4: return "#OF"; case 5: return "#BR"; case 6: return "#UD"; case 7: return "#NM";
    case 8: return "#DF"; case 9: return "#CSO"; case 10: return "#TS"; case 11: return "#NP";
    case 12: return "#SS"; case 13: return "#GP"; case 14: return "#PF"; case 16: return "#MF";
    case 17: return "#AC"; case 18: return "#MC"; case 19: return "#XM"; case 20: return "#VE";
    case 21: return "#CP"; case 28: return "#HV"; case 29: return "#VC"; case 30: return "#SX";
  }
  return "reserved";
}

function vectorName(v: u64): cstr {
  switch (v) {
    case 0: return "divide error"; case 1: return "debug exception"; case 2: return "non-maskable interrupt";
    case 3: return "breakpoint"; case 4: return "overflow"; case 5: return "BOUND range exceeded";
    case 6: return "invalid opcode"; case 7: return "device not available"; case 8: return "double fault";
    case 9: return "coprocessor segment overrun"; case 10: return "invalid TSS"; case 11: return "segment not present";
    case 12: return "stack-segment fault"; case 13: return "general protection fault"; case 14: return "page fault";
    case 16: return "x87 floating-point error"; case 17: return "alignment check"; case 18: return "machine check";
    case 19: return "SIMD floating-point exception"; case 20: return "virtualization exception";
    case 21: return "control protection exception"; case 28: return "hypervisor injection exception";
    case 29: return "VMM communication exception"; case 30: return "security exception";
  }
  return "reserved exception";
}

/** Vectors whose error code is a segment selector index (SDM 6.13). */
function selectorErrorCode(v: u64): bool {
  return v == 10 || v == 11 || v == 12 || v == 13 || v == 17;
}

function printPageFaultCode(e: u64): void {
  print(`${(e & 1) != 0 ? "protection violation" : "page not present"}` +
    `${(e & 16) != 0 ? ", instruction fetch" : (e & 2) != 0 ? ", write" : ", read"}` +
    `${(e & 4) != 0 ? ", user mode" : ", supervisor mode"}`);
  if ((e & 8) != 0) print(", reserved bit set in a paging entry");
  if ((e & 32) != 0) print(", protection key");
  if ((e & 64) != 0) print(", shadow stack");
}

function printErrorCode(v: u64, e: u64): void {
  trapLine("error code ");
  printHexW(e, 4);
  if (v == 14) {
    print(": ");
    printPageFaultCode(e);
  } else if (selectorErrorCode(v) && e != 0) {
    print(`: ${(e & 2) != 0 ? "IDT vector " : (e & 4) != 0 ? "LDT selector index " : "GDT selector index "}` +
      `${(e >> 3) & 0x1FFF}`);
    if ((e & 1) != 0) print(", during an external event");
  }
  print("\n");
}

function printRegisters(f: Ptr<X64TrapFrame>): void {
  trapRegs("regs", "rax", f.rax, "rbx", f.rbx, "rcx", f.rcx, "rdx", f.rdx);
  trapRegs("regs", "rsi", f.rsi, "rdi", f.rdi, "rbp", f.rbp, "rsp", f.rsp);
  trapRegs("regs", "r8", f.r8, "r9", f.r9, "r10", f.r10, "r11", f.r11);
  trapRegs("regs", "r12", f.r12, "r13", f.r13, "r14", f.r14, "r15", f.r15);
  trapRegs("regs", "rflags", f.rflags, "cs", f.cs, "ss", f.ss, "", 0);
  trapRegs("ctrl", "cr0", readCr0(), "cr2", readCr2(), "cr3", readCr3(), "cr4", readCr4());
}

/**
 * Every exception vector ends here (from tsboot_x64_trap_common).
 *
 * @symbol tsboot_x64_trap
 */
export function x64Trap(f: Ptr<X64TrapFrame>): void {
  if (target.x86_64) {
    let v: u64 = f.vector;
    let cr2: u64 = readCr2();
    if (v == 14) {
      let resume: u64 = trapProbeCatch(cr2, f.rip, v, f.error);
      if (resume != 0) {
        f.rip = resume;
        f.rsp = trapProbeResumeSp();
        return;
      }
    }
    let level: TrapLevel = trapBegin();
    // CR2 belongs to the report only for a page fault, and for a double fault, which is
    // most often a page fault that could not be delivered (a full stack).
    let hasAddr: bool = v == 14 || v == 8;
    trapHeader(level, vectorName(v), vectorTag(v), -1);
    if (level == TrapLevel.Nested) trapFail(level, vectorName(v), vectorTag(v), -1, hasAddr, cr2, "rip", f.rip);

    trapLine("vector ");
    print(`${v}, rip ${hex(f.rip, 16)}`);
    trapSymbol(f.rip);
    print("\n");
    if (hasAddr) {
      trapLine(v == 14 ? "address (cr2) " : "cr2 (the last page-fault address) ");
      println(`${hex(cr2, 16)}`);
      trapGuardNote(cr2);
    }
    printErrorCode(v, f.error);
    printRegisters(f);
    // A call to a bad address left its return address at rsp.
    trapBacktrace(f.rip, f.rbp, trapReadStack(f.rsp), false);
    trapFail(level, vectorName(v), vectorTag(v), -1, hasAddr, cr2, "rip", f.rip);
  }
}

// ---- recoverable probes ------------------------------------------------------------------

/**
 * A probe's fault as one line's tail: `page fault (vector 14), error code 0x0011: protection
 * violation, ...`. Without the mnemonic: `#PF` on serial means an unexpected fault to the
 * boot harness (qemu/harness.ts).
 */
export function x64ProbeDescribe(f: ProbeFault): void {
  print(`${vectorName(f.vector)} (vector ${f.vector}), error code `);
  printHexW(f.syndrome, 4);
  print(": ");
  printPageFaultCode(f.syndrome);
}

/**
 * Whether a probe's fault is the page fault that `access` at a supervisor address must
 * take: a protection violation (P = 1) when `permission`, else a page not present (P = 0);
 * I/D set exactly for a fetch, W/R exactly for a write; not a user-mode access, no
 * reserved bit.
 */
export function x64ProbeFaultIs(f: ProbeFault, access: ProbeAccess, permission: bool): bool {
  let e: u64 = f.syndrome;
  return f.taken && f.vector == 14 && ((e & 1) != 0) == permission && ((e & 16) != 0) == (access == ProbeAccess.Fetch)
    && ((e & 2) != 0) == (access == ProbeAccess.Write) && (e & 12) == 0;
}
