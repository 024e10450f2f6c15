// The x86_64 AP trampoline: the code an application processor runs from its Startup IPI
// (real mode, CS = the page's segment, IP = 0) to the kernel's 64-bit entry. It is data in
// the kernel (.rodata), copied into the page the loader reserved below 1 MiB (BootInfo
// apTrampoline) and run there; ApParams at AP_PARAMS_OFF in the same page carries what
// the boot CPU hands over for one AP at a time.
//
//   real mode       DS = CS; `arrived` = 1; GDT base made linear; lgdt; CR0.PE; far jump
//   32-bit          flat segments; CR4 (PAE, and LA57 when the boot CPU has it), CR3 = the
//                   low root (below 4 GiB: a 32-bit move), EFER (LME, NXE), CR0 (PG, WP):
//                   long mode; far jump to the 64-bit code segment
//   64-bit          still at the low identity address: load the kernel's CR3, stack, Cpu
//                   pointer, stub and entry into registers, jump to the stub in the
//                   kernel image (mapped in both roots), which switches CR3 and calls the
//                   entry.
//
// Every absolute address is computed from CS at run time (the page can be anywhere below
// 1 MiB), and the field offsets reach the assembly as immediate operands, so ApParams below
// is the only description of the layout.

/** Where ApParams sits in the trampoline page (the code is far shorter). */
export const AP_PARAMS_OFF: u64 = 0xF00;

export interface ApParams extends Struct {
  /** Written 1 by the AP in real mode: it got the SIPI and runs the copied code. */
  arrived: u32;
  pad: u32;
  /** null, 32-bit code (0x08), 32-bit data (0x10), 64-bit code (0x18). */
  gdt: Arr<u64, 4>;
  /** lgdt operand: limit (2 bytes), linear base (4 bytes); filled in by the AP. */
  gdtr: u64;
  /** Far-jump operands: offset (4 bytes), selector (2 bytes); filled in by the AP. */
  jmp32: u64;
  jmp64: u64;
  cr4: u32;
  efer: u32;
  cr0: u32;
  /** Physical address of the low root table (below 1 MiB): identity page + kernel half. */
  lowCr3: u32;
  kernelCr3: u64;
  stackTop: u64;
  cpu: u64;
  /** Kernel VA of the 64-bit stub that switches CR3 (x86_64_smp.ts, apEntry64). */
  stub: u64;
  /** Kernel VA of the common AP entry, called by the stub with the Cpu record. */
  main: u64;
}

export const GDT_CODE32: u64 = 0x00CF_9A00_0000_FFFF;
export const GDT_DATA32: u64 = 0x00CF_9200_0000_FFFF;
export const GDT_CODE64: u64 = 0x00AF_9A00_0000_FFFF;

/** @symbol tsboot_ap_trampoline */
declare function trampolineStart(): void;
/** @symbol tsboot_ap_trampoline_end */
declare function trampolineEnd(): void;

/**
 * Holds the trampoline's bytes (in .rodata; the function itself is a stub that traps if
 * called). Exported under a symbol so that the optimiser keeps it although nothing calls it.
 * @symbol tsboot_ap_trampoline_holder
 * @naked
 */
export function trampolineHolder(): void {
  if (target.x86_64) {
    asm(".pushsection .rodata.ap_trampoline, \"a\"\n\
.balign 16\n\
.globl tsboot_ap_trampoline\n\
tsboot_ap_trampoline:\n\
.code16\n\
0:\n\
cli\n\
cld\n\
movw %cs, %ax\n\
movw %ax, %ds\n\
movl $$1, ${0:c}\n\
movzwl %ax, %ebx\n\
shll $$4, %ebx\n\
leal ${1:c}(%ebx), %eax\n\
movl %eax, ${2:c}+2\n\
movw $$31, ${2:c}\n\
lgdtl ${2:c}\n\
leal (1f - 0b)(%ebx), %eax\n\
movl %eax, ${3:c}\n\
movw $$0x08, ${3:c}+4\n\
movl %cr0, %eax\n\
orl $$1, %eax\n\
movl %eax, %cr0\n\
ljmpl *${3:c}\n\
.code32\n\
1:\n\
movw $$0x10, %ax\n\
movw %ax, %ds\n\
movw %ax, %es\n\
movw %ax, %ss\n\
movl ${4:c}(%ebx), %eax\n\
movl %eax, %cr4\n\
movl ${5:c}(%ebx), %eax\n\
movl %eax, %cr3\n\
movl $$0xC0000080, %ecx\n\
movl ${6:c}(%ebx), %eax\n\
xorl %edx, %edx\n\
wrmsr\n\
leal (2f - 0b)(%ebx), %eax\n\
movl %eax, ${8:c}(%ebx)\n\
movw $$0x18, ${8:c}+4(%ebx)\n\
movl ${7:c}(%ebx), %eax\n\
movl %eax, %cr0\n\
ljmpl *${8:c}(%ebx)\n\
.code64\n\
2:\n\
movl %ebx, %ebx\n\
movq ${9:c}(%rbx), %rax\n\
movq ${10:c}(%rbx), %rdx\n\
movq ${11:c}(%rbx), %rdi\n\
movq ${12:c}(%rbx), %rcx\n\
movq ${13:c}(%rbx), %rsi\n\
jmpq *%rcx\n\
.globl tsboot_ap_trampoline_end\n\
tsboot_ap_trampoline_end:\n\
.popsection\n\
ud2",
      "i,i,i,i,i,i,i,i,i,i,i,i,i,i",
      AP_PARAMS_OFF + offsetof<ApParams>("arrived"),
      AP_PARAMS_OFF + offsetof<ApParams>("gdt"),
      AP_PARAMS_OFF + offsetof<ApParams>("gdtr"),
      AP_PARAMS_OFF + offsetof<ApParams>("jmp32"),
      AP_PARAMS_OFF + offsetof<ApParams>("cr4"),
      AP_PARAMS_OFF + offsetof<ApParams>("lowCr3"),
      AP_PARAMS_OFF + offsetof<ApParams>("efer"),
      AP_PARAMS_OFF + offsetof<ApParams>("cr0"),
      AP_PARAMS_OFF + offsetof<ApParams>("jmp64"),
      AP_PARAMS_OFF + offsetof<ApParams>("kernelCr3"),
      AP_PARAMS_OFF + offsetof<ApParams>("stackTop"),
      AP_PARAMS_OFF + offsetof<ApParams>("cpu"),
      AP_PARAMS_OFF + offsetof<ApParams>("stub"),
      AP_PARAMS_OFF + offsetof<ApParams>("main"),
    );
  } else {
    asm("brk #0", "");    // nothing to hold on aarch64; a stub of its own that traps too
  }
}

/** Where the trampoline's code is in the kernel (to copy into the low page). */
export interface TrampolineCode extends Struct {
  va: u64;
  len: u64;
}

export function x64TrampolineCode(): TrampolineCode {
  return { va: addr(trampolineStart), len: addr(trampolineEnd) - addr(trampolineStart) };
}
