// Misused classes: each line has the diagnostic that says what to write instead.
interface Drawable { draw(): void }
class Point {
  x: u32 = 0;
  private secret: u32 = 1;
  protected inner: u32 = 2;
  readonly id: u32 = 3;
  #hidden: u32 = 4;
  label?: u32;
  untyped = u32(5);
  static count: u32 = 0;
  [key: string]: u32;
  constructor(private y: u32) {}
  get twice(): u32 { return this.x * 2; }
  abstract shape(): void;
  move(dx: u32): void { this.x += dx; }
  static make(): u32 { return this.x; }
  static {}
}
class Base { constructor(v: u32) {} }
class Derived extends Base {
  z: u32 = 0;
  constructor() { this.z = 1; super(2); }
}
class Oops extends Struct { a: u32 = 0; }
class Impl implements Drawable { draw(x: u32): void {} }
class Generic<T> { v: T; }
let made = new Point(4);
export function main(): i32 {
  let p = new Point(1);
  p.secret = 2;
  let q: u32 = p.inner;
  p.id = 5;
  p.twice = 3;
  p.twice++;
  let f = p.move;
  let d: Drawable = p;
  let s: u32 = p.count;
  let t: u32 = Point.x;
  let r = p instanceof Point;
  let c = class {};
  let b: u32 = super.x;
  return 0;
}
function wrongAddress(): void {
  let n: u32 = 0;
  let p: Ptr<u64> = addressOf<u64>(n);
}
@sealed
class Decorated { @watch x: u32 = 0; }
class Tables { static readonly SIZES: Arr<u8, 2> = [1, 2]; }
function overwrite(): void { Tables.SIZES = [3, 4]; }
