// The kernel command line (BootInfo.cmdline, from boot.cfg's `cmdline=`): words separated
// by spaces, `key=value` or a bare `key`. Only the kernel's own `tsboot.*` keys mean
// anything to it; everything else is passed over.

import { type BootInfo, BootFlag } from "../common/bootinfo";

/** The boot info's command line (NUL-terminated) and its length in outLen (0 if none). */
export function cmdlineOf(bi: Ptr<BootInfo>, outLen: Ptr<u64>): Ptr<u8> {
  let n: u64 = u64(bi.cmdlineLength);
  if ((bi.flags & BootFlag.HasCmdline) == 0) n = 0;
  if (n > 255) n = 255;
  outLen[0] = n;
  return addressOf(bi.cmdline[0]);
}

function isSpace(c: u8): bool {
  return c == 0x20 || c == 0x09;
}

/**
 * Finds the word `key=value` (or a bare `key`, whose value is empty) in `cmd[0..len)`.
 * Returns the value's offset, with its length in outLen, or -1 when the key is absent.
 * The last occurrence wins, as on Linux.
 */
export function cmdlineFind(cmd: Ptr<u8>, len: u64, key: cstr, outLen: Ptr<u64>): i64 {
  let k: Ptr<u8> = cast<u8>(key);
  let klen: u64 = strlen(key);
  let found: i64 = -1;
  let i: u64 = 0;
  while (i < len) {
    while (i < len && isSpace(cmd[i])) i++;
    let start: u64 = i;
    while (i < len && !isSpace(cmd[i]) && cmd[i] != 0) i++;
    let wlen: u64 = i - start;
    if (wlen >= klen && memcmp(ptrAdd(cmd, i64(start)), k, klen) == 0) {
      if (wlen == klen) {
        found = i64(start + klen);
        outLen[0] = 0;
      } else if (cmd[start + klen] == 0x3D) {       // '='
        found = i64(start + klen + 1);
        outLen[0] = wlen - klen - 1;
      }
    }
    if (i < len && cmd[i] == 0) break;
  }
  return found;
}

/** Whether `p[0..n)` is exactly the text `s`. */
export function cmdlineIs(p: Ptr<u8>, n: u64, s: cstr): bool {
  return n == strlen(s) && memcmp(p, cast<u8>(s), n) == 0;
}

/**
 * Reads a number at p[0..n): decimal, or hexadecimal after `0x`; `_` may separate digits.
 * Returns the characters used (0: no number), the value in out[0]. Stops at the first
 * other character; overflow wraps (a command line is trusted input).
 */
export function cmdlineNumber(p: Ptr<u8>, n: u64, out: Ptr<u64>): u64 {
  let i: u64 = 0;
  let base: u64 = 10;
  if (n >= 3 && p[0] == 0x30 && (p[1] == 0x78 || p[1] == 0x58)) { base = 16; i = 2; }
  let v: u64 = 0;
  let digits: u64 = 0;
  while (i < n) {
    let c: u8 = p[i];
    let d: u64 = 99;
    if (c >= 0x30 && c <= 0x39) d = u64(c - 0x30);
    else if (base == 16 && c >= 0x61 && c <= 0x66) d = u64(c - 0x61 + 10);
    else if (base == 16 && c >= 0x41 && c <= 0x46) d = u64(c - 0x41 + 10);
    else if (c == 0x5F && digits != 0) { i++; continue; }
    if (d >= base) break;
    v = v * base + d;
    digits++;
    i++;
  }
  out[0] = v;
  return digits == 0 ? 0 : i;
}
