// Destructuring takes apart a struct ({ ... }) or an Arr ([ ... ]) value into new locals;
// every misuse names the part and says what to write.
interface Pair extends Struct { lo: u32; hi: u32 }
function pair(): Pair { return { lo: 1, hi: 2 }; }
function arr(): Arr<u32, 2> { return [1, 2]; }
export function main(): i32 {
  const { lo, mid } = pair();
  const [a, b, c] = arr();
  const { x } = arr();
  const [y] = pair();
  const { lo: l2 = 5 } = pair();
  const [...rest] = arr();
  const { hi: { z } } = pair();
  const { hi } = pair();
  hi = 3;
  let [p, q];
  return 0;
}
