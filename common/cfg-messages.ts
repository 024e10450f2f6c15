// The messages of boot.cfg errors (common/cfg.ts records them; this writes them out). One
// formatter for every reader: the loader hands its log as the sink, cfgcheck its stdout.

import { type BootCfg, type CfgError, CfgErr, cfgKeyName } from "./cfg";

/** The message of each error code; %s is the token, %d / %x the number, %k the key it names. */
function template(code: CfgErr): cstr {
  switch (code) {
    case CfgErr.BadUtf8: return "invalid UTF-8 (byte %x): boot.cfg must be UTF-8 text";
    case CfgErr.Nul: return "NUL byte: boot.cfg must be text";
    case CfgErr.Control: return "control character %x: only blanks may surround keys and values";
    case CfgErr.Bom: return "byte order mark (U+FEFF) after the start of the file";
    case CfgErr.NoEquals: return "expected key=value, not '%s'";
    case CfgErr.EmptyKey: return "expected key=value: the key is missing";
    case CfgErr.UnknownKey:
      return "unknown key '%s' (entry keys: entry protocol path cmdline initrd sha256 arch; global: timeout default paging)";
    case CfgErr.KeyCase: return "unknown key '%s': keys are lower case, write '%k'";
    case CfgErr.OldKernelKey: return "'%s' is not a key: write an entry (entry=<name>, protocol=tsboot, path=<file>)";
    case CfgErr.NeedsEntry: return "'%s' belongs to an entry: start one with entry=<name> above it";
    case CfgErr.GlobalInEntry: return "'%s' is a global key: move it above the first entry=";
    case CfgErr.Duplicate: return "'%s' is given twice (first on line %d)";
    case CfgErr.EmptyValue: return "'%s' needs a value";
    case CfgErr.TooLong: return "the value of '%s' is too long (at most %d bytes)";
    case CfgErr.EolComment: return "'#' after a value: comments must be on lines of their own";
    case CfgErr.BadProtocol: return "unknown protocol '%s' (tsboot, linux or efi)";
    case CfgErr.BadTimeout: return "timeout must be a whole number of seconds from 0 to %d, not '%s'";
    case CfgErr.BadSha256: return "sha256 must be 64 hexadecimal digits, not '%s'";
    case CfgErr.BadArch: return "unknown arch '%s' (x86_64 or aarch64)";
    case CfgErr.BadPathChar: return "'%s' is not allowed in a file path";
    case CfgErr.TooManyInitrds: return "more than %d initrd= lines in one entry";
    case CfgErr.InitrdNotLinux: return "initrd= is only for protocol=linux";
    case CfgErr.TsbootCmdlineTooLong: return "a tsboot kernel takes at most 255 bytes of cmdline; this one has %d";
    case CfgErr.MissingProtocol: return "entry '%s' has no protocol= line";
    case CfgErr.MissingPath: return "entry '%s' has no path= line";
    case CfgErr.DuplicateName: return "entry name '%s' is used twice (first on line %d)";
    case CfgErr.TooManyEntries: return "more than %d entries: entry '%s' and the lines after it are ignored";
    case CfgErr.NoEntries: return "no entry= line: nothing to boot";
    case CfgErr.DefaultUnknown: return "default=%s names no entry for this architecture";
    case CfgErr.BadPaging: return "paging must be 4 or 5 (translation levels), not '%s'";
  }
  return "unknown error";
}

function putStr(put: (c: u8) => void, s: cstr): void {
  let p: Ptr<u8> = cast<u8>(s);
  for (let i: u64 = 0; p[i] != 0; i++) put(p[i]);
}

function putDec(put: (c: u8) => void, v: u64): void {
  let d: Arr<u8, 20> = zeroed<Arr<u8, 20>>();
  let n: u32 = 0;
  do {
    d[n] = u8(v % 10);
    v = v / 10;
    n++;
  } while (v != 0);
  while (n > 0) {
    n--;
    put(0x30 + d[n]);
  }
}

/** Writes where stored error i is, `LINE:COL`, through `put` (nothing for a whole-file error). */
export function cfgFormatWhere(c: Ptr<BootCfg>, i: u32, put: (c: u8) => void): void {
  let e: Ptr<CfgError> = addressOf(c.errors[i]);
  if (e.line == 0) return;
  putDec(put, u64(e.line));
  put(0x3A);
  putDec(put, u64(e.col));
}

/** Writes the message of stored error i through `put`: the loader hands its log, cfgcheck its stdout. */
export function cfgFormatMessage(c: Ptr<BootCfg>, i: u32, put: (c: u8) => void): void {
  let e: Ptr<CfgError> = addressOf(c.errors[i]);
  let t: Ptr<u8> = cast<u8>(template(e.code));
  for (let k: u64 = 0; t[k] != 0; k++) {
    if (t[k] != 0x25 || t[k + 1] == 0) {
      put(t[k]);
      continue;
    }
    k++;
    let f: u8 = t[k];
    if (f == 0x73) { // %s
      for (let j: u32 = 0; j < e.textLength; j++) put(e.text[j]);
      if (e.textCut) putStr(put, "...");
    } else if (f == 0x64) { // %d
      putDec(put, e.num);
    } else if (f == 0x78) { // %x: a byte or code point, as 0xNN
      putStr(put, "0x");
      let digits: u32 = e.num > 0xFF ? 4 : 2;
      for (let s: i32 = i32(digits) - 1; s >= 0; s--) {
        let d: u8 = u8((e.num >> u64(s * 4)) & 0xF);
        put(d < 10 ? 0x30 + d : 0x41 + d - 10);
      }
    } else if (f == 0x6B) { // %k
      putStr(put, cfgKeyName(u32(e.num)));
    }
  }
}
