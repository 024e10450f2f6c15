// crc32: table-driven CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), one byte per
// step, over `mib` MiB of generated data, `reps` times. Each pass continues from the
// previous pass's CRC so no pass can be skipped.
// Arguments: mib (default 4, at most 16), reps (default 16).
import { argU64, beginChecksum, checksumWord, endChecksum, nowNs } from "./lib";

const MAX_BYTES = 16 * 1024 * 1024;

let data: Arr<u8, 16777216>;
let table: Arr<u32, 256>;

function makeTable(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c: u32 = n;
    for (let k: u32 = 0; k < 8; k++) {
      if ((c & 1) != 0) c = 0xEDB88320 ^ (c >>> 1);
      else c = c >>> 1;
    }
    table[n] = c;
  }
}

/** Fills the buffer from xorshift32, four little-endian bytes per step. */
function fill(len: u32): void {
  let s: u32 = 0x12345678;
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

/** Continues a CRC-32 (`crc` is the previous result, 0 to start) over data[0..len). */
function crc32(crc: u32, len: u32): u32 {
  let c: u32 = ~crc;
  for (let i: u32 = 0; i < len; i++) {
    c = table[(c ^ data[i]) & 0xFF] ^ (c >>> 8);
  }
  return ~c;
}

export function main(): i32 {
  const mib: u64 = argU64(1, 4);
  const reps: u64 = argU64(2, 16);
  if (mib == 0 || mib * 1024 * 1024 > MAX_BYTES) panic("crc32: mib must be 1..16");
  const len: u32 = u32(mib * 1024 * 1024);
  makeTable();
  fill(len);

  const t0: u64 = nowNs();
  let crc: u32 = 0;
  for (let r: u64 = 0; r < reps; r++) {
    crc = crc32(crc, len);
  }
  const t1: u64 = nowNs();

  beginChecksum();
  checksumWord(crc);
  endChecksum(t1 - t0);
  return 0;
}
