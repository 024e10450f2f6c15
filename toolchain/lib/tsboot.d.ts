// Ambient declarations of the tsboot subset: machine types, pointers, structs,
// conversions and intrinsics. `tsc --noEmit` checks subset sources against this file
// so that editors work; the tsboot compiler gives every name here its real meaning
// (see docs/language.md). For tsc every machine type is `number`; the compiler reads the
// written annotation, so `u8` and `u64` are different types to it.

// ---- machine types -------------------------------------------------------------------
type u8 = number;
type u16 = number;
type u32 = number;
type u64 = number;
type i8 = number;
type i16 = number;
type i32 = number;
type i64 = number;
/** Pointer-sized unsigned integer (64 bits on every tsboot target). */
type usize = number;
/** Pointer-sized signed integer (64 bits on every tsboot target). */
type isize = number;
type bool = boolean;

// Explicit conversions: truncate when narrowing, sign- or zero-extend (by the source's
// signedness) when widening. `bool(x)` is `x != 0`.
declare function u8(x: number | boolean): u8;
declare function u16(x: number | boolean): u16;
declare function u32(x: number | boolean): u32;
declare function u64(x: number | boolean): u64;
declare function i8(x: number | boolean): i8;
declare function i16(x: number | boolean): i16;
declare function i32(x: number | boolean): i32;
declare function i64(x: number | boolean): i64;
declare function usize(x: number | boolean): usize;
declare function isize(x: number | boolean): isize;
declare function bool(x: number): bool;

// ---- pointers ------------------------------------------------------------------------
declare const __pointee: unique symbol;
/**
 * A machine pointer to T. `p.field` reads or writes a field of the pointed-to struct,
 * `p[i]` the i-th element (element-scaled, like C). `null` is the null pointer.
 * `Ptr<void>` accepts any pointer implicitly, like C's `void *`.
 */
type Ptr<T> = [T] extends [void] ? VoidPtr : T & { readonly [__pointee]?: T } & { [index: number]: T };
/**
 * What `Ptr<void>` is to the type checker: any pointer converts to it. Its members are `any`
 * because tsc cannot decide `Ptr<T>` for a type parameter T and then allows only what both
 * forms allow: so `p.field` and `p[i]` type-check in generic code (tsboot checks each instance).
 */
interface VoidPtr { readonly [__pointee]?: unknown; readonly [member: string]: any; [index: number]: any }
/** Integer address to pointer. */
declare function ptr<T>(address: u64): Ptr<T>;
/** Pointer (or string literal) to integer address. */
declare function addr(p: unknown): u64;
/** Reinterpret a pointer as a pointer to another type: `cast<u8>(p)` is a `Ptr<u8>`. */
declare function cast<T>(p: unknown): Ptr<T>;
/** `p + n` elements (n may be negative). */
declare function ptrAdd<T>(p: Ptr<T>, n: number): Ptr<T>;
/** `p + n` bytes, keeping the pointee type. */
declare function byteAdd<T>(p: Ptr<T>, n: number): Ptr<T>;
/** Element distance `a - b` as isize. */
declare function ptrDiff<T>(a: Ptr<T>, b: Ptr<T>): isize;
/** The address of a global, local, struct field or array element. */
declare function addressOf<T>(place: T): Ptr<T>;

// ---- memory --------------------------------------------------------------------------
declare function load<T>(address: u64): T;
declare function store<T>(address: u64, value: T): void;
/** Volatile accesses, for MMIO: never merged, split, reordered with each other or removed. */
declare function loadVolatile<T>(address: u64): T;
declare function storeVolatile<T>(address: u64, value: T): void;
declare function sizeof<T>(): usize;
declare function alignof<T>(): usize;
declare function offsetof<T>(field: keyof T & string): usize;
/** The all-zero value of a struct or array type (for initialisers). */
declare function zeroed<T>(): T;
/** The bytes of a file (path relative to this source file) as read-only data in the image. */
declare function embed(path: string): Ptr<u8>;
/** The number of bytes `embed(path)` gives: a compile-time constant. */
declare function embedSize(path: string): usize;

// ---- structs and arrays --------------------------------------------------------------
/** Extend to declare a struct with C layout: fields in order, natural alignment. */
interface Struct { readonly __layout?: "C" }
/** Extend to declare a packed struct: fields in order, no padding, alignment 1. */
interface Packed { readonly __layout?: "packed" }
/** A fixed-size array of N elements of T, stored inline (in a struct, global or local). */
type Arr<T, N extends number> = T[] & { readonly __length?: N };
/**
 * A pointer and a length (`usize`): a view of elements stored elsewhere. `s[i]` is
 * bounds-checked (out of range panics with file:line), `s.ptr[i]` is not; `s.length`,
 * `s.sub(start, end)`, `for (const x of s)`. An Arr<T, N> variable converts to it.
 */
interface Slice<T> extends Array<T> { readonly __slice?: T }
/** The slice of the n elements from p on. */
declare function slice<T>(p: Ptr<T>, n: usize): Slice<T>;

// ---- strings -------------------------------------------------------------------------
/** A NUL-terminated byte string; a string literal in this context is UTF-8 bytes + NUL. */
type cstr = string;
/** A NUL-terminated UTF-16 string (UEFI CHAR16*); a literal here is UTF-16 + NUL. */
type wstr = string;
/** The NUL-terminated UTF-8 text p points at, as a cstr (no copy). */
declare function asCstr(p: Ptr<u8> | Ptr<void>): cstr;
/** The NUL-terminated UTF-16 text p points at, as a wstr (no copy). */
declare function asWstr(p: Ptr<u16> | Ptr<void>): wstr;

// ---- functions -----------------------------------------------------------------------
/** Marks a function type as using the UEFI calling convention (win64 on x86_64, AAPCS64 on aarch64). */
type Efiapi<F> = F;
/**
 * An Efiapi protocol function whose first parameter is the protocol itself (`This`):
 * `p.F(p, a, b)` passes it explicitly, `p.F(a, b)` passes p for you. To the type checker it
 * is both signatures at once.
 */
type EfiMethod<F extends (self: any, ...rest: any[]) => any> =
  F & (F extends (self: any, ...rest: infer A) => infer R ? (...args: A) => R : never);

// ---- compile-time target -------------------------------------------------------------
/** Constants of the target being compiled; `if (target.x86_64)` drops the other branch. */
declare namespace target {
  const x86_64: boolean;
  const aarch64: boolean;
  const uefi: boolean;
  const elf: boolean;
  const linux: boolean;
}

// ---- intrinsics ----------------------------------------------------------------------
/**
 * Inline assembly, LLVM style: `asm<u64>("mov %cr3, $0", "=r")`. Operands follow the
 * constraint string in order. Always treated as having side effects.
 */
declare function asm<T = void>(template: string, constraints: string, ...operands: unknown[]): T;
/** Never reached; reaching it is undefined behaviour (LLVM `unreachable`). */
declare function unreachable(): never;
/** Stops the machine with a trap instruction (ud2 / brk). */
declare function trap(): never;
/** A full memory fence (LLVM `fence seq_cst`). */
declare function fence(): void;
/** Stops the compiler from moving memory accesses across this point. */
declare function compilerBarrier(): void;

// x86_64
declare function outb(port: u16, value: u8): void;
declare function outw(port: u16, value: u16): void;
declare function outl(port: u16, value: u32): void;
declare function inb(port: u16): u8;
declare function inw(port: u16): u16;
declare function inl(port: u16): u32;
declare function rdtsc(): u64;
declare function rdmsr(msr: u32): u64;
declare function wrmsr(msr: u32, value: u64): void;
declare function readCr0(): u64;
declare function writeCr0(value: u64): void;
declare function readCr2(): u64;
declare function readCr3(): u64;
declare function writeCr3(value: u64): void;
declare function readCr4(): u64;
declare function writeCr4(value: u64): void;
declare function invlpg(address: u64): void;
declare function cpuid(leaf: u32, subleaf: u32, out: Ptr<u32>): void;
declare function cli(): void;
declare function sti(): void;
declare function hlt(): void;
declare function pause(): void;
declare function mfence(): void;
declare function clflush(address: u64): void;

// aarch64
/** Reads a system register named by a string literal: `mrs("CurrentEL")`. */
declare function mrs(register: string): u64;
/** Writes a system register named by a string literal: `msr("TTBR0_EL1", v)`. */
declare function msr(register: string, value: u64): void;
declare function cntvct(): u64;
declare function cntfrq(): u64;
declare function dsb(): void;       // dsb sy
declare function dsbIsh(): void;    // dsb ish
declare function dsbIshst(): void;  // dsb ishst
declare function dmbIsh(): void;    // dmb ish
declare function isb(): void;
declare function dcCvau(address: u64): void;
declare function dcCivac(address: u64): void;
declare function icIvau(address: u64): void;
declare function icIallu(): void;
declare function tlbiVmalle1(): void;
declare function tlbiVmalle1is(): void;
declare function tlbiVae1(address: u64): void;
/** TLBI VAE1IS: drops the translation on every CPU of the inner shareable domain. */
declare function tlbiVae1is(address: u64): void;
declare function wfi(): void;
declare function wfe(): void;

// ---- atomics -------------------------------------------------------------------------
// One LLVM atomic instruction each, on the object `p` points to: an integer of any width,
// bool, an enum or a pointer, at its natural alignment (fetch-add/sub/and/or/xor take
// integers only). The ordering is a string literal; each operation accepts only the
// orderings that mean something for it (docs/language.md, "Atomics").
/** Any memory ordering, weakest first. */
type MemoryOrder = "relaxed" | "acquire" | "release" | "acq_rel" | "seq_cst";
/** The orderings of an operation that only reads. */
type LoadOrder = "relaxed" | "acquire" | "seq_cst";
/** The orderings of an operation that only writes. */
type StoreOrder = "relaxed" | "release" | "seq_cst";
declare function atomicLoad<T>(p: Ptr<T>, order: LoadOrder): T;
declare function atomicStore<T>(p: Ptr<T>, value: T, order: StoreOrder): void;
/** Writes `value`, returns the previous value. */
declare function atomicExchange<T>(p: Ptr<T>, value: T, order: MemoryOrder): T;
/**
 * Strong compare-and-swap: if `*p == expected` writes `desired`. Returns the previous
 * value: the swap happened exactly when it equals `expected`. `failure` (the ordering of
 * the load when it did not) defaults to `success` without its release side.
 */
declare function atomicCompareExchange<T>(p: Ptr<T>, expected: T, desired: T, success: MemoryOrder, failure?: LoadOrder): T;
/** `*p += value` (wrapping), returns the previous value. */
declare function atomicFetchAdd<T extends number>(p: Ptr<T>, value: T, order: MemoryOrder): T;
/** `*p -= value` (wrapping), returns the previous value. */
declare function atomicFetchSub<T extends number>(p: Ptr<T>, value: T, order: MemoryOrder): T;
declare function atomicFetchAnd<T extends number>(p: Ptr<T>, value: T, order: MemoryOrder): T;
declare function atomicFetchOr<T extends number>(p: Ptr<T>, value: T, order: MemoryOrder): T;
declare function atomicFetchXor<T extends number>(p: Ptr<T>, value: T, order: MemoryOrder): T;
/** A fence (`fence acquire` ... `fence seq_cst`); the intrinsic fence() is atomicFence("seq_cst"). */
declare function atomicFence(order: "acquire" | "release" | "acq_rel" | "seq_cst"): void;
