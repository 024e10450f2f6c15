// Rejected: exceptions. Return a status code or call panic().
function check(n: u32): u32 {
  if (n > 10) throw n;
  return n;
}
export function main(): i32 {
  return i32(check(1));
}
