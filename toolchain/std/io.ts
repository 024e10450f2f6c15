// Console output for every target. The bytes go to the target's console (stdout on linux,
// ConOut on uefi; none on elf) and to the optional sink, such as a serial port.

/** @symbol tsboot_console_write */
declare function consoleWrite(p: Ptr<u8>, n: usize): void;

let sink: (c: u8) => void = null;

export function setConsoleSink(s: (c: u8) => void): void {
  sink = s;
}

export function consoleSink(): (c: u8) => void {
  return sink;
}

/** Not inlined: a print of a string literal would otherwise become one sink call per
 *  character at every call site.
 * @noinline */
function emit(p: Ptr<u8>, n: usize): void {
  if (!target.elf) consoleWrite(p, n);
  if (sink != null) {
    for (let i: usize = 0; i < n; i++) sink(p[i]);
  }
}

export function print(s: cstr): void {
  const p: Ptr<u8> = cast<u8>(s);
  let n: usize = 0;
  while (p[n] != 0) n++;
  emit(p, n);
}

export function println(s: cstr): void {
  print(s);
  printChar(10);
}

export function printChar(c: u8): void {
  let b: u8 = c;
  emit(addressOf(b), 1);
}

/** Digits are produced backwards into a small buffer, then written in one piece. */
export function printU(v: u64): void {
  let buf: Arr<u8, 24>;
  let i: usize = 24;
  let x: u64 = v;
  do {
    i--;
    buf[i] = u8(48 + x % 10);
    x = x / 10;
  } while (x != 0);
  emit(ptrAdd(cast<u8>(addressOf(buf)), i64(i)), 24 - i);
}

export function printI(v: i64): void {
  if (v < 0) {
    printChar(45);
    printU(0 - u64(v));
  } else {
    printU(u64(v));
  }
}

const HEX: cstr = "0123456789abcdef";

export function printHexW(v: u64, digits: u32): void {
  let buf: Arr<u8, 18>;
  let n: u32 = digits;
  if (n < 1) n = 1;
  if (n > 16) n = 16;
  buf[0] = 48;
  buf[1] = 120;
  const hex: Ptr<u8> = cast<u8>(HEX);
  for (let i: u32 = 0; i < n; i++) {
    buf[2 + i] = hex[(v >> (4 * (n - 1 - i))) & 15];
  }
  emit(cast<u8>(addressOf(buf)), usize(n + 2));
}

export function printHex(v: u64): void {
  let digits: u32 = 1;
  while (digits < 16 && (v >> (4 * digits)) != 0) digits++;
  printHexW(v, digits);
}
