// The renderer of formatted messages (toolchain/src/lower/format.ts writes them). A
// description is text, with a directive where an argument goes: the mark byte 1, the
// operation (toolchain/src/check/fmt-plan.ts lists them), and for `hex(x, w)` and
// `dec(x, w)` a width byte; two mark bytes stand for one literal mark byte. A Fmt is
// either a description's address (even: no arguments) or the address + 1 of a record: the
// description's address, then one 64-bit slot per argument.
//
// Every function here is @minsize: formatting is never on a hot path, and the renderer is
// linked into every image that prints (loaders must stay small).

const MARK: u8 = 1;
const DIGITS: cstr = "0123456789abcdef";

/**
 * Where a message goes: `put`, one byte per call, or (buf not null) a buffer of `cap`
 * bytes, handed to `flush` whenever it fills (without `flush`, the rest is cut off). It
 * lives in the caller's frame, so that CPUs and nested messages never share one.
 */
interface FmtOut extends Struct {
  put: (c: u8) => void;
  buf: Ptr<u8>;
  cap: usize;
  len: usize;
  flush: (p: Ptr<u8>, n: usize) => void;
}

/** @minsize */
function out(o: Ptr<FmtOut>, c: u8): void {
  if (o.buf == null) {
    o.put(c);
    return;
  }
  if (o.len == o.cap) {
    if (o.flush == null) return;
    o.flush(o.buf, o.len);
    o.len = 0;
  }
  o.buf[o.len] = c;
  o.len++;
}

/** Writes a formatted message to a byte sink, one byte per call.
 * @minsize
 */
export function fmtWrite(f: Fmt, put: (c: u8) => void): void {
  let o: FmtOut = zeroed<FmtOut>();
  o.put = put;
  render(addr(f), addressOf(o));
}

/**
 * Writes a formatted message in pieces of up to 64 bytes, each handed to `flush` (the
 * console writes a message in a few calls rather than one per byte).
 * @minsize
 */
export function fmtFlushed(f: Fmt, flush: (p: Ptr<u8>, n: usize) => void): void {
  let bytes: Arr<u8, 64>;
  let o: FmtOut = zeroed<FmtOut>();
  o.buf = addressOf(bytes[0]);
  o.cap = bytes.length;
  o.flush = flush;
  render(addr(f), addressOf(o));
  if (o.len != 0) flush(o.buf, o.len);
}

/**
 * Writes a formatted message into `buf` (at most cap - 1 bytes and a NUL; the rest is cut
 * off) and returns the number of bytes written before the NUL.
 * @minsize
 */
export function format(buf: Ptr<u8>, cap: usize, f: Fmt): usize {
  if (cap == 0) return 0;
  let o: FmtOut = zeroed<FmtOut>();
  o.buf = buf;
  o.cap = cap - 1;
  render(addr(f), addressOf(o));
  buf[o.len] = 0;
  return o.len;
}

/** @minsize */
function render(f: u64, o: Ptr<FmtOut>): void {
  const rec: Ptr<u64> = ptr<u64>(f & ~u64(1));
  const d: Ptr<u8> = (f & 1) != 0 ? ptr<u8>(rec[0]) : ptr<u8>(f);
  let slot: usize = 1;
  let i: usize = 0;
  while (d[i] != 0) {
    const c: u8 = d[i];
    i++;
    if (c != MARK) {
      out(o, c);
      continue;
    }
    const op: u8 = d[i];
    i++;
    if (op == MARK) {
      out(o, MARK);
      continue;
    }
    let width: u32 = 0;
    if (op == 0x58 || op == 0x64 || op == 0x44) {
      width = u32(d[i]);
      i++;
    }
    const v: u64 = rec[slot];
    slot++;
    if (op == 0x65) {
      putEnum(v, ptr<u64>(rec[slot]), o);
      slot++;
    } else {
      putArg(op, v, width, o);
    }
  }
}

/** @minsize */
function putArg(op: u8, v: u64, width: u32, o: Ptr<FmtOut>): void {
  if (op == 0x75) putDec(v, false, 0, o); // u
  else if (op == 0x69) putDec(v, true, 0, o); // i
  else if (op == 0x64) putDec(v, false, width, o); // d: dec(x, w), unsigned
  else if (op == 0x44) putDec(v, true, width, o); // D: dec(x, w), signed
  else if (op == 0x78) putHex(v, 0, o); // x: hex(x)
  else if (op == 0x58) putHex(v, width, o); // X: hex(x, w)
  else if (op == 0x70) putHex(v, 16, o); // p: a pointer
  else if (op == 0x62) putStr(v != 0 ? "true" : "false", o); // b
  else if (op == 0x73) putBytes(ptr<u8>(v), o); // s: cstr
  else if (op == 0x77) putWide(ptr<u16>(v), o); // w: wstr
  else if (op == 0x7A) putSize(v, o); // z: size(bytes)
  else if (op == 0x63) out(o, u8(v)); // c: chr(c)
  else if (op == 0x66) render(v, o); // f: a Fmt
}

/** @minsize */
function putStr(text: cstr, o: Ptr<FmtOut>): void {
  putBytes(cast<u8>(text), o);
}

/** A NUL-terminated byte string; null prints as `(null)`.
 * @minsize
 */
function putBytes(s: Ptr<u8>, o: Ptr<FmtOut>): void {
  if (s == null) {
    putStr("(null)", o);
    return;
  }
  let i: usize = 0;
  while (s[i] != 0) {
    out(o, s[i]);
    i++;
  }
}

/** Decimal, right-aligned in `width` columns with spaces (C's %*llu / %*lld).
 * @minsize
 */
function putDec(v: u64, signed: bool, width: u32, o: Ptr<FmtOut>): void {
  let buf: Arr<u8, 24>;
  let i: u32 = 24;
  const neg: bool = signed && i64(v) < 0;
  let x: u64 = neg ? 0 - v : v;
  do {
    i--;
    buf[i] = u8(48 + x % 10);
    x = x / 10;
  } while (x != 0);
  if (neg) {
    i--;
    buf[i] = 45;
  }
  for (let n: u32 = 24 - i; n < width; n++) out(o, 32);
  for (; i < 24; i++) out(o, buf[i]);
}

/** `0x` and at least `digits` lower-case hex digits (no leading zeros when 0).
 * @minsize
 */
function putHex(v: u64, digits: u32, o: Ptr<FmtOut>): void {
  let n: u32 = 1;
  while (n < 16 && (v >> u64(4 * n)) != 0) n++;
  if (n < digits) n = digits;
  out(o, 48);
  out(o, 120);
  const hex: Ptr<u8> = cast<u8>(DIGITS);
  for (let k: u32 = n; k > 0; k--) out(o, hex[(v >> u64(4 * (k - 1))) & 15]);
}

/** In the largest unit that divides it exactly: `4 KiB`, `1536 KiB`, `3 GiB`, `4097 B`.
 * @minsize
 */
function putSize(v: u64, o: Ptr<FmtOut>): void {
  let shift: u32 = 0;
  let unit: cstr = " B";
  if (v != 0 && (v & 0x3FFF_FFFF) == 0) { shift = 30; unit = " GiB"; }
  else if (v != 0 && (v & 0xF_FFFF) == 0) { shift = 20; unit = " MiB"; }
  else if (v != 0 && (v & 0x3FF) == 0) { shift = 10; unit = " KiB"; }
  putDec(v >> u64(shift), false, 0, o);
  putStr(unit, o);
}

/** UTF-16 to UTF-8; an unpaired surrogate becomes U+FFFD.
 * @minsize
 */
function putWide(p: Ptr<u16>, o: Ptr<FmtOut>): void {
  if (p == null) {
    putStr("(null)", o);
    return;
  }
  let i: usize = 0;
  while (p[i] != 0) {
    let c: u32 = u32(p[i]);
    i++;
    if (c >= 0xD800 && c < 0xDC00 && p[i] >= 0xDC00 && p[i] < 0xE000) {
      c = 0x10000 + ((c - 0xD800) << 10) + (u32(p[i]) - 0xDC00);
      i++;
    } else if (c >= 0xD800 && c < 0xE000) {
      c = 0xFFFD;
    }
    if (c < 0x80) {
      out(o, u8(c));
    } else if (c < 0x800) {
      out(o, u8(0xC0 | (c >> 6)));
      out(o, u8(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out(o, u8(0xE0 | (c >> 12)));
      out(o, u8(0x80 | ((c >> 6) & 0x3F)));
      out(o, u8(0x80 | (c & 0x3F)));
    } else {
      out(o, u8(0xF0 | (c >> 18)));
      out(o, u8(0x80 | ((c >> 12) & 0x3F)));
      out(o, u8(0x80 | ((c >> 6) & 0x3F)));
      out(o, u8(0x80 | (c & 0x3F)));
    }
  }
}

/** An enum by member name; a value that is no member as `Name(123)`.
 * @minsize
 */
function putEnum(v: u64, table: Ptr<u64>, o: Ptr<FmtOut>): void {
  // table: [address of the enum's name, count, then (value, address of name) per member]
  const n: u64 = table[1];
  for (let k: u64 = 0; k < n; k++) {
    if (table[2 + 2 * k] == v) {
      putBytes(ptr<u8>(table[3 + 2 * k]), o);
      return;
    }
  }
  putBytes(ptr<u8>(table[0]), o);
  out(o, 40);
  putDec(v, false, 0, o);
  out(o, 41);
}
