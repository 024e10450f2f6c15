// The framebuffer console: draws console bytes (the kernel's `[kernel]` lines) with a
// bitmap font on the GOP framebuffer the loader describes in the boot info, and a large
// PASS / FAIL verdict a person can read from across the room. Most laptops have no serial
// port; after ExitBootServices this is the only output they show. See docs/console.md.
//
// A console is an FbConsole object; the program's screen is the one in `fbcon`, which
// `fbconSink` (a plain function, so that it fits `setConsoleSink`) draws on.
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

/** Why FbConsole.init/initRaw refused a framebuffer (`error` says it in words). */
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

// ---- pixel helpers -----------------------------------------------------------------------

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

/** Glyph index for a byte: printable ASCII, else the fallback. */
function glyphIndex(c: u8): u32 {
  if (c >= FONT_FIRST && c <= FONT_LAST) return u32(c) - FONT_FIRST;
  return FONT_FALLBACK;
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

/** The verdict's glyph scale: the word is about a fifth of the screen tall. */
export function fbconVerdictScale(width: u32, height: u32): u32 {
  let s: u32 = height / (FONT_HEIGHT * 5);
  let byWidth: u32 = (width * 4 / 5) / (FONT_WIDTH * 4);
  if (byWidth < s) s = byWidth;
  if (s < 1) s = 1;
  return s;
}

// ---- the console ------------------------------------------------------------------------

export class FbConsole {
  private active: bool = false;
  private failure: FbconError = FbconError.NoFramebuffer;

  /** Virtual address of pixel (0, 0). */
  private fbBase: u64 = 0;
  private fbWidth: u32 = 0;
  private fbHeight: u32 = 0;
  /** Bytes from one scanline to the next. */
  private fbPitch: u32 = 0;
  /** Bytes per pixel, 1..4. */
  private fbBytes: u32 = 0;
  private redShift: u32 = 0;
  private redBits: u32 = 0;
  private greenShift: u32 = 0;
  private greenBits: u32 = 0;
  private blueShift: u32 = 0;
  private blueBits: u32 = 0;

  private textScale: u32 = 1;
  private cellW: u32 = FONT_WIDTH;
  private cellH: u32 = FONT_HEIGHT;
  private textCols: u32 = 0;
  private textRows: u32 = 0;
  /** Cursor in cells; curX == cols means "wrap before the next printable character". */
  private curX: u32 = 0;
  private curY: u32 = 0;

  private fgRgb: u32 = FBCON_DEFAULT_FG;
  private bgRgb: u32 = FBCON_DEFAULT_BG;
  private fgPixel: u32 = 0;
  private bgPixel: u32 = 0;
  private bright: bool = false;
  /** SGR colour indices (0..7) currently selected, or 255 for the default colour. */
  private fgIndex: u32 = 255;

  /** Escape parser: 0 = text, 1 = after ESC, 2 = inside ESC [ ..., 3 = after ESC + intermediate. */
  private escState: u32 = 0;
  private escParams: Arr<u32, 8>;
  private escCount: u32 = 0;

  /** Another sink that `sink` forwards every byte to first (e.g. the serial port). */
  next: (c: u8) => void = null;

  /** A framebuffer was taken over (init / initRaw succeeded). */
  get ready(): bool {
    return this.active;
  }

  /** Why the last init / initRaw refused the framebuffer ("ok" when it did not). */
  get error(): cstr {
    switch (this.failure) {
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

  get cols(): u32 {
    return this.textCols;
  }

  get rows(): u32 {
    return this.textRows;
  }

  get scale(): u32 {
    return this.textScale;
  }

  /**
   * The console sink: forwards the byte to `next` (if any), then draws it. Does nothing but
   * forward when there is no framebuffer, so it is safe to install unconditionally.
   */
  sink(c: u8): void {
    if (this.next != null) this.next(c);
    this.putChar(c);
  }

  /** 0xRRGGBB to the framebuffer's native pixel value. */
  pixel(rgb: u32): u32 {
    return channel(rgb >> 16, this.redBits, this.redShift) | channel(rgb >> 8, this.greenBits, this.greenShift) | channel(rgb, this.blueBits, this.blueShift);
  }

  private storePixel(a: u64, px: u32): void {
    if (this.fbBytes == 4) {
      store<u32>(a, px);
    } else if (this.fbBytes == 2) {
      store<u16>(a, u16(px));
    } else if (this.fbBytes == 3) {
      store<u8>(a, u8(px));
      store<u8>(a + 1, u8(px >> 8));
      store<u8>(a + 2, u8(px >> 16));
    } else {
      store<u8>(a, u8(px));
    }
  }

  /** Fills the rectangle [x, x+w) x [y, y+h), clipped to the screen. */
  private fillRect(x: u32, y: u32, w: u32, h: u32, px: u32): void {
    if (x >= this.fbWidth || y >= this.fbHeight) return;
    let x1: u32 = x + w > this.fbWidth ? this.fbWidth : x + w;
    let y1: u32 = y + h > this.fbHeight ? this.fbHeight : y + h;
    for (let py: u32 = y; py < y1; py++) {
      let a: u64 = this.fbBase + u64(py) * u64(this.fbPitch) + u64(x) * u64(this.fbBytes);
      if (this.fbBytes == 4) {
        for (let px2: u32 = x; px2 < x1; px2++) {
          store<u32>(a, px);
          a += 4;
        }
      } else {
        for (let px2: u32 = x; px2 < x1; px2++) {
          this.storePixel(a, px);
          a += u64(this.fbBytes);
        }
      }
    }
  }

  /**
   * Draws glyph `g` with its top-left corner at pixel (x, y), each font pixel as an s x s
   * block, opaque (background pixels are written too). Clipped to the screen.
   */
  private drawGlyph(g: u32, x: u32, y: u32, s: u32, fg: u32, bg: u32): void {
    let base: u32 = g * FONT_GLYPH_BYTES;
    for (let gy: u32 = 0; gy < FONT_HEIGHT; gy++) {
      for (let sy: u32 = 0; sy < s; sy++) {
        let py: u32 = y + gy * s + sy;
        if (py >= this.fbHeight) return;
        let rowAddr: u64 = this.fbBase + u64(py) * u64(this.fbPitch);
        for (let gx: u32 = 0; gx < FONT_WIDTH; gx++) {
          let byte: u8 = FONT_GLYPHS[base + gy * FONT_ROW_BYTES + (gx >> 3)];
          let on: bool = ((byte << (gx & 7)) & 0x80) != 0;
          let px: u32 = on ? fg : bg;
          for (let sx: u32 = 0; sx < s; sx++) {
            let pxX: u32 = x + gx * s + sx;
            if (pxX >= this.fbWidth) break;
            this.storePixel(rowAddr + u64(pxX) * u64(this.fbBytes), px);
          }
        }
      }
    }
  }

  // ---- layout -----------------------------------------------------------------------------

  private layout(): void {
    this.cellW = FONT_WIDTH * this.textScale;
    this.cellH = FONT_HEIGHT * this.textScale;
    this.textCols = this.fbWidth / this.cellW;
    this.textRows = this.fbHeight / this.cellH;
    this.curX = 0;
    this.curY = 0;
  }

  private refuse(e: FbconError): bool {
    this.active = false;
    this.failure = e;
    return false;
  }

  /**
   * Takes over a framebuffer at virtual address `base`: `pitch` in bytes per scanline,
   * `bpp` bits per pixel (ignored for the two 8-bit-per-colour formats, which are always 32;
   * for Bitmask, 0 means "derive from the masks"), the masks only for FbFormat.Bitmask.
   * `size` is the framebuffer's size in bytes, or 0 if unknown. Clears the screen and puts
   * the cursor at the top left. Returns false (and draws nothing, ever) when the framebuffer
   * is unusable; `error` says why.
   */
  initRaw(
    base: u64, size: u64, width: u32, height: u32, pitch: u32, bpp: u32,
    format: FbFormat, redMask: u32, greenMask: u32, blueMask: u32,
  ): bool {
    this.active = false;
    if (base == 0) return this.refuse(FbconError.NoFramebuffer);
    let r: u32 = redMask;
    let g: u32 = greenMask;
    let b: u32 = blueMask;
    let bytes: u32 = 4;
    if (format == FbFormat.Rgbx8888) {
      r = 0x00_00FF; g = 0x00_FF00; b = 0xFF_0000;
    } else if (format == FbFormat.Bgrx8888) {
      r = 0xFF_0000; g = 0x00_FF00; b = 0x00_00FF;
    } else if (format == FbFormat.Bitmask) {
      if (!contiguous(r) || !contiguous(g) || !contiguous(b)) return this.refuse(FbconError.BadMasks);
      if ((r & g) != 0 || (r & b) != 0 || (g & b) != 0) return this.refuse(FbconError.BadMasks);
      let all: u32 = r | g | b;
      let top: u32 = 31;
      while (((all >> top) & 1) == 0) top--;
      let need: u32 = top / 8 + 1;
      if (bpp == 0) {
        bytes = need;
      } else {
        if ((bpp & 7) != 0 || bpp > 32) return this.refuse(FbconError.BadBpp);
        bytes = bpp / 8;
        if (bytes < need) return this.refuse(FbconError.BadBpp);
      }
    } else {
      return this.refuse(FbconError.BadFormat);
    }
    if (width < FONT_WIDTH || height < FONT_HEIGHT) return this.refuse(FbconError.TooSmall);
    if (u64(pitch) < u64(width) * u64(bytes)) return this.refuse(FbconError.BadPitch);
    if (size != 0 && u64(pitch) * u64(height - 1) + u64(width) * u64(bytes) > size) return this.refuse(FbconError.TooBigForSize);

    this.fbBase = base;
    this.fbWidth = width;
    this.fbHeight = height;
    this.fbPitch = pitch;
    this.fbBytes = bytes;
    this.redShift = lowestBit(r);
    this.redBits = bitCount(r);
    this.greenShift = lowestBit(g);
    this.greenBits = bitCount(g);
    this.blueShift = lowestBit(b);
    this.blueBits = bitCount(b);
    this.textScale = fbconAutoScale(width, height);
    this.layout();
    this.fgRgb = FBCON_DEFAULT_FG;
    this.bgRgb = FBCON_DEFAULT_BG;
    this.fgPixel = this.pixel(this.fgRgb);
    this.bgPixel = this.pixel(this.bgRgb);
    this.bright = false;
    this.fgIndex = 255;
    this.escState = 0;
    this.failure = FbconError.None;
    this.active = true;
    this.fillRect(0, 0, this.fbWidth, this.fbHeight, this.bgPixel);
    return true;
  }

  /**
   * Takes over the framebuffer the loader put in the boot info (reached through the HHDM).
   * Returns false when there is none or it is unusable (`error` says why); the
   * console then ignores everything, so callers need no checks of their own.
   */
  init(bi: Ptr<BootInfo>): bool {
    if (bi == null || (bi.flags & BootFlag.HasFramebuffer) == 0 || bi.fb.base == 0) return this.refuse(FbconError.NoFramebuffer);
    return this.initRaw(
      bi.hhdmBase + bi.fb.base, bi.fb.size, bi.fb.width, bi.fb.height, bi.fb.pitch, bi.fb.bpp,
      bi.fb.format, bi.fb.redMask, bi.fb.greenMask, bi.fb.blueMask,
    );
  }

  /** Sets the text scale (1..8; e.g. 2 for a 4K laptop panel); clears the screen. */
  setScale(s: u32): void {
    if (!this.active) return;
    let v: u32 = s < 1 ? 1 : s > 8 ? 8 : s;
    if (FONT_WIDTH * v > this.fbWidth || FONT_HEIGHT * v > this.fbHeight) return;
    this.textScale = v;
    this.layout();
    this.fillRect(0, 0, this.fbWidth, this.fbHeight, this.bgPixel);
  }

  /** Foreground and background colours (0xRRGGBB) for the text that follows. */
  setColors(fg: u32, bg: u32): void {
    this.fgRgb = fg & 0xFF_FFFF;
    this.bgRgb = bg & 0xFF_FFFF;
    this.fgIndex = 255;
    this.fgPixel = this.pixel(this.fgRgb);
    this.bgPixel = this.pixel(this.bgRgb);
  }

  /** Clears the screen to the background colour and homes the cursor. */
  clear(): void {
    if (!this.active) return;
    this.fillRect(0, 0, this.fbWidth, this.fbHeight, this.bgPixel);
    this.curX = 0;
    this.curY = 0;
  }

  // ---- text -------------------------------------------------------------------------------

  /** Moves everything up one text row and clears the last row. */
  private scrollUp(): void {
    if (this.textRows == 0) return;
    let rowBytes: u64 = u64(this.cellH) * u64(this.fbPitch);
    let n: u64 = u64(this.textRows - 1) * rowBytes;
    if (n != 0) memmove(ptr<u8>(this.fbBase), ptr<u8>(this.fbBase + rowBytes), n);
    // The whole width: the right margin (less than a cell) moved up with the this.textRows too.
    this.fillRect(0, (this.textRows - 1) * this.cellH, this.fbWidth, this.cellH, this.bgPixel);
  }

  private newline(): void {
    this.curX = 0;
    if (this.curY + 1 < this.textRows) {
      this.curY++;
    } else {
      this.scrollUp();
    }
  }

  private drawChar(c: u8): void {
    if (this.curX >= this.textCols) this.newline();
    this.drawGlyph(glyphIndex(c), this.curX * this.cellW, this.curY * this.cellH, this.textScale, this.fgPixel, this.bgPixel);
    this.curX++;
  }

  private applySgr(p: u32): void {
    if (p == 0) {
      this.fgRgb = FBCON_DEFAULT_FG;
      this.bgRgb = FBCON_DEFAULT_BG;
      this.bright = false;
      this.fgIndex = 255;
    } else if (p == 1) {
      this.bright = true;
      if (this.fgIndex != 255) this.fgRgb = PALETTE[this.fgIndex + 8];
    } else if (p == 22) {
      this.bright = false;
      if (this.fgIndex != 255) this.fgRgb = PALETTE[this.fgIndex];
    } else if (p >= 30 && p <= 37) {
      this.fgIndex = p - 30;
      this.fgRgb = PALETTE[this.fgIndex + (this.bright ? 8 : 0)];
    } else if (p == 39) {
      this.fgIndex = 255;
      this.fgRgb = FBCON_DEFAULT_FG;
    } else if (p >= 40 && p <= 47) {
      this.bgRgb = PALETTE[p - 40];
    } else if (p == 49) {
      this.bgRgb = FBCON_DEFAULT_BG;
    } else if (p >= 90 && p <= 97) {
      this.fgIndex = 255;
      this.fgRgb = PALETTE[p - 90 + 8];
    } else if (p >= 100 && p <= 107) {
      this.bgRgb = PALETTE[p - 100 + 8];
    }
    this.fgPixel = this.pixel(this.fgRgb);
    this.bgPixel = this.pixel(this.bgRgb);
  }

  /** One byte of an escape sequence (escState != 0). */
  private escapeByte(c: u8): void {
    if (this.escState == 1) {
      if (c == 0x5B) { // '['
        this.escState = 2;
        this.escCount = 0;
        this.escParams[0] = 0;
        return;
      }
      // ESC + intermediate (e.g. ESC ( B, a character set) takes one more byte; anything
      // else is a complete two-byte escape.
      this.escState = c >= 0x20 && c <= 0x2F ? 3 : 0;
      return;
    }
    if (this.escState == 3) {
      this.escState = 0;
      return;
    }
    if (c >= 0x30 && c <= 0x39) {
      if (this.escCount == 0) this.escCount = 1;
      let i: u32 = this.escCount - 1;
      if (i < 8 && this.escParams[i] < 10000) this.escParams[i] = this.escParams[i] * 10 + u32(c - 0x30);
      return;
    }
    if (c == 0x3B) { // ';'
      if (this.escCount == 0) this.escCount = 1;
      if (this.escCount < 8) this.escParams[this.escCount] = 0;
      this.escCount++;
      return;
    }
    if (c >= 0x40 && c <= 0x7E) { // final byte
      this.escState = 0;
      let n: u32 = this.escCount > 8 ? 8 : this.escCount;
      if (c == 0x6D) { // 'm'
        if (n == 0) this.applySgr(0);
        for (let i: u32 = 0; i < n; i++) this.applySgr(this.escParams[i]);
      } else if (c == 0x4A) { // 'J': 2J clears the screen (the cursor stays, as on a VT100)
        if (n >= 1 && this.escParams[0] == 2) this.fillRect(0, 0, this.fbWidth, this.fbHeight, this.bgPixel);
      } else if (c == 0x48) { // 'H' with no parameters: home
        if (n == 0) { this.curX = 0; this.curY = 0; }
      }
      return;
    }
    if (c < 0x20 || c > 0x7E) this.escState = 0; // not a CSI byte: abandon the sequence
  }

  /** Draws one console byte (no forwarding). */
  putChar(c: u8): void {
    if (!this.active) return;
    if (this.escState != 0) {
      this.escapeByte(c);
      return;
    }
    if (c >= 0x20 && c <= 0x7E) {
      this.drawChar(c);
    } else if (c == 10) {
      this.newline();
    } else if (c == 13) {
      this.curX = 0;
    } else if (c == 9) {
      let t: u32 = (this.curX + 8) & ~u32(7);
      this.curX = t > this.textCols ? this.textCols : t;
    } else if (c == 8) {
      if (this.curX > 0) this.curX--;
    } else if (c == 0x1B) {
      this.escState = 1;
    } else if (c >= 0xC0) {
      this.drawChar(0xFF); // a UTF-8 character the font subset does not have: the fallback glyph
    }
    // Other C0 controls, DEL and UTF-8 continuation bytes (0x80..0xBF) draw nothing.
  }

  /** Draws a NUL-terminated string (no forwarding). */
  print(s: cstr): void {
    let p: Ptr<u8> = cast<u8>(s);
    let i: u64 = 0;
    while (p[i] != 0) {
      this.putChar(p[i]);
      i++;
    }
  }

  /**
   * Draws PASS (green) or FAIL (red) in letters about a fifth of the screen tall, in a band
   * below the last line of text: the text scrolls up as far as needed to make room, so the
   * lines before the verdict (e.g. the FAIL reason) stay readable above it. The cursor ends
   * below the band.
   */
  verdict(pass: bool): void {
    if (!this.active) return;
    let vs: u32 = fbconVerdictScale(this.fbWidth, this.fbHeight);
    let wordW: u32 = 4 * FONT_WIDTH * vs;
    let wordH: u32 = FONT_HEIGHT * vs;
    // Band: the word plus half a text row of space above and below, in whole text this.textRows.
    let bandRows: u32 = (wordH + this.cellH + this.cellH - 1) / this.cellH;
    if (bandRows > this.textRows) bandRows = this.textRows;
    if (this.curX != 0) this.newline();
    while (this.curY + bandRows > this.textRows) {
      this.scrollUp();
      this.curY--;
    }
    let bandY: u32 = this.curY * this.cellH;
    let bandH: u32 = bandRows * this.cellH;
    this.fillRect(0, bandY, this.fbWidth, bandH, this.bgPixel);
    let x: u32 = wordW < this.fbWidth ? (this.fbWidth - wordW) / 2 : 0;
    let y: u32 = bandY + (bandH > wordH ? (bandH - wordH) / 2 : 0);
    let color: u32 = this.pixel(pass ? FBCON_PASS_COLOR : FBCON_FAIL_COLOR);
    let word: cstr = pass ? "PASS" : "FAIL";
    let p: Ptr<u8> = cast<u8>(word);
    for (let i: u32 = 0; i < 4; i++) this.drawGlyph(glyphIndex(p[i]), x + i * FONT_WIDTH * vs, y, vs, color, this.bgPixel);
    this.curX = 0;
    this.curY += bandRows;
    if (this.curY >= this.textRows) {
      // The band fills the bottom of the screen; the next byte starts a fresh line at the
      // last row, which scrolls the band up.
      this.curY = this.textRows - 1;
      this.curX = this.textCols;
    }
  }
}

/** The program's screen console (not ready until `fbcon.init(bi)` succeeds). */
export let fbcon = new FbConsole();

/** `setConsoleSink(fbconSink)`: fbcon.sink as a plain function. */
export function fbconSink(c: u8): void {
  fbcon.sink(c);
}
