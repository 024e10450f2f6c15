// The framebuffer console: draws console bytes (the kernel's `[kernel]` lines) with a
// bitmap font on the GOP framebuffer the loader describes in the boot info, and a large
// PASS / FAIL verdict a person can read from across the room. Most laptops have no serial
// port; after ExitBootServices this is the only output they show. See docs/console.md.
//
// One console per program (module state), so that `fbconSink` fits `setConsoleSink`.
//
// Pixel formats (UEFI GOP): PixelRedGreenBlueReserved8BitPerColor (byte 0 = red),
// PixelBlueGreenRedReserved8BitPerColor (byte 0 = blue), and PixelBitMask with arbitrary
// contiguous red/green/blue masks in 1..4-byte pixels (e.g. 5:6:5 in 16 bits, 10:10:10 in
// 32). Every format is handled through masks: a colour is encoded once into the native
// pixel value, and drawing stores that value. The pitch is in bytes (GOP's
// PixelsPerScanLine times the pixel size) and may be larger than the visible width; the
// bytes between width and pitch are never written except when scrolling moves whole rows.
//
// Text: printable ASCII from the font in ./font.generated.ts (Terminus, SIL OFL 1.1);
// \n (new line, column 0), \r, \t (next multiple of 8), \b; a line that reaches the last
// column wraps before the next character is drawn; when the cursor leaves the last row,
// everything scrolls up one text row (memmove of the rows, then the last row is cleared).
// Other control bytes are ignored; a UTF-8 character (lead byte 0xC0..0xFF) draws the
// fallback glyph once and its continuation bytes draw nothing. ANSI escapes: SGR colours
// (ESC[0m, 1, 30-37, 39, 40-47, 49, 90-97, 100-107), ESC[2J (clear) and ESC[H (home);
// every other escape sequence (CSI, ESC + one byte, ESC + intermediate + one byte, such
// as ESC ( B) is consumed without drawing.

import { type BootInfo, FbFormat, BootFlag } from "../bootinfo";
import {
  FONT_WIDTH, FONT_HEIGHT, FONT_ROW_BYTES, FONT_GLYPH_BYTES, FONT_FIRST, FONT_LAST, FONT_FALLBACK, FONT_GLYPHS,
} from "./font.generated";

/** Why fbconInit/fbconInitRaw refused a framebuffer (fbconInitError() returns the text). */
export const enum FbconError {
  None = 0,
  NoFramebuffer = 1,
  BadFormat = 2,
  BadMasks = 3,
  BadBpp = 4,
  TooSmall = 5,
  BadPitch = 6,
  TooBigForSize = 7,
}

/** Default colours (0xRRGGBB): light grey on black, like a VGA text console. */
export const FBCON_DEFAULT_FG: u32 = 0xAA_AAAA;
export const FBCON_DEFAULT_BG: u32 = 0x00_0000;
/** Verdict colours. */
export const FBCON_PASS_COLOR: u32 = 0x00_D000;
export const FBCON_FAIL_COLOR: u32 = 0xFF_2020;

/** The 16 ANSI colours (SGR 30-37 and their bright variants 90-97), 0xRRGGBB. */
const PALETTE: Arr<u32, 16> = [
  0x00_0000, 0xAA_0000, 0x00_AA00, 0xAA_5500, 0x00_00AA, 0xAA_00AA, 0x00_AAAA, 0xAA_AAAA,
  0x55_5555, 0xFF_5555, 0x55_FF55, 0xFF_FF55, 0x55_55FF, 0xFF_55FF, 0x55_FFFF, 0xFF_FFFF,
];

/** Text scale is chosen so that a line holds about this many columns (at least 1x, at most 4x). */
const TARGET_COLUMNS: u32 = 120;
/** ...and the screen at least this many rows. */
const MIN_ROWS: u32 = 25;
const MAX_SCALE: u32 = 4;

// ---- state ------------------------------------------------------------------------------

let ready: bool = false;
let initError: FbconError = FbconError.NoFramebuffer;

/** Virtual address of pixel (0, 0). */
let fbBase: u64 = 0;
let fbWidth: u32 = 0;
let fbHeight: u32 = 0;
/** Bytes from one scanline to the next. */
let fbPitch: u32 = 0;
/** Bytes per pixel, 1..4. */
let fbBytes: u32 = 0;
let redShift: u32 = 0;
let redBits: u32 = 0;
let greenShift: u32 = 0;
let greenBits: u32 = 0;
let blueShift: u32 = 0;
let blueBits: u32 = 0;

let scale: u32 = 1;
let cellW: u32 = FONT_WIDTH;
let cellH: u32 = FONT_HEIGHT;
let cols: u32 = 0;
let rows: u32 = 0;
/** Cursor in cells; curX == cols means "wrap before the next printable character". */
let curX: u32 = 0;
let curY: u32 = 0;

let fgRgb: u32 = FBCON_DEFAULT_FG;
let bgRgb: u32 = FBCON_DEFAULT_BG;
let fgPixel: u32 = 0;
let bgPixel: u32 = 0;
let bright: bool = false;
/** SGR colour indices (0..7) currently selected, or 255 for the default colour. */
let fgIndex: u32 = 255;

/** Escape parser: 0 = text, 1 = after ESC, 2 = inside ESC [ ..., 3 = after ESC + intermediate. */
let escState: u32 = 0;
let escParams: Arr<u32, 8>;
let escCount: u32 = 0;

/** Another sink that fbconSink forwards every byte to first (e.g. the serial port). */
let nextSink: (c: u8) => void = null;

// ---- pixels -----------------------------------------------------------------------------

function lowestBit(m: u32): u32 {
  let n: u32 = 0;
  while (n < 32 && ((m >> n) & 1) == 0) n++;
  return n;
}

function bitCount(m: u32): u32 {
  let n: u32 = 0;
  let v: u32 = m;
  while (v != 0) {
    n += v & 1;
    v = v >> 1;
  }
  return n;
}

/** A mask is usable when it is non-empty and its bits are contiguous. */
function contiguous(m: u32): bool {
  if (m == 0) return false;
  let v: u32 = m >> lowestBit(m);
  return (v & (v + 1)) == 0;
}

/** An 8-bit channel scaled to `bits` bits with rounding (exact for 8, 5:6:5, 10:10:10 ...). */
function channel(c8: u32, bits: u32, shift: u32): u32 {
  let maxv: u64 = (u64(1) << bits) - 1;
  let v: u64 = (u64(c8 & 0xFF) * maxv + 127) / 255;
  return u32(v << shift);
}

/** 0xRRGGBB to the framebuffer's native pixel value. */
export function fbconPixel(rgb: u32): u32 {
  return channel(rgb >> 16, redBits, redShift) | channel(rgb >> 8, greenBits, greenShift) | channel(rgb, blueBits, blueShift);
}

function storePixel(a: u64, px: u32): void {
  if (fbBytes == 4) {
    store<u32>(a, px);
  } else if (fbBytes == 2) {
    store<u16>(a, u16(px));
  } else if (fbBytes == 3) {
    store<u8>(a, u8(px));
    store<u8>(a + 1, u8(px >> 8));
    store<u8>(a + 2, u8(px >> 16));
  } else {
    store<u8>(a, u8(px));
  }
}

/** Fills the rectangle [x, x+w) x [y, y+h), clipped to the screen. */
function fillRect(x: u32, y: u32, w: u32, h: u32, px: u32): void {
  if (x >= fbWidth || y >= fbHeight) return;
  let x1: u32 = x + w > fbWidth ? fbWidth : x + w;
  let y1: u32 = y + h > fbHeight ? fbHeight : y + h;
  for (let py: u32 = y; py < y1; py++) {
    let a: u64 = fbBase + u64(py) * u64(fbPitch) + u64(x) * u64(fbBytes);
    if (fbBytes == 4) {
      for (let px2: u32 = x; px2 < x1; px2++) {
        store<u32>(a, px);
        a += 4;
      }
    } else {
      for (let px2: u32 = x; px2 < x1; px2++) {
        storePixel(a, px);
        a += u64(fbBytes);
      }
    }
  }
}

/** Glyph index for a byte: printable ASCII, else the fallback. */
function glyphIndex(c: u8): u32 {
  if (c >= FONT_FIRST && c <= FONT_LAST) return u32(c) - FONT_FIRST;
  return FONT_FALLBACK;
}

/**
 * Draws glyph `g` with its top-left corner at pixel (x, y), each font pixel as an s x s
 * block, opaque (background pixels are written too). Clipped to the screen.
 */
function drawGlyph(g: u32, x: u32, y: u32, s: u32, fg: u32, bg: u32): void {
  let base: u32 = g * FONT_GLYPH_BYTES;
  for (let gy: u32 = 0; gy < FONT_HEIGHT; gy++) {
    for (let sy: u32 = 0; sy < s; sy++) {
      let py: u32 = y + gy * s + sy;
      if (py >= fbHeight) return;
      let rowAddr: u64 = fbBase + u64(py) * u64(fbPitch);
      for (let gx: u32 = 0; gx < FONT_WIDTH; gx++) {
        let byte: u8 = FONT_GLYPHS[base + gy * FONT_ROW_BYTES + (gx >> 3)];
        let on: bool = ((byte << (gx & 7)) & 0x80) != 0;
        let px: u32 = on ? fg : bg;
        for (let sx: u32 = 0; sx < s; sx++) {
          let pxX: u32 = x + gx * s + sx;
          if (pxX >= fbWidth) break;
          storePixel(rowAddr + u64(pxX) * u64(fbBytes), px);
        }
      }
    }
  }
}

// ---- layout -----------------------------------------------------------------------------

function layout(): void {
  cellW = FONT_WIDTH * scale;
  cellH = FONT_HEIGHT * scale;
  cols = fbWidth / cellW;
  rows = fbHeight / cellH;
  curX = 0;
  curY = 0;
}

/** The automatic text scale for a screen: about TARGET_COLUMNS columns, at least MIN_ROWS rows. */
export function fbconAutoScale(width: u32, height: u32): u32 {
  let s: u32 = width / (FONT_WIDTH * TARGET_COLUMNS);
  let byRows: u32 = height / (FONT_HEIGHT * MIN_ROWS);
  if (byRows < s) s = byRows;
  if (s > MAX_SCALE) s = MAX_SCALE;
  if (s < 1) s = 1;
  return s;
}

function refuse(e: FbconError): bool {
  ready = false;
  initError = e;
  return false;
}

/**
 * Takes over a framebuffer at virtual address `base`: `pitch` in bytes per scanline,
 * `bpp` bits per pixel (ignored for the two 8-bit-per-colour formats, which are always 32;
 * for Bitmask, 0 means "derive from the masks"), the masks only for FbFormat.Bitmask.
 * `size` is the framebuffer's size in bytes, or 0 if unknown. Clears the screen and puts
 * the cursor at the top left. Returns false (and draws nothing, ever) when the framebuffer
 * is unusable; fbconInitError() says why.
 */
export function fbconInitRaw(
  base: u64, size: u64, width: u32, height: u32, pitch: u32, bpp: u32,
  format: FbFormat, redMask: u32, greenMask: u32, blueMask: u32,
): bool {
  ready = false;
  if (base == 0) return refuse(FbconError.NoFramebuffer);
  let r: u32 = redMask;
  let g: u32 = greenMask;
  let b: u32 = blueMask;
  let bytes: u32 = 4;
  if (format == FbFormat.Rgbx8888) {
    r = 0x00_00FF; g = 0x00_FF00; b = 0xFF_0000;
  } else if (format == FbFormat.Bgrx8888) {
    r = 0xFF_0000; g = 0x00_FF00; b = 0x00_00FF;
  } else if (format == FbFormat.Bitmask) {
    if (!contiguous(r) || !contiguous(g) || !contiguous(b)) return refuse(FbconError.BadMasks);
    if ((r & g) != 0 || (r & b) != 0 || (g & b) != 0) return refuse(FbconError.BadMasks);
    let all: u32 = r | g | b;
    let top: u32 = 31;
    while (((all >> top) & 1) == 0) top--;
    let need: u32 = top / 8 + 1;
    if (bpp == 0) {
      bytes = need;
    } else {
      if ((bpp & 7) != 0 || bpp > 32) return refuse(FbconError.BadBpp);
      bytes = bpp / 8;
      if (bytes < need) return refuse(FbconError.BadBpp);
    }
  } else {
    return refuse(FbconError.BadFormat);
  }
  if (width < FONT_WIDTH || height < FONT_HEIGHT) return refuse(FbconError.TooSmall);
  if (u64(pitch) < u64(width) * u64(bytes)) return refuse(FbconError.BadPitch);
  if (size != 0 && u64(pitch) * u64(height - 1) + u64(width) * u64(bytes) > size) return refuse(FbconError.TooBigForSize);

  fbBase = base;
  fbWidth = width;
  fbHeight = height;
  fbPitch = pitch;
  fbBytes = bytes;
  redShift = lowestBit(r);
  redBits = bitCount(r);
  greenShift = lowestBit(g);
  greenBits = bitCount(g);
  blueShift = lowestBit(b);
  blueBits = bitCount(b);
  scale = fbconAutoScale(width, height);
  layout();
  fgRgb = FBCON_DEFAULT_FG;
  bgRgb = FBCON_DEFAULT_BG;
  fgPixel = fbconPixel(fgRgb);
  bgPixel = fbconPixel(bgRgb);
  bright = false;
  fgIndex = 255;
  escState = 0;
  initError = FbconError.None;
  ready = true;
  fillRect(0, 0, fbWidth, fbHeight, bgPixel);
  return true;
}

/**
 * Takes over the framebuffer the loader put in the boot info (reached through the HHDM).
 * Returns false when there is none or it is unusable (fbconInitError() says why); the
 * console then ignores everything, so callers need no checks of their own.
 */
export function fbconInit(bi: Ptr<BootInfo>): bool {
  if (bi == null || (bi.flags & BootFlag.HasFramebuffer) == 0 || bi.fb.base == 0) return refuse(FbconError.NoFramebuffer);
  return fbconInitRaw(
    bi.hhdmBase + bi.fb.base, bi.fb.size, bi.fb.width, bi.fb.height, bi.fb.pitch, bi.fb.bpp,
    bi.fb.format, bi.fb.redMask, bi.fb.greenMask, bi.fb.blueMask,
  );
}

export function fbconReady(): bool {
  return ready;
}

export function fbconInitError(): cstr {
  switch (initError) {
    case FbconError.None: return "ok";
    case FbconError.NoFramebuffer: return "no framebuffer";
    case FbconError.BadFormat: return "unsupported pixel format (GOP PixelBltOnly has no framebuffer)";
    case FbconError.BadMasks: return "pixel masks are empty, not contiguous or overlapping";
    case FbconError.BadBpp: return "bits per pixel do not hold the pixel masks";
    case FbconError.TooSmall: return "screen smaller than one character";
    case FbconError.BadPitch: return "pitch (bytes per scanline) is smaller than width * bytes per pixel";
    case FbconError.TooBigForSize: return "width, height and pitch exceed the framebuffer size";
  }
  return "unknown error";
}

export function fbconCols(): u32 {
  return cols;
}

export function fbconRows(): u32 {
  return rows;
}

export function fbconScale(): u32 {
  return scale;
}

/** Sets the text scale (1..8; e.g. 2 for a 4K laptop panel); clears the screen. */
export function fbconSetScale(s: u32): void {
  if (!ready) return;
  let v: u32 = s < 1 ? 1 : s > 8 ? 8 : s;
  if (FONT_WIDTH * v > fbWidth || FONT_HEIGHT * v > fbHeight) return;
  scale = v;
  layout();
  fillRect(0, 0, fbWidth, fbHeight, bgPixel);
}

/** Foreground and background colours (0xRRGGBB) for the text that follows. */
export function fbconSetColors(fg: u32, bg: u32): void {
  fgRgb = fg & 0xFF_FFFF;
  bgRgb = bg & 0xFF_FFFF;
  fgIndex = 255;
  fgPixel = fbconPixel(fgRgb);
  bgPixel = fbconPixel(bgRgb);
}

/** Clears the screen to the background colour and homes the cursor. */
export function fbconClear(): void {
  if (!ready) return;
  fillRect(0, 0, fbWidth, fbHeight, bgPixel);
  curX = 0;
  curY = 0;
}

// ---- text -------------------------------------------------------------------------------

/** Moves everything up one text row and clears the last row. */
function scrollUp(): void {
  if (rows == 0) return;
  let rowBytes: u64 = u64(cellH) * u64(fbPitch);
  let n: u64 = u64(rows - 1) * rowBytes;
  if (n != 0) memmove(ptr<u8>(fbBase), ptr<u8>(fbBase + rowBytes), n);
  // The whole width: the right margin (less than a cell) moved up with the rows too.
  fillRect(0, (rows - 1) * cellH, fbWidth, cellH, bgPixel);
}

function newline(): void {
  curX = 0;
  if (curY + 1 < rows) {
    curY++;
  } else {
    scrollUp();
  }
}

function drawChar(c: u8): void {
  if (curX >= cols) newline();
  drawGlyph(glyphIndex(c), curX * cellW, curY * cellH, scale, fgPixel, bgPixel);
  curX++;
}

function applySgr(p: u32): void {
  if (p == 0) {
    fgRgb = FBCON_DEFAULT_FG;
    bgRgb = FBCON_DEFAULT_BG;
    bright = false;
    fgIndex = 255;
  } else if (p == 1) {
    bright = true;
    if (fgIndex != 255) fgRgb = PALETTE[fgIndex + 8];
  } else if (p == 22) {
    bright = false;
    if (fgIndex != 255) fgRgb = PALETTE[fgIndex];
  } else if (p >= 30 && p <= 37) {
    fgIndex = p - 30;
    fgRgb = PALETTE[fgIndex + (bright ? 8 : 0)];
  } else if (p == 39) {
    fgIndex = 255;
    fgRgb = FBCON_DEFAULT_FG;
  } else if (p >= 40 && p <= 47) {
    bgRgb = PALETTE[p - 40];
  } else if (p == 49) {
    bgRgb = FBCON_DEFAULT_BG;
  } else if (p >= 90 && p <= 97) {
    fgIndex = 255;
    fgRgb = PALETTE[p - 90 + 8];
  } else if (p >= 100 && p <= 107) {
    bgRgb = PALETTE[p - 100 + 8];
  }
  fgPixel = fbconPixel(fgRgb);
  bgPixel = fbconPixel(bgRgb);
}

/** One byte of an escape sequence (escState != 0). */
function escapeByte(c: u8): void {
  if (escState == 1) {
    if (c == 0x5B) { // '['
      escState = 2;
      escCount = 0;
      escParams[0] = 0;
      return;
    }
    // ESC + intermediate (e.g. ESC ( B, a character set) takes one more byte; anything
    // else is a complete two-byte escape.
    escState = c >= 0x20 && c <= 0x2F ? 3 : 0;
    return;
  }
  if (escState == 3) {
    escState = 0;
    return;
  }
  if (c >= 0x30 && c <= 0x39) {
    if (escCount == 0) escCount = 1;
    let i: u32 = escCount - 1;
    if (i < 8 && escParams[i] < 10000) escParams[i] = escParams[i] * 10 + u32(c - 0x30);
    return;
  }
  if (c == 0x3B) { // ';'
    if (escCount == 0) escCount = 1;
    if (escCount < 8) escParams[escCount] = 0;
    escCount++;
    return;
  }
  if (c >= 0x40 && c <= 0x7E) { // final byte
    escState = 0;
    let n: u32 = escCount > 8 ? 8 : escCount;
    if (c == 0x6D) { // 'm'
      if (n == 0) applySgr(0);
      for (let i: u32 = 0; i < n; i++) applySgr(escParams[i]);
    } else if (c == 0x4A) { // 'J': 2J clears the screen (the cursor stays, as on a VT100)
      if (n >= 1 && escParams[0] == 2) fillRect(0, 0, fbWidth, fbHeight, bgPixel);
    } else if (c == 0x48) { // 'H' with no parameters: home
      if (n == 0) { curX = 0; curY = 0; }
    }
    return;
  }
  if (c < 0x20 || c > 0x7E) escState = 0; // not a CSI byte: abandon the sequence
}

/** Draws one console byte (no forwarding). */
export function fbconPutChar(c: u8): void {
  if (!ready) return;
  if (escState != 0) {
    escapeByte(c);
    return;
  }
  if (c >= 0x20 && c <= 0x7E) {
    drawChar(c);
  } else if (c == 10) {
    newline();
  } else if (c == 13) {
    curX = 0;
  } else if (c == 9) {
    let t: u32 = (curX + 8) & ~u32(7);
    curX = t > cols ? cols : t;
  } else if (c == 8) {
    if (curX > 0) curX--;
  } else if (c == 0x1B) {
    escState = 1;
  } else if (c >= 0xC0) {
    drawChar(0xFF); // a UTF-8 character the font subset does not have: the fallback glyph
  }
  // Other C0 controls, DEL and UTF-8 continuation bytes (0x80..0xBF) draw nothing.
}

/** Draws a NUL-terminated string (no forwarding). */
export function fbconPrint(s: cstr): void {
  let p: Ptr<u8> = cast<u8>(s);
  let i: u64 = 0;
  while (p[i] != 0) {
    fbconPutChar(p[i]);
    i++;
  }
}

/** Makes fbconSink pass every byte to `next` before drawing it (e.g. the serial port). */
export function fbconSetNext(next: (c: u8) => void): void {
  nextSink = next;
}

/**
 * The console sink: `setConsoleSink(fbconSink)`. Forwards the byte to the sink given to
 * fbconSetNext (if any), then draws it. Does nothing but forward when there is no
 * framebuffer, so it is safe to install unconditionally.
 */
export function fbconSink(c: u8): void {
  if (nextSink != null) nextSink(c);
  fbconPutChar(c);
}

// ---- verdict ----------------------------------------------------------------------------

/** The verdict's glyph scale: the word is about a fifth of the screen tall. */
export function fbconVerdictScale(width: u32, height: u32): u32 {
  let s: u32 = height / (FONT_HEIGHT * 5);
  let byWidth: u32 = (width * 4 / 5) / (FONT_WIDTH * 4);
  if (byWidth < s) s = byWidth;
  if (s < 1) s = 1;
  return s;
}

/**
 * Draws PASS (green) or FAIL (red) in letters about a fifth of the screen tall, in a band
 * below the last line of text: the text scrolls up as far as needed to make room, so the
 * lines before the verdict (e.g. the FAIL reason) stay readable above it. The cursor ends
 * below the band.
 */
export function fbconVerdict(pass: bool): void {
  if (!ready) return;
  let vs: u32 = fbconVerdictScale(fbWidth, fbHeight);
  let wordW: u32 = 4 * FONT_WIDTH * vs;
  let wordH: u32 = FONT_HEIGHT * vs;
  // Band: the word plus half a text row of space above and below, in whole text rows.
  let bandRows: u32 = (wordH + cellH + cellH - 1) / cellH;
  if (bandRows > rows) bandRows = rows;
  if (curX != 0) newline();
  while (curY + bandRows > rows) {
    scrollUp();
    curY--;
  }
  let bandY: u32 = curY * cellH;
  let bandH: u32 = bandRows * cellH;
  fillRect(0, bandY, fbWidth, bandH, bgPixel);
  let x: u32 = wordW < fbWidth ? (fbWidth - wordW) / 2 : 0;
  let y: u32 = bandY + (bandH > wordH ? (bandH - wordH) / 2 : 0);
  let color: u32 = fbconPixel(pass ? FBCON_PASS_COLOR : FBCON_FAIL_COLOR);
  let word: cstr = pass ? "PASS" : "FAIL";
  let p: Ptr<u8> = cast<u8>(word);
  for (let i: u32 = 0; i < 4; i++) drawGlyph(glyphIndex(p[i]), x + i * FONT_WIDTH * vs, y, vs, color, bgPixel);
  curX = 0;
  curY += bandRows;
  if (curY >= rows) {
    // The band fills the bottom of the screen; the next byte starts a fresh line at the
    // last row, which scrolls the band up.
    curY = rows - 1;
    curX = cols;
  }
}
