// Rejected: `object` types and object literal types. Use a Struct interface.
export function main(): i32 {
  let o: object = null;
  let p: { a: u32 } = { a: 1 };
  return 0;
}
