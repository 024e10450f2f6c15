// The loader's configuration file, \tsboot\boot.cfg: UTF-8/ASCII text, one `key=value`
// per line, `#` starts a comment line, blanks around keys and values are ignored, CRLF or
// LF line ends. Keys:
//   kernel=<path on the boot volume>   e.g. kernel=\tsboot\kernel-x86_64.elf ('/' works too)
//   cmdline=<text passed to the kernel in BootInfo.cmdline>
//   paging=4|5                         translation levels for the kernel (x86_64: 5 needs LA57)
// Unknown keys and lines without '=' are reported (by line number) but do not stop the boot.

export const CFG_PATH_MAX = 128;
export const CFG_CMDLINE_MAX = 256;

export interface BootCfg extends Struct {
  /** NUL-terminated ASCII path with '\' separators and a leading '\'. */
  kernelPath: Arr<u8, 128>;
  kernelPathLength: u32;
  cmdlineLength: u32;
  cmdline: Arr<u8, 256>;
  hasKernel: bool;
  hasCmdline: bool;
  /** paging=4|5: the translation levels asked for the kernel; 0 when not given. */
  pagingLevels: u32;
  /** First line whose paging= value is not 4 or 5; 0 if none. */
  badPagingLine: u32;
  /** First line (1-based) that has no '=' / an unknown key / a value too long; 0 if none. */
  badLine: u32;
  unknownKeyLine: u32;
  tooLongLine: u32;
}

function isBlank(c: u8): bool { return c == 0x20 || c == 0x09 || c == 0x0D; }

function keyIs(buf: Ptr<u8>, start: u64, end: u64, key: cstr): bool {
  let k: Ptr<u8> = cast<u8>(key);
  let n: u64 = strlen(key);
  if (end - start != n) return false;
  for (let i: u64 = 0; i < n; i++) {
    if (buf[start + i] != k[i]) return false;
  }
  return true;
}

/** `paging=4` or `paging=5` (one global key, kept apart from the entry keys). */
function parsePaging(buf: Ptr<u8>, vs: u64, vlen: u64, line: u32, out: Ptr<BootCfg>): void {
  if (vlen == 1 && (buf[vs] == 0x34 || buf[vs] == 0x35)) {
    out.pagingLevels = u32(buf[vs] - 0x30);
  } else if (out.badPagingLine == 0) {
    out.badPagingLine = line;
  }
}

/** Parses `len` bytes at `buf` into `out` (which the caller zeroed). Never fails: problems are recorded in out.*Line. */
export function cfgParse(buf: Ptr<u8>, len: u64, out: Ptr<BootCfg>): void {
  let pos: u64 = 0;
  let line: u32 = 0;
  while (pos < len) {
    line++;
    let ls: u64 = pos;
    while (pos < len && buf[pos] != 0x0A) pos++;
    let le: u64 = pos;
    if (pos < len) pos++; // skip '\n'
    while (ls < le && isBlank(buf[ls])) ls++;
    while (le > ls && isBlank(buf[le - 1])) le--;
    if (ls == le || buf[ls] == 0x23) continue; // empty or '#'
    let eq: u64 = ls;
    while (eq < le && buf[eq] != 0x3D) eq++;
    if (eq == le) {
      if (out.badLine == 0) out.badLine = line;
      continue;
    }
    let ke: u64 = eq;
    while (ke > ls && isBlank(buf[ke - 1])) ke--;
    let vs: u64 = eq + 1;
    while (vs < le && isBlank(buf[vs])) vs++;
    let vlen: u64 = le - vs;
    if (keyIs(buf, ls, ke, "kernel")) {
      // One more byte for a leading '\' and one for the NUL.
      if (vlen == 0 || vlen + 2 > CFG_PATH_MAX) {
        if (out.tooLongLine == 0) out.tooLongLine = line;
        continue;
      }
      let n: u32 = 0;
      if (buf[vs] != 0x5C && buf[vs] != 0x2F) {
        out.kernelPath[0] = 0x5C;
        n = 1;
      }
      for (let i: u64 = 0; i < vlen; i++) {
        let c: u8 = buf[vs + i];
        if (c == 0x2F) c = 0x5C; // '/' -> '\'
        out.kernelPath[n] = c;
        n++;
      }
      out.kernelPath[n] = 0;
      out.kernelPathLength = n;
      out.hasKernel = true;
    } else if (keyIs(buf, ls, ke, "cmdline")) {
      if (vlen + 1 > CFG_CMDLINE_MAX) {
        if (out.tooLongLine == 0) out.tooLongLine = line;
        continue;
      }
      for (let i: u64 = 0; i < vlen; i++) out.cmdline[i] = buf[vs + i];
      out.cmdline[vlen] = 0;
      out.cmdlineLength = u32(vlen);
      out.hasCmdline = true;
    } else if (keyIs(buf, ls, ke, "paging")) {
      parsePaging(buf, vs, vlen, line, out);
    } else {
      if (out.unknownKeyLine == 0) out.unknownKeyLine = line;
    }
  }
}
