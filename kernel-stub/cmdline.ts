// The kernel command line (BootInfo.cmdline, from boot.cfg's `cmdline=`): words separated
// by spaces, `key=value` or a bare `key`. Only the kernel's own `tsboot.*` keys mean
// anything to it; everything else is passed over. Text is handled as Slice<u8> views of
// the boot info's bytes (bounds-checked; nothing is copied).

import { type BootInfo, BootFlag } from "../common/bootinfo";

/** The boot info's command line (empty if none). */
export function cmdlineOf(bi: Ptr<BootInfo>): Slice<u8> {
  let n: u64 = u64(bi.cmdlineLength);
  if ((bi.flags & BootFlag.HasCmdline) == 0) n = 0;
  if (n > 255) n = 255;
  return slice(addressOf(bi.cmdline[0]), n);
}

function isSpace(c: u8): bool {
  return c == 0x20 || c == 0x09;
}

/** A key's value: `found` false when the key is absent; a bare key has an empty value. */
export interface CmdlineValue extends Struct {
  found: bool;
  value: Slice<u8>;
}

/**
 * Finds the word `key=value` (or a bare `key`) in `cmd`. The last occurrence wins, as on
 * Linux; a NUL ends the line.
 */
export function cmdlineFind(cmd: Slice<u8>, key: cstr): CmdlineValue {
  let k: Ptr<u8> = cast<u8>(key);
  let klen: u64 = strlen(key);
  let len: u64 = cmd.length;
  let out: CmdlineValue = { found: false, value: cmd.sub(0, 0) };
  let i: u64 = 0;
  while (i < len) {
    while (i < len && isSpace(cmd[i])) i++;
    let start: u64 = i;
    while (i < len && !isSpace(cmd[i]) && cmd[i] != 0) i++;
    let wlen: u64 = i - start;
    if (wlen >= klen && memcmp(ptrAdd(cmd.ptr, i64(start)), k, klen) == 0) {
      if (wlen == klen) {
        out = { found: true, value: cmd.sub(i, i) };
      } else if (cmd[start + klen] == 0x3D) {       // '='
        out = { found: true, value: cmd.sub(start + klen + 1, i) };
      }
    }
    if (i < len && cmd[i] == 0) break;
  }
  return out;
}

/** Whether `v` is exactly the text `s`. */
export function cmdlineIs(v: Slice<u8>, s: cstr): bool {
  return v.length == strlen(s) && memcmp(v.ptr, cast<u8>(s), v.length) == 0;
}

/** A number read from the start of a value: its value and the characters it took. */
export interface CmdlineNumber extends Struct {
  value: u64;
  /** Characters used (0: no number). */
  used: u64;
}

/**
 * Reads a number at the start of `s`: decimal, or hexadecimal after `0x`; `_` may separate
 * digits. Stops at the first other character; overflow wraps (a command line is trusted
 * input).
 */
export function cmdlineNumber(s: Slice<u8>): CmdlineNumber {
  let n: u64 = s.length;
  let i: u64 = 0;
  let base: u64 = 10;
  if (n >= 3 && s[0] == 0x30 && (s[1] == 0x78 || s[1] == 0x58)) { base = 16; i = 2; }
  let v: u64 = 0;
  let digits: u64 = 0;
  while (i < n) {
    let c: u8 = s[i];
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
  return { value: v, used: digits == 0 ? 0 : i };
}
