// Machine-code check of the atomics (tests/compiler/atomics.test.ts): each function is one
// operation with one ordering; codegen.c is its twin in C (`__atomic_*` builtins), and both
// must compile to the same atomic instructions.

/** @symbol at_load_relaxed */
export function loadRelaxed(p: Ptr<u64>): u64 { return atomicLoad(p, "relaxed"); }
/** @symbol at_load_acquire */
export function loadAcquire(p: Ptr<u64>): u64 { return atomicLoad(p, "acquire"); }
/** @symbol at_load_seq_cst */
export function loadSeqCst(p: Ptr<u32>): u32 { return atomicLoad(p, "seq_cst"); }
/** @symbol at_store_release */
export function storeRelease(p: Ptr<u64>, v: u64): void { atomicStore(p, v, "release"); }
/** @symbol at_store_seq_cst */
export function storeSeqCst(p: Ptr<u64>, v: u64): void { atomicStore(p, v, "seq_cst"); }
/** @symbol at_xchg_acquire */
export function xchgAcquire(p: Ptr<u32>, v: u32): u32 { return atomicExchange(p, v, "acquire"); }
/** @symbol at_cas64_acq_rel */
export function cas64(p: Ptr<u64>, e: u64, n: u64): u64 { return atomicCompareExchange(p, e, n, "acq_rel", "acquire"); }
/** @symbol at_cas8_seq_cst */
export function cas8(p: Ptr<u8>, e: u8, n: u8): u8 { return atomicCompareExchange(p, e, n, "seq_cst", "seq_cst"); }
/** @symbol at_add_relaxed */
export function addRelaxed(p: Ptr<u64>, v: u64): u64 { return atomicFetchAdd(p, v, "relaxed"); }
/** @symbol at_sub16_release */
export function sub16(p: Ptr<i16>, v: i16): i16 { return atomicFetchSub(p, v, "release"); }
/** @symbol at_or_old_acq_rel */
export function orOld(p: Ptr<u32>, v: u32): u32 { return atomicFetchOr(p, v, "acq_rel"); }
/** @symbol at_or_unused_seq_cst */
export function orUnused(p: Ptr<u32>, v: u32): void { atomicFetchOr(p, v, "seq_cst"); }
/** @symbol at_and_acquire */
export function andAcquire(p: Ptr<u64>, v: u64): u64 { return atomicFetchAnd(p, v, "acquire"); }
/** @symbol at_xor_seq_cst */
export function xorSeqCst(p: Ptr<u8>, v: u8): u8 { return atomicFetchXor(p, v, "seq_cst"); }
/** @symbol at_fence_acquire */
export function fenceAcquire(): void { atomicFence("acquire"); }
/** @symbol at_fence_release */
export function fenceRelease(): void { atomicFence("release"); }
/** @symbol at_fence_seq_cst */
export function fenceSeqCst(): void { atomicFence("seq_cst"); }

export function main(): i32 { return 0; }
