// Rejected: template literals and Fmt outside their rules (docs/language.md, "Formatted output").
interface Pair extends Struct { a: u32; b: u32 }
function keep(m: Fmt): Fmt { return m; }
let saved: Fmt;
export function main(): i32 {
  const x: u32 = 7;
  const w: wstr = "wide";
  let p: Pair = { a: 1, b: 2 };
  println(hex(x));
  println(`${hex(x, 0)} ${hex(x, 17)} ${dec(x)} ${size(w)} ${hex(x, x)}`);
  println(`${p}`);
  println(w);
  println(x);
  const s: cstr = `x=${x}`;
  return 0;
}
