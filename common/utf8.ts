// UTF-8 decoding (RFC 3629) and conversion to UTF-16, for text the loader reads from disk
// (boot.cfg) and hands to the firmware (file paths, load options), which speaks UTF-16.
//
// Strict: overlong forms, UTF-16 surrogates (U+D800..U+DFFF), code points above U+10FFFF,
// stray continuation bytes and truncated sequences are all invalid, so a byte string
// either has exactly one meaning or is rejected.

/** utf8Decode's result for an invalid sequence. */
export const UTF8_INVALID: i32 = -1;

/**
 * Decodes the sequence at p[i] (i < len). Returns the code point and stores its length in
 * bytes (1..4) in `outLen`, or returns UTF8_INVALID and stores 1.
 */
export function utf8Decode(p: Ptr<u8>, i: u64, len: u64, outLen: Ptr<u32>): i32 {
  let b0: u32 = u32(p[i]);
  outLen[0] = 1;
  if (b0 < 0x80) return i32(b0);
  let need: u32 = 0;
  let cp: u32 = 0;
  let min: u32 = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) { need = 1; cp = b0 & 0x1F; min = 0x80; }
  else if (b0 >= 0xE0 && b0 <= 0xEF) { need = 2; cp = b0 & 0x0F; min = 0x800; }
  else if (b0 >= 0xF0 && b0 <= 0xF4) { need = 3; cp = b0 & 0x07; min = 0x1_0000; }
  else return UTF8_INVALID; // a continuation byte, C0/C1 (always overlong) or F5..FF
  if (i + u64(need) >= len) return UTF8_INVALID; // truncated
  for (let k: u32 = 1; k <= need; k++) {
    let b: u32 = u32(p[i + u64(k)]);
    if ((b & 0xC0) != 0x80) return UTF8_INVALID;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10_FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return UTF8_INVALID;
  outLen[0] = need + 1;
  return i32(cp);
}

/** Whether p[0..len) is valid UTF-8. */
export function utf8Valid(p: Ptr<u8>, len: u64): bool {
  let i: u64 = 0;
  let n: u32 = 0;
  while (i < len) {
    if (utf8Decode(p, i, len, addressOf(n)) < 0) return false;
    i += u64(n);
  }
  return true;
}

/** Code points in the valid UTF-8 text p[0..len): a bytewise count of non-continuation bytes. */
export function utf8Count(p: Ptr<u8>, len: u64): u64 {
  let n: u64 = 0;
  for (let i: u64 = 0; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) n++;
  }
  return n;
}

/** utf8ToUtf16's result when the input is not valid UTF-8. */
export const UTF16_BAD_INPUT: i64 = -1;
/** utf8ToUtf16's result when the output does not fit. */
export const UTF16_TOO_LONG: i64 = -2;

/**
 * Converts the UTF-8 text src[0..len) to NUL-terminated UTF-16 in dst (room for `cap`
 * units, the NUL included); code points above U+FFFF become surrogate pairs. Returns the
 * number of units written without the NUL, UTF16_BAD_INPUT or UTF16_TOO_LONG.
 */
export function utf8ToUtf16(src: Ptr<u8>, len: u64, dst: Ptr<u16>, cap: u64): i64 {
  let i: u64 = 0;
  let o: u64 = 0;
  let n: u32 = 0;
  while (i < len) {
    let cp: i32 = utf8Decode(src, i, len, addressOf(n));
    if (cp < 0) return UTF16_BAD_INPUT;
    i += u64(n);
    if (cp >= 0x1_0000) {
      if (o + 3 > cap) return UTF16_TOO_LONG;
      let v: u32 = u32(cp) - 0x1_0000;
      dst[o] = u16(0xD800 + (v >> 10));
      dst[o + 1] = u16(0xDC00 + (v & 0x3FF));
      o += 2;
    } else {
      if (o + 2 > cap) return UTF16_TOO_LONG;
      dst[o] = u16(cp);
      o++;
    }
  }
  if (cap == 0) return UTF16_TOO_LONG;
  dst[o] = 0;
  return i64(o);
}

/**
 * Converts UTF-16 src[0..n) to UTF-8 in dst (room for `cap` bytes, a NUL included).
 * Returns the bytes written without the NUL, UTF16_BAD_INPUT for an unpaired surrogate or
 * UTF16_TOO_LONG.
 */
export function utf16ToUtf8(src: Ptr<u16>, n: u64, dst: Ptr<u8>, cap: u64): i64 {
  let o: u64 = 0;
  let i: u64 = 0;
  while (i < n) {
    let cp: u32 = u32(src[i]);
    i++;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i >= n || src[i] < 0xDC00 || src[i] > 0xDFFF) return UTF16_BAD_INPUT;
      cp = 0x1_0000 + ((cp - 0xD800) << 10) + (u32(src[i]) - 0xDC00);
      i++;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return UTF16_BAD_INPUT;
    }
    let bytes: u64 = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x1_0000 ? 3 : 4;
    if (o + bytes + 1 > cap) return UTF16_TOO_LONG;
    if (bytes == 1) {
      dst[o] = u8(cp);
    } else if (bytes == 2) {
      dst[o] = u8(0xC0 | (cp >> 6));
      dst[o + 1] = u8(0x80 | (cp & 0x3F));
    } else if (bytes == 3) {
      dst[o] = u8(0xE0 | (cp >> 12));
      dst[o + 1] = u8(0x80 | ((cp >> 6) & 0x3F));
      dst[o + 2] = u8(0x80 | (cp & 0x3F));
    } else {
      dst[o] = u8(0xF0 | (cp >> 18));
      dst[o + 1] = u8(0x80 | ((cp >> 12) & 0x3F));
      dst[o + 2] = u8(0x80 | ((cp >> 6) & 0x3F));
      dst[o + 3] = u8(0x80 | (cp & 0x3F));
    }
    o += bytes;
  }
  if (cap == 0) return UTF16_TOO_LONG;
  dst[o] = 0;
  return i64(o);
}
