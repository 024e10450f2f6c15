// Rejected: destructuring. Use fields and indexes.
interface P extends Struct { x: u32; y: u32 }
let pt: P;
let arr: Arr<u32, 2>;
function f({ x, y }: P): u32 { return x + y; }
export function main(): i32 {
  let { x, y } = pt;
  let [a, b] = arr;
  return 0;
}
