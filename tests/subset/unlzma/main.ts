// unlzma: the loader's LZMA1 decoder (loader/unpack/lzma.ts) as a Linux program, so tests
// can compare it with xz and feed it corrupt streams.
//
//   unlzma <props> <file> [capacity]
//
// Decodes the raw LZMA1 stream in <file> (properties byte <props>, lc + 9 * (lp + 5 * pb))
// into a buffer of <capacity> bytes (default 4 MiB) and writes what it decoded to stdout.
// Exits 0 when it decoded, 1 when the decoder returned LZMA_ERROR (nothing is written),
// 2 on usage or I/O problems.

import { lzmaDecode, LZMA_ERROR } from "../../../loader/unpack/lzma";
import { args, arg, readFile, syscall5 } from "../lib/linux";

const CAP = 4194304;
let inBuf: Arr<u8, typeof CAP>;
let outBuf: Arr<u8, typeof CAP>;

/** A decimal argument, or ~0 when it is not one. */
function parseU64(p: Ptr<u8>): u64 {
  let v: u64 = 0;
  for (let i: u32 = 0; p[i] != 0; i++) {
    if (p[i] < 0x30 || p[i] > 0x39 || v > 100_000_000) return ~0;
    v = v * 10 + u64(p[i] - 0x30);
  }
  return v;
}

function writeAll(p: Ptr<u8>, n: u64): bool {
  let done: u64 = 0;
  while (done < n) {
    const w: i64 = syscall5(target.x86_64 ? 1 : 64, 1, addr(ptrAdd(p, done)), n - done, 0, 0);
    if (w <= 0) return false;
    done += u64(w);
  }
  return true;
}

export function main(): i32 {
  const argc: u32 = args();
  if (argc < 3 || argc > 4) {
    println("usage: unlzma <props> <file> [capacity]");
    return 2;
  }
  const props: u64 = parseU64(arg(1));
  if (props > 255) {
    println("unlzma: props must be 0..255");
    return 2;
  }
  let cap: u64 = CAP;
  if (argc == 4) {
    cap = parseU64(arg(3));
    if (cap > CAP) {
      println("unlzma: capacity must be 0..4194304");
      return 2;
    }
  }
  const size: i64 = readFile(arg(2), addressOf(inBuf[0]), inBuf.length);
  if (size < 0) {
    println("unlzma: cannot read the file (or it is larger than 4 MiB)");
    return 2;
  }
  const n: u64 = lzmaDecode(u32(props), addressOf(inBuf[0]), u64(size), addressOf(outBuf[0]), cap);
  if (n == LZMA_ERROR) return 1;
  if (!writeAll(addressOf(outBuf[0]), n)) return 2;
  return 0;
}
