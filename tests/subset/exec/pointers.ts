// Ptr<T>: field access through a pointer, indexing, ptrAdd/byteAdd/ptrDiff, cast,
// addressOf (global, local, field, element), null comparisons, unsigned address order.
interface Node extends Struct { value: u32; next: Ptr<Node> }
interface Pair extends Struct { a: u16; b: u64 }

let nodes: Arr<Node, 4>;
let words: Arr<u32, 8>;
let pair: Pair;

function sumList(head: Ptr<Node>): u32 {
  let s: u32 = 0;
  let p: Ptr<Node> = head;
  while (p != null) { s += p.value; p = p.next; }
  return s;
}

function fill(p: Ptr<u32>, n: u32): void {
  for (let i: u32 = 0; i < n; i++) p[i] = i * i;
}

export function main(): i32 {
  for (let i: u32 = 0; i < 4; i++) {
    nodes[i].value = (i + 1) * 10;
    nodes[i].next = i < 3 ? addressOf(nodes[i + 1]) : null;
  }
  printU(u64(sumList(addressOf(nodes[0])))); print(" "); printU(u64(sumList(addressOf(nodes[2])))); print("\n");

  let w: Ptr<u32> = addressOf(words[0]);
  fill(w, 8);
  printU(u64(words[7])); print(" "); printU(u64(w[3])); print("\n");
  let third: Ptr<u32> = ptrAdd(w, 3);
  printU(u64(third[0])); print(" "); printU(u64(ptrAdd(third, -1)[0])); print("\n");
  let back: Ptr<u32> = byteAdd(third, -4);
  printU(u64(back[0])); print("\n");
  let n: isize = ptrDiff(ptrAdd(w, 7), w);
  printI(n); print(" "); printI(ptrDiff(w, third)); print("\n");
  printU(addr(third) - addr(w)); print("\n");

  // Reinterpret: the bytes of a u32 array, little-endian on both targets.
  words[0] = 0x1122_3344;
  let bytes: Ptr<u8> = cast<u8>(w);
  printHex(u64(bytes[0])); print(" "); printHex(u64(bytes[3])); print("\n");
  bytes[1] = 0xAB;
  printHex(u64(words[0])); print("\n");

  // Pointer to a field, written through.
  let pb: Ptr<u64> = addressOf(pair.b);
  pb[0] = 0xDEAD_BEEF_0000_0001;
  let pp: Ptr<Pair> = addressOf(pair);
  printHex(pp.b); print(" "); printU(addr(pb) - addr(pp)); print("\n");
  pp.a = 0xFFFF;
  pp.a++;
  printU(u64(pair.a)); print("\n");

  // A local's address.
  let local: u64 = 5;
  let pl: Ptr<u64> = addressOf(local);
  pl[0] += 10;
  printU(local); print("\n");

  // Integer <-> pointer and comparisons.
  let raw: u64 = addr(w);
  let again: Ptr<u32> = ptr<u32>(raw + 8);
  printU(u64(again[0])); print("\n");
  if (w < again && again > w && w != again && !(w == again)) print("ordered\n");
  let hi: Ptr<u8> = ptr<u8>(0xFFFF_FFFF_FFFF_F000);
  let lo: Ptr<u8> = ptr<u8>(0x1000);
  if (lo < hi) print("unsigned\n");
  let nothing: Ptr<Node> = null;
  if (nothing == null) print("null\n");
  let vp: Ptr<void> = w;                // any pointer converts to Ptr<void>
  let w2: Ptr<u32> = cast<u32>(vp);
  printU(u64(w2[2])); print("\n");
  return 0;
}
