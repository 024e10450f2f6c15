// The framebuffer console (common/fbcon) compiled for x86_64-linux and run against an
// in-memory framebuffer (tests/subset/fbcon/render.ts) in every GOP pixel format (RGB, BGR,
// bitmask 10:10:10, 8:8:8 in 24 bits, 5:6:5) with odd pitches. Every dump is decoded in
// Node and compared pixel for pixel with
//   1. an independent model (tests/fbcon/model.ts) rendering the same bytes with the glyphs
//      read from the generated font module, and
//   2. the checked-in reference image tests/fixtures/fbcon/<name>.png.
// The bytes between the visible width and the pitch, and after the last row, must be
// untouched. TSBOOT_UPDATE_FIXTURES=1 rewrites the reference images (only when the
// framebuffer matches the model).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { compilerBuilt, compileSubset, makeTempDir, removeDir, repoRoot, runnerFor } from '../lib/toolchain';
import { decodePng, describeDiff, diffImages, encodePng, RgbImage } from './image';
import {
  ConsoleModel, decodeFramebuffer, FbGeometry, fontFromGeneratedModule, Format, generatedFontPath, quantizeImage, bytesPerPixel, ModelFont,
} from './model';

const PROGRAM = path.join(repoRoot, 'tests', 'subset', 'fbcon', 'render.ts');
const FIXTURES = path.join(repoRoot, 'tests', 'fixtures', 'fbcon');
const UPDATE = process.env.TSBOOT_UPDATE_FIXTURES === '1';
const FILL = 0x5a;
const TAIL = 64;

interface Dump { name: string; geo: FbGeometry; mem: Buffer }
interface Output { dumps: Map<string, Dump>; lines: string[]; raw: Buffer }

let output: Output | undefined;
let font: ModelFont | undefined;

/** Splits the program's stdout into dumps and `@@` lines. */
function parseOutput(raw: Buffer): Output {
  const marker = Buffer.from('\n@@FBCON-DUMP ');
  const dumps = new Map<string, Dump>();
  const text: string[] = [];
  let p = 0;
  for (;;) {
    const m = raw.indexOf(marker, p);
    if (m < 0) { text.push(raw.toString('latin1', p)); break; }
    text.push(raw.toString('latin1', p, m));
    const nl = raw.indexOf(0x0a, m + marker.length);
    const f = raw.toString('latin1', m + marker.length, nl).split(' ');
    const [name, ...nums] = f;
    const [width, height, pitch, bpp, format, r, g, b, n] = nums.map(Number);
    const mem = raw.subarray(nl + 1, nl + 1 + n);
    assert.is(mem.length, n, `dump ${name} is truncated`);
    dumps.set(name, { name, geo: { width, height, pitch, bpp, format: format as Format, masks: [r, g, b] }, mem });
    p = nl + 1 + n;
  }
  const lines = text.join('').split('\n').filter((l) => l.startsWith('@@')).map((l) => l.slice(2));
  return { dumps, lines, raw };
}

function run(): Output {
  if (output) return output;
  assert.ok(compilerBuilt(), 'the compiler is not built (build/js/toolchain/src/cli.js); run npx tsc -p tsconfig.json');
  const dir = makeTempDir('fbcon');
  try {
    const exe = path.join(dir, 'render');
    const c = compileSubset(PROGRAM, { target: 'x86_64-linux', opt: 'O2', out: exe });
    assert.is(c.status, 0, `compiling ${PROGRAM} failed:\n${c.stdout}${c.stderr}`);
    // Binary output: spawn directly (natively on x86_64, through qemu-x86_64 elsewhere).
    const how = runnerFor('x86_64', exe);
    const r = spawnSync(how.cmd, how.args, { timeout: 60_000, maxBuffer: 256 << 20 });
    assert.is(r.status, 0, `the render program exited with ${r.status} (signal ${r.signal}):\n${(r.stdout ?? Buffer.alloc(0)).toString('latin1').slice(-2000)}\n${r.stderr}`);
    output = parseOutput(r.stdout as Buffer);
    assert.ok(output.lines.includes('END'), 'the render program did not reach its end marker');
    return output;
  } finally {
    removeDir(dir);
  }
}

function modelFont(): ModelFont {
  return (font ??= fontFromGeneratedModule(generatedFontPath(repoRoot)));
}

function dump(name: string): Dump {
  const d = run().dumps.get(name);
  assert.ok(d, `the render program wrote no dump named ${name}`);
  return d!;
}

/** Everything outside the visible pixels must still hold the fill byte. */
function checkUntouched(d: Dump): void {
  const bpp = bytesPerPixel(d.geo);
  const visible = d.geo.width * bpp;
  for (let y = 0; y < d.geo.height; y++) {
    for (let o = y * d.geo.pitch + visible; o < (y + 1) * d.geo.pitch; o++) {
      if (d.mem[o] !== FILL) assert.unreachable(`${d.name}: byte ${o - y * d.geo.pitch} of scanline ${y} lies beyond the visible width (${visible} bytes) and was written (0x${d.mem[o].toString(16)})`);
    }
  }
  const end = d.geo.pitch * d.geo.height;
  for (let o = end; o < end + TAIL; o++) {
    if (d.mem[o] !== FILL) assert.unreachable(`${d.name}: byte ${o - end} after the last scanline was written`);
  }
}

function compareFixture(name: string, actual: RgbImage, cell: { w: number; h: number }): void {
  const file = path.join(FIXTURES, `${name}.png`);
  if (UPDATE) {
    fs.mkdirSync(FIXTURES, { recursive: true });
    fs.writeFileSync(file, encodePng(actual));
    console.log(`    wrote ${path.relative(repoRoot, file)}`);
    return;
  }
  assert.ok(fs.existsSync(file), `reference image ${path.relative(repoRoot, file)} is missing; run with TSBOOT_UPDATE_FIXTURES=1 to create it (after checking the render)`);
  const expected = decodePng(fs.readFileSync(file), file);
  const d = diffImages(expected, actual);
  assert.is(d.count, 0, `${name}: differs from ${path.relative(repoRoot, file)}: ${describeDiff(d, cell)}`);
}

/** Decodes a dump, compares it with the model's rendering and with the reference image. */
function check(name: string, fixture: string, drive: (m: ConsoleModel) => void): ConsoleModel {
  const d = dump(name);
  checkUntouched(d);
  const actual = decodeFramebuffer(d.mem, d.geo);
  const m = new ConsoleModel(modelFont(), d.geo.width, d.geo.height);
  drive(m);
  const expected = quantizeImage(m.img, d.geo);
  const diff = diffImages(expected, actual);
  assert.is(diff.count, 0, `${name}: the framebuffer differs from the model: ${describeDiff(diff, { w: m.cellW, h: m.cellH })}`);
  compareFixture(fixture, actual, { w: m.cellW, h: m.cellH });
  return m;
}

// The text the program prints in its text scenarios (mainText in render.ts), byte for byte.
const MAIN_TEXT =
  '[kernel] fbcon test\n' +
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\n' +
  'tab\there\tx\n' +
  '\x1b[31mred \x1b[1;32mbright green\x1b[0m \x1b[44mblue bg\x1b[0m \x1b[93myellow\x1b[39m.\n' +
  'caf\u00e9 \u2713 bs\b!\rCR\x07\n' +
  '0123456789012345678901234567890123456789X' +
  '\n' +
  'last' +
  '\nend \x1b[?25l\x1b(Bok';

for (const [name, fixture] of [['rgb', 'text'], ['bgr', 'text'], ['mask30', 'text'], ['mask24', 'text'], ['mask565', 'text-565'], ['mask565auto', 'text-565']]) {
  test(`text in ${name}: matches the model and tests/fixtures/fbcon/${fixture}.png`, () => {
    const m = check(name, fixture, (m) => m.write(MAIN_TEXT));
    // 331x150 at 8x16: 41 columns, 9 rows; the text is 10 lines, so it scrolled once.
    assert.is(m.cols, 41);
    assert.is(m.rows, 9);
  });
}

test('the pixel formats really differ in memory (same picture, different bytes)', () => {
  const rgb = dump('rgb');
  const bgr = dump('bgr');
  // The bright-green 'b' of "bright green" and the red 'r' of "red" sit in row 4 (after one scroll).
  const font = modelFont();
  const y = 4 * font.height + 8;
  let redAt = -1;
  for (let x = 0; x < 4 * font.width && redAt < 0; x++) {
    const o = y * rgb.geo.pitch + x * 4;
    if (rgb.mem[o] === 0xaa && rgb.mem[o + 2] === 0) redAt = x;
  }
  assert.ok(redAt >= 0, 'a red (0xAA0000) pixel of "red" in row 4 of the RGB dump, stored as bytes AA 00 00');
  const ob = y * bgr.geo.pitch + redAt * 4;
  assert.equal([...bgr.mem.subarray(ob, ob + 3)], [0x00, 0x00, 0xaa], 'the same pixel in the BGR dump is stored as 00 00 AA');
  const m30 = dump('mask30');
  const o30 = y * m30.geo.pitch + redAt * 4;
  assert.is(m30.mem.readUInt32LE(o30), 682 << 20, 'and in 10:10:10 as red 682/1023 in bits 20..29');
  const m24 = dump('mask24');
  const o24 = y * m24.geo.pitch + redAt * 3;
  assert.equal([...m24.mem.subarray(o24, o24 + 3)], [0xaa, 0x00, 0x00], 'and in 24-bit pixels as 3 bytes');
  const m16 = dump('mask565');
  assert.is(m16.mem.readUInt16LE(y * m16.geo.pitch + redAt * 2), 21 << 11, 'and in 5:6:5 as red 21/31');
});

test('glyph pixels land in their cells: "A" of the ASCII line, pixel by pixel from the font', () => {
  const d = dump('rgb');
  const font = modelFont();
  const img = decodeFramebuffer(d.mem, d.geo);
  // After one scroll, the ASCII line starts in row 0: ' ' is column 0, so 'A' (0x41) is column 33.
  const col = 0x41 - 0x20;
  const row = 0;
  const glyph = font.glyphs[0x41 - 0x20];
  let on = 0;
  for (let y = 0; y < font.height; y++) {
    for (let x = 0; x < font.width; x++) {
      const bit = (glyph[y * font.rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
      const px = img.pixels[(row * font.height + y) * d.geo.width + col * font.width + x];
      assert.is(px, bit ? 0xaaaaaa : 0x000000, `pixel (${x}, ${y}) of 'A'`);
      on += bit;
    }
  }
  assert.ok(on > 10, 'the font has a visible A');
});

test('scrolling: 12 lines on a 20x5 screen leave lines 09..12 and an empty cursor row', () => {
  const m = check('scroll', 'scroll', (m) => {
    for (let i = 1; i <= 12; i++) m.write(`line ${String(i).padStart(2, '0')}\n`);
  });
  assert.is(m.rows, 5);
  // Independently of the model: row 0 must show "line 09", drawn straight from the font.
  const d = dump('scroll');
  const img = decodeFramebuffer(d.mem, d.geo);
  const font = modelFont();
  const text = 'line 09';
  for (let i = 0; i < text.length; i++) {
    const g = font.glyphs[text.charCodeAt(i) - 0x20];
    for (let y = 0; y < font.height; y++) {
      for (let x = 0; x < font.width; x++) {
        const bit = (g[y * font.rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
        assert.is(img.pixels[y * d.geo.width + i * font.width + x], bit ? 0xaaaaaa : 0, `row 0 "${text}" char ${i} pixel (${x}, ${y})`);
      }
    }
  }
  // The last text row is the cleared cursor row; the bottom margin (80 - 5*16 = 0) is empty.
  for (let y = 4 * font.height; y < 5 * font.height; y++) for (let x = 0; x < d.geo.width; x++) assert.is(img.pixels[y * d.geo.width + x], 0);
});

test('PASS verdict: green letters below the text; the sink forwarded every byte to the next sink', () => {
  const m = check('pass', 'pass', (m) => {
    m.write('[kernel] all 6 checks passed\n[kernel] PASS\n');
    m.verdict(true);
  });
  const tee = run().lines.find((l) => l.startsWith('TEE '));
  assert.is(tee, `TEE ${'[kernel] all 6 checks passed\n[kernel] PASS\n'.length}`);
  const d = dump('pass');
  const img = decodeFramebuffer(d.mem, d.geo);
  const green = img.pixels.filter((p) => p === 0x00d000).length;
  assert.ok(green > 200, `many verdict-green pixels (${green})`);
  assert.ok(m.band && m.band.y === 2 * 16, 'the band starts right below the two text lines');
});

test('FAIL verdict on a full 5:6:5 screen: text scrolls up, the reason stays visible, red letters', () => {
  const m = check('fail', 'fail-565', (m) => {
    for (let i = 1; i <= 10; i++) m.write(`line ${i}\n`);
    m.write('[kernel] FAIL: a reason long enough to wrap onto the next line');
    m.verdict(false);
  });
  const d = dump('fail');
  const img = decodeFramebuffer(d.mem, d.geo);
  const red = img.pixels.filter((p) => p === 0xff2020 || p === 0xff2021 || p === 0xff2420 || p === 0xff2421).length;
  assert.ok(red > 200, `many red pixels (${red})`);
  assert.ok(m.band && m.band.y + m.band.h === m.rows * m.cellH, 'the band ends at the last text row');
});

test('scale 2 and explicit colours', () => {
  const m = check('scale2', 'scale2', (m) => {
    m.setScale(2);
    m.write('Scale 2');
    m.setColors(0x102030, 0xf0e0d0);
    m.write('\nColors!\n');
  });
  assert.is(m.cols, 20);
  assert.is(m.rows, 4);
});

test('layout and scale choices for common screens', () => {
  const lines = run().lines;
  assert.ok(lines.includes('LAYOUT 1280x780 160 48 1'), `1280x780: 160 columns, 48 rows, scale 1 (got ${lines.find((l) => l.startsWith('LAYOUT'))})`);
  const want: Record<string, string> = { '800x600': '1 7', '1280x800': '1 10', '1920x1080': '2 13', '2560x1600': '2 20', '3840x2160': '4 27' };
  for (const [size, v] of Object.entries(want)) assert.ok(lines.includes(`SCALE ${size} ${v}`), `${size}: text scale and verdict scale ${v} (got ${lines.find((l) => l.startsWith(`SCALE ${size}`))})`);
});

test('unusable framebuffers are refused with a reason, and then nothing is drawn', () => {
  const lines = run().lines.filter((l) => l.startsWith('INIT '));
  const want: Record<string, string> = {
    ok: 'accepted',
    'null-base': 'refused no framebuffer',
    'format-none': 'refused unsupported pixel format',
    'pitch-too-small': 'refused pitch',
    'masks-overlap': 'refused pixel masks',
    'mask-gap': 'refused pixel masks',
    'mask-empty': 'refused pixel masks',
    'bpp-too-small': 'refused bits per pixel',
    'too-small': 'refused screen smaller',
    'size-exceeded': 'refused width, height and pitch exceed',
    'size-exact': 'accepted',
    'refused-then-print': 'refused pitch',
  };
  for (const [k, v] of Object.entries(want)) {
    const l = lines.find((x) => x.startsWith(`INIT ${k} `));
    assert.ok(l && l.startsWith(`INIT ${k} ${v}`), `${k}: expected "${v}...", got ${JSON.stringify(l)}`);
  }
  const d = dump('refused');
  assert.ok(d.mem.every((b) => b === FILL), 'after a refused init, printing and a verdict left the memory untouched');
});

test('aarch64-linux (under qemu-aarch64) and x86_64 -O0 builds draw byte-identical framebuffers', () => {
  const x86 = run().raw;
  const dir = makeTempDir('fbcon-cross');
  try {
    for (const [target, opt] of [['aarch64-linux', 'O2'], ['x86_64-linux', 'O0']] as const) {
      const exe = path.join(dir, `render-${target}-${opt}`);
      const c = compileSubset(PROGRAM, { target, opt, out: exe });
      assert.is(c.status, 0, `compiling for ${target} -${opt} failed:\n${c.stdout}${c.stderr}`);
      const how = runnerFor(target.startsWith('aarch64') ? 'aarch64' : 'x86_64', exe);
      const r = spawnSync(how.cmd, how.args, { timeout: 120_000, maxBuffer: 256 << 20 });
      assert.is(r.status, 0, `${target} -${opt}: exited with ${r.status} ${r.error ? r.error.message : ''}`);
      assert.ok((r.stdout as Buffer).equals(x86), `${target} -${opt}: output differs from x86_64 -O2`);
    }
  } finally {
    removeDir(dir);
  }
});

test.run();
