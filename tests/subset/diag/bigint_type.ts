// Rejected: `bigint` and bigint literals. Use u64/i64.
export function main(): i32 {
  let x: bigint = 10n;
  return 0;
}
