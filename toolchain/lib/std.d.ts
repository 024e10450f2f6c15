// The std library's global functions. They are written in the subset under
// toolchain/std/ and linked into every program; the compiler resolves these global
// names to those implementations.

/** Writes a NUL-terminated byte string to the target's console. */
declare function print(s: cstr): void;
/** `print(s)` then a newline. */
declare function println(s: cstr): void;
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
declare function panic(msg: cstr): never;
/** Panics with file:line when `cond` is false. */
declare function assert(cond: bool, msg?: cstr): void;
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
 * action, e.g. so a kernel can print its verdict and power off. Pass null to remove it.
 */
declare function setPanicHook(hook: (msg: cstr, file: cstr, line: u32) => void): void;
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
