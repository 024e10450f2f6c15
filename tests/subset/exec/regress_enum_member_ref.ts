// Regression (found by the exec suite): an enum member initialiser that names an earlier
// member of the same enum without qualification (valid TypeScript, a compile-time
// constant per docs/language.md) was rejected with
// "'A' cannot be used as a value here" / "an enum member must be a compile-time integer constant".
enum E { A = 3, B = A * 2, C = B + A, D }

export function main(): i32 {
  let b: u32 = E.B;
  let c: u32 = E.C;
  let d: u32 = E.D;
  printU(u64(b)); print(" "); printU(u64(c)); print(" "); printU(u64(d)); print("\n");
  return 0;
}
