// Template literals: every kind of substitution, the helpers, sinks of one's own (a
// function with a Fmt parameter), forwarding a Fmt, fmtWrite to a byte sink, format into a
// fixed buffer (truncating), and a panic hook that receives the rendered message.
// @exit 101
// @opts O0,O2,Oz
enum Color { Red, Green = 5, Blue }

let column: u32 = 0;
/** A byte sink: counts the bytes it is given and passes them on to the console. */
function countingPut(c: u8): void {
  column++;
  printChar(c);
}

/** A sink of our own: its callers pass template literals. */
function log(msg: Fmt): void {
  print("[log] ");
  println(msg);
}

/** Forwards its message into another template. */
function warn(code: u32, msg: Fmt): void {
  log(`warning ${code}: ${msg}`);
}

function onPanic(msg: Fmt, file: cstr, line: u32): void {
  let text: Arr<u8, 16>;
  const n: usize = format(addressOf(text[0]), 16, msg);
  println(`hook got "${msg}" from line ${line}; ${n} bytes fit in 16`);
}

export function main(): i32 {
  const a: u32 = 42;
  const b: i32 = -7;
  const big: u64 = 18446744073709551615;
  const small: i8 = -128;
  const p: Ptr<u8> = ptr<u8>(0x1234);
  const none: Ptr<u8> = null;
  const w: wstr = "wide é € 😀";
  const c: Color = Color.Green;
  const s: cstr = "cs";
  println(`a=${a} b=${b} big=${big} small=${small} t=${a > 3} f=${a < 3}`);
  println(`p=${p} none=${none} w=${w} s=${s} c=${c} ${Color.Blue} unknown=${3 as Color}`);
  println(`hex ${hex(a)} ${hex(b)} ${hex(small)} ${hex(a, 8)} ${hex(big, 4)} ${hex(p)} ${hex(0)}`);
  println(`dec [${dec(a, 5)}] [${dec(b, 4)}] [${dec(b, 1)}] [${dec(big, 22)}]`);
  println(`size ${size(0)} ${size(1023)} ${size(4096)} ${size(1536 * 1024)} ${size(3 * 1024 * 1024 * 1024)} ${size(4097)}`);
  println(`chr ${chr(65)}${chr(0x42)} mark \x01 and dollar $ {a} \${a} done`);
  println("joined " + `at compile time ${a}` +
    `${a > 40 ? ` (${a} > 40)` : ""}${a > 50 ? " (never)" : s}`);
  log(`nested ${a}`);
  log("plain");
  log(s);
  warn(3, `disk ${hex(a, 2)} is ${size(4096)}`);
  printW(w);
  println("");
  fmtWrite(`via fmtWrite ${a}\n`, countingPut);
  println(`${column} bytes went through the sink`);
  let buf: Arr<u8, 8>;
  const n: usize = format(addressOf(buf[0]), 8, `x=${a}${a}${a}`);
  constants();
  print(`format wrote ${n} bytes: `);
  for (let i: usize = 0; buf[i] != 0; i++) printChar(buf[i]);
  println("");
  assert(a == 42, `never shown ${a}`);
  setPanicHook(onPanic);
  panic(`stopped at ${a} with ${c}`);
}

const LIMIT: u32 = 64;
/** Constants are formatted at compile time; the text must be what the renderer prints. */
export function constants(): void {
  println(`${LIMIT} ${u8(200)} ${i32(-5)} ${true} ${hex(u32(0xBEEF))} ${hex(i8(-1))} ${hex(u16(7), 4)}`);
  println(`[${dec(i16(-42), 6)}] [${dec(LIMIT, 3)}] ${size(u64(2048))} ${size(u64(3) << 30)} ${chr(u8(0x7A))}`);
  println(`${Color.Blue} ${5 as Color} ${0}`);
}
