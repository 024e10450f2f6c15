// unpack: the self-extracting loader's unpacking (loader/unpack/payload.ts: the payload's
// header checked, its LZMA stream decoded, the branch filter undone, the result checked),
// as a Linux program, so tests can compare it with the loader image the payload was made
// from and feed it damaged payloads.
//
//   unpack <payload file>      (header and stream, as linker/pack.ts makes them)
//
// Writes the unpacked image to stdout. Exits 1 when the payload does not unpack (not for
// this machine, damaged), 2 on usage or I/O problems.

import { type PayloadHeader, payloadFits, unpackPayload } from "../../../loader/unpack/payload";
import { args, arg, readFile } from "../lib/linux";

/** @symbol tsboot_console_write */
declare function consoleWrite(p: Ptr<u8>, n: usize): void;

const INPUT_MAX: u64 = 524288;
/** The payload, read in place: u64 elements keep the header 8-aligned, as in the stub. */
let input: Arr<u64, 65536>;
let output: Arr<u8, 1048576>;

export function main(): i32 {
  if (args() != 2) {
    println("usage: unpack <payload file>");
    return 2;
  }
  const size: i64 = readFile(arg(1), cast<u8>(addressOf(input[0])), INPUT_MAX);
  if (size < i64(sizeof<PayloadHeader>())) {
    println("unpack: cannot read the payload (or it is shorter than its header, or larger than 512 KiB)");
    return 2;
  }
  const h: Ptr<PayloadHeader> = cast<PayloadHeader>(addressOf(input[0]));
  if (!payloadFits(h, u64(size))) {
    println("unpack: not a payload for this machine");
    return 1;
  }
  if (u64(h.imageSize) > output.length) {
    println("unpack: the image is larger than 1 MiB");
    return 1;
  }
  if (!unpackPayload(h, addressOf(output[0]))) {
    println("unpack: the payload is damaged");
    return 1;
  }
  consoleWrite(addressOf(output[0]), u64(h.imageSize));
  return 0;
}
