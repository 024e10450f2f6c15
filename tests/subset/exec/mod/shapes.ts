// Part of the multi-file execution test (modules_main.ts): exports types, a struct, an
// enum, constants, a mutable variable and functions.
export const SCALE = 10;                      // untyped constant, folded where used
export const OFFSET: u32 = 7;
export enum Kind { Square = 1, Rect, Tri }
export interface Shape extends Struct { kind: Kind; w: u32; h: u32 }
export let created: u32 = 0;

export function makeShape(out: Ptr<Shape>, kind: Kind, w: u32, h: u32): void {
  out.kind = kind;
  out.w = w;
  out.h = h;
  created++;
}

export function area(s: Ptr<Shape>): u32 {
  switch (s.kind) {
    case Kind.Square: return s.w * s.w;
    case Kind.Rect: return s.w * s.h;
    default: return s.w * s.h / 2;
  }
}
