// The std library's global functions. They are written in the subset under
// toolchain/std/ and linked into every program; the compiler resolves these global
// names to those implementations.

/**
 * A formatted message, for parameters: a template literal (formatted at compile time, see
 * docs/language.md), a string literal, a cstr value, or another Fmt parameter. A function
 * with a Fmt parameter is a *sink*: its callers pass template literals to it.
 */
type Fmt = string;
/** Writes a formatted message to a byte sink, one byte per call. */
declare function fmtWrite(f: Fmt, put: (c: u8) => void): void;
/**
 * Writes a formatted message in pieces of up to 64 bytes, each handed to `flush` (so that
 * a console gets a few writes per message rather than one per byte).
 */
declare function fmtFlushed(f: Fmt, flush: (p: Ptr<u8>, n: usize) => void): void;
/**
 * Writes a formatted message into `buf`: at most cap - 1 bytes and a NUL (a longer message
 * is cut off). Returns the number of bytes before the NUL.
 */
declare function format(buf: Ptr<u8>, cap: usize, f: Fmt): usize;
// Formatting helpers, valid only inside a template substitution: `${hex(x, 8)}`.
/** `0x` and the hex digits of an integer or pointer; with `width`, at least that many (1..16). */
declare function hex(x: unknown, width?: number): string;
/** Decimal, right-aligned with spaces in `width` columns (1..32). */
declare function dec(x: number, width: number): string;
/** A byte count in the largest unit that divides it exactly: `4 KiB`, `1536 KiB`, `4097 B`. */
declare function size(bytes: number): string;
/** One byte, as it is. */
declare function chr(c: number): string;

/** Writes a message (text, a cstr, or a template literal) to the target's console. */
declare function print(s: Fmt): void;
/** `print(s)` then a newline. */
declare function println(s: Fmt): void;
/** A UTF-16 string, converted to UTF-8. */
declare function printW(s: wstr): void;
declare function printChar(c: u8): void;
/** Unsigned decimal. */
declare function printU(v: u64): void;
/** Signed decimal. */
declare function printI(v: i64): void;
/** `0x` and lower-case hex digits, no leading zeros. */
declare function printHex(v: u64): void;
/** `0x` and exactly `digits` hex digits (1..16). */
declare function printHexW(v: u64, digits: u32): void;
/**
 * Routes console output through `sink` as well (the only console on `*-elf`; an extra
 * one, such as a serial port, on `*-uefi`). Pass null to remove it.
 */
declare function setConsoleSink(sink: (c: u8) => void): void;
/** The sink set by setConsoleSink (or null), so that a new sink can pass bytes on to it. */
declare function consoleSink(): (c: u8) => void;

/** Prints `panic at file:line: msg` and stops (exit 101 on linux; halt otherwise). */
declare function panic(msg: Fmt): never;
/** Panics with file:line when `cond` is false. */
declare function assert(cond: bool, msg?: Fmt): void;
/** Ends the process (`*-linux` only). */
declare function exit(status: i32): never;

declare function memset(dst: Ptr<void>, value: u8, n: usize): void;
declare function memcpy(dst: Ptr<void>, src: Ptr<void>, n: usize): void;
declare function memmove(dst: Ptr<void>, src: Ptr<void>, n: usize): void;
declare function memcmp(a: Ptr<void>, b: Ptr<void>, n: usize): i32;
/** Length of a NUL-terminated byte string. */
declare function strlen(s: cstr): usize;

/** The smaller of two integers of one type (`min(n, 16)` is a u32 when n is). */
declare function min<T extends number>(a: T, b: T): T;
/** The larger of two integers of one type. */
declare function max<T extends number>(a: T, b: T): T;
/** x rounded up to a multiple of `align`, a power of two (a constant that is not is a compile error). */
declare function alignUp<T extends number>(x: T, align: T): T;
/** x rounded down to a multiple of `align`, a power of two. */
declare function alignDown<T extends number>(x: T, align: T): T;
/** Exchanges the values at two places. */
declare function swap<T>(a: Ptr<T>, b: Ptr<T>): void;

/**
 * Called by panic (and failed asserts, division by zero) before the target's default
 * action, e.g. so a kernel can print its verdict and power off. It receives the message as
 * a Fmt (print it with `${msg}`, or render it with format). Pass null to remove it.
 */
declare function setPanicHook(hook: (msg: Fmt, file: cstr, line: u32) => void): void;
/**
 * `*-uefi` only: tells the std library that ExitBootServices succeeded, so that print stops
 * using ConOut (only the sink remains) and panic halts instead of returning to the firmware.
 */
declare function uefiBootServicesExited(): void;
/** `*-uefi` only: the image handle and system table given to efi_main. */
declare function uefiImageHandle(): Ptr<void>;
declare function uefiSystemTable(): Ptr<void>;

/**
 * A spin lock (toolchain/std/sync.ts): test-and-test-and-set on one word, acquire when
 * taken, release when given back. Zero is unlocked, so a global `let lock: SpinLock;` or
 * `zeroed<SpinLock>()` needs no initialisation. Never read or write `state` yourself.
 */
interface SpinLock extends Struct { readonly state: u32 }
/** Waits until the lock is free and takes it. */
declare function spinLock(l: Ptr<SpinLock>): void;
/** Takes the lock if it is free and says whether it did; never waits. */
declare function spinTryLock(l: Ptr<SpinLock>): bool;
/** Gives the lock back (panics when it was not locked). */
declare function spinUnlock(l: Ptr<SpinLock>): void;
/** Whether the lock is held right now, by anyone (for assertions and reports). */
declare function spinIsLocked(l: Ptr<SpinLock>): bool;
/** A pause for spin-wait loops (`pause` on x86_64, `yield` on aarch64). */
declare function spinWaitHint(): void;
