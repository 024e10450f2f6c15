// Division by a constant zero: an error where the compiler evaluates it (constants,
// module initialisers, case labels), a warning in a function, which panics when it runs.
const D = 1 / 0;
let g: u32 = 4 % 0;
function never_called(x: u32): u32 {
  return x / 0;
}
export function main(): i32 {
  let k: u32 = 3;
  switch (k) {
    case 1 / 0: return 1;
  }
  return i32(never_called(1));
}
