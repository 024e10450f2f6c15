// xorshift: Marsaglia's xorshift64 (13, 7, 17) for `millions` million steps, summing the
// outputs with 64-bit wrap-around. A pure dependency chain of 64-bit shifts, xors and adds.
// Arguments: millions (default 100).
import { argU64, beginChecksum, checksumWord, endChecksum, nowNs } from "./lib";

export function main(): i32 {
  const millions: u64 = argU64(1, 100);
  const n: u64 = millions * 1000000;

  const t0: u64 = nowNs();
  let x: u64 = 0x9E3779B97F4A7C15;
  let sum: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    sum += x;
  }
  const t1: u64 = nowNs();

  beginChecksum();
  checksumWord(u32(sum >>> 32));
  checksumWord(u32(sum));
  checksumWord(u32(x >>> 32));
  checksumWord(u32(x));
  endChecksum(t1 - t0);
  return 0;
}
