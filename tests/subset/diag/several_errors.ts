// Several unrelated errors in one file: every one must be reported, in source order.
abstract class K { }
export function main(): i32 {
  var a: u32 = 5;
  let n: number = 1;
  let big: u8 = 300;
  let f = (): void => { big = 1; };
  if (big) big = 0;
  throw 1;
}
