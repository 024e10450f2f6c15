// `let i = 0` takes its type from its uses; uses that disagree are an error naming both,
// and the literal must fit the type the uses chose.
function takesU8(x: u8): void {}
export function main(): i32 {
  const n: u64 = 10;
  let i = 0;
  takesU8(i);
  if (i < n) return 1;
  let big = 300;
  takesU8(big);
  return 0;
}
