// The loader's configuration file, \tsboot\boot.cfg: the one parser of it (the loader
// uses it, and tests/subset/cfgcheck runs it on Linux). docs/boot-protocol.md gives the
// grammar for users; this is the contract in short.
//
// Text: UTF-8 throughout (validated; an optional BOM at the very start is skipped), lines
// end in LF or CRLF. A line is blank, a comment (its first non-blank character is '#';
// there are no end-of-line comments), or `key=value` with blanks (space, tab) around the
// key and the value ignored. NUL, every other control character (C0, DEL, C1) and a BOM
// anywhere else are errors. Keys are lower case; a key that matches one only in case is
// an error, as is an unknown key.
//
// Structure: global keys first (timeout=, default=, paging=, verbose=), then entries. `entry=<name>` starts
// an entry; the keys after it, up to the next entry=, belong to it:
//   protocol=tsboot|linux|efi   required
//   path=<file>                 required; '/' or '\' separators, a leading '\' is implied
//   cmdline=<text>              optional; at most 255 bytes for protocol=tsboot
//   initrd=<file>               linux only; repeatable, the files are concatenated
//   sha256=<64 hex digits>      optional; the hash of the path= file
//   arch=x86_64|aarch64         optional; the entry exists only for that loader
//
// Errors never fall back to a default. Each one is recorded with its line and column
// (columns count characters from 1). An error on a line inside an entry's block breaks
// that entry: it is listed but can never be booted. An error before the first entry (or
// about the file as a whole) is a file error. Which entries remain bootable, and what the
// loader does when none does, is the loader's decision (loader/menu.ts).

import { utf8Decode } from "./utf8";
import { nameAt } from "./names";

export const enum CfgProtocol { None = 0, Tsboot = 1, Linux = 2, Efi = 3 }
/** An entry's arch= (Any without one); the values of BootArch. */
export const enum CfgArch { Any = 0, X86_64 = 1, Aarch64 = 2 }

export const CFG_MAX_ENTRIES = 16;
/** Bytes of an entry name, without the NUL. */
export const CFG_NAME_MAX = 63;
/** Bytes of a stored path: the leading '\', the text and the NUL. */
export const CFG_PATH_MAX = 256;
/** Bytes of a cmdline, without the NUL. */
export const CFG_CMDLINE_MAX = 1023;
/** What BootInfo.cmdline holds (256 bytes with the NUL). */
export const CFG_TSBOOT_CMDLINE_MAX = 255;
export const CFG_MAX_INITRDS = 8;
export const CFG_TIMEOUT_MAX = 3600;
const CFG_MAX_ERRORS = 24;
/** Bytes of an offending token kept for the message. */
const CFG_TEXT_MAX = 40;

/** The keys, in the order messages list them. */
export const enum CfgKey {
  Entry = 0, Protocol, Path, Cmdline, Initrd, Sha256, Arch, Timeout, Default, Paging, Verbose, Count,
}

export const enum CfgErr {
  None = 0,
  BadUtf8, Nul, Control, Bom, NoEquals, EmptyKey, UnknownKey, KeyCase, OldKernelKey,
  NeedsEntry, GlobalInEntry, Duplicate, EmptyValue, TooLong, EolComment, BadProtocol,
  BadTimeout, BadSha256, BadArch, BadPathChar, TooManyInitrds, InitrdNotLinux,
  TsbootCmdlineTooLong, MissingProtocol, MissingPath, DuplicateName, TooManyEntries,
  NoEntries, DefaultUnknown, BadPaging, BadVerbose,
}

export interface CfgPath extends Struct {
  /** NUL-terminated UTF-8, '\' separators, a leading '\'. */
  bytes: Arr<u8, 256>;
  length: u32;
  line: u32;
}

export interface CfgEntry extends Struct {
  /** NUL-terminated UTF-8. */
  name: Arr<u8, 64>;
  nameLength: u32;
  /** The entry= line. */
  line: u32;
  protocol: CfgProtocol;
  arch: CfgArch;
  path: CfgPath;
  /** NUL-terminated UTF-8. */
  cmdline: Arr<u8, 1024>;
  cmdlineLength: u32;
  cmdlineLine: u32;
  initrdCount: u32;
  initrds: Arr<CfgPath, 8>;
  sha256: Arr<u8, 32>;
  hasSha256: bool;
  /** Errors on this entry's lines; an entry with any is broken and never booted. */
  errorCount: u32;
  /** Bit k: key k appeared (valid or not); keyLine[k]: its first line. */
  seen: u32;
  keyLine: Arr<u32, 11>;
}

export interface CfgError extends Struct {
  code: CfgErr;
  /** 1-based; line 0: about the file as a whole. */
  line: u32;
  col: u32;
  /** The entry whose block holds the line, -1 for the global part. */
  entry: i32;
  /** A number the message shows: a byte, a limit, an earlier line, a key. */
  num: u64;
  /** The offending token (a key, a value, a name), cut at a character boundary. */
  text: Arr<u8, 40>;
  textLength: u32;
  textCut: bool;
}

export interface BootCfg extends Struct {
  /** The architecture the entries were resolved for (CfgArch). */
  arch: CfgArch;
  entryCount: u32;
  entries: Arr<CfgEntry, 16>;
  timeout: u32;
  hasTimeout: bool;
  /** The entry to preselect: default= resolved for `arch`, else the first entry for it; -1 if none. */
  defaultIndex: i32;
  defaultName: Arr<u8, 64>;
  defaultNameLength: u32;
  /** paging=4|5: the translation levels of a tsboot kernel's tables; 0 without the key (4). */
  pagingLevels: u32;
  /** verbose=no: the loader's detail lines (serial only) are left out. */
  quiet: bool;
  /** Errors found, stored or not; sorted by line and column. */
  errorCount: u32;
  storedErrors: u32;
  /** File errors (outside every entry). */
  globalErrors: u32;
  errors: Arr<CfgError, 24>;
  seen: u32;
  keyLine: Arr<u32, 11>;
}

/** An entry's name as text (it is NUL-terminated), for messages: `${cfgName(e)}`. */
export function cfgName(e: Ptr<CfgEntry>): cstr { return asCstr(addressOf(e.name[0])); }

/** A stored path as text (NUL-terminated UTF-8, '\' separators). */
export function cfgPathText(p: Ptr<CfgPath>): cstr { return asCstr(addressOf(p.bytes[0])); }

/** An entry's command line as text (NUL-terminated; empty when it has none). */
export function cfgCmdline(e: Ptr<CfgEntry>): cstr { return asCstr(addressOf(e.cmdline[0])); }

/** Whether entry `e` exists for the loader of `arch`. */
export function cfgEntryVisible(e: Ptr<CfgEntry>, arch: CfgArch): bool {
  return e.arch == CfgArch.Any || e.arch == arch;
}

/** By CfgKey (common/names.ts). */
const KEY_NAMES: cstr = "entry\0protocol\0path\0cmdline\0initrd\0sha256\0arch\0timeout\0default\0paging\0verbose\0";

export function cfgKeyName(k: u32): cstr {
  return nameAt(KEY_NAMES, u64(k), "?");
}

export function cfgProtocolName(p: CfgProtocol): cstr {
  return nameAt("none\0tsboot\0linux\0efi\0", u64(p), "none");
}

/** The global keys are the last ones of CfgKey. */
function isGlobalKey(k: u32): bool { return k >= CfgKey.Timeout; }

// ---- the parse ------------------------------------------------------------------------

/** The entry index of lines after a 17th entry=: they are skipped (one error says so). */
const IGNORED: i32 = -2;

let buf: Ptr<u8> = null;
let cfg: Ptr<BootCfg> = null;
/** Offset of the current line's first byte (column 1). */
let lineStart: u64 = 0;
let lineNo: u32 = 0;
/** The entry whose block we are in; -1 before the first entry=. */
let cur: i32 = -1;

function isBlank(c: u8): bool { return c == 0x20 || c == 0x09; }

/** The column of byte offset `off` on the current line (the line before it is valid UTF-8). */
function colAt(off: u64): u32 {
  let n: u32 = 1;
  for (let i: u64 = lineStart; i < off; i++) {
    if ((buf[i] & 0xC0) != 0x80) n++;
  }
  return n;
}

/**
 * Records an error for entry `entry` (-1: a file error).
 * @noinline
 */
function errorAt(code: CfgErr, entry: i32, line: u32, col: u32, num: u64, text: Ptr<u8>, textLen: u64): void {
  cfg.errorCount++;
  if (entry >= 0) cfg.entries[entry].errorCount++;
  else cfg.globalErrors++;
  if (cfg.storedErrors >= CFG_MAX_ERRORS) return;
  let e: Ptr<CfgError> = addressOf(cfg.errors[cfg.storedErrors]);
  cfg.storedErrors++;
  e.code = code;
  e.line = line;
  e.col = col;
  e.entry = entry;
  e.num = num;
  let n: u64 = textLen;
  e.textCut = false;
  if (n > CFG_TEXT_MAX - 1) {
    n = CFG_TEXT_MAX - 1;
    while (n > 0 && (text[n] & 0xC0) == 0x80) n--; // keep whole characters
    e.textCut = true;
  }
  if (n > 0) memcpy(addressOf(e.text[0]), text, n);
  e.text[n] = 0;
  e.textLength = u32(n);
}

/**
 * An error at byte offset `off` of the current line, in the current block.
 * @noinline
 */
function error(code: CfgErr, off: u64, num: u64, text: Ptr<u8>, textLen: u64): void {
  errorAt(code, cur == IGNORED ? -1 : cur, lineNo, colAt(off), num, text, textLen);
}

/** An error whose token is the name of key k (the key= it is about). */
function errorKey(code: CfgErr, off: u64, num: u64, k: u32): void {
  let name: cstr = cfgKeyName(k);
  error(code, off, num, cast<u8>(name), strlen(name));
}

function bytesEqual(p: Ptr<u8>, n: u64, s: cstr, ignoreCase: bool): bool {
  let q: Ptr<u8> = cast<u8>(s);
  if (strlen(s) != n) return false;
  for (let i: u64 = 0; i < n; i++) {
    let c: u8 = p[i];
    if (ignoreCase && c >= 0x41 && c <= 0x5A) c += 0x20;
    if (c != q[i]) return false;
  }
  return true;
}

/**
 * Checks the encoding of bytes [from, to) of the current line; records the first problem
 * and returns false, or returns true.
 */
function checkText(from: u64, to: u64): bool {
  let i: u64 = from;
  let n: u32 = 0;
  while (i < to) {
    let cp: i32 = utf8Decode(buf, i, to, addressOf(n));
    if (cp < 0) {
      error(CfgErr.BadUtf8, i, u64(buf[i]), null, 0);
      return false;
    }
    if (cp == 0) {
      error(CfgErr.Nul, i, 0, null, 0);
      return false;
    }
    if ((cp < 0x20 && cp != 0x09) || (cp >= 0x7F && cp < 0xA0)) {
      error(CfgErr.Control, i, u64(cp), null, 0);
      return false;
    }
    if (cp == 0xFEFF) {
      error(CfgErr.Bom, i, 0, null, 0);
      return false;
    }
    i += u64(n);
  }
  return true;
}

/** The key [p, p+n) as a CfgKey, or -1 after recording why not. */
function lookupKey(p: u64, n: u64): i32 {
  let key: Ptr<u8> = addressOf(buf[p]);
  for (let k: u32 = 0; k < CfgKey.Count; k++) {
    if (!bytesEqual(key, n, cfgKeyName(k), true)) continue;
    if (bytesEqual(key, n, cfgKeyName(k), false)) return i32(k);
    error(CfgErr.KeyCase, p, u64(k), key, n);
    keySeen(k); // one mistake, one message: not also "has no path= line"
    return -1;
  }
  error(bytesEqual(key, n, "kernel", true) ? CfgErr.OldKernelKey : CfgErr.UnknownKey, p, 0, key, n);
  return -1;
}

function hexDigit(c: u8): i32 {
  if (c >= 0x30 && c <= 0x39) return i32(c - 0x30);
  if (c >= 0x61 && c <= 0x66) return i32(c - 0x61 + 10);
  if (c >= 0x41 && c <= 0x46) return i32(c - 0x41 + 10);
  return -1;
}

/** Stores the path value [vs, ve) into `out`, or records why it cannot be one. */
function parsePath(k: u32, vs: u64, ve: u64, out: Ptr<CfgPath>): void {
  let n: u64 = ve - vs;
  let lead: u64 = buf[vs] == 0x5C || buf[vs] == 0x2F ? 0 : 1;
  if (n + lead + 1 > CFG_PATH_MAX) {
    errorKey(CfgErr.TooLong, vs, CFG_PATH_MAX - 2, k);
    return;
  }
  for (let i: u64 = vs; i < ve; i++) {
    let c: u8 = buf[i];
    // The characters UEFI's file-name rules (and FAT) exclude; ':' would read as a device.
    if (c == 0x22 || c == 0x2A || c == 0x3A || c == 0x3C || c == 0x3E || c == 0x3F || c == 0x7C) {
      error(CfgErr.BadPathChar, i, 0, addressOf(buf[i]), 1);
      return;
    }
  }
  let o: u32 = 0;
  if (lead == 1) {
    out.bytes[0] = 0x5C;
    o = 1;
  }
  for (let i: u64 = vs; i < ve; i++) {
    out.bytes[o] = buf[i] == 0x2F ? 0x5C : buf[i];
    o++;
  }
  out.bytes[o] = 0;
  out.length = o;
  out.line = lineNo;
}

function startEntry(vs: u64, ve: u64): void {
  if (cur == IGNORED) return;
  if (cfg.entryCount >= CFG_MAX_ENTRIES) {
    cur = -1; // the error below is a file error
    error(CfgErr.TooManyEntries, vs, CFG_MAX_ENTRIES, addressOf(buf[vs]), ve - vs);
    cur = IGNORED;
    return;
  }
  cur = i32(cfg.entryCount);
  cfg.entryCount++;
  let e: Ptr<CfgEntry> = addressOf(cfg.entries[cur]);
  e.line = lineNo;
}

function setName(e: Ptr<CfgEntry>, vs: u64, ve: u64): void {
  let n: u64 = ve - vs;
  if (n > CFG_NAME_MAX) {
    errorKey(CfgErr.TooLong, vs, CFG_NAME_MAX, CfgKey.Entry);
    return;
  }
  memcpy(addressOf(e.name[0]), addressOf(buf[vs]), n);
  e.name[n] = 0;
  e.nameLength = u32(n);
}

/** The end-of-entry checks: required keys and the rules that span lines. */
function finishEntry(i: i32): void {
  if (i < 0) return;
  let e: Ptr<CfgEntry> = addressOf(cfg.entries[i]);
  let name: Ptr<u8> = addressOf(e.name[0]);
  if ((e.seen & (1 << CfgKey.Protocol)) == 0) {
    errorAt(CfgErr.MissingProtocol, i, e.line, 1, 0, name, u64(e.nameLength));
  }
  if ((e.seen & (1 << CfgKey.Path)) == 0) {
    errorAt(CfgErr.MissingPath, i, e.line, 1, 0, name, u64(e.nameLength));
  }
  if (e.initrdCount > 0 && e.protocol != CfgProtocol.Linux && e.protocol != CfgProtocol.None) {
    errorAt(CfgErr.InitrdNotLinux, i, e.keyLine[CfgKey.Initrd], 1, 0, null, 0);
  }
  if (e.protocol == CfgProtocol.Tsboot && e.cmdlineLength > CFG_TSBOOT_CMDLINE_MAX) {
    errorAt(CfgErr.TsbootCmdlineTooLong, i, e.cmdlineLine, 1, u64(e.cmdlineLength), null, 0);
  }
}

/** Whether a key may appear once more in the current block; records a duplicate. */
function firstTime(k: u32, ks: u64, seen: Ptr<u32>, keyLine: Ptr<u32>): bool {
  if ((seen[0] & (1 << k)) != 0 && k != CfgKey.Initrd) {
    errorKey(CfgErr.Duplicate, ks, u64(keyLine[k]), k);
    return false;
  }
  if ((seen[0] & (1 << k)) == 0) keyLine[k] = lineNo;
  seen[0] |= 1 << k;
  return true;
}

function parseGlobal(k: u32, vs: u64, ve: u64): void {
  let n: u64 = ve - vs;
  if (k == CfgKey.Timeout) {
    let v: u32 = 0;
    let ok: bool = n > 0 && n <= 8;
    for (let i: u64 = vs; ok && i < ve; i++) {
      if (buf[i] < 0x30 || buf[i] > 0x39) ok = false;
      else v = v * 10 + u32(buf[i] - 0x30);
    }
    if (!ok || v > CFG_TIMEOUT_MAX) {
      error(CfgErr.BadTimeout, vs, CFG_TIMEOUT_MAX, addressOf(buf[vs]), n);
      return;
    }
    cfg.timeout = v;
    cfg.hasTimeout = true;
  } else if (k == CfgKey.Paging) {
    if (n != 1 || (buf[vs] != 0x34 && buf[vs] != 0x35)) {
      error(CfgErr.BadPaging, vs, 0, addressOf(buf[vs]), n);
      return;
    }
    cfg.pagingLevels = u32(buf[vs] - 0x30);
  } else if (k == CfgKey.Verbose) {
    let v: Ptr<u8> = addressOf(buf[vs]);
    if (bytesEqual(v, n, "no", false)) cfg.quiet = true;
    else if (!bytesEqual(v, n, "yes", false)) error(CfgErr.BadVerbose, vs, 0, v, n);
  } else {
    if (n > CFG_NAME_MAX) {
      errorKey(CfgErr.TooLong, vs, CFG_NAME_MAX, CfgKey.Default);
      return;
    }
    memcpy(addressOf(cfg.defaultName[0]), addressOf(buf[vs]), n);
    cfg.defaultName[n] = 0;
    cfg.defaultNameLength = u32(n);
  }
}

function parseEntryKey(k: u32, vs: u64, ve: u64): void {
  let e: Ptr<CfgEntry> = addressOf(cfg.entries[cur]);
  let v: Ptr<u8> = addressOf(buf[vs]);
  let n: u64 = ve - vs;
  if (k == CfgKey.Entry) {
    setName(e, vs, ve);
  } else if (k == CfgKey.Protocol) {
    if (bytesEqual(v, n, "tsboot", false)) e.protocol = CfgProtocol.Tsboot;
    else if (bytesEqual(v, n, "linux", false)) e.protocol = CfgProtocol.Linux;
    else if (bytesEqual(v, n, "efi", false)) e.protocol = CfgProtocol.Efi;
    else error(CfgErr.BadProtocol, vs, 0, v, n);
  } else if (k == CfgKey.Path) {
    parsePath(k, vs, ve, addressOf(e.path));
  } else if (k == CfgKey.Cmdline) {
    if (n > CFG_CMDLINE_MAX) {
      errorKey(CfgErr.TooLong, vs, CFG_CMDLINE_MAX, CfgKey.Cmdline);
      return;
    }
    if (n > 0) memcpy(addressOf(e.cmdline[0]), v, n);
    e.cmdline[n] = 0;
    e.cmdlineLength = u32(n);
    e.cmdlineLine = lineNo;
  } else if (k == CfgKey.Initrd) {
    if (e.initrdCount >= CFG_MAX_INITRDS) {
      error(CfgErr.TooManyInitrds, vs, CFG_MAX_INITRDS, null, 0);
      return;
    }
    parsePath(k, vs, ve, addressOf(e.initrds[e.initrdCount]));
    e.initrdCount++;
  } else if (k == CfgKey.Sha256) {
    let ok: bool = n == 64;
    for (let i: u64 = 0; ok && i < 64; i += 2) {
      let hi: i32 = hexDigit(v[i]);
      let lo: i32 = hexDigit(v[i + 1]);
      if (hi < 0 || lo < 0) ok = false;
      else e.sha256[i / 2] = u8(hi * 16 + lo);
    }
    if (!ok) {
      error(CfgErr.BadSha256, vs, 0, v, n);
      return;
    }
    e.hasSha256 = true;
  } else if (k == CfgKey.Arch) {
    if (bytesEqual(v, n, "x86_64", false)) e.arch = CfgArch.X86_64;
    else if (bytesEqual(v, n, "aarch64", false)) e.arch = CfgArch.Aarch64;
    else error(CfgErr.BadArch, vs, 0, v, n);
  }
}

/** Key k counts as given in the current block (for the missing-key checks). */
function keySeen(k: u32): void {
  if (cur >= 0) cfg.entries[cur].seen |= 1 << k;
  else if (cur == -1) cfg.seen |= 1 << k;
}

/**
 * After an encoding error on a line: when it starts with a known key, that key counts as
 * given, so that a bad path= line is not also reported as a missing one.
 */
function markKeySeen(p: u64, end: u64): void {
  let eq: u64 = p;
  while (eq < end && buf[eq] != 0x3D) eq++;
  let ke: u64 = eq;
  while (ke > p && isBlank(buf[ke - 1])) ke--;
  if (eq == end || ke == p) return;
  for (let k: u32 = 0; k < CfgKey.Count; k++) {
    if (bytesEqual(addressOf(buf[p]), ke - p, cfgKeyName(k), false)) keySeen(k);
  }
}

function parseLine(ls: u64, end: u64): void {
  lineStart = ls;
  let p: u64 = ls;
  while (p < end && isBlank(buf[p])) p++;
  if (p == end) return;
  // Whether this line starts an entry is decided on ASCII alone, before anything else, so
  // that the lines after even a malformed entry= line are attributed to the new entry.
  let q: u64 = p;
  while (q < end && buf[q] != 0x3D && !isBlank(buf[q])) q++;
  let r: u64 = q;
  while (r < end && isBlank(buf[r])) r++;
  if (r < end && buf[r] == 0x3D && bytesEqual(addressOf(buf[p]), q - p, "entry", false)) {
    finishEntry(cur);
    startEntry(r + 1, end);
  }
  if (cur == IGNORED) return;
  if (!checkText(ls, end)) {
    markKeySeen(p, end);
    return;
  }
  if (buf[p] == 0x23) return; // a comment
  let eq: u64 = p;
  while (eq < end && buf[eq] != 0x3D) eq++;
  if (eq == end) {
    error(CfgErr.NoEquals, p, 0, addressOf(buf[p]), end - p);
    return;
  }
  let ke: u64 = eq;
  while (ke > p && isBlank(buf[ke - 1])) ke--;
  if (ke == p) {
    error(CfgErr.EmptyKey, p, 0, null, 0);
    return;
  }
  let vs: u64 = eq + 1;
  while (vs < end && isBlank(buf[vs])) vs++;
  let ve: u64 = end;
  while (ve > vs && isBlank(buf[ve - 1])) ve--;
  let k: i32 = lookupKey(p, ke - p);
  if (k < 0) return;
  let key: u32 = u32(k);
  if (isGlobalKey(key)) {
    if (cur >= 0) {
      errorKey(CfgErr.GlobalInEntry, p, 0, key);
      return;
    }
    if (!firstTime(key, p, addressOf(cfg.seen), addressOf(cfg.keyLine[0]))) return;
  } else {
    if (cur < 0) {
      errorKey(CfgErr.NeedsEntry, p, 0, key);
      return;
    }
    let e: Ptr<CfgEntry> = addressOf(cfg.entries[cur]);
    if (!firstTime(key, p, addressOf(e.seen), addressOf(e.keyLine[0]))) return;
  }
  // The key counts as given from here on, even if its value is refused below, so that
  // a bad path= line is not also reported as a missing one.
  for (let i: u64 = vs; i < ve; i++) {
    if (buf[i] == 0x09) {
      error(CfgErr.Control, i, 9, null, 0);
      return;
    }
    if (buf[i] == 0x23 && isBlank(buf[i - 1])) {
      error(CfgErr.EolComment, i, 0, null, 0);
      return;
    }
  }
  if (vs == ve && key != CfgKey.Cmdline) {
    errorKey(CfgErr.EmptyValue, eq, 0, key);
    return;
  }
  if (isGlobalKey(key)) parseGlobal(key, vs, ve);
  else parseEntryKey(key, vs, ve);
}

function namesEqual(a: Ptr<CfgEntry>, b: Ptr<u8>, n: u32): bool {
  return a.nameLength == n && memcmp(addressOf(a.name[0]), b, u64(n)) == 0;
}

function archesOverlap(a: CfgArch, b: CfgArch): bool {
  return a == CfgArch.Any || b == CfgArch.Any || a == b;
}

function errorAfter(a: Ptr<CfgError>, b: Ptr<CfgError>): bool {
  let la: u32 = a.line == 0 ? 0xFFFF_FFFF : a.line;
  let lb: u32 = b.line == 0 ? 0xFFFF_FFFF : b.line;
  return la > lb || (la == lb && a.col > b.col);
}

/** Checks that span the file: duplicate names, default=, at least one entry. */
function resolve(): void {
  let total: u32 = cfg.entryCount;
  if (total == 0 && cur != IGNORED) errorAt(CfgErr.NoEntries, -1, 0, 0, 0, null, 0);
  for (let j: u32 = 1; j < total; j++) {
    let b: Ptr<CfgEntry> = addressOf(cfg.entries[j]);
    if (b.nameLength == 0) continue;
    for (let i: u32 = 0; i < j; i++) {
      let a: Ptr<CfgEntry> = addressOf(cfg.entries[i]);
      if (namesEqual(a, addressOf(b.name[0]), b.nameLength) && archesOverlap(a.arch, b.arch)) {
        errorAt(CfgErr.DuplicateName, i32(j), b.line, 1, u64(a.line), addressOf(b.name[0]), u64(b.nameLength));
        break;
      }
    }
  }
  cfg.defaultIndex = -1;
  if ((cfg.seen & (1 << CfgKey.Default)) != 0 && cfg.defaultNameLength > 0) {
    for (let i: u32 = 0; i < total; i++) {
      let e: Ptr<CfgEntry> = addressOf(cfg.entries[i]);
      if (cfgEntryVisible(e, cfg.arch) && namesEqual(e, addressOf(cfg.defaultName[0]), cfg.defaultNameLength)) {
        cfg.defaultIndex = i32(i);
        break;
      }
    }
    if (cfg.defaultIndex < 0) {
      errorAt(CfgErr.DefaultUnknown, -1, cfg.keyLine[CfgKey.Default], 1, 0,
        addressOf(cfg.defaultName[0]), u64(cfg.defaultNameLength));
    }
  }
  if (cfg.defaultIndex < 0) {
    for (let i: u32 = 0; i < total; i++) {
      if (cfgEntryVisible(addressOf(cfg.entries[i]), cfg.arch)) {
        cfg.defaultIndex = i32(i);
        break;
      }
    }
  }
  // Errors in file order (the end-of-entry and whole-file checks add theirs late);
  // whole-file errors (line 0) last.
  for (let i: u32 = 1; i < cfg.storedErrors; i++) {
    let j: u32 = i;
    while (j > 0 && errorAfter(addressOf(cfg.errors[j - 1]), addressOf(cfg.errors[j]))) {
      let t: CfgError = cfg.errors[j];
      cfg.errors[j] = cfg.errors[j - 1];
      cfg.errors[j - 1] = t;
      j--;
    }
  }
}

/**
 * Parses boot.cfg (`len` bytes at `text`) into `out` for the loader of `arch`. Never
 * fails as such: every problem is in out.errors, attributed to an entry or to the file.
 */
export function cfgParse(text: Ptr<u8>, len: u64, arch: CfgArch, out: Ptr<BootCfg>): void {
  memset(cast<u8>(out), 0, sizeof<BootCfg>());
  buf = text;
  cfg = out;
  cfg.arch = arch;
  cur = -1;
  lineNo = 0;
  let pos: u64 = 0;
  // A byte order mark is not text: editors that write one (Notepad) show none.
  if (len >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF) pos = 3;
  while (pos < len) {
    lineNo++;
    let ls: u64 = pos;
    while (pos < len && text[pos] != 0x0A) pos++;
    let end: u64 = pos;
    if (pos < len) pos++;
    if (end > ls && text[end - 1] == 0x0D) end--;
    parseLine(ls, end);
  }
  if (cur >= 0) finishEntry(cur);
  resolve();
  buf = null;
  cfg = null;
}
