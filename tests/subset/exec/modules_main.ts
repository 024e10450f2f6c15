// Multi-file program: the entry imports functions, types, an enum, constants and a
// variable from ./mod/shapes.ts and ./mod/report.ts.
import { Kind, makeShape, created, type Shape, SCALE } from "./mod/shapes";
import { scaledArea, line } from "./mod/report";

let shapes: Arr<Shape, 3>;

export function main(): i32 {
  makeShape(addressOf(shapes[0]), Kind.Square, 4, 0);
  makeShape(addressOf(shapes[1]), Kind.Rect, 3, 5);
  makeShape(addressOf(shapes[2]), Kind.Tri, 6, 7);
  for (let i: u32 = 0; i < 3; i++) line("scaled", scaledArea(addressOf(shapes[i])));
  line("created", created);
  line("scale", SCALE);
  let k: u32 = shapes[2].kind;
  line("kind", k);
  return 0;
}
