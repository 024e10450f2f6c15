// Optional chaining (docs/language.md): each `?.` tests the pointer before it for null;
// a chain that short-circuits is the zero of its type (0, false, null), and a void call
// in it is skipped.
interface Node extends Struct { value: u32; ok: bool; next: Ptr<Node>; inner: Inner; cb: (x: u32) => void }
interface Inner extends Struct { depth: u16 }

let calls: u32 = 0;
function count(x: u32): void { calls += x; }

let a: Node;
let b: Node;
let table: Arr<u32, 4> = [10, 20, 30, 40];

function value(p: Ptr<Node>): u32 { return p?.value; }
function second(p: Ptr<Node>): u32 { return p?.next?.value; }
function depth(p: Ptr<Node>): u16 { return p?.inner.depth; }
function element(p: Ptr<u32>, i: u32): u32 { return p?.[i]; }

export function main(): i32 {
  a.value = 7; a.ok = true; a.next = addressOf(b); a.inner.depth = 3; a.cb = count;
  b.value = 9; b.next = null;
  let none: Ptr<Node> = null;
  printU(u64(value(addressOf(a)))); print(" "); printU(u64(value(none))); print("\n");
  printU(u64(second(addressOf(a)))); print(" "); printU(u64(second(addressOf(b)))); print(" ");
  printU(u64(second(none))); print("\n");
  printU(u64(depth(addressOf(a)))); print(" "); printU(u64(depth(none))); print("\n");
  printU(u64(element(addressOf(table[0]), 2))); print(" "); printU(u64(element(null, 2))); print("\n");
  let pa: Ptr<Node> = addressOf(a);
  if (pa?.ok) print("a ok\n");
  if (!(none?.ok)) print("none not ok\n");
  let n: Ptr<Node> = a.next?.next;          // null when b.next is null
  if (n == null) print("null\n");
  a.cb?.(5);                                // called
  b.cb?.(100);                              // b.cb is null: skipped
  none?.cb(1000);                           // none is null: skipped
  printU(u64(calls)); print("\n");
  return 0;
}
