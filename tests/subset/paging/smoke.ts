// A standalone entry for the paging test driver: a few commands compiled in (the random
// streams of tests/paging/engine.test.ts are generated into a temporary main instead).
import { runOps } from "./driver";

// map 2 MiB RW global at 0xFFFF_8000_4000_0000 -> 0x4000_0000, probe it, walk it, dump.
let OPS: Arr<u64, 24> = [
  1, 1, 0xFFFF_8000_4000_0000, 0x4000_0000, 0x20_0000, 0x13,
  4, 1, 0xFFFF_8000_4000_1234, 0, 0, 0,
  8, 1, 0xFFFF_8000_4000_0000, 0, 0, 0,
  7, 1, 0, 0, 0, 0,
];

export function main(): i32 {
  return runOps(addressOf(OPS[0]), 24);
}
