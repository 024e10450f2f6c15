// C fixtures for the infra tests, compiled by the tests themselves with Debian's clang-16
// and lld: tiny PE32+ EFI applications (for linker/pe.ts) and tiny higher-half ELF kernels
// (for linker/elf.ts). Independent oracles (llvm-readobj-16 / llvm-readelf-16) are read
// back so the readers are checked against LLVM's own view of the same files.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTool } from '../../scripts/exec';
import type { Arch } from '../../scripts/paths';
import { compileEfiApp } from '../../qemu/trivial';

/** A fresh temporary directory and a function that removes it. */
export function tempDir(tag: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsboot-${tag}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// A global table of pointers gives the image DIR64 base relocations; `counter` lives in
// writable .data; efi_main is the entry point, after another function.
const PE_SOURCE = `
typedef unsigned long long u64;
static const char *const names[] = {"alpha", "beta", "gamma"};
const char *const *volatile table = names;
int counter = 5;
/* A function placed before efi_main, so the entry point is not the start of .text. */
__attribute__((noinline)) int bump(int by) {
  counter += by;
  return counter;
}
u64 efi_main(void *image, void *system_table) {
  (void)image;
  (void)system_table;
  return (u64)table[bump(1) % 3][0];
}
`;

export function buildPeFixture(arch: Arch, dir: string): string {
  const src = path.join(dir, 'fixture.c');
  fs.writeFileSync(src, PE_SOURCE);
  return compileEfiApp(arch, [src], path.join(dir, `fixture-${arch}.efi`));
}

// A kernel-like ELF: higher-half virtual addresses, physical load addresses from AT(),
// one PT_LOAD per permission set (R-X text, R-- rodata, RW- data+bss).
const ELF_SOURCE = `
typedef unsigned long long u64;
u64 counter = 7;
char scratch[4096];
const char banner[] = "tsboot elf fixture";
void kmain(void) {
  for (;;) {
    counter += banner[counter % 8];
    scratch[counter & 4095] = 1;
  }
}
`;

export const ELF_VBASE = 0xffffffff80000000n;
export const ELF_PBASE = 0x200000n;

const ELF_SCRIPT = `
ENTRY(kmain)
PHDRS { text PT_LOAD FLAGS(5); rodata PT_LOAD FLAGS(4); data PT_LOAD FLAGS(6); }
SECTIONS {
  . = 0x${ELF_VBASE.toString(16)};
  .text : AT(0x${ELF_PBASE.toString(16)}) { *(.text .text.*) } :text
  . = ALIGN(4096);
  .rodata : AT(ADDR(.rodata) - 0x${ELF_VBASE.toString(16)} + 0x${ELF_PBASE.toString(16)}) { *(.rodata .rodata.*) } :rodata
  . = ALIGN(4096);
  .data : AT(ADDR(.data) - 0x${ELF_VBASE.toString(16)} + 0x${ELF_PBASE.toString(16)}) { *(.data .data.*) } :data
  .bss : { *(.bss .bss.* COMMON) } :data
}
`;

export function buildElfFixture(arch: Arch, dir: string): string {
  const src = path.join(dir, 'kfixture.c');
  const ld = path.join(dir, 'kfixture.ld');
  const obj = path.join(dir, `kfixture-${arch}.o`);
  const out = path.join(dir, `kfixture-${arch}.elf`);
  fs.writeFileSync(src, ELF_SOURCE);
  fs.writeFileSync(ld, ELF_SCRIPT);
  const cflags =
    arch === 'x86_64'
      ? ['-target', 'x86_64-unknown-none-elf', '-mcmodel=kernel', '-mgeneral-regs-only']
      : ['-target', 'aarch64-unknown-none-elf', '-mgeneral-regs-only'];
  runTool('clang-16', [...cflags, '-ffreestanding', '-fno-stack-protector', '-O2', '-c', src, '-o', obj]);
  runTool('ld.lld-16', ['-T', ld, '-o', out, obj]);
  return out;
}
