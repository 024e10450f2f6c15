// sha256: FIPS 180-4 SHA-256 over `mib` MiB of generated data, `reps` times. After each
// pass the digest overwrites the first 32 bytes of the data, so every pass depends on
// the previous one. The checksum is the last digest (8 words). The hash is the one the
// loader uses (common/sha256.ts), so this measures the loader's kernel check.
// Arguments: mib (default 4, at most 16), reps (default 8).
import { argU64, beginChecksum, checksumWord, endChecksum, nowNs } from "./lib";
import { sha256 } from "../../common/sha256";

const MAX_BYTES = 16 * 1024 * 1024;

let data: Arr<u8, 16777216>;
let digest: Arr<u8, 32>;

function fill(len: u32): void {
  let s: u32 = 0x9E3779B9;
  for (let i: u32 = 0; i < len; i += 4) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = u8(s);
    data[i + 1] = u8(s >>> 8);
    data[i + 2] = u8(s >>> 16);
    data[i + 3] = u8(s >>> 24);
  }
}

export function main(): i32 {
  const mib: u64 = argU64(1, 4);
  const reps: u64 = argU64(2, 8);
  if (mib == 0 || mib * 1024 * 1024 > MAX_BYTES) panic("sha256: mib must be 1..16");
  const len: u32 = u32(mib * 1024 * 1024);
  fill(len);

  const t0: u64 = nowNs();
  for (let r: u64 = 0; r < reps; r++) {
    sha256(addressOf(data[0]), u64(len), addressOf(digest[0]));
    memcpy(addressOf(data[0]), addressOf(digest[0]), 32);
  }
  const t1: u64 = nowNs();

  beginChecksum();
  for (let i: u32 = 0; i < 8; i++) {
    const j: u32 = i * 4;
    checksumWord((u32(digest[j]) << 24) | (u32(digest[j + 1]) << 16) | (u32(digest[j + 2]) << 8) | u32(digest[j + 3]));
  }
  endChecksum(t1 - t0);
  return 0;
}
