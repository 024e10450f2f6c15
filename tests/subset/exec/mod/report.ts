// Part of the multi-file execution test: imports from a sibling module and re-exports
// a function used by the entry module.
import { area, type Shape, SCALE, OFFSET } from "./shapes";

export function scaledArea(s: Ptr<Shape>): u32 {
  return area(s) * SCALE + OFFSET;
}

export function line(label: cstr, v: u32): void {
  print(label); print(": "); printU(u64(v)); print("\n");
}
