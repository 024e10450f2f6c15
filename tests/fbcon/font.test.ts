// scripts/font.ts: PSF1/PSF2 parsing, the subset module, byte-for-byte regeneration of the
// committed common/fbcon/font.generated.ts, and that its glyphs are the PSF's glyphs for
// their characters (read here with a separate, minimal walk of the PSF's Unicode table).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { convert, DEFAULT_LICENSE, DEFAULT_PSF, FontError, generateModule, parsePsf, subsetFont } from '../../scripts/font';
import { testIf } from '../lib/skip';
import { makeTempDir, removeDir, repoRoot } from '../lib/toolchain';
import { fontFromGeneratedModule, generatedFontPath } from './model';

const FONT_JS = path.join(repoRoot, 'build', 'js', 'scripts', 'font.js');
/** Why the tests against Debian's Terminus font cannot run, or undefined. */
const NO_FONT = fs.existsSync(DEFAULT_PSF) && fs.existsSync(DEFAULT_LICENSE) ? undefined
  : `needs Debian's console-setup-linux (${DEFAULT_PSF}); apt-get install console-setup-linux`;

/** A minimal PSF2 font: `count` glyphs of width x height, glyph i drawn as its index bits, mapped to code points. */
function makePsf2(width: number, height: number, map: number[][]): Buffer {
  const rowBytes = Math.ceil(width / 8);
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0x864ab572, 0);
  header.writeUInt32LE(0, 4);
  header.writeUInt32LE(32, 8);
  header.writeUInt32LE(1, 12);
  header.writeUInt32LE(map.length, 16);
  header.writeUInt32LE(rowBytes * height, 20);
  header.writeUInt32LE(height, 24);
  header.writeUInt32LE(width, 28);
  const glyphs = Buffer.alloc(map.length * rowBytes * height);
  for (let g = 0; g < map.length; g++) for (let b = 0; b < rowBytes * height; b++) glyphs[g * rowBytes * height + b] = (g * 7 + b) & 0xff;
  const table: number[] = [];
  for (const cps of map) {
    for (const cp of cps) table.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    table.push(0xff);
  }
  return Buffer.concat([header, glyphs, Buffer.from(table)]);
}

test('PSF2 with a Unicode table and 2-byte rows: glyphs are picked by code point, not by position', () => {
  // Glyph 0 is the fallback (U+FFFD); then printable ASCII in reverse order.
  const map: number[][] = [[0xfffd]];
  for (let c = 0x7e; c >= 0x20; c--) map.push([c]);
  const font = parsePsf(makePsf2(10, 18, map));
  assert.is(font.version, 2);
  assert.is(font.rowBytes, 2);
  const sub = subsetFont(font);
  assert.is(sub.glyphs.length, 96);
  assert.ok(sub.glyphs[0x41 - 0x20].equals(font.glyphs[1 + (0x7e - 0x41)]), "'A' is the glyph the table maps U+0041 to");
  assert.ok(sub.glyphs[95].equals(font.glyphs[0]), 'the fallback is U+FFFD');
  const text = generateModule(sub, { psfName: 'x.psf', psfSha256: '0', license: 'SIL OPEN FONT LICENSE Version 1.1' });
  assert.match(text, /export const FONT_WIDTH = 10;/);
  assert.match(text, /export const FONT_ROW_BYTES = 2;/);
  assert.match(text, /export const FONT_GLYPHS: Arr<u8, 3456> = \[/);
});

test('PSF1 without a Unicode table maps code points to glyph positions; 512-glyph mode', () => {
  const h = 8;
  const buf = Buffer.alloc(4 + 512 * h);
  buf[0] = 0x36; buf[1] = 0x04; buf[2] = 0x01; buf[3] = h;
  for (let i = 0; i < 512 * h; i++) buf[4 + i] = i & 0xff;
  const font = parsePsf(buf);
  assert.is(font.glyphCount, 512);
  assert.is(font.hasUnicodeTable, false);
  const sub = subsetFont(font, { fallbacks: [0x3f] });
  assert.ok(sub.glyphs[0x41 - 0x20].equals(font.glyphs[0x41]));
  assert.is(sub.fallbackCodePoint, 0x3f);
});

test('bad fonts are rejected with what is wrong', () => {
  assert.throws(() => parsePsf(Buffer.from('hello world')), (e: Error) => e instanceof FontError && /not a PSF font/.test(e.message));
  const trunc = makePsf2(8, 16, [[0x41]]).subarray(0, 40);
  assert.throws(() => parsePsf(trunc), (e: Error) => /truncated/.test(e.message));
  const noTable = makePsf2(8, 16, [[0x41], [0x42]]);
  assert.throws(() => subsetFont(parsePsf(noTable)), (e: Error) => /has no glyph for " "/.test(e.message));
});

testIf(test, 'font.js --check: exit 1 on a stale module, 0 on a fresh one; --out writes deterministic bytes', NO_FONT, () => {
  const dir = makeTempDir('font');
  try {
    const out = path.join(dir, 'font.ts');
    let r = spawnSync(process.execPath, [FONT_JS, '--out', out], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const first = fs.readFileSync(out);
    r = spawnSync(process.execPath, [FONT_JS, '--out', out, '--check'], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    fs.writeFileSync(out, first.toString('utf8').replace('0x10, 0x10, 0x10', '0x10, 0x10, 0x11'));
    r = spawnSync(process.execPath, [FONT_JS, '--out', out, '--check'], { encoding: 'utf8' });
    assert.is(r.status, 1, 'a modified module fails --check');
    assert.match(r.stderr, /differs/);
    r = spawnSync(process.execPath, [FONT_JS, '--psf', path.join(dir, 'missing.psf'), '--out', out], { encoding: 'utf8' });
    assert.is(r.status, 1);
    assert.match(r.stderr, /cannot read the font .*missing\.psf.*apt-get install console-setup-linux/);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace for a user error');
  } finally {
    removeDir(dir);
  }
});

testIf(test, 'the committed common/fbcon/font.generated.ts is exactly what scripts/font.ts generates', NO_FONT, () => {
  const committed = fs.readFileSync(generatedFontPath(repoRoot), 'utf8');
  const { text } = convert({ psf: DEFAULT_PSF, license: DEFAULT_LICENSE });
  assert.ok(committed === text, 'font.generated.ts differs from the generator output; run node build/js/scripts/font.js');
  assert.match(committed, /SIL OPEN FONT LICENSE Version 1\.1/, 'the OFL text is embedded');
  assert.match(committed, /Copyright \(c\) 2010 Dimitar Toshkov Zhekov/);
});

/** Glyph bytes for a code point, by a separate walk of a PSF1/PSF2 Unicode table. */
function psfGlyphFor(buf: Buffer, cp: number): Buffer | undefined {
  let glyphOff: number, count: number, size: number, table: number, psf2: boolean;
  if (buf.readUInt32LE(0) === 0x864ab572) {
    psf2 = true;
    glyphOff = buf.readUInt32LE(8); count = buf.readUInt32LE(16); size = buf.readUInt32LE(20);
    table = glyphOff + count * size;
  } else {
    psf2 = false;
    glyphOff = 4; count = buf[2] & 1 ? 512 : 256; size = buf[3];
    table = 4 + count * size;
  }
  let p = table;
  for (let g = 0; g < count; g++) {
    let seq = false;
    for (;;) {
      if (psf2) {
        const c = buf[p];
        if (c === 0xff) { p++; break; }
        if (c === 0xfe) { seq = true; p++; continue; }
        const n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        const ch = buf.toString('utf8', p, p + n).codePointAt(0);
        p += n;
        if (!seq && ch === cp) return buf.subarray(glyphOff + g * size, glyphOff + (g + 1) * size);
      } else {
        const v = buf.readUInt16LE(p);
        p += 2;
        if (v === 0xffff) break;
        if (v === 0xfffe) { seq = true; continue; }
        if (!seq && v === cp) return buf.subarray(glyphOff + g * size, glyphOff + (g + 1) * size);
      }
    }
  }
  return undefined;
}

testIf(test, "the committed glyphs are the PSF's glyphs for printable ASCII and U+FFFD", NO_FONT, () => {
  const psf = zlib.gunzipSync(fs.readFileSync(DEFAULT_PSF));
  const font = fontFromGeneratedModule(generatedFontPath(repoRoot));
  assert.is(font.glyphs.length, 96);
  for (let c = 0x20; c <= 0x7e; c++) {
    const want = psfGlyphFor(psf, c);
    assert.ok(want, `the PSF maps U+${c.toString(16)}`);
    assert.ok(font.glyphs[c - 0x20].equals(want!), `glyph for ${JSON.stringify(String.fromCharCode(c))}`);
  }
  assert.ok(font.glyphs[95].equals(psfGlyphFor(psf, 0xfffd)!), 'fallback glyph is U+FFFD');
});

test.run();
