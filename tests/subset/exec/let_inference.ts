// `let i = 0` takes its type from its uses (docs/language.md, "The type of `let i = 0`");
// the wrap-around below shows the type each local got.
function takeU8(x: u8): u8 { return x; }
function wide(x: u64): u64 { return x; }

export function main(): i32 {
  let small = 250;                          // a u8: it flows into takeU8 (and into wide, by widening)
  for (let k: u32 = 0; k < 10; k++) small = takeU8(small) + 1;
  printU(wide(small)); print("\n");         // 260 wraps to 4
  const limit: u64 = 0x1_0000_0000;
  let j = 0;                                // a u64: compared with limit, so no i32 overflow
  while (j < limit) j += 0x4000_0000;
  printU(j); print("\n");
  let d = 0;                                // nothing decides: i32
  d -= 1;
  printI(i64(d)); print("\n");
  let total: u16 = 0;
  for (let i = 0; i < 3; i++) total += 40000; // i is an i32, total a u16: it wraps
  printU(u64(total)); print("\n");
  const xs: Arr<u32, 4> = [1, 2, 3, 4];
  let idx = 3;                              // only an index: usize
  printU(u64(xs[idx])); print("\n");
  return 0;
}
