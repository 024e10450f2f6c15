// unlzma: the loader's LZMA1 decoder (loader/unpack/lzma.ts) as a Linux program, so tests
// can compare it with xz and feed it corrupt streams.
//
//   unlzma <props> <file> [capacity]
//
// Decodes the raw LZMA1 stream in <file> (properties byte <props>, lc + 9 * (lp + 5 * pb))
// into a buffer of <capacity> bytes (default 4 MiB) and writes what it decoded to stdout.
// Exits 0 when it decoded, 1 when the decoder returned LZMA_ERROR (nothing is written),
// 2 on usage or I/O problems, 3 when the decoder wrote past the end of the buffer.
//
// The stream ends where an inaccessible page begins and the output buffer starts right
// after one, so a read past the input or before the output is a crash the tests see.

import { lzmaDecode, LZMA_ERROR } from "../../../loader/unpack/lzma";
import { args, arg, parseDecimal, readFile, syscall5 } from "../lib/linux";

const CAP = 4194304;
const PAGE = 4096;
const CANARY = 64;
const IN_ARENA = 4198400; // CAP + PAGE
const OUT_ARENA = 4198464; // PAGE + CAP + CANARY
/** The stream, moved to end at inArena[CAP], and a guard page after it. @align 4096 */
let inArena: Arr<u8, typeof IN_ARENA>;
/** A guard page, the output from outArena[PAGE], and room for a canary after it. @align 4096 */
let outArena: Arr<u8, typeof OUT_ARENA>;

/** mprotect(p, PAGE, PROT_NONE). */
function guard(p: Ptr<u8>): bool {
  return syscall5(target.x86_64 ? 10 : 226, addr(p), PAGE, 0, 0, 0) == 0;
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
  const props: u64 = parseDecimal(arg(1));
  if (props > 255) {
    println("unlzma: props must be 0..255");
    return 2;
  }
  let cap: u64 = CAP;
  if (argc == 4) {
    cap = parseDecimal(arg(3));
    if (cap > CAP) {
      println("unlzma: capacity must be 0..4194304");
      return 2;
    }
  }
  const size: i64 = readFile(arg(2), addressOf(inArena[0]), CAP);
  if (size < 0) {
    println("unlzma: cannot read the file (or it is larger than 4 MiB)");
    return 2;
  }
  const start: u64 = CAP - u64(size);
  for (let i: u64 = u64(size); i > 0; i--) inArena[start + i - 1] = inArena[i - 1];
  if (!guard(addressOf(inArena[CAP])) || !guard(addressOf(outArena[0]))) {
    println("unlzma: mprotect failed");
    return 2;
  }
  const out: Ptr<u8> = addressOf(outArena[PAGE]);
  for (let i: u64 = 0; i < CANARY; i++) out[cap + i] = 0xA5;
  const n: u64 = lzmaDecode(u32(props), addressOf(inArena[start]), u64(size), out, cap);
  for (let i: u64 = 0; i < CANARY; i++) {
    if (out[cap + i] != 0xA5) return 3;
  }
  if (n == LZMA_ERROR) return 1;
  if (n > cap || !writeAll(out, n)) return 3;
  return 0;
}
