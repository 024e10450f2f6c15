// for…of over Arr<T, N> and Slice<T>: elements by value (assigning a `let` loop variable
// or a field of it leaves the array alone), break, continue and labels, entries() with the
// index, a generic sum, structs as elements, an empty slice, and the iterated slice read
// once (changing the variable in the body does not change the loop).
interface P extends Struct { x: u32; y: u32 }
interface Holder extends Struct { items: Arr<u16, 3> }

function total<T extends number>(s: Slice<T>): u64 {
  let t: u64 = 0;
  for (const v of s) t += u64(v);
  return t;
}

export function main(): i32 {
  let a: Arr<u32, 4> = [1, 2, 3, 4];
  for (const x of a) { printU(u64(x)); print(","); }
  print(" ");
  for (let x of a) { x = x * 10; printU(u64(x)); print(","); }
  printU(u64(a[3])); print("\n");
  let s: Slice<u32> = a;
  for (const [i, x] of s.entries()) {
    if (i == 1) continue;
    if (x == 4) break;
    printU(i); print("="); printU(u64(x)); print(",");
  }
  print(" ");
  for (const [i, x] of a.entries()) { printU(i * u64(x)); print(","); }
  print("\n");
  let ps: Arr<P, 3> = [{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: 5, y: 6 }];
  let sum: u32 = 0;
  for (let p of ps) { p.x = 100; sum += p.x + p.y; }
  printU(u64(sum)); print(" "); printU(u64(ps[0].x)); print(" ");
  let bytes: Arr<u8, 3> = [250, 251, 252];
  printU(total(a)); print(" "); printU(total(bytes)); print(" "); printU(total(s.sub(2, 2))); print("\n");
  outer: for (const x of a) {
    for (const y of s.sub(0, 2)) {
      if (x == 3) break outer;
      printU(u64(x * y));
    }
  }
  print(" ");
  let n: u32 = 0;
  for (const x of s) { s = s.sub(0, 1); n += x; }
  printU(u64(n)); print(" ");
  let h: Holder = { items: [7, 8, 9] };
  const hp: Ptr<Holder> = addressOf(h);
  for (const v of hp.items) { printU(u64(v)); }
  print("\n");
  return 0;
}
