// The compiler's builtins in one table: the checker reads their signatures, the lowering
// stage their machine code (an inline-assembly template or an LLVM instruction). Generic
// builtins (sizeof, cast, load, asm, ...) are typed by the checker itself and lowered by
// name in lower/builtins.ts.
import { Type, U8, U16, U32, U64, VOID, NEVER, ptrTo } from './types';
import { Target, Arch } from '../targets';

export interface Intrinsic {
  params: Type[];
  ret: Type;
  /** Only on this architecture. */
  arch?: Arch;
  /** Inline assembly: template and LLVM constraints; operands are the arguments in order. */
  asm?: [string, string];
  /** An LLVM instruction or intrinsic call instead of assembly. */
  llvm?: 'fence' | 'unreachable' | 'trap';
}

const X = 'x86_64' as const;
const A = 'aarch64' as const;
const asmOp = (arch: Arch, tmpl: string, cons: string, params: Type[] = [], ret: Type = VOID): Intrinsic => ({ params, ret, arch, asm: [tmpl, cons] });
const readCr = (n: number) => asmOp(X, `mov %cr${n}, $0`, '=r,~{memory}', [], U64);
const writeCr = (n: number) => asmOp(X, `mov $0, %cr${n}`, 'r,~{memory}', [U64]);
const arm = (tmpl: string) => asmOp(A, tmpl, '~{memory}');
const armAddr = (tmpl: string) => asmOp(A, tmpl, 'r,~{memory}', [U64]);

export const INTRINSICS: Record<string, Intrinsic> = {
  // x86_64 port I/O and system instructions
  outb: asmOp(X, 'outb %al, %dx', '{dx},{al},~{memory}', [U16, U8]),
  outw: asmOp(X, 'outw %ax, %dx', '{dx},{ax},~{memory}', [U16, U16]),
  outl: asmOp(X, 'outl %eax, %dx', '{dx},{eax},~{memory}', [U16, U32]),
  inb: asmOp(X, 'inb %dx, %al', '={al},{dx},~{memory}', [U16], U8),
  inw: asmOp(X, 'inw %dx, %ax', '={ax},{dx},~{memory}', [U16], U16),
  inl: asmOp(X, 'inl %dx, %eax', '={eax},{dx},~{memory}', [U16], U32),
  rdtsc: asmOp(X, 'rdtsc\n\tshl $$32, %rdx\n\tor %rdx, %rax', '={rax},~{rdx}', [], U64),
  rdmsr: asmOp(X, 'rdmsr\n\tshl $$32, %rdx\n\tor %rdx, %rax', '={rax},{ecx},~{rdx}', [U32], U64),
  wrmsr: asmOp(X, 'mov $1, %rax\n\tmov $1, %rdx\n\tshr $$32, %rdx\n\twrmsr', '{ecx},r,~{rax},~{rdx},~{memory}', [U32, U64]),
  readCr0: readCr(0), writeCr0: writeCr(0), readCr2: readCr(2),
  readCr3: readCr(3), writeCr3: writeCr(3), readCr4: readCr(4), writeCr4: writeCr(4),
  invlpg: asmOp(X, 'invlpg ($0)', 'r,~{memory}', [U64]),
  cpuid: asmOp(X, 'mov $0, %eax\n\tmov $1, %ecx\n\tcpuid\n\tmov %eax, ($2)\n\tmov %ebx, 4($2)\n\tmov %ecx, 8($2)\n\tmov %edx, 12($2)',
    'r,r,r,~{eax},~{ebx},~{ecx},~{edx},~{memory}', [U32, U32, ptrTo(U32)]),
  cli: asmOp(X, 'cli', '~{memory}'),
  sti: asmOp(X, 'sti', '~{memory}'),
  hlt: asmOp(X, 'hlt', '~{memory}'),
  pause: asmOp(X, 'pause', '~{memory}'),
  mfence: asmOp(X, 'mfence', '~{memory}'),
  clflush: asmOp(X, 'clflush ($0)', 'r,~{memory}', [U64]),
  // aarch64 system instructions
  cntvct: asmOp(A, 'mrs $0, cntvct_el0', '=r', [], U64),
  cntfrq: asmOp(A, 'mrs $0, cntfrq_el0', '=r', [], U64),
  dsb: arm('dsb sy'),
  dsbIsh: arm('dsb ish'),
  dsbIshst: arm('dsb ishst'),
  dmbIsh: arm('dmb ish'),
  isb: arm('isb'),
  dcCvau: armAddr('dc cvau, $0'),
  dcCivac: armAddr('dc civac, $0'),
  icIvau: armAddr('ic ivau, $0'),
  icIallu: arm('ic iallu'),
  tlbiVmalle1: arm('tlbi vmalle1'),
  tlbiVmalle1is: arm('tlbi vmalle1is'),
  tlbiVae1: armAddr('tlbi vae1, $0'),
  tlbiVae1is: armAddr('tlbi vae1is, $0'),
  wfi: arm('wfi'),
  wfe: arm('wfe'),
  // any target
  fence: { params: [], ret: VOID, llvm: 'fence' },
  compilerBarrier: { params: [], ret: VOID, asm: ['', '~{memory}'] },
  unreachable: { params: [], ret: NEVER, llvm: 'unreachable' },
  trap: { params: [], ret: NEVER, llvm: 'trap' },
};

// ---- atomics ----------------------------------------------------------------------
// Each maps to one LLVM atomic instruction (`load atomic`, `store atomic`, `atomicrmw`,
// `cmpxchg`, `fence`); check/atomics.ts types them, lower/atomics.ts emits them.

/** The memory orderings, as written in the source (a string literal argument). */
export type AtomicOrder = 'relaxed' | 'acquire' | 'release' | 'acq_rel' | 'seq_cst';
export const ATOMIC_ORDERS: AtomicOrder[] = ['relaxed', 'acquire', 'release', 'acq_rel', 'seq_cst'];

export type AtomicOp = 'load' | 'store' | 'xchg' | 'cmpxchg' | 'add' | 'sub' | 'and' | 'or' | 'xor' | 'fence';

export interface AtomicBuiltin {
  op: AtomicOp;
  /** The orderings LLVM accepts for the operation (for cmpxchg: the success ordering). */
  orders: AtomicOrder[];
  /** Value operands after the pointer (expected and desired for cmpxchg). */
  values: number;
  /** Integers only (the read-modify-write arithmetic), not bool, enums or pointers. */
  integerOnly: boolean;
}

const LOAD_ORDERS: AtomicOrder[] = ['relaxed', 'acquire', 'seq_cst'];
const STORE_ORDERS: AtomicOrder[] = ['relaxed', 'release', 'seq_cst'];
const rmw = (op: AtomicOp, integerOnly = true): AtomicBuiltin => ({ op, orders: ATOMIC_ORDERS, values: 1, integerOnly });

export const ATOMICS: Record<string, AtomicBuiltin> = {
  atomicLoad: { op: 'load', orders: LOAD_ORDERS, values: 0, integerOnly: false },
  atomicStore: { op: 'store', orders: STORE_ORDERS, values: 1, integerOnly: false },
  atomicExchange: rmw('xchg', false),
  atomicCompareExchange: { op: 'cmpxchg', orders: ATOMIC_ORDERS, values: 2, integerOnly: false },
  atomicFetchAdd: rmw('add'),
  atomicFetchSub: rmw('sub'),
  atomicFetchAnd: rmw('and'),
  atomicFetchOr: rmw('or'),
  atomicFetchXor: rmw('xor'),
  atomicFence: { op: 'fence', orders: ['acquire', 'release', 'acq_rel', 'seq_cst'], values: 0, integerOnly: false },
};

/** The orderings a failed compare-exchange may have (it only loads). */
export const CMPXCHG_FAILURE_ORDERS = LOAD_ORDERS;

/** Builtins typed by the checker itself (generic or with file:line). */
const SPECIAL = ['sizeof', 'alignof', 'offsetof', 'zeroed', 'ptr', 'cast', 'addr', 'ptrAdd', 'byteAdd', 'ptrDiff', 'addressOf',
  'load', 'loadVolatile', 'store', 'storeVolatile', 'asm', 'mrs', 'msr', 'panic', 'assert',
  'embed', 'embedSize', 'slice', 'asCstr', 'asWstr'];

export const BUILTINS = new Set<string>([...SPECIAL, ...Object.keys(INTRINSICS), ...Object.keys(ATOMICS)]);

const NEEDS_TYPE_ARG = new Set(['sizeof', 'alignof', 'offsetof', 'zeroed', 'ptr', 'cast', 'load', 'loadVolatile', 'store', 'storeVolatile']);

export function builtinSignature(name: string, _target: Target): { params: Type[]; ret: Type; arch?: Arch; needsTypeArg: boolean } {
  const i = INTRINSICS[name];
  return { params: i?.params ?? [], ret: i?.ret ?? VOID, arch: i?.arch, needsTypeArg: NEEDS_TYPE_ARG.has(name) };
}
