// The compilation targets: what each one means for code generation and linking.
import { ToolError } from './diagnostics';

export type Arch = 'x86_64' | 'aarch64';
export type Os = 'uefi' | 'elf' | 'linux';

export interface Target {
  name: string;
  arch: Arch;
  os: Os;
  /** The LLVM triple given to clang. */
  triple: string;
  /** Extra clang flags when finishing the IR. */
  clangFlags: string[];
  /** Function attributes every generated function carries. */
  fnAttrs: string[];
}

const TRIPLES: Record<string, string> = {
  'x86_64-uefi': 'x86_64-unknown-windows',
  'aarch64-uefi': 'aarch64-unknown-windows',
  'x86_64-elf': 'x86_64-unknown-none-elf',
  'aarch64-elf': 'aarch64-unknown-none-elf',
  'x86_64-linux': 'x86_64-unknown-linux-gnu',
  'aarch64-linux': 'aarch64-unknown-linux-gnu',
};

export const TARGET_NAMES = Object.keys(TRIPLES);

/** Code generation without x87/MMX/SSE/AVX (x86_64) or FP/Advanced SIMD (aarch64) registers,
 *  like -mgeneral-regs-only; memset/memcpy expand to `rep stosb`/`rep movsb` or x-register pairs. */
const GENERAL_REGS_ONLY: Record<Arch, string> = {
  x86_64: '"target-features"="-mmx,-sse,-sse2,-sse3,-ssse3,-sse4.1,-sse4.2,-avx,-avx2,-avx512f,+soft-float"',
  aarch64: '"target-features"="-fp-armv8,-neon"',
};

/**
 * The target called `name`. `generalRegsOnly` gives a *-linux program the code generation
 * of the uefi and elf targets (which always have it): the benchmarks measure the loader's
 * and kernel's code as they run it, on Linux.
 */
export function getTarget(name: string, generalRegsOnly = false): Target {
  const triple = TRIPLES[name];
  if (!triple) throw new ToolError(`unknown target '${name}'; use one of: ${TARGET_NAMES.join(', ')}`);
  const [arch, os] = name.split('-') as [Arch, Os];
  const clangFlags: string[] = [];
  const fnAttrs = ['nounwind'];
  if (os === 'uefi') {
    // Firmware gives no stack-probe helper (__chkstk); frames are small enough without one.
    // General registers only: U-Boot's x86_64 UEFI hands over with CR4.OSFXSR clear, so any
    // SSE instruction is #UD (docs/language.md, "Targets"); aarch64 follows suit so that the
    // loader never depends on CPACR_EL1.FPEN, which it rewrites on the way to the kernel.
    fnAttrs.push('"no-stack-arg-probe"', GENERAL_REGS_ONLY[arch]);
    // One COFF section per function and per constant, so that lld-link's /opt:ref drops
    // what nothing references (std's memmove, unused strings) instead of whole objects.
    clangFlags.push('-ffunction-sections', '-fdata-sections');
  }
  if (os === 'elf') {
    clangFlags.push('-fno-pic');
    // Frame pointers in every kernel function: the exception report's backtrace walks them.
    fnAttrs.push('"frame-pointer"="all"');
    // The kernel does not save FP/SIMD state: general registers only.
    fnAttrs.push(GENERAL_REGS_ONLY[arch]);
    // Higher-half kernel: -mcmodel=kernel; interrupts may arrive on the same stack: no red zone.
    if (arch === 'x86_64') {
      clangFlags.push('-mcmodel=kernel');
      fnAttrs.push('noredzone');
    }
  }
  if (os === 'linux') {
    clangFlags.push('-fno-pic');
    if (generalRegsOnly) fnAttrs.push(GENERAL_REGS_ONLY[arch]);
  }
  return { name, arch, os, triple, clangFlags, fnAttrs };
}
