// Struct and array values as parameters and results of class members, passed as for any
// function (a result through a hidden sret pointer, a parameter as a pointer to a copy the
// callee owns): constructors, methods on values and through pointers, getters and
// setters, static methods, a method of a base class, and chains of calls.
interface Point extends Struct { x: i32; y: i32 }
interface Rect extends Struct { min: Point; max: Point }

class Shape {
  bounds: Rect;
  constructor(r: Rect) { this.bounds = r; }
  corner(): Point { return this.bounds.max; }
  area(): i64 { return i64(this.bounds.max.x - this.bounds.min.x) * i64(this.bounds.max.y - this.bounds.min.y); }
}

class Path extends Shape {
  steps: Arr<Point, 4>;
  n: u32 = 0;
  constructor(start: Point) { super({ min: start, max: start }); this.add(start); }
  add(p: Point): Path {
    p.x += 0;                                            // the callee's own copy
    this.steps[this.n++] = p;
    if (p.x > this.bounds.max.x) this.bounds.max.x = p.x;
    if (p.y > this.bounds.max.y) this.bounds.max.y = p.y;
    return this;                                         // a copy of the whole object
  }
  get last(): Point { return this.steps[this.n - 1]; }
  set last(p: Point) { this.steps[this.n - 1] = p; }
  ends(): Arr<Point, 2> { return [this.steps[0], this.last]; }
  static mid(a: Point, b: Point): Point { return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }; }
}

function move(p: Ptr<Path>, by: Point): Point {
  const l = p.last;
  p.last = { x: l.x + by.x, y: l.y + by.y };
  return p.last;
}

export function main(): i32 {
  let start: Point = { x: 1, y: 2 };
  let path = new Path(start);
  path.add({ x: 5, y: 3 });
  const snapshot = path.add({ x: 4, y: 8 });
  start.x = 100;                                         // the constructor took a copy
  printI(path.steps[0].x); print(" "); printU(snapshot.n); print(" "); printI(path.corner().y); print("\n"); // 1 3 8
  printI(path.area()); print(" "); printI(path.last.y); print("\n");                                     // 24 8
  const m = move(addressOf(path), { x: 10, y: -8 });
  printI(m.x); print(" "); printI(path.last.y); print(" "); printI(snapshot.last.x); print("\n");       // 14 0 4
  const [a, b] = path.ends();
  const c = Path.mid(a, b);
  printI(c.x); print(" "); printI(c.y); print(" "); printI(new Shape(path.bounds).corner().x); print("\n"); // 7 1 5
  return 0;
}
