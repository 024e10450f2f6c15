// Rejected: `new` and `this` outside classes too.
interface Point extends Struct { x: u32; y: u32 }
declare const Point: { new (): Point };
function getX(): u32 { return this.x; }
export function main(): i32 {
  let p: Point = new Point();
  return i32(p.x + getX());
}
