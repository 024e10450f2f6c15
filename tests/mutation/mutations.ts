// The known mutations: small, realistic bugs that a named suite must catch. Each one is a
// single exact text replacement; a `find` that no longer occurs exactly once in its file
// is an error (the list has drifted from the code), never a pass. `suites` are the
// suites that must each fail with the mutation applied (test-runner filters, matched
// against the suite's path below tests/), cheapest first; `quick` names those of them that
// `npm test` runs (the cheap ones), the rest run in `npm run test:matrix`.
//
// Run them: `npm run test:mutation` (all), `npm run test:mutation -- --quick`, `--only ID`.

export interface Mutation {
  /** Short name, used by --only. */
  id: string;
  /** The bug, as a reviewer would describe it. */
  what: string;
  /** File (relative to the repository root) and the exact text replaced, once. */
  file: string;
  find: string;
  replace: string;
  /** Suites (tests/run.ts filters), each of which must fail with the mutation applied. */
  suites: string[];
  /** The ones of `suites` that `npm test` runs (cheap suites only; none: matrix only). */
  quick: string[];
  /** Extra environment for the suites (e.g. a bigger fuzz run). */
  env?: Record<string, string>;
}

export const MUTATIONS: Mutation[] = [
  {
    id: 'nx-bit',
    what: 'x86_64 NX moved from bit 63 to bit 62 of a descriptor',
    file: 'common/paging/x86_64.ts',
    find: 'export const X86_NX = 0x8000_0000_0000_0000;',
    replace: 'export const X86_NX = 0x4000_0000_0000_0000;',
    // The boot's permission probes take real faults, so the boot fails too.
    suites: ['paging/engine', 'boot/x86_64'],
    quick: ['paging/engine'],
  },
  {
    id: 'signed-shift',
    what: 'signed `>>` lowered as a logical shift (lshr instead of ashr)',
    file: 'toolchain/src/lower/operators.ts',
    find: 'const logical = op === TS.GreaterThanGreaterThanGreaterThanToken || !t.signed;',
    replace: 'const logical = op === TS.GreaterThanGreaterThanGreaterThanToken || !t.signed || t.bits > 0;',
    // constfold runs shifts of every width and sign through the model; the fuzz run of
    // npm test must catch it too (that is what sizes it: tests/compiler/fuzz.test.ts).
    suites: ['compiler/constfold', 'compiler/exec', 'compiler/fuzz'],
    quick: ['compiler/constfold'],
  },
  {
    id: 'guard-page',
    what: 'the page under the kernel stack (its guard) mapped',
    file: 'loader/paging.ts',
    find: 'mapOrReport("the kernel stack", KERNEL_STACK_TOP - KERNEL_STACK_SIZE, stackPhys, KERNEL_STACK_SIZE,',
    replace: 'mapOrReport("the kernel stack", KERNEL_STACK_TOP - KERNEL_STACK_SIZE - PAGE, stackPhys - PAGE, KERNEL_STACK_SIZE + PAGE,',
    suites: ['boot/x86_64', 'boot/aarch64'],
    quick: [],
  },
  {
    id: 'reserved-rounding',
    what: 'a reserved region rounded inwards (its base up to a page) instead of outwards',
    file: 'kernel-stub/mm/ranges.ts',
    find: '      let b: u64 = r.base & ~(PAGE_SIZE - 1);\n      let e: u64 = (regionEnd(r) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);',
    replace: '      let b: u64 = (r.base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);\n      let e: u64 = (regionEnd(r) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);',
    suites: ['mm/mm'],
    quick: [],
  },
  {
    id: 'elf-segment-write',
    what: 'the loader maps a kernel segment writable when it is readable (text and rodata become writable)',
    file: 'loader/paging.ts',
    find: 'if ((ph.flags & PF_W) != 0) attrs |= Attr.Write;',
    replace: 'if ((ph.flags & (PF_W | 4)) != 0) attrs |= Attr.Write;',
    suites: ['boot/x86_64', 'boot/aarch64'],
    quick: [],
  },
  {
    id: 'tlb-flush',
    what: 'the engine forgets to report the TLB flush of a page it unmapped',
    file: 'common/paging/engine.ts',
    find: '    pde[0] = d - countOne();\n    this.noteFlush(va);',
    replace: '    pde[0] = d - countOne();',
    suites: ['paging/engine'],
    quick: ['paging/engine'],
  },
  {
    id: 'kernel-tlb-flush',
    what: 'the x86_64 kernel drops the invlpg of a page whose mapping changed',
    file: 'kernel-stub/arch/x86_64.ts',
    find: 'export function x64FlushPage(va: u64): void {\n  invlpg(va);\n}',
    replace: 'export function x64FlushPage(va: u64): void {\n}',
    suites: ['boot/x86_64'],
    quick: [],
  },
  {
    id: 'kernel-tlbi',
    what: 'the aarch64 kernel drops the TLBI VAE1IS of a page whose mapping changed',
    file: 'kernel-stub/arch/aarch64.ts',
    find: '  tlbiVae1is((va >> 12) & 0x0FFF_FFFF_FFFF);\n  dsbIsh();',
    replace: '  dsbIsh();',
    suites: ['boot/aarch64'],
    quick: [],
  },
  {
    id: 'pl011-data',
    what: 'PL011 data register at offset 0x04 instead of 0x00',
    file: 'common/uart/pl011.ts',
    find: 'const UARTDR: u64 = 0x00;',
    replace: 'const UARTDR: u64 = 0x04;',
    suites: ['boot/aarch64', 'uart/layout'],
    quick: ['uart/layout'],
  },
  {
    id: 'ns16550-lsr',
    what: '16550 line status register read at offset 6 (the modem status) instead of 5',
    file: 'common/uart/ns16550.ts',
    find: 'const REG_LSR: u16 = 5;',
    replace: 'const REG_LSR: u16 = 6;',
    // QEMU's 16550 reads DSR (bit 5) set in the modem status register, so polling it instead
    // of the line status passes every boot; only the datasheet's layout catches it.
    suites: ['uart/layout'],
    quick: ['uart/layout'],
  },
  {
    id: 'usb-exclusive',
    what: 'the USB writer opens a block device without O_EXCL (a mounted or held stick gets written)',
    file: 'scripts/usb.ts',
    find: 'const excl = info.isBlockDevice ? fs.constants.O_EXCL : 0;',
    replace: 'const excl = 0;',
    suites: ['image/usb'],
    quick: [],
  },
];

/** The subset `npm test` runs: each mutation with quick suites, checked with those only. */
export function quickMutations(): Mutation[] {
  return MUTATIONS.filter((m) => m.quick.length > 0).map((m) => ({ ...m, suites: m.quick }));
}
