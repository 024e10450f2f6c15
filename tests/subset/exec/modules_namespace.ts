// `import * as ns`: functions, types, enums, constants and variables of another module
// through its namespace (docs/language.md, "Modules, enums and constants").
import * as shapes from "./mod/shapes";
import * as report from "./mod/report";

let list: Arr<shapes.Shape, 2>;

export function main(): i32 {
  shapes.makeShape(addressOf(list[0]), shapes.Kind.Rect, 3, 5);
  const s: Ptr<shapes.Shape> = addressOf(list[1]);
  shapes.makeShape(s, shapes.Kind.Square, 2, 0);
  report.line("area", shapes.area(addressOf(list[0])));
  report.line("area", shapes.area(s));
  report.line("created", shapes.created);
  report.line("scale", shapes.SCALE + shapes.OFFSET);
  const f: (s: Ptr<shapes.Shape>) => u32 = shapes.area;
  report.line("via pointer", f(s));
  const k: u32 = list[1].kind === shapes.Kind.Square ? 1 : 0;
  report.line("square", k);
  report.line("addressOf", addr(addressOf(shapes.created)) != 0 ? 1 : 0);
  return 0;
}
