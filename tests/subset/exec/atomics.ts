// Atomics: every operation on every width, signed and unsigned, bool, enums and pointers;
// results are the previous values, arithmetic wraps, compare-exchange succeeds exactly when
// the old value equals the expected one. (Single-threaded: the values; the kernel's SMP
// memory test exercises them on several CPUs.)

const enum State { Idle = 1, Busy = 2 }

interface Counters extends Struct {
  b: u8;
  h: i16;
  w: u32;
  q: u64;
  flag: bool;
  state: State;
  next: Ptr<u64>;
}

let c: Counters;
let shared: u64 = 0;

function line(name: cstr, v: u64): void {
  print(name);
  print(" ");
  printHex(v);
  print("\n");
}

export function main(): i32 {
  const p: Ptr<Counters> = addressOf(c);

  // u8: wraps at 8 bits
  atomicStore(addressOf(p.b), 250, "relaxed");
  line("u8 add old", u64(atomicFetchAdd(addressOf(p.b), 10, "seq_cst")));
  line("u8 now", u64(atomicLoad(addressOf(p.b), "acquire")));
  line("u8 sub old", u64(atomicFetchSub(addressOf(p.b), 5, "acq_rel")));
  line("u8 now", u64(atomicLoad(addressOf(p.b), "relaxed")));

  // i16: signed, wraps below -32768
  atomicStore(addressOf(p.h), -32767, "release");
  let old16: i16 = atomicFetchSub(addressOf(p.h), 2, "relaxed");
  printI(i64(old16)); print(" "); printI(i64(atomicLoad(addressOf(p.h), "seq_cst"))); print("\n");

  // u32: and / or / xor return the old value
  atomicStore(addressOf(p.w), 0xF0F0_F0F0, "seq_cst");
  line("u32 and old", u64(atomicFetchAnd(addressOf(p.w), 0xFF00_FF00, "acquire")));
  line("u32 or old", u64(atomicFetchOr(addressOf(p.w), 0x0000_000F, "release")));
  line("u32 xor old", u64(atomicFetchXor(addressOf(p.w), 0xFFFF_FFFF, "acq_rel")));
  line("u32 now", u64(atomicLoad(addressOf(p.w), "acquire")));

  // u64: exchange and compare-exchange (both outcomes), default and explicit failure order
  atomicStore(addressOf(p.q), 0xFFFF_FFFF_FFFF_FFFF, "relaxed");
  line("u64 add old", atomicFetchAdd(addressOf(p.q), 2, "seq_cst"));
  line("u64 xchg old", atomicExchange(addressOf(p.q), 0x1234_5678_9ABC_DEF0, "acq_rel"));
  let seen: u64 = atomicCompareExchange(addressOf(p.q), 7, 8, "acq_rel");
  line("cas fail old", seen);
  line("cas fail now", atomicLoad(addressOf(p.q), "relaxed"));
  seen = atomicCompareExchange(addressOf(p.q), 0x1234_5678_9ABC_DEF0, 42, "seq_cst", "relaxed");
  line("cas ok old", seen);
  line("cas ok now", atomicLoad(addressOf(p.q), "seq_cst"));

  // bool and enum: load, store, exchange, compare-exchange
  atomicStore(addressOf(p.flag), true, "release");
  let wasSet: bool = atomicExchange(addressOf(p.flag), false, "acquire");
  print(wasSet ? "flag was set" : "flag was clear");
  print(atomicLoad(addressOf(p.flag), "acquire") ? ", now set\n" : ", now clear\n");
  let won: bool = !atomicCompareExchange(addressOf(p.flag), false, true, "acquire");
  print(won ? "flag taken\n" : "flag busy\n");
  won = !atomicCompareExchange(addressOf(p.flag), false, true, "acquire");
  print(won ? "flag taken\n" : "flag busy\n");
  atomicStore(addressOf(p.state), State.Idle, "relaxed");
  let st: State = atomicCompareExchange(addressOf(p.state), State.Idle, State.Busy, "acq_rel", "acquire");
  line("enum old", u64(st));
  line("enum now", u64(atomicLoad(addressOf(p.state), "relaxed")));

  // pointers: a lock-free push of one node in a list head
  let head: Ptr<Ptr<u64>> = addressOf(p.next);
  let prev: Ptr<u64> = atomicExchange(head, addressOf(shared), "acq_rel");
  print(prev == null ? "head was null\n" : "head was set\n");
  let cur: Ptr<u64> = atomicLoad(head, "acquire");
  print(cur == addressOf(shared) ? "head is shared\n" : "head is wrong\n");
  cur = atomicCompareExchange(head, addressOf(shared), null, "seq_cst");
  print(atomicLoad(head, "relaxed") == null ? "head cleared\n" : "head kept\n");

  // fences and a raw address
  atomicFence("acquire");
  atomicFence("release");
  atomicFence("acq_rel");
  atomicFence("seq_cst");
  let raw: Ptr<u64> = ptr<u64>(addr(addressOf(shared)));
  atomicFetchAdd(raw, 5, "relaxed");
  line("shared", shared);
  return 0;
}
