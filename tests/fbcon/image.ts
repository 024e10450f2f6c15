// RGB images for the framebuffer-console tests: a pixel array, PPM (P6, what QEMU's
// screendump writes) and PNG (what the reference images in tests/fixtures/fbcon are, since
// screens of text compress ~100x), cropping and an exact comparison that says where the
// first difference is. Written here rather than taken from a package: the formats needed
// are small (8-bit RGB, no interlacing) and the tests must not depend on more packages.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { crc32 } from '../lib/crc32';

/** Pixels are 0xRRGGBB, row-major, no padding. */
export interface RgbImage {
  width: number;
  height: number;
  pixels: Uint32Array;
}

export function newImage(width: number, height: number, fill = 0): RgbImage {
  const pixels = new Uint32Array(width * height);
  if (fill) pixels.fill(fill);
  return { width, height, pixels };
}

export function crop(img: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  if (x < 0 || y < 0 || x + w > img.width || y + h > img.height) {
    throw new Error(`crop ${w}x${h}+${x}+${y} lies outside the ${img.width}x${img.height} image`);
  }
  const out = newImage(w, h);
  for (let row = 0; row < h; row++) out.pixels.set(img.pixels.subarray((y + row) * img.width + x, (y + row) * img.width + x + w), row * w);
  return out;
}

export interface ImageDiff {
  /** Number of differing pixels. */
  count: number;
  first?: { x: number; y: number; expected: number; actual: number };
  /** Bounding box of the differences. */
  box?: { x0: number; y0: number; x1: number; y1: number };
}

export function diffImages(expected: RgbImage, actual: RgbImage): ImageDiff {
  if (expected.width !== actual.width || expected.height !== actual.height) {
    throw new Error(`image sizes differ: expected ${expected.width}x${expected.height}, got ${actual.width}x${actual.height}`);
  }
  const d: ImageDiff = { count: 0 };
  for (let i = 0; i < expected.pixels.length; i++) {
    if (expected.pixels[i] === actual.pixels[i]) continue;
    const x = i % expected.width;
    const y = Math.floor(i / expected.width);
    if (d.count === 0) {
      d.first = { x, y, expected: expected.pixels[i], actual: actual.pixels[i] };
      d.box = { x0: x, y0: y, x1: x, y1: y };
    } else {
      const b = d.box!;
      b.x0 = Math.min(b.x0, x); b.x1 = Math.max(b.x1, x); b.y1 = Math.max(b.y1, y);
    }
    d.count++;
  }
  return d;
}

export function hex6(v: number): string {
  return '#' + v.toString(16).padStart(6, '0');
}

/** One line describing a diff, or '' when the images are equal. */
export function describeDiff(d: ImageDiff, cell?: { w: number; h: number }): string {
  if (d.count === 0) return '';
  const f = d.first!;
  const b = d.box!;
  const where = cell ? ` (text cell column ${Math.floor(f.x / cell.w)}, row ${Math.floor(f.y / cell.h)})` : '';
  return `${d.count} pixels differ; first at (${f.x}, ${f.y})${where}: expected ${hex6(f.expected)}, got ${hex6(f.actual)}; all within x ${b.x0}..${b.x1}, y ${b.y0}..${b.y1}`;
}

// ---- PPM ----------------------------------------------------------------------------------

/** Parses a binary PPM (P6, maxval 255), as written by QEMU's screendump. */
export function parsePpm(buf: Buffer, what = 'PPM'): RgbImage {
  let p = 0;
  const token = (): string => {
    for (;;) {
      while (p < buf.length && /\s/.test(String.fromCharCode(buf[p]))) p++;
      if (buf[p] === 0x23) { // '#': comment to end of line
        while (p < buf.length && buf[p] !== 0x0a) p++;
        continue;
      }
      break;
    }
    const s = p;
    while (p < buf.length && !/\s/.test(String.fromCharCode(buf[p]))) p++;
    return buf.toString('latin1', s, p);
  };
  const magic = token();
  if (magic !== 'P6') throw new Error(`${what}: not a binary PPM (magic ${JSON.stringify(magic)}, expected P6)`);
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (!(width > 0 && height > 0)) throw new Error(`${what}: bad size ${width}x${height}`);
  if (maxval !== 255) throw new Error(`${what}: maxval ${maxval} is not supported (only 255)`);
  p++; // the single whitespace byte after maxval
  if (p + width * height * 3 > buf.length) throw new Error(`${what}: truncated (${buf.length - p} pixel bytes, need ${width * height * 3})`);
  const img = newImage(width, height);
  for (let i = 0; i < width * height; i++, p += 3) img.pixels[i] = (buf[p] << 16) | (buf[p + 1] << 8) | buf[p + 2];
  return img;
}

export function encodePpm(img: RgbImage): Buffer {
  const head = Buffer.from(`P6\n${img.width} ${img.height}\n255\n`, 'latin1');
  const body = Buffer.alloc(img.width * img.height * 3);
  for (let i = 0; i < img.pixels.length; i++) {
    const v = img.pixels[i];
    body[i * 3] = v >> 16;
    body[i * 3 + 1] = (v >> 8) & 0xff;
    body[i * 3 + 2] = v & 0xff;
  }
  return Buffer.concat([head, body]);
}

// ---- PNG ----------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);


function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const t = Buffer.from(type, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(t, data));
  return Buffer.concat([len, t, data, crc]);
}

/** 8-bit RGB PNG, filter 0 on every row: deterministic bytes for a given image. */
export function encodePng(img: RgbImage): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // deflate, adaptive filtering, no interlace
  const stride = img.width * 3 + 1;
  const raw = Buffer.alloc(stride * img.height);
  for (let y = 0; y < img.height; y++) {
    raw[y * stride] = 0;
    for (let x = 0; x < img.width; x++) {
      const v = img.pixels[y * img.width + x];
      const o = y * stride + 1 + x * 3;
      raw[o] = v >> 16;
      raw[o + 1] = (v >> 8) & 0xff;
      raw[o + 2] = v & 0xff;
    }
  }
  const idat = zlib.deflateSync(raw, { level: 9 });
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (all five row filters). */
export function decodePng(buf: Buffer, what = 'PNG'): RgbImage {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`${what}: not a PNG file`);
  let p = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (p + 8 <= buf.length) {
    const len = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    const data = buf.subarray(p + 8, p + 8 + len);
    if (data.length !== len) throw new Error(`${what}: truncated ${type} chunk`);
    const crc = buf.readUInt32BE(p + 8 + len);
    if (crc !== crc32(buf.subarray(p + 4, p + 8), data)) throw new Error(`${what}: CRC mismatch in the ${type} chunk`);
    p += 12 + len;
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colorType = data[9];
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || data[12] !== 0) {
        throw new Error(`${what}: only 8-bit RGB/RGBA non-interlaced PNGs are supported (depth ${depth}, colour type ${colorType}, interlace ${data[12]})`);
      }
      channels = colorType === 2 ? 3 : 4;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
  }
  if (!channels) throw new Error(`${what}: no IHDR chunk`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < (stride + 1) * height) throw new Error(`${what}: image data is truncated`);
  const cur = Buffer.alloc(stride);
  const prev = Buffer.alloc(stride);
  const img = newImage(width, height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = line[i];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) v += paeth(a, b, c);
      else if (f !== 0) throw new Error(`${what}: unknown row filter ${f} in row ${y}`);
      cur[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) img.pixels[y * width + x] = (cur[x * channels] << 16) | (cur[x * channels + 1] << 8) | cur[x * channels + 2];
    cur.copy(prev);
  }
  return img;
}

export function readImage(file: string): RgbImage {
  const buf = fs.readFileSync(file);
  return file.endsWith('.png') ? decodePng(buf, file) : parsePpm(buf, file);
}
