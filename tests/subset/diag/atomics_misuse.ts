// Rejected: atomics used wrongly. Each line says what to write instead.
interface Guid extends Struct { a: u64; b: u64; c: u64 }

let counter: u64 = 0;
let flag: bool = false;
let id: Guid;
let slot: Ptr<u8> = null;

export function main(): i32 {
  let p: Ptr<u64> = addressOf(counter);
  // orderings the operation cannot have
  let a: u64 = atomicLoad(p, "release");
  atomicStore(p, 1, "acquire");
  atomicFence("relaxed");
  let b: u64 = atomicCompareExchange(p, 0, 1, "acq_rel", "release");
  // not an ordering, or not known at compile time
  let c: u64 = atomicFetchAdd(p, 1, "acquired");
  let order: u32 = 2;
  atomicStore(p, 2, order);
  // not a pointer
  let d: u64 = atomicLoad(counter, "acquire");
  // widths and types atomics do not cover
  let e: Guid = atomicLoad(addressOf(id), "acquire");
  atomicStore(cast<void>(p), 0, "relaxed");
  let f: bool = atomicFetchOr(addressOf(flag), true, "relaxed");
  atomicFetchAdd(addressOf(slot), null, "relaxed");
  // arguments
  atomicExchange(p, 1);
  let g: u32 = atomicLoad<u32>(p, "relaxed");
  atomicStore(p, -1, "release");
  return 0;
}
