// `??` and `??=` test a pointer or an optional chain for null; `| null` only on a pointer type.
interface Node extends Struct { x: u32; next: Ptr<Node> }
function nothing(p: Ptr<Node>): void {}
let n: u32 | null = 3;
let either: u32 | u64 = 3;
export function main(): i32 {
  let x: u32 = 4;
  let p: Ptr<Node> = null;
  const a = x ?? 5;
  x ??= 6;
  const b = null ?? p;
  const c = p ?? 5;
  const d = p?.x ?? p;
  p?.next ??= p;
  return 0;
}
