// Build-time font conversion for the framebuffer console (common/fbcon/).
//
// Reads a Linux console font (PSF1 or PSF2, optionally gzip-compressed) such as Debian's
// Terminus fonts from the console-setup-linux package, and writes a subset module with the
// glyph bitmaps of printable ASCII (0x20..0x7E) plus one fallback glyph, as a
// `const Arr<u8, N>` the kernel links into .rodata.
//
// The output is committed (common/fbcon/font.generated.ts) so that normal builds do not need
// the font package; this script regenerates it byte for byte from the same inputs
// (`--check` verifies that). The output depends only on the PSF's contents and the license
// text, never on file dates, paths or the machine.
//
//   node build/js/scripts/font.js [--psf FILE] [--license FILE] [--out FILE] [--check]
//                                 [--fallback U+FFFD] [--show TEXT]
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import yargs from 'yargs';
import { displayPath, repoRoot } from './paths';

/** Debian 12: console-setup-linux ships the Terminus console fonts here. */
export const DEFAULT_PSF = '/usr/share/consolefonts/Uni2-Terminus16.psf.gz';
/** The same package's font copyright file; its Terminus section is the license we embed. */
export const DEFAULT_LICENSE = '/usr/share/doc/console-setup-linux/copyright.fonts.gz';
export const FONT_PACKAGE = 'console-setup-linux';

export const FIRST_CHAR = 0x20;
export const LAST_CHAR = 0x7e;
/** Code points tried, in order, for the glyph drawn for anything that is not printable ASCII. */
export const DEFAULT_FALLBACKS = [0xfffd, 0x25a1, 0x25af, 0x3f];

export class FontError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FontError';
  }
}

export interface PsfFont {
  version: 1 | 2;
  width: number;
  height: number;
  /** Bytes per glyph row: ceil(width / 8); rows are MSB-first (bit 7 of byte 0 is the leftmost pixel). */
  rowBytes: number;
  glyphBytes: number;
  glyphCount: number;
  glyphs: Buffer[];
  /** Code point -> glyph index, from the font's Unicode table (identity when there is none). */
  unicode: Map<number, number>;
  hasUnicodeTable: boolean;
}

const PSF1_MAGIC = [0x36, 0x04];
const PSF2_MAGIC = [0x72, 0xb5, 0x4a, 0x86];

/** Decompresses when the buffer is gzip data (magic 1f 8b); returns it unchanged otherwise. */
export function maybeGunzip(buf: Buffer, what: string): Buffer {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return zlib.gunzipSync(buf);
    } catch (e) {
      throw new FontError(`${what}: gzip data is corrupt (${(e as Error).message})`);
    }
  }
  return buf;
}

/** Decodes one UTF-8 character at `i`; returns [codePoint, length] or undefined if invalid. */
function utf8At(b: Buffer, i: number, end: number): [number, number] | undefined {
  const c = b[i];
  let n: number;
  let cp: number;
  if (c < 0x80) return [c, 1];
  if (c >= 0xc2 && c < 0xe0) { n = 2; cp = c & 0x1f; }
  else if (c >= 0xe0 && c < 0xf0) { n = 3; cp = c & 0x0f; }
  else if (c >= 0xf0 && c < 0xf5) { n = 4; cp = c & 0x07; }
  else return undefined;
  if (i + n > end) return undefined;
  for (let k = 1; k < n; k++) {
    const d = b[i + k];
    if ((d & 0xc0) !== 0x80) return undefined;
    cp = (cp << 6) | (d & 0x3f);
  }
  return [cp, n];
}

/** Parses a PSF1 or PSF2 font (already decompressed). `what` names it in errors. */
export function parsePsf(buf: Buffer, what = 'font'): PsfFont {
  const glyphsOf = (off: number, count: number, size: number): Buffer[] => {
    if (off + count * size > buf.length) {
      throw new FontError(`${what}: truncated: ${count} glyphs of ${size} bytes at offset ${off} need ${off + count * size} bytes, the file has ${buf.length}`);
    }
    const g: Buffer[] = [];
    for (let i = 0; i < count; i++) g.push(Buffer.from(buf.subarray(off + i * size, off + (i + 1) * size)));
    return g;
  };
  const unicode = new Map<number, number>();
  const addMapping = (cp: number, glyph: number) => {
    // The first glyph that claims a code point wins, as the kernel's console does.
    if (!unicode.has(cp)) unicode.set(cp, glyph);
  };

  if (buf.length >= 4 && PSF2_MAGIC.every((m, i) => buf[i] === m)) {
    if (buf.length < 32) throw new FontError(`${what}: PSF2 header is truncated (${buf.length} bytes, need 32)`);
    const version = buf.readUInt32LE(4);
    const headerSize = buf.readUInt32LE(8);
    const flags = buf.readUInt32LE(12);
    const count = buf.readUInt32LE(16);
    const glyphBytes = buf.readUInt32LE(20);
    const height = buf.readUInt32LE(24);
    const width = buf.readUInt32LE(28);
    if (version !== 0) throw new FontError(`${what}: PSF2 version ${version} is not supported (only 0 exists)`);
    if (width < 1 || width > 64 || height < 1 || height > 128) throw new FontError(`${what}: implausible glyph size ${width}x${height}`);
    const rowBytes = Math.ceil(width / 8);
    if (glyphBytes !== rowBytes * height) throw new FontError(`${what}: charsize ${glyphBytes} does not match ${width}x${height} (${rowBytes * height} bytes)`);
    if (count < 1 || count > 65536) throw new FontError(`${what}: implausible glyph count ${count}`);
    const glyphs = glyphsOf(headerSize, count, glyphBytes);
    const hasUnicodeTable = (flags & 1) !== 0;
    if (hasUnicodeTable) {
      // Per glyph: UTF-8 characters, then optional 0xFE-introduced sequences, then 0xFF.
      let p = headerSize + count * glyphBytes;
      for (let g = 0; g < count; g++) {
        let inSequences = false;
        for (;;) {
          if (p >= buf.length) throw new FontError(`${what}: the Unicode table ends inside the entry of glyph ${g}`);
          const c = buf[p];
          if (c === 0xff) { p++; break; }
          if (c === 0xfe) { inSequences = true; p++; continue; }
          const u = utf8At(buf, p, buf.length);
          if (!u) throw new FontError(`${what}: invalid UTF-8 in the Unicode table at offset ${p} (glyph ${g})`);
          // Sequences (combining characters) are not single code points; skip them.
          if (!inSequences) addMapping(u[0], g);
          p += u[1];
        }
      }
    } else {
      for (let g = 0; g < count; g++) unicode.set(g, g);
    }
    return { version: 2, width, height, rowBytes, glyphBytes, glyphCount: count, glyphs, unicode, hasUnicodeTable };
  }

  if (buf.length >= 2 && PSF1_MAGIC.every((m, i) => buf[i] === m)) {
    if (buf.length < 4) throw new FontError(`${what}: PSF1 header is truncated`);
    const mode = buf[2];
    const height = buf[3];
    if (height < 1) throw new FontError(`${what}: PSF1 glyph height is 0`);
    const count = (mode & 0x01) !== 0 ? 512 : 256;
    const glyphs = glyphsOf(4, count, height);
    const hasUnicodeTable = (mode & 0x06) !== 0;
    if (hasUnicodeTable) {
      // Per glyph: UCS-2 little-endian values, 0xFFFE starts sequences, 0xFFFF ends the entry.
      let p = 4 + count * height;
      for (let g = 0; g < count; g++) {
        let inSequences = false;
        for (;;) {
          if (p + 2 > buf.length) throw new FontError(`${what}: the Unicode table ends inside the entry of glyph ${g}`);
          const v = buf.readUInt16LE(p);
          p += 2;
          if (v === 0xffff) break;
          if (v === 0xfffe) { inSequences = true; continue; }
          if (!inSequences) addMapping(v, g);
        }
      }
    } else {
      for (let g = 0; g < count; g++) unicode.set(g, g);
    }
    return { version: 1, width: 8, height, rowBytes: 1, glyphBytes: height, glyphCount: count, glyphs, unicode, hasUnicodeTable };
  }

  const head = [...buf.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new FontError(`${what}: not a PSF font (first bytes ${head || 'none'}; PSF1 starts 36 04, PSF2 starts 72 b5 4a 86)`);
}

/** The Terminus section of Debian's font copyright file: notice plus the full OFL 1.1 text. */
export function extractTerminusLicense(text: string, what = 'license file'): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Terminus Font is licensed under'));
  if (start < 0) throw new FontError(`${what}: no "Terminus Font is licensed under" section; pass the font's license with --license`);
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i].startsWith('== ')) { end = i; break; }
  }
  const section = lines.slice(start, end).map((l) => l.trimEnd());
  while (section.length && section[section.length - 1] === '') section.pop();
  const body = section.join('\n');
  if (!/SIL OPEN FONT LICENSE Version 1\.1/i.test(body)) throw new FontError(`${what}: the Terminus section does not contain the SIL Open Font License 1.1 text`);
  return body;
}

export interface SubsetOptions {
  /** Code points tried for the fallback glyph (default DEFAULT_FALLBACKS). */
  fallbacks?: number[];
}

export interface FontSubset {
  width: number;
  height: number;
  rowBytes: number;
  glyphBytes: number;
  /** Glyphs for FIRST_CHAR..LAST_CHAR, then the fallback. */
  glyphs: Buffer[];
  fallbackCodePoint: number;
}

export function subsetFont(font: PsfFont, opts: SubsetOptions = {}, what = 'font'): FontSubset {
  const glyphs: Buffer[] = [];
  const missing: string[] = [];
  for (let c = FIRST_CHAR; c <= LAST_CHAR; c++) {
    const g = font.unicode.get(c);
    if (g === undefined || g >= font.glyphCount) missing.push(JSON.stringify(String.fromCharCode(c)));
    else glyphs.push(font.glyphs[g]);
  }
  if (missing.length) throw new FontError(`${what}: has no glyph for ${missing.join(' ')}; pick a font that covers printable ASCII`);
  const fallbacks = opts.fallbacks ?? DEFAULT_FALLBACKS;
  const fb = fallbacks.find((cp) => font.unicode.has(cp) && font.unicode.get(cp)! < font.glyphCount);
  if (fb === undefined) throw new FontError(`${what}: has none of the fallback glyphs ${fallbacks.map(hexCp).join(', ')}`);
  glyphs.push(font.glyphs[font.unicode.get(fb)!]);
  return { width: font.width, height: font.height, rowBytes: font.rowBytes, glyphBytes: font.glyphBytes, glyphs, fallbackCodePoint: fb };
}

function hexCp(cp: number): string {
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
}

export interface ModuleSource {
  /** File name of the PSF (no directory: machine paths never go into the repo). */
  psfName: string;
  /** sha256 of the decompressed PSF. */
  psfSha256: string;
  license: string;
}

/** The text of common/fbcon/font.generated.ts. Deterministic in its inputs. */
export function generateModule(sub: FontSubset, src: ModuleSource): string {
  const n = sub.glyphs.length * sub.glyphBytes;
  const out: string[] = [];
  out.push('// GENERATED by scripts/font.ts -- do not edit. Regenerate (or verify with --check):');
  out.push(`//   node build/js/scripts/font.js --psf <${src.psfName}> --license <copyright.fonts.gz>`);
  out.push(`// Source: ${src.psfName} from the Debian package ${FONT_PACKAGE}`);
  out.push(`// (decompressed sha256 ${src.psfSha256}).`);
  out.push('//');
  out.push('// This file is a subset of the font below (printable ASCII and a fallback glyph,');
  out.push('// converted from PSF to an array). As a Modified Version of the Font Software it is');
  out.push('// distributed under the same license, reproduced here in full:');
  out.push('//');
  for (const l of src.license.split('\n')) out.push(l === '' ? '//' : `// ${l}`);
  out.push('');
  out.push(`/** Glyph cell width and height in pixels. */`);
  out.push(`export const FONT_WIDTH = ${sub.width};`);
  out.push(`export const FONT_HEIGHT = ${sub.height};`);
  out.push(`/** Bytes per glyph row; bit 7 of a row's first byte is its leftmost pixel. */`);
  out.push(`export const FONT_ROW_BYTES = ${sub.rowBytes};`);
  out.push(`export const FONT_GLYPH_BYTES = ${sub.glyphBytes};`);
  out.push(`/** FONT_GLYPHS holds the glyphs of FONT_FIRST..FONT_LAST in order, then the fallback. */`);
  out.push(`export const FONT_FIRST = ${FIRST_CHAR};`);
  out.push(`export const FONT_LAST = ${LAST_CHAR};`);
  out.push(`/** Index of the fallback glyph (${hexCp(sub.fallbackCodePoint)}), drawn for bytes without a glyph. */`);
  out.push(`export const FONT_FALLBACK = ${sub.glyphs.length - 1};`);
  out.push(`export const FONT_GLYPH_COUNT = ${sub.glyphs.length};`);
  out.push('');
  out.push(`export const FONT_GLYPHS: Arr<u8, ${n}> = [`);
  sub.glyphs.forEach((g, i) => {
    const cp = i < sub.glyphs.length - 1 ? FIRST_CHAR + i : sub.fallbackCodePoint;
    const label = i < sub.glyphs.length - 1 ? JSON.stringify(String.fromCharCode(cp)) : 'fallback';
    const bytes = [...g].map((b) => '0x' + b.toString(16).toUpperCase().padStart(2, '0'));
    // One glyph per line (wrapped at 16 bytes), labelled with its character.
    for (let k = 0; k < bytes.length; k += 16) {
      const chunk = bytes.slice(k, k + 16).join(', ') + ',';
      out.push(k === 0 ? `  ${chunk} // ${hexCp(cp)} ${label}` : `  ${chunk}`);
    }
  });
  out.push('];');
  out.push('');
  return out.join('\n');
}

export interface ConvertOptions {
  psf: string;
  license: string;
  fallbacks?: number[];
}

/** Reads the inputs and returns the module text. Throws FontError with what to do. */
export function convert(opts: ConvertOptions): { text: string; font: PsfFont; subset: FontSubset } {
  const readInput = (file: string, what: string, hint: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new FontError(`cannot read the ${what} ${file} (${code ?? (e as Error).message}); ${hint}`);
    }
  };
  const install = `install it with \`apt-get install ${FONT_PACKAGE}\` or pass another file`;
  const psfRaw = maybeGunzip(readInput(opts.psf, 'font', `${install} with --psf`), opts.psf);
  const font = parsePsf(psfRaw, opts.psf);
  const licRaw = maybeGunzip(readInput(opts.license, 'license file', `${install} with --license`), opts.license);
  const license = extractTerminusLicense(licRaw.toString('utf8'), opts.license);
  const subset = subsetFont(font, { fallbacks: opts.fallbacks }, opts.psf);
  const text = generateModule(subset, {
    psfName: path.basename(opts.psf),
    psfSha256: crypto.createHash('sha256').update(psfRaw).digest('hex'),
    license,
  });
  return { text, font, subset };
}

export function defaultOutput(): string {
  return path.join(repoRoot(), 'common', 'fbcon', 'font.generated.ts');
}

/** ASCII-art rendering of `text` with the subset, for eyeballing a font (--show). */
export function preview(sub: FontSubset, text: string): string {
  const rows: string[] = [];
  for (let y = 0; y < sub.height; y++) {
    let line = '';
    for (const ch of text) {
      const c = ch.codePointAt(0)!;
      const g = c >= FIRST_CHAR && c <= LAST_CHAR ? sub.glyphs[c - FIRST_CHAR] : sub.glyphs[sub.glyphs.length - 1];
      for (let x = 0; x < sub.width; x++) {
        const on = (g[y * sub.rowBytes + (x >> 3)] & (0x80 >> (x & 7))) !== 0;
        line += on ? '#' : '.';
      }
    }
    rows.push(line);
  }
  return rows.join('\n');
}

function parseCodePoint(s: string): number {
  const m = /^(?:U\+|0x)?([0-9a-f]{1,6})$/i.exec(s.trim());
  if (!m) throw new FontError(`--fallback: ${JSON.stringify(s)} is not a code point; write e.g. U+FFFD`);
  return parseInt(m[1], 16);
}

function main(): number {
  const argv = yargs(process.argv.slice(2))
    .scriptName('font')
    .usage(
      '$0 [--psf FILE] [--license FILE] [--out FILE] [--check]\n\n' +
        'Converts a PSF1/PSF2 console font (gzip ok) into the framebuffer\n' +
        "console's glyph module: printable ASCII (0x20..0x7E) plus a fallback\n" +
        'glyph as a `const Arr<u8, N>`. The default input is Terminus 8x16 from\n' +
        `Debian's ${FONT_PACKAGE} (SIL Open Font License 1.1, embedded in the\n` +
        'output). The output is deterministic; --check compares instead of writing.',
    )
    .option('psf', { type: 'string', default: DEFAULT_PSF, describe: 'PSF1/PSF2 font file (.psf or .psf.gz)' })
    .option('license', { type: 'string', default: DEFAULT_LICENSE, describe: "the font's license: a Debian copyright.fonts file with a Terminus section (gzip ok)" })
    .option('out', { type: 'string', describe: 'output module (default common/fbcon/font.generated.ts)' })
    .option('check', { type: 'boolean', default: false, describe: 'exit 1 if the output file differs from what would be generated' })
    .option('fallback', { type: 'string', array: true, describe: `code points tried for the fallback glyph (default ${DEFAULT_FALLBACKS.map(hexCp).join(' ')})` })
    .option('show', { type: 'string', describe: 'print TEXT rendered with the subset as ASCII art and write nothing (a preview; with --out it also writes that file)' })
    .strict()
    .version(false)
    .help()
    .parseSync();
  const out = argv.out ? path.resolve(argv.out) : defaultOutput();
  const fallbacks = argv.fallback ? argv.fallback.map(parseCodePoint) : undefined;
  const { text, font, subset } = convert({ psf: argv.psf, license: argv.license, fallbacks });
  const desc = `PSF${font.version} ${font.width}x${font.height}, ${font.glyphCount} glyphs${font.hasUnicodeTable ? ' with a Unicode table' : ''}; fallback ${hexCp(subset.fallbackCodePoint)}`;
  if (argv.show !== undefined) console.log(preview(subset, argv.show));
  // A preview never replaces the committed module: it writes only where --out says.
  if (argv.show !== undefined && !argv.check && !argv.out) {
    console.log(`font: preview of ${path.basename(argv.psf)} (${desc}); nothing written (--out FILE also writes the module)`);
    return 0;
  }
  if (argv.check) {
    let current: string | undefined;
    try {
      current = fs.readFileSync(out, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === text) {
      console.log(`font: ${displayPath(out)} is up to date (${desc})`);
      return 0;
    }
    console.error(`font: ${displayPath(out)} ${current === undefined ? 'does not exist' : 'differs from what ' + path.basename(argv.psf) + ' generates'}; run without --check to regenerate`);
    return 1;
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  console.log(`font: wrote ${displayPath(out)} (${desc}; ${subset.glyphs.length} glyphs, ${subset.glyphs.length * subset.glyphBytes} bytes)`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(e instanceof FontError ? `font: ${e.message}` : `font: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  }
}
