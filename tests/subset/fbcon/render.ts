// Drives the framebuffer console (common/fbcon) against an in-memory framebuffer on
// *-linux, for tests/fbcon/render.test.ts. Each scenario initialises the console on a
// region of `fbmem` with a given geometry and pixel format, draws, and writes the raw
// memory to stdout after a header line:
//   \n@@FBCON-DUMP <name> <width> <height> <pitch> <bpp> <format> <red> <green> <blue> <bytes>\n<bytes raw bytes>
// The region is filled with 0x5A first and dumped with TAIL extra bytes, so the test can
// see that nothing outside the visible pixels was written. Other result lines start `@@`.
// Text printed with print() also reaches stdout (the console sink tees); the test ignores
// everything that is not a record.
import { FbFormat } from "../../../common/bootinfo";
import { fbcon, fbconSink, fbconAutoScale, fbconVerdictScale } from "../../../common/fbcon/fbcon";

/** @symbol tsboot_console_write */
declare function consoleWrite(p: Ptr<u8>, n: usize): void;

const FB_BYTES: u64 = 4_000_000;
const TAIL: u64 = 64;
let fbmem: Arr<u8, 4_000_064>;
let teeCount: u64 = 0;

function fbAddr(): u64 {
  return addr(addressOf(fbmem[0]));
}

function fill(): void {
  memset(addressOf(fbmem[0]), 0x5A, FB_BYTES + TAIL);
}

function sp(): void {
  print(" ");
}

function dump(name: cstr, w: u32, h: u32, pitch: u32, bpp: u32, fmt: FbFormat, r: u32, g: u32, b: u32): void {
  setConsoleSink(null);
  let n: u64 = u64(pitch) * u64(h);
  print("\n@@FBCON-DUMP ");
  print(name); sp();
  printU(w); sp(); printU(h); sp(); printU(pitch); sp(); printU(bpp); sp();
  printU(fmt); sp(); printU(r); sp(); printU(g); sp(); printU(b); sp();
  printU(n + TAIL);
  print("\n");
  consoleWrite(addressOf(fbmem[0]), n + TAIL);
}

function start(w: u32, h: u32, pitch: u32, bpp: u32, fmt: FbFormat, r: u32, g: u32, b: u32): void {
  fill();
  if (!fbcon.initRaw(fbAddr(), FB_BYTES, w, h, pitch, bpp, fmt, r, g, b)) {
    print("\n@@ERROR init failed: ");
    println(fbcon.error);
    exit(1);
  }
  setConsoleSink(fbconSink);
}

/** The main text: every printable character, wrapping, tab, colours, UTF-8, CR, BS, scroll. */
function mainText(): void {
  print("[kernel] fbcon test\n");
  print(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\n");
  print("tab\there\tx\n");
  print("\x1b[31mred \x1b[1;32mbright green\x1b[0m \x1b[44mblue bg\x1b[0m \x1b[93myellow\x1b[39m.\n");
  print("caf\u00e9 \u2713 bs\b!\rCR\x07\n");
  print("0123456789012345678901234567890123456789X");
  print("\n");
  print("last");
  print("\nend \x1b[?25l\x1b(Bok");
}

function textScenario(name: cstr, w: u32, h: u32, pitch: u32, bpp: u32, fmt: FbFormat, r: u32, g: u32, b: u32): void {
  start(w, h, pitch, bpp, fmt, r, g, b);
  mainText();
  dump(name, w, h, pitch, bpp, fmt, r, g, b);
}

function countTee(c: u8): void {
  teeCount++;
}

function numberedLines(n: u32): void {
  for (let i: u32 = 1; i <= n; i++) {
    print("line ");
    printU(i);
    print("\n");
  }
}

function info(name: cstr, w: u32, h: u32): void {
  print("\n@@SCALE "); print(name); sp();
  printU(fbconAutoScale(w, h)); sp();
  printU(fbconVerdictScale(w, h)); print("\n");
}

function tryInit(name: cstr, base: u64, size: u64, w: u32, h: u32, pitch: u32, bpp: u32, fmt: FbFormat, r: u32, g: u32, b: u32): void {
  let ok: bool = fbcon.initRaw(base, size, w, h, pitch, bpp, fmt, r, g, b);
  print("\n@@INIT "); print(name); sp();
  print(ok ? "accepted" : "refused"); sp();
  println(fbcon.error);
}

export function main(): i32 {
  // The same text in every pixel format; odd pitches (in pixels and in bytes).
  textScenario("rgb", 331, 150, 336 * 4, 32, FbFormat.Rgbx8888, 0, 0, 0);
  textScenario("bgr", 331, 150, 339 * 4, 32, FbFormat.Bgrx8888, 0, 0, 0);
  textScenario("mask30", 331, 150, 333 * 4, 32, FbFormat.Bitmask, 0x3FF0_0000, 0x000F_FC00, 0x0000_03FF);
  textScenario("mask24", 331, 150, 333 * 3, 24, FbFormat.Bitmask, 0x0000FF, 0x00FF00, 0xFF0000);
  textScenario("mask565", 331, 150, 335 * 2, 16, FbFormat.Bitmask, 0xF800, 0x07E0, 0x001F);
  textScenario("mask565auto", 331, 150, 331 * 2, 0, FbFormat.Bitmask, 0xF800, 0x07E0, 0x001F);

  // Scrolling: 12 lines on a 20x5 screen, through fbcon.print (no sink).
  start(160, 80, 163 * 4, 32, FbFormat.Rgbx8888, 0, 0, 0);
  setConsoleSink(null);
  for (let i: u32 = 1; i <= 12; i++) {
    fbcon.print("line ");
    fbcon.putChar(u8(0x30 + i / 10));
    fbcon.putChar(u8(0x30 + i % 10));
    fbcon.putChar(10);
  }
  dump("scroll", 160, 80, 163 * 4, 32, FbFormat.Rgbx8888, 0, 0, 0);

  // Verdicts: PASS with room below the text; FAIL on a full 5:6:5 screen, cursor mid-line.
  start(320, 200, 320 * 4, 32, FbFormat.Rgbx8888, 0, 0, 0);
  fbcon.next = countTee;
  print("[kernel] all 6 checks passed\n[kernel] PASS\n");
  fbcon.next = null;
  fbcon.verdict(true);
  setConsoleSink(null);
  print("\n@@TEE ");
  printU(teeCount);
  print("\n");
  dump("pass", 320, 200, 320 * 4, 32, FbFormat.Rgbx8888, 0, 0, 0);

  start(320, 200, 322 * 2, 16, FbFormat.Bitmask, 0xF800, 0x07E0, 0x001F);
  numberedLines(10);
  print("[kernel] FAIL: a reason long enough to wrap onto the next line");
  fbcon.verdict(false);
  dump("fail", 320, 200, 322 * 2, 16, FbFormat.Bitmask, 0xF800, 0x07E0, 0x001F);

  // Scale 2 and explicit colours.
  start(331, 150, 331 * 4, 32, FbFormat.Bgrx8888, 0, 0, 0);
  fbcon.setScale(2);
  print("Scale ");
  printU(fbcon.scale);
  fbcon.setColors(0x102030, 0xF0E0D0);
  print("\nColors!\n");
  dump("scale2", 331, 150, 331 * 4, 32, FbFormat.Bgrx8888, 0, 0, 0);
  setConsoleSink(null);

  // Layout and scale choices for common screens.
  start(1280, 780, 1280 * 4, 32, FbFormat.Bgrx8888, 0, 0, 0);
  setConsoleSink(null);
  print("\n@@LAYOUT 1280x780 ");
  printU(fbcon.cols); sp(); printU(fbcon.rows); sp(); printU(fbcon.scale); print("\n");
  info("800x600", 800, 600);
  info("1280x800", 1280, 800);
  info("1920x1080", 1920, 1080);
  info("2560x1600", 2560, 1600);
  info("3840x2160", 3840, 2160);

  // Refusals; after one, the console must draw nothing.
  let b: u64 = fbAddr();
  tryInit("ok", b, FB_BYTES, 100, 50, 400, 32, FbFormat.Rgbx8888, 0, 0, 0);
  tryInit("null-base", 0, FB_BYTES, 100, 50, 400, 32, FbFormat.Rgbx8888, 0, 0, 0);
  tryInit("format-none", b, FB_BYTES, 100, 50, 400, 32, FbFormat.None, 0, 0, 0);
  tryInit("pitch-too-small", b, FB_BYTES, 100, 50, 399, 32, FbFormat.Bgrx8888, 0, 0, 0);
  tryInit("masks-overlap", b, FB_BYTES, 100, 50, 400, 32, FbFormat.Bitmask, 0xFF00, 0x0FF0, 0x000F);
  tryInit("mask-gap", b, FB_BYTES, 100, 50, 400, 32, FbFormat.Bitmask, 0xF0F, 0xF000, 0xF0);
  tryInit("mask-empty", b, FB_BYTES, 100, 50, 400, 32, FbFormat.Bitmask, 0, 0xF000, 0xF0);
  tryInit("bpp-too-small", b, FB_BYTES, 100, 50, 400, 16, FbFormat.Bitmask, 0xFF0000, 0xFF00, 0xFF);
  tryInit("too-small", b, FB_BYTES, 7, 50, 400, 32, FbFormat.Rgbx8888, 0, 0, 0);
  tryInit("size-exceeded", b, 400 * 49 + 399, 100, 50, 400, 32, FbFormat.Rgbx8888, 0, 0, 0);
  tryInit("size-exact", b, 400 * 49 + 400, 100, 50, 400, 32, FbFormat.Rgbx8888, 0, 0, 0);
  fill();
  tryInit("refused-then-print", b, FB_BYTES, 100, 50, 399, 32, FbFormat.Rgbx8888, 0, 0, 0);
  setConsoleSink(fbconSink);
  print("nothing may be drawn\n");
  fbcon.verdict(true);
  fbconClear2();
  dump("refused", 100, 50, 400, 32, FbFormat.Rgbx8888, 0, 0, 0);
  print("\n@@END\n");
  return 0;
}

function fbconClear2(): void {
  fbcon.setScale(2);
  fbcon.setColors(0xFFFFFF, 0xFFFFFF);
}
