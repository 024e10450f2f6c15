// memops: memset then memcpy of a 1 MiB buffer, `reps` times, through the std library's
// memset/memcpy (the C twin uses libc's, the JS twin TypedArray fill/set). Each round
// stores a different byte and pokes one position, and the checksum samples the copy, so
// no round can be dropped.
// Arguments: reps (default 2000).
import { argU64, beginChecksum, checksumWord, endChecksum, nowNs } from "./lib";

const SIZE = 1024 * 1024;
const MASK = SIZE - 1;

let src: Arr<u8, 1048576>;
let dst: Arr<u8, 1048576>;

export function main(): i32 {
  const reps: u32 = u32(argU64(1, 2000));

  const t0: u64 = nowNs();
  let acc: u32 = 0;
  for (let r: u32 = 0; r < reps; r++) {
    memset(addressOf(src[0]), u8(r), SIZE);
    src[(r * 4099) & MASK] = u8(r ^ 0x5A);
    memcpy(addressOf(dst[0]), addressOf(src[0]), SIZE);
    acc += u32(dst[(r * 7919) & MASK]) + u32(dst[(r * 4099) & MASK]);
  }
  const t1: u64 = nowNs();

  // Sample the final copy every 4 KiB as well.
  for (let i: u32 = 0; i < SIZE; i += 4096) acc += u32(dst[i]);

  beginChecksum();
  checksumWord(acc);
  endChecksum(t1 - t0);
  return 0;
}
