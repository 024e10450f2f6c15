// sha256sum: the SHA-256 the loader checks kernels with (common/sha256.ts), as a Linux
// program, so tests can compare it with an independent implementation.
//
//   sha256sum <file> [chunk]
//
// Prints the digest in hex. With `chunk`, the file is fed to sha256Update in pieces of
// that many bytes (1..65536), which exercises the partial-block paths; without it, in one
// call. Exits 2 on usage or I/O problems.

import { type Sha256, sha256Init, sha256Update, sha256Final } from "../../../common/sha256";
import { args, arg, parseDecimal, readFile } from "../lib/linux";

let fileBuf: Arr<u8, 4194304>;
let ctx: Sha256;
let digest: Arr<u8, 32>;

export function main(): i32 {
  let argc: u32 = args();
  if (argc < 2 || argc > 3) {
    println("usage: sha256sum <file> [chunk]");
    return 2;
  }
  let size: i64 = readFile(arg(1), addressOf(fileBuf[0]), fileBuf.length);
  if (size < 0) {
    println("sha256sum: cannot read the file (or it is larger than 4 MiB)");
    return 2;
  }
  let chunk: u64 = u64(size);
  if (argc == 3) {
    chunk = parseDecimal(arg(2));
    if (chunk == 0 || chunk > 65536) {
      println("sha256sum: chunk must be 1..65536");
      return 2;
    }
  }
  sha256Init(addressOf(ctx));
  let done: u64 = 0;
  while (done < u64(size)) {
    let n: u64 = u64(size) - done;
    if (n > chunk) n = chunk;
    sha256Update(addressOf(ctx), addressOf(fileBuf[done]), n);
    done += n;
  }
  sha256Final(addressOf(ctx), addressOf(digest[0]));
  for (let i: u32 = 0; i < 32; i++) {
    let hi: u8 = digest[i] >> 4;
    let lo: u8 = digest[i] & 15;
    printChar(hi < 10 ? 0x30 + hi : 0x57 + hi);
    printChar(lo < 10 ? 0x30 + lo : 0x57 + lo);
  }
  println("");
  return 0;
}
