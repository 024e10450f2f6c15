// Each construct is named as it is written.
export default function main(): i32 {
  using q: u32 = 0;
  return i32(q);
}
function g(this: u32): void {}
export function h(public x: u32): void {}
interface A extends Struct { a: u32 }
interface A extends Struct { b: u32 }
interface B extends Struct, Packed { c: u32 }
interface C extends Struct { d: u32; d: u16; readonly e: u32 }
let c: C;
export function set(): void { c.e = 1; }
declare enum E { X }
