// Misuses of Slice<T> and for…of: iterating what is not an Arr or a Slice, assigning a
// const loop variable or index, a loop without a declaration, a binding pattern without
// entries(), entries() outside for…of, writing a slice's fields, bad slice() and sub()
// arguments, and an Arr of another element type.
let table: Arr<u32, 4>;
export function main(): i32 {
  const p: Ptr<u32> = addressOf(table[0]);
  const n: u32 = 3;
  let x: u32 = 0;
  for (const v of p) { x += v; }
  for (const v of n) { x += v; }
  for (const v of table) { v = 2; }
  for (const [i, v] of table.entries()) { i = 1; x += v; }
  for (x of table) { }
  for (const [i, v] of table) { }
  for (const [i] of table.entries()) { }
  const s: Slice<u32> = table;
  s.entries();
  s.length = 2;
  s.ptr = p;
  slice(p);
  slice(cast<void>(p), 3);
  slice(n, 3);
  const signed: i32 = 1;
  s.sub(signed, 2);
  s.sub(1);
  const w: Slice<u16> = table;
  return 0;
}
