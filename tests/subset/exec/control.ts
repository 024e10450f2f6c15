// if/else, while, do-while, for, labelled break/continue, switch with C fall-through, ?:.
function classify(n: i32): cstr {
  if (n < 0) return "neg";
  else if (n == 0) return "zero";
  else return "pos";
}

function sw(kind: u32): u32 {
  let n: u32 = 10;
  switch (kind) {
    case 1:
    case 2: n += 1; break;
    case 3: n += 100;            // falls through into 4
    case 4: n += 1000; break;
    case 5: { let t: u32 = kind * 2; n = t; break; }
    default: n = 0;
  }
  return n;
}

const enum Op { Add = 1, Sub, Neg }
function swEnum(op: Op, a: i32): i32 {
  switch (op) {
    case Op.Add: return a + 1;
    case Op.Sub: return a - 1;
    default: return -a;
  }
}

export function main(): i32 {
  print(classify(-5)); print(" "); print(classify(0)); print(" "); print(classify(7)); print("\n");

  let i: u32 = 0;
  let acc: u32 = 0;
  while (i < 10) { acc += i; i++; }
  printU(u64(acc)); print("\n");                               // 45

  let j: u32 = 100;
  do { j++; } while (j < 5);                                   // body runs once
  printU(u64(j)); print("\n");

  let s: u64 = 0;
  for (let k: u64 = 1; k <= 100; k++) {
    if (k % 2 == 0) continue;
    if (k > 50) break;
    s += k;
  }
  printU(s); print("\n");                                      // 1+3+...+49 = 625

  // The labelled loop from docs/language.md, with a trace.
  outer: for (let a: u32 = 0; a < 8; a++) {
    for (let b: u32 = 0; b < 8; b++) {
      if (b == a) continue outer;
      if (a * b > 20) break outer;
      printU(u64(a * 10 + b)); print(",");
    }
  }
  print("\n");

  // Labelled while with break from an inner do-while.
  let n: u32 = 0;
  search: while (true) {
    do {
      n++;
      if (n == 37) break search;
    } while (n % 10 != 0);
  }
  printU(u64(n)); print("\n");

  for (let kind: u32 = 0; kind < 7; kind++) { printU(u64(sw(kind))); print(" "); }
  print("\n");
  printI(i64(swEnum(Op.Add, 5))); print(" "); printI(i64(swEnum(Op.Sub, 5))); print(" "); printI(i64(swEnum(Op.Neg, 5))); print("\n");

  // ?: with nesting, on every width.
  let x: i64 = -3;
  let y: i64 = x < 0 ? -x : x;
  let z: u8 = y > 2 ? (y > 10 ? 1 : 2) : 3;
  printI(y); print(" "); printU(u64(z)); print("\n");

  // for with an empty body and complex update.
  let p: u32 = 1;
  for (; p < 1000; p *= 3) {}
  printU(u64(p)); print("\n");                                 // 2187
  return 0;
}
