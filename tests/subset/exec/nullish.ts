// Nullish values (docs/language.md, "Nullish values"): `a ?? b` on pointers and optional
// chains (a evaluated once; b only when a is null or a link of its chain is), `p ??= q`,
// and `Ptr<T> | null` as a type.
interface Node extends Struct { x: u32; next: Ptr<Node> | null }

let n1: Node;
let n2: Node;
let n3: Node;
let evaluations: u32 = 0;
let fallbacks: u32 = 0;

function counted(p: Ptr<Node> | null): Ptr<Node> | null { evaluations++; return p; }
function fallback(): Ptr<Node> { fallbacks++; return addressOf(n3); }
function xOf(p: Ptr<Node> | null): u32 { return p?.next?.x ?? 7; }
function name(s: cstr | null): cstr { return s ?? "anonymous"; }

function line(label: cstr, v: u64): void { print(label); print("="); printU(v); print("\n"); }

export function main(): i32 {
  n1.x = 1; n1.next = addressOf(n2);
  n2.x = 0; n2.next = null;
  n3.x = 3;
  line("chain, x is 0", u64(xOf(addressOf(n1))));   // 0: x itself is 0, no link is null
  line("chain, next null", u64(xOf(addressOf(n2)))); // 7
  line("chain, p null", u64(xOf(null)));             // 7
  const some = counted(addressOf(n1)) ?? fallback();
  line("some.x", u64(some.x));
  line("evaluations", u64(evaluations));
  line("fallbacks", u64(fallbacks));
  const none = counted(null) ?? fallback();
  line("none.x", u64(none.x));
  line("evaluations", u64(evaluations));
  line("fallbacks", u64(fallbacks));
  let cur: Ptr<Node> | null = null;
  cur ??= addressOf(n2);
  line("??= on null", cur == addressOf(n2) ? 1 : 0);
  cur ??= fallback();
  line("??= on non-null keeps", cur == addressOf(n2) ? 1 : 0);
  line("fallbacks", u64(fallbacks));
  const deep = n2.next?.next ?? addressOf(n1);
  line("deep.x", u64(deep.x));
  print(name(null)); print(" "); print(name("ann")); print("\n");
  line("sum", u64((n1.next ?? addressOf(n3)).x + (n2.next ?? addressOf(n3)).x));
  return 0;
}
