// `/** @repr T */` enums and `/** @align N */` globals and structs (docs/language.md,
// "Layout attributes").
/** @repr u8 */
enum Color { Red = 1, Green, Blue = 0xFF }
/** @repr i16 */
enum Delta { Down = -1, None = 0, Up = 1 }
/** @repr u64 */
enum Big { Top = 0xFFFF_0000_0000_0000 }
interface Pixel extends Struct { c: Color; d: Delta; x: u8 }
/** @align 64 */
interface Line extends Struct { a: u32 }

/** @align 4096 */
let page: Arr<u8, 16>;
let after: u8;
/** @align 16 */
let lines: Arr<Line, 2>;

function next(c: Color): Color { return c === Color.Blue ? Color.Red : ((c + 1) as Color); }

export function main(): i32 {
  printU(sizeof<Color>()); print(" "); printU(sizeof<Pixel>()); print(" "); printU(sizeof<Big>()); print("\n");
  printU(alignof<Line>()); print(" "); printU(sizeof<Line>()); print(" "); printU(sizeof<Arr<Line, 2>>()); print("\n");
  printU(addr(addressOf(page)) % 4096); print(" "); printU(addr(addressOf(lines[1])) % 64); print("\n");
  const p: Pixel = { c: Color.Green, d: Delta.Down, x: 7 };
  const raw: u8 = p.c;
  const d: i16 = p.d;
  printU(u64(raw)); print(" "); printI(i64(d)); print(" "); printU(u64(next(Color.Blue))); print("\n");
  const b: u64 = Big.Top;
  printHex(b); print("\n");
  after = 1;
  return 0;
}
