// The messages of boot.cfg errors (common/cfg.ts records them; this writes them out). One
// formatter for every reader: the loader hands its log as the sink, cfgcheck its stdout.

import { type BootCfg, type CfgError, CfgErr, cfgKeyName } from "./cfg";
import { nameAt } from "./names";

/**
 * The message of each error code, in CfgErr order from BadUtf8 on (common/names.ts); %s
 * is the token, %d / %x the number, %k the key it names.
 */
const TEMPLATES: cstr = "\
invalid UTF-8 (byte %x): boot.cfg must be UTF-8 text\0\
NUL byte: boot.cfg must be text\0\
control character %x: only blanks may surround keys and values\0\
byte order mark (U+FEFF) after the start of the file\0\
expected key=value, not '%s'\0\
expected key=value: the key is missing\0\
unknown key '%s' (entry keys: entry protocol path cmdline initrd sha256 arch; global: timeout default paging verbose)\0\
unknown key '%s': keys are lower case, write '%k'\0\
'%s' is not a key: write an entry (entry=<name>, protocol=tsboot, path=<file>)\0\
'%s' belongs to an entry: start one with entry=<name> above it\0\
'%s' is a global key: move it above the first entry=\0\
'%s' is given twice (first on line %d)\0\
'%s' needs a value\0\
the value of '%s' is too long (at most %d bytes)\0\
'#' after a value: comments must be on lines of their own\0\
unknown protocol '%s' (tsboot, linux or efi)\0\
timeout must be a whole number of seconds from 0 to %d, not '%s'\0\
sha256 must be 64 hexadecimal digits, not '%s'\0\
unknown arch '%s' (x86_64 or aarch64)\0\
'%s' is not allowed in a file path\0\
more than %d initrd= lines in one entry\0\
initrd= is only for protocol=linux\0\
a tsboot kernel takes at most 255 bytes of cmdline; this one has %d\0\
entry '%s' has no protocol= line\0\
entry '%s' has no path= line\0\
entry name '%s' is used twice (first on line %d)\0\
more than %d entries: entry '%s' and the lines after it are ignored\0\
no entry= line: nothing to boot\0\
default=%s names no entry for this architecture\0\
paging must be 4 or 5 (translation levels), not '%s'\0\
verbose must be yes or no, not '%s'\0\
";

function template(code: CfgErr): cstr {
  return code == CfgErr.None ? "unknown error" : nameAt(TEMPLATES, u64(code) - 1, "unknown error");
}

/** Writes where stored error i is, `LINE:COL`, through `put` (nothing for a whole-file error). */
export function cfgFormatWhere(c: Ptr<BootCfg>, i: u32, put: (c: u8) => void): void {
  let e: Ptr<CfgError> = addressOf(c.errors[i]);
  if (e.line != 0) fmtWrite(`${e.line}:${e.col}`, put);
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
    if (f == 0x73) { // %s: the token (NUL-terminated), "..." when it was cut
      const text: cstr = asCstr(addressOf(e.text[0]));
      fmtWrite(`${text}${e.textCut ? "..." : ""}`, put);
    } else if (f == 0x64) { // %d
      fmtWrite(`${e.num}`, put);
    } else if (f == 0x78) { // %x: a byte or code point, as 0xNN or 0xNNNN (upper case)
      fmtWrite(`0x`, put);
      let digits: u32 = e.num > 0xFF ? 4 : 2;
      for (let s: i32 = i32(digits) - 1; s >= 0; s--) {
        let d: u8 = u8((e.num >> u64(s * 4)) & 0xF);
        put(d < 10 ? 0x30 + d : 0x41 + d - 10);
      }
    } else if (f == 0x6B) { // %k
      fmtWrite(cfgKeyName(u32(e.num)), put);
    }
  }
}
