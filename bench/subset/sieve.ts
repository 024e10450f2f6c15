// sieve: the sieve of Eratosthenes over [0, limit] with one byte per number, `reps`
// times; the checksum is the number of primes and their sum (mod 2^32).
// Arguments: limit in millions (default 8, at most 32), reps (default 4).
import { argU64, beginChecksum, checksumWord, endChecksum, nowNs } from "./lib";

const MAX_LIMIT = 32000000;

let flags: Arr<u8, 32000001>;

export function main(): i32 {
  const millions: u64 = argU64(1, 8);
  const reps: u64 = argU64(2, 4);
  if (millions == 0 || millions * 1000000 > MAX_LIMIT) panic("sieve: limit must be 1..32 million");
  const limit: u32 = u32(millions * 1000000);

  const t0: u64 = nowNs();
  let count: u32 = 0;
  let sum: u32 = 0;
  for (let r: u64 = 0; r < reps; r++) {
    flags[0] = 0;
    flags[1] = 0;
    for (let i: u32 = 2; i <= limit; i++) flags[i] = 1;
    for (let i: u32 = 2; i * i <= limit; i++) {
      if (flags[i] != 0) {
        for (let j: u32 = i * i; j <= limit; j += i) flags[j] = 0;
      }
    }
    count = 0;
    sum = 0;
    for (let i: u32 = 0; i <= limit; i++) {
      if (flags[i] != 0) {
        count++;
        sum += i;
      }
    }
  }
  const t1: u64 = nowNs();

  beginChecksum();
  checksumWord(count);
  checksumWord(sum);
  endChecksum(t1 - t0);
  return 0;
}
