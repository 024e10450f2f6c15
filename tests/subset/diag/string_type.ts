// Rejected: `string` values. Use cstr/wstr (string literals only).
function greet(s: string): void { }
export function main(): i32 {
  let s: string = "hi";
  return 0;
}
