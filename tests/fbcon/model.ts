// An independent Node model of the framebuffer console (common/fbcon/fbcon.ts), used as
// the oracle for its tests: it renders console bytes into an RGB image following the
// behaviour docs/console.md specifies (cell layout, wrap, tab, CR/BS, scrolling, ANSI SGR
// colours, UTF-8 fallback, the verdict band), with glyphs read from the generated font
// module's text (or a PSF file), not from the compiled renderer. It also decodes raw
// framebuffer memory in the three GOP pixel formats, independently of the renderer.
import * as fs from 'fs';
import * as path from 'path';
import { newImage, RgbImage } from './image';

export interface ModelFont {
  width: number;
  height: number;
  rowBytes: number;
  /** Glyphs for 0x20..0x7E, then the fallback glyph. */
  glyphs: Buffer[];
}

export const FIRST = 0x20;
export const LAST = 0x7e;

/** Reads the glyph array and dimensions out of common/fbcon/font.generated.ts's source text. */
export function fontFromGeneratedModule(file: string): ModelFont {
  const text = fs.readFileSync(file, 'utf8');
  const num = (name: string): number => {
    const m = new RegExp(`export const ${name} = (\\d+);`).exec(text);
    if (!m) throw new Error(`${file}: no \`export const ${name} = <n>;\``);
    return Number(m[1]);
  };
  const width = num('FONT_WIDTH');
  const height = num('FONT_HEIGHT');
  const rowBytes = num('FONT_ROW_BYTES');
  const glyphBytes = num('FONT_GLYPH_BYTES');
  const count = num('FONT_GLYPH_COUNT');
  const arr = /export const FONT_GLYPHS: Arr<u8, (\d+)> = \[([\s\S]*?)\];/.exec(text);
  if (!arr) throw new Error(`${file}: no FONT_GLYPHS array`);
  const bytes = arr[2].replace(/\/\/[^\n]*/g, '').split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => Number(s));
  if (bytes.length !== Number(arr[1]) || bytes.length !== count * glyphBytes) {
    throw new Error(`${file}: FONT_GLYPHS has ${bytes.length} bytes; the header says ${arr[1]} and ${count} x ${glyphBytes}`);
  }
  const glyphs: Buffer[] = [];
  for (let g = 0; g < count; g++) glyphs.push(Buffer.from(bytes.slice(g * glyphBytes, (g + 1) * glyphBytes)));
  return { width, height, rowBytes, glyphs };
}

export function generatedFontPath(repoRoot: string): string {
  return path.join(repoRoot, 'common', 'fbcon', 'font.generated.ts');
}

export function glyphBit(font: ModelFont, glyph: number, x: number, y: number): boolean {
  const b = font.glyphs[glyph][y * font.rowBytes + (x >> 3)];
  return ((b >> (7 - (x & 7))) & 1) === 1;
}

// ---- the console model ---------------------------------------------------------------------

export const DEFAULT_FG = 0xaaaaaa;
export const DEFAULT_BG = 0x000000;
export const PASS_COLOR = 0x00d000;
export const FAIL_COLOR = 0xff2020;
const ANSI = [
  0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
  0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
];

/** The documented text scale: ~120 columns, at least 25 rows, 1x..4x. */
export function autoScale(font: ModelFont, width: number, height: number): number {
  const s = Math.min(Math.floor(width / (font.width * 120)), Math.floor(height / (font.height * 25)), 4);
  return Math.max(1, s);
}

/** The documented verdict scale: a fifth of the screen tall, the word within 4/5 of the width. */
export function verdictScale(font: ModelFont, width: number, height: number): number {
  const s = Math.min(Math.floor(height / (font.height * 5)), Math.floor(Math.floor((width * 4) / 5) / (font.width * 4)));
  return Math.max(1, s);
}

export class ConsoleModel {
  readonly img: RgbImage;
  scale: number;
  cellW = 0;
  cellH = 0;
  cols = 0;
  rows = 0;
  x = 0;
  y = 0;
  fg = DEFAULT_FG;
  bg = DEFAULT_BG;
  private bright = false;
  private fgIndex = -1;
  private esc: 'none' | 'esc' | 'esc-intermediate' | 'csi' = 'none';
  private params: number[] = [];
  /** Where the last verdict band was drawn (pixels). */
  band?: { x: number; y: number; w: number; h: number };

  constructor(readonly font: ModelFont, readonly width: number, readonly height: number) {
    this.img = newImage(width, height, DEFAULT_BG);
    this.scale = autoScale(font, width, height);
    this.layout();
  }

  private layout(): void {
    this.cellW = this.font.width * this.scale;
    this.cellH = this.font.height * this.scale;
    this.cols = Math.floor(this.width / this.cellW);
    this.rows = Math.floor(this.height / this.cellH);
    this.x = 0;
    this.y = 0;
  }

  setScale(s: number): void {
    this.scale = Math.min(8, Math.max(1, s));
    this.layout();
    this.fill(0, 0, this.width, this.height, this.bg);
  }

  setColors(fg: number, bg: number): void {
    this.fg = fg;
    this.bg = bg;
    this.fgIndex = -1;
  }

  fill(x: number, y: number, w: number, h: number, color: number): void {
    for (let py = y; py < Math.min(y + h, this.height); py++) {
      for (let px = x; px < Math.min(x + w, this.width); px++) this.img.pixels[py * this.width + px] = color;
    }
  }

  glyph(g: number, x0: number, y0: number, s: number, fg: number, bg: number): void {
    for (let gy = 0; gy < this.font.height; gy++) {
      for (let gx = 0; gx < this.font.width; gx++) {
        this.fill(x0 + gx * s, y0 + gy * s, s, s, glyphBit(this.font, g, gx, gy) ? fg : bg);
      }
    }
  }

  private scroll(): void {
    const rowPixels = this.cellH * this.width;
    const px = this.img.pixels;
    px.copyWithin(0, rowPixels, this.rows * rowPixels);
    this.fill(0, (this.rows - 1) * this.cellH, this.width, this.cellH, this.bg);
  }

  private newline(): void {
    this.x = 0;
    if (this.y + 1 < this.rows) this.y++;
    else this.scroll();
  }

  private draw(glyph: number): void {
    if (this.x >= this.cols) this.newline();
    this.glyph(glyph, this.x * this.cellW, this.y * this.cellH, this.scale, this.fg, this.bg);
    this.x++;
  }

  private sgr(p: number): void {
    if (p === 0) { this.fg = DEFAULT_FG; this.bg = DEFAULT_BG; this.bright = false; this.fgIndex = -1; }
    else if (p === 1) { this.bright = true; if (this.fgIndex >= 0) this.fg = ANSI[this.fgIndex + 8]; }
    else if (p === 22) { this.bright = false; if (this.fgIndex >= 0) this.fg = ANSI[this.fgIndex]; }
    else if (p >= 30 && p <= 37) { this.fgIndex = p - 30; this.fg = ANSI[this.fgIndex + (this.bright ? 8 : 0)]; }
    else if (p === 39) { this.fgIndex = -1; this.fg = DEFAULT_FG; }
    else if (p >= 40 && p <= 47) this.bg = ANSI[p - 40];
    else if (p === 49) this.bg = DEFAULT_BG;
    else if (p >= 90 && p <= 97) { this.fgIndex = -1; this.fg = ANSI[p - 90 + 8]; }
    else if (p >= 100 && p <= 107) this.bg = ANSI[p - 100 + 8];
  }

  private escapeByte(c: number): void {
    if (this.esc === 'esc') {
      if (c === 0x5b) { this.esc = 'csi'; this.params = []; }
      else this.esc = c >= 0x20 && c <= 0x2f ? 'esc-intermediate' : 'none';
      return;
    }
    if (this.esc === 'esc-intermediate') { this.esc = 'none'; return; }
    if (c >= 0x30 && c <= 0x39) {
      if (this.params.length === 0) this.params.push(0);
      const i = this.params.length - 1;
      if (this.params[i] < 10000) this.params[i] = this.params[i] * 10 + (c - 0x30);
      return;
    }
    if (c === 0x3b) {
      if (this.params.length === 0) this.params.push(0);
      this.params.push(0);
      return;
    }
    if (c >= 0x40 && c <= 0x7e) {
      this.esc = 'none';
      const ps = this.params.slice(0, 8);
      if (c === 0x6d) { if (ps.length === 0) this.sgr(0); for (const p of ps) this.sgr(p); }
      else if (c === 0x4a) { if (ps[0] === 2) this.fill(0, 0, this.width, this.height, this.bg); }
      else if (c === 0x48) { if (ps.length === 0) { this.x = 0; this.y = 0; } }
      return;
    }
    if (c < 0x20 || c > 0x7e) this.esc = 'none';
  }

  putByte(c: number): void {
    if (this.esc !== 'none') return this.escapeByte(c);
    if (c >= FIRST && c <= LAST) this.draw(c - FIRST);
    else if (c === 0x0a) this.newline();
    else if (c === 0x0d) this.x = 0;
    else if (c === 0x09) this.x = Math.min(this.cols, (this.x + 8) & ~7);
    else if (c === 0x08) { if (this.x > 0) this.x--; }
    else if (c === 0x1b) this.esc = 'esc';
    else if (c >= 0xc0) this.draw(this.font.glyphs.length - 1);
  }

  write(s: string | Buffer): void {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    for (const c of b) this.putByte(c);
  }

  verdict(pass: boolean): void {
    const vs = verdictScale(this.font, this.width, this.height);
    const wordW = 4 * this.font.width * vs;
    const wordH = this.font.height * vs;
    const bandRows = Math.min(this.rows, Math.ceil((wordH + this.cellH) / this.cellH));
    if (this.x !== 0) this.newline();
    while (this.y + bandRows > this.rows) { this.scroll(); this.y--; }
    const bandY = this.y * this.cellH;
    const bandH = bandRows * this.cellH;
    this.fill(0, bandY, this.width, bandH, this.bg);
    const x0 = wordW < this.width ? Math.floor((this.width - wordW) / 2) : 0;
    const y0 = bandY + (bandH > wordH ? Math.floor((bandH - wordH) / 2) : 0);
    const word = pass ? 'PASS' : 'FAIL';
    for (let i = 0; i < 4; i++) this.glyph(word.charCodeAt(i) - FIRST, x0 + i * this.font.width * vs, y0, vs, pass ? PASS_COLOR : FAIL_COLOR, this.bg);
    this.band = { x: 0, y: bandY, w: this.width, h: bandH };
    this.x = 0;
    this.y += bandRows;
    if (this.y >= this.rows) { this.y = this.rows - 1; this.x = this.cols; }
  }
}

// ---- raw framebuffer decoding ----------------------------------------------------------------

/** FbFormat in common/bootinfo.ts. */
export const enum Format { Rgbx = 1, Bgrx = 2, Bitmask = 3 }

export interface FbGeometry {
  width: number;
  height: number;
  /** Bytes per scanline. */
  pitch: number;
  /** Bits per pixel as given to the renderer (0: derived from the masks). */
  bpp: number;
  format: Format;
  masks: [number, number, number];
}

interface Channel { shift: number; bits: number }

function channelOf(mask: number): Channel {
  let shift = 0;
  while (shift < 32 && ((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (shift + bits < 32 && ((mask >>> (shift + bits)) & 1) === 1) bits++;
  return { shift, bits };
}

export function effectiveMasks(g: FbGeometry): [number, number, number] {
  if (g.format === Format.Rgbx) return [0x0000ff, 0x00ff00, 0xff0000];
  if (g.format === Format.Bgrx) return [0xff0000, 0x00ff00, 0x0000ff];
  return g.masks;
}

export function bytesPerPixel(g: FbGeometry): number {
  if (g.format !== Format.Bitmask) return 4;
  if (g.bpp) return g.bpp / 8;
  const all = (g.masks[0] | g.masks[1] | g.masks[2]) >>> 0;
  return Math.floor((31 - Math.clz32(all)) / 8) + 1;
}

/** Expands an n-bit channel value to 8 bits (rounded). */
function expand(v: number, bits: number): number {
  const max = 2 ** bits - 1;
  return Math.round((v * 255) / max);
}

/** What an 0xRRGGBB colour looks like after a round trip through the pixel format. */
export function quantize(rgb: number, g: FbGeometry): number {
  const chans = effectiveMasks(g).map(channelOf);
  let out = 0;
  for (let i = 0; i < 3; i++) {
    const c8 = (rgb >> (16 - 8 * i)) & 0xff;
    const max = 2 ** chans[i].bits - 1;
    const v = Math.floor((c8 * max + 127) / 255);
    out |= expand(v, chans[i].bits) << (16 - 8 * i);
  }
  return out;
}

export function quantizeImage(img: RgbImage, g: FbGeometry): RgbImage {
  const cache = new Map<number, number>();
  const out = newImage(img.width, img.height);
  for (let i = 0; i < img.pixels.length; i++) {
    const v = img.pixels[i];
    let q = cache.get(v);
    if (q === undefined) { q = quantize(v, g); cache.set(v, q); }
    out.pixels[i] = q;
  }
  return out;
}

/** Decodes framebuffer memory into 8-bit RGB. */
export function decodeFramebuffer(mem: Buffer, g: FbGeometry): RgbImage {
  const bpp = bytesPerPixel(g);
  const chans = effectiveMasks(g).map(channelOf);
  const img = newImage(g.width, g.height);
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      const o = y * g.pitch + x * bpp;
      let v = 0;
      for (let k = 0; k < bpp; k++) v += mem[o + k] * 2 ** (8 * k);
      let rgb = 0;
      for (let i = 0; i < 3; i++) {
        const c = Math.floor(v / 2 ** chans[i].shift) % 2 ** chans[i].bits;
        rgb |= expand(c, chans[i].bits) << (16 - 8 * i);
      }
      img.pixels[y * g.width + x] = rgb;
    }
  }
  return img;
}
