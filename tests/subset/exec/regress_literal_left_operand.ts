// Regression (found by the differential fuzzer): a binary operation whose LEFT operand is a
// literal took its type from the surrounding context instead of from the other operand.
// docs/language.md: "Both operands of a binary operator have one type" and literals are
// typed by "the other operand", so `0 - b` with b: u8 is u8 arithmetic exactly like
// `b - 0x20` is; the u8 result is then widened. tsboot computed `0 - b` at u32 here
// (printing 0xfffffff1) while `b - 0x20` was correctly u8.
export function main(): i32 {
  let b: u8 = 0x10;
  let x: u32 = 1;
  let r: u32 = x * ((0 - b) + 1);   // u8: 0xF0 + 1 = 0xF1, then widened
  printHex(u64(r)); print("\n");
  let s: u32 = x * (b - 0x20);      // u8: 0xF0
  printHex(u64(s)); print("\n");
  let w: u64 = x + (1 - b);         // u8: 0xF1, widened, + 1
  printHex(w); print("\n");
  return 0;
}
