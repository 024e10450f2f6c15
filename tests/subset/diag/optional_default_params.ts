// Default parameters: `b?: T` needs a default (there is no undefined), parameters after a
// default need one too, a default has the parameter's type and uses only earlier
// parameters, and a call passes at least every parameter without a default.
function f(a: u32, b?: u32): u32 { return a; }
function g(a: u32 = 1, b: u32): u32 { return a + b; }
function h(a: u32, b: u8 = 300): u32 { return a; }
function k(a: u32 = b, b: u32 = 2): u32 { return a; }
function m(a: u32, b: u32 = 7): u32 { return a + b; }
export function main(): i32 {
  for (let i: u32 = 0, j: u32 = 0; i < 3; i++, j++) {}
  let x: u32 = (1, 2);
  return i32(m() + m(1, 2, 3));
}
